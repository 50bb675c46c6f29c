"""The "API" side of the differential harness: a loopback server that answers
each registered scenario with exactly the header lines the scenario asks for.

URL layout: ``/s/<run>/<scenario id>/<step>``

* ``run`` separates browsers (and the engine) so a browser's preflight cache and
  the request log of one run never mix with another's;
* ``step`` 0 is the URL the page fetches; step ``k < len(hops)`` answers with
  redirect hop ``k``; step ``len(hops)`` answers with the final actual response.

``OPTIONS`` on any step answers with the scenario's preflight response for that
step. Every response is written byte for byte (no ``Server``/``Date`` added),
always with ``Connection: close`` and a ``Content-Length``, so nothing hangs.

Header values may contain placeholders filled in at request time:
``{origin}`` (the page origin), ``{api}`` / ``{api2}`` (base URLs of the two
scenario servers), ``{page}`` (page server base URL), ``{echo}`` (the request's
``Origin`` header, or ``null-absent`` when it had none), ``{next}`` (the
default ``Location`` of a hop: the next step on the hop's target server),
``{next_path}`` (its path only, for a relative ``Location``), ``{pport}`` (the
page server's port).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional, Tuple

REASONS = {
    200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently",
    302: "Found", 303: "See Other", 307: "Temporary Redirect", 308: "Permanent Redirect",
    400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    500: "Internal Server Error",
}


@dataclass
class LoggedRequest:
    server: str          # "api", "api2" or "page" (a redirect back to the page's origin)
    method: str
    path: str
    run: str
    scenario: str
    step: int
    headers: Tuple[Tuple[str, str], ...]
    body: bytes
    t: float

    def header(self, name: str) -> Optional[str]:
        vals = [v for k, v in self.headers if k.lower() == name.lower()]
        return ", ".join(vals) if vals else None


class Context:
    """Shared state of the harness servers: registry, bases, request log."""

    def __init__(self) -> None:
        self.scenarios: Dict[str, object] = {}
        self.bases: Dict[str, str] = {}     # "api", "api2", "page" -> http://127.0.0.1:port
        self.log: List[LoggedRequest] = []
        self.lock = threading.Lock()

    @property
    def origin(self) -> str:
        return self.bases["page"]

    def register(self, scenarios) -> None:
        for s in scenarios:
            if s.id in self.scenarios and self.scenarios[s.id] is not s:
                raise ValueError(f"duplicate scenario id {s.id}")
            self.scenarios[s.id] = s

    def url(self, run: str, scenario_id: str, step: int = 0, server: str = "api") -> str:
        return f"{self.bases[server]}/s/{run}/{scenario_id}/{step}"

    def mark(self) -> int:
        with self.lock:
            return len(self.log)

    def since(self, mark: int) -> List[LoggedRequest]:
        with self.lock:
            return list(self.log[mark:])

    def requests_for(self, run: str, scenario_id: str) -> List[LoggedRequest]:
        with self.lock:
            return [r for r in self.log if r.run == run and r.scenario == scenario_id]

    def fill(self, text: str, *, echo: Optional[str], nxt: str = "") -> str:
        out = (text.replace("{origin}", self.bases.get("page", ""))
               .replace("{api2}", self.bases.get("api2", ""))
               .replace("{api}", self.bases.get("api", ""))
               .replace("{page}", self.bases.get("page", ""))
               .replace("{next_path}", "/" + nxt.split("/", 3)[-1] if nxt else "")
               .replace("{next}", nxt)
               .replace("{pport}", self.bases.get("page", ":").rsplit(":", 1)[-1]))
        if "{echo}" in out:
            out = out.replace("{echo}", echo if echo is not None else "null-absent")
        return out


def _make_handler(ctx: Context, server_name: str):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "scenario"
        timeout = 15  # per-connection socket timeout: a stuck client never blocks us

        def log_message(self, fmt, *args):  # keep pytest output clean
            pass

        def _write(self, status: int, headers, body: bytes, head: bool) -> None:
            lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
            for name, value in headers:
                lines.append(f"{name}: {value}")
            lines.append(f"Content-Length: {len(body)}")
            lines.append("Connection: close")
            raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
            if not head:
                raw += body
            try:
                self.wfile.write(raw)
                self.wfile.flush()
            except OSError:
                pass
            self.close_connection = True

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = self.path.split("?", 1)[0].split("/")
            # ['', 's', run, id, step]
            if len(parts) != 5 or parts[1] != "s":
                self._write(404, [("Content-Type", "text/plain")], b"no such path", False)
                return
            _, _, run, sid, step_s = parts
            try:
                step = int(step_s)
            except ValueError:
                step = -1
            with ctx.lock:
                ctx.log.append(LoggedRequest(
                    server=server_name, method=self.command, path=self.path, run=run,
                    scenario=sid, step=step, headers=tuple(self.headers.items()),
                    body=body, t=time.monotonic()))
            sc = ctx.scenarios.get(sid)
            if sc is None or step < 0 or step > len(sc.hops):
                self._write(404, [("Content-Type", "text/plain")], b"unknown scenario", False)
                return
            echo = self.headers.get("Origin")
            if self.command == "OPTIONS":
                resp = sc.preflight_for(step)
                nxt = ctx.url(run, sid, step + 1)
                hdrs = [(k, ctx.fill(v, echo=echo, nxt=nxt)) for k, v in resp.headers]
                self._write(resp.status, hdrs, resp.body.encode(), False)
                return
            if step < len(sc.hops):
                hop = sc.hops[step]
                target = hop.to or "api"
                nxt = ctx.url(run, sid, step + 1, target)
                if hop.userinfo:
                    nxt = nxt.replace("http://", "http://user:pass@", 1)
                hdrs = [(k, ctx.fill(v, echo=echo, nxt=nxt)) for k, v in hop.headers]
                location = ctx.fill(hop.location, echo=echo, nxt=nxt)
                self._write(hop.status, [("Location", location)] + hdrs, b"", self.command == "HEAD")
                return
            resp = sc.actual
            hdrs = [(k, ctx.fill(v, echo=echo)) for k, v in resp.headers]
            self._write(resp.status, hdrs, resp.body.encode(), self.command == "HEAD")

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _handle

        def handle_one_request(self):
            # Accept any method token (e.g. lowercase ``patch``, ``QUERY``).
            try:
                self.raw_requestline = self.rfile.readline(65537)
                if not self.raw_requestline:
                    self.close_connection = True
                    return
                if not self.parse_request():
                    return
                self._handle()
                self.wfile.flush()
            except (socket.timeout, TimeoutError, ConnectionError):
                self.close_connection = True

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class HarnessServer:
    """A server on 127.0.0.1:<ephemeral port> running in a daemon thread."""

    def __init__(self, handler_cls) -> None:
        self.httpd = _Server(("127.0.0.1", 0), handler_cls)
        self.httpd.timeout = 5
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                       daemon=True)

    def start(self) -> HarnessServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def start_scenario_server(ctx: Context, name: str = "api") -> HarnessServer:
    srv = HarnessServer(_make_handler(ctx, name)).start()
    ctx.bases[name] = srv.base
    return srv
