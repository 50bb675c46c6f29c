"""Plain WSGI apps (tests/unit/record/servers.py) for the in-process ``pytest-cors record`` tests: no framework."""

from __future__ import annotations

from ..record.servers import Grant, Server

APP, ADMIN = "https://app.example.com", "https://admin.example.com"

#: APP may GET and PUT with Authorization (Max-Age 600, Vary: Origin); every other origin is refused.
allowing = Server({APP: Grant(("GET", "PUT"), ("Authorization",), max_age="600")})
#: Every origin may read with credentials (the audit's critical findings).
reflecting = Server(anyone=Grant(("GET",), credentials=True))
#: Nobody may read.
refusing = Server()
#: ``Access-Control-Allow-Headers: *`` covers Authorization in browsers, not in the Fetch standard: they disagree.
mixed = Server({APP: Grant(("GET",), ("*",), wildcard=True)})


def racing(environ, start_response):
    """Writes ``cors_api.yaml`` in the current directory on its first request (another process got there first)."""
    import os

    if not os.path.exists("cors_api.yaml"):
        with open("cors_api.yaml", "w") as handle:
            handle.write("# written by someone else\n")
    return allowing(environ, start_response)

#: APP, and with credentials four origins an attacker can get: four independent critical findings.
leaky = Server({origin: Grant(("GET",), credentials=True) for origin in (
    APP, "null", "http://app.example.com", "https://app.example.com:8443", "https://evil.app.example.com")})
