"""The policy lockfile: what each contract case observed, and how a later run differs (no pytest here)."""
