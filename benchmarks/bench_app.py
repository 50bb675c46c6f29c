"""The app every benchmark checks: a plain WSGI callable with a correct credentialed CORS policy.

Plain WSGI (no framework) keeps the app's own cost small, so the figures show
the cost of the checking, not of the app. ``python bench_app.py serve`` serves it
on 127.0.0.1 (HTTP/1.1 keep-alive, one thread per connection) and prints the port.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Iterable, List, Tuple

TRUSTED_ORIGINS = frozenset({"https://app.example.com", "https://admin.example.com"})
ALLOWED_METHODS = "GET, PUT"
ALLOWED_HEADERS = "X-Request-Id"


def app(environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Echo a trusted Origin with credentials; answer preflights with the allowed method and header."""
    origin = environ.get("HTTP_ORIGIN")
    headers: List[Tuple[str, str]] = [("Content-Type", "application/json"), ("Vary", "Origin")]
    if origin in TRUSTED_ORIGINS:
        headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
    if environ["REQUEST_METHOD"] == "OPTIONS":
        if origin in TRUSTED_ORIGINS:
            headers += [
                ("Access-Control-Allow-Methods", ALLOWED_METHODS),
                ("Access-Control-Allow-Headers", ALLOWED_HEADERS),
                ("Access-Control-Max-Age", "600"),
            ]
        headers.append(("Content-Length", "0"))
        start_response("204 No Content", headers)
        return [b""]
    body = b'{"ok": true}'
    headers.append(("Content-Length", str(len(body))))
    start_response("200 OK", headers)
    return [body]


def serve() -> None:
    """Serve ``app`` on a free loopback port until killed; the first line on stdout is the port."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class KeepAliveHandler(WSGIRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so a reused Session reuses its connection

        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=KeepAliveHandler)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__" and sys.argv[1:] == ["serve"]:
    serve()
