"""Recording contracts from what a server does today (used by ``pytest-cors record``; no pytest)."""
