"""Check a contract the way browsers would: per-run state, the `cors` checker, one case in every profile."""
