"""The app every benchmark checks: a plain WSGI callable with a correct credentialed CORS policy.

Plain WSGI (no framework) keeps the app's own cost small, so the figures show
the cost of the checking, not of the app. ``python bench_app.py serve`` serves it
on 127.0.0.1 (HTTP/1.1 keep-alive, one thread per connection; standard library) and prints the port.
"""

from __future__ import annotations

import io
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive: a reused client connection stays open between requests.

    werkzeug's development server answers every request with ``Connection: close``, so
    each request would pay a new TCP connection on both sides of the comparison, and the
    "one reused requests.Session" floor would not be what it says.
    """

    protocol_version = "HTTP/1.1"
    #: TCP_NODELAY: a kept-alive connection must not wait for the delayed ACK of the previous
    #: segment (Nagle) before sending a response's body: about 40 ms per request otherwise.
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        environ = {
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(self.rfile.read(length)),
            "CONTENT_LENGTH": str(length),
        }
        for name, value in self.headers.items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        started: List[Any] = []
        body = b"".join(app(environ, lambda status, headers, exc_info=None: started.extend((status, headers))))
        code, _, reason = started[0].partition(" ")
        self.send_response(int(code), reason)
        for name, value in started[1]:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_OPTIONS = do_DELETE = do_PATCH = do_HEAD = _serve


def serve() -> None:
    """Serve ``app`` on a free loopback port until killed; the first line on stdout is the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__" and sys.argv[1:] == ["serve"]:
    serve()
