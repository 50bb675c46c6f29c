"""What humans read: redaction, curl commands, failure text and findings text (no pytest)."""
