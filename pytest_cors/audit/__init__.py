"""Security audit: attacker origins derived from a contract, probes, findings (no pytest)."""
