"""Serve the real apps of ``real_apps`` on loopback ports, run one page load per browser over
every (app, fetch spec), and run the engine over the same apps: live and in-process.

* the page server is ``page_server`` (started first: its origin configures the apps);
* each app is served by ``werkzeug.serving.make_server(..., threaded=True)`` on 127.0.0.1:0
  in a daemon thread, behind a thin logging wrapper that records every request that
  reaches it (as ``scenario_server.LoggedRequest``, so ``browsers.run_browser`` picks up
  the requests of its run);
* the URL of a (run, app, spec) is ``<app base><path>?run=<run>&spec=<key>``: the query
  keeps runs (browsers, engine profiles) apart in the log and gives every fetch its own
  preflight-cache entry; no app looks at it.

``python -m tests.browser.real_harness [chromium firefox cog]`` prints what each browser
and each engine profile did for every case.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple, Union
from urllib.parse import parse_qs, urlsplit

from werkzeug.serving import WSGIRequestHandler, make_server

from .browsers import _CHROME_CONSOLE, BrowserRun, run_browser
from .harness import PROFILE_OF
from .page_server import PageRegistry, PageRun, start_page_server
from .real_apps import PROBES, FetchSpec, RealApp, build_apps
from .scenario_server import Context, LoggedRequest

Case = Tuple[RealApp, FetchSpec]

#: browser -> one line about its real-apps page load (printed by conftest's terminal summary)
RUN_SUMMARY: Dict[str, str] = {}

#: Headers the HTTP server (not the app) adds, or that change between two requests:
#: the in-process transport has no server, and ``Date`` ticks.
SERVER_ADDED = frozenset({"date", "server", "connection", "transfer-encoding", "keep-alive"})


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # no per-request lines on stderr
        pass

    def log(self, type, message, *args):  # noqa: A002 - werkzeug's signature
        if type == "error":
            super().log(type, message, *args)


def case_key(app: RealApp, spec: FetchSpec) -> str:
    return f"{app.name}.{spec.id}"


def _logged(app_name: str, wsgi, ctx: Context):
    """Record each request (run and case come from the query string), then call the app."""

    def wrapper(environ, start_response):
        qs = parse_qs(environ.get("QUERY_STRING", ""))
        headers = []
        for k, v in environ.items():
            if k.startswith("HTTP_"):
                headers.append((k[5:].replace("_", "-").title(), v))
        if environ.get("CONTENT_TYPE"):
            headers.append(("Content-Type", environ["CONTENT_TYPE"]))
        path = environ.get("PATH_INFO", "") + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
        with ctx.lock:
            ctx.log.append(LoggedRequest(server=app_name, method=environ["REQUEST_METHOD"], path=path,
                                         run=(qs.get("run") or ["?"])[0], scenario=(qs.get("spec") or ["?"])[0],
                                         step=0, headers=tuple(headers), body=b"", t=time.monotonic()))
        return wsgi(environ, start_response)

    return wrapper


def _logged_asgi(app_name: str, asgi, ctx: Context):
    """The ASGI twin of ``_logged``: record each http request, then call the app (lifespan passes through)."""

    async def wrapper(scope, receive, send):
        if scope["type"] == "http":
            query = scope.get("query_string", b"").decode("latin-1")
            qs = parse_qs(query)
            headers = tuple((k.decode("latin-1").title(), v.decode("latin-1")) for k, v in scope["headers"])
            path = scope["path"] + (f"?{query}" if query else "")
            with ctx.lock:
                ctx.log.append(LoggedRequest(server=app_name, method=scope["method"], path=path,
                                             run=(qs.get("run") or ["?"])[0], scenario=(qs.get("spec") or ["?"])[0],
                                             step=0, headers=headers, body=b"", t=time.monotonic()))
        await asgi(scope, receive, send)

    return wrapper


class AsgiAppServer:
    """An ASGI app behind uvicorn on 127.0.0.1 (lifespan on), with the same request log as the WSGI servers."""

    def __init__(self, app: RealApp, ctx: Context) -> None:
        from frameworks.uvicorn_server import UvicornServer

        self.app = app
        self.server = UvicornServer(_logged_asgi(app.name, app.wsgi, ctx)).__enter__()
        self.base = self.server.url

    def stop(self) -> None:
        self.server.__exit__(None, None, None)


class AppServer:
    def __init__(self, app: RealApp, ctx: Context) -> None:
        self.app = app
        self.httpd = make_server("127.0.0.1", 0, _logged(app.name, app.wsgi, ctx), threaded=True,
                                 request_handler=_QuietHandler)
        self.httpd.timeout = 5
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class RealAppsHarness:
    def __init__(self) -> None:
        from pytest_cors.transport.asgi_loop import AsgiLoop

        self._asgi_loop = AsgiLoop()  # one loop for the in-process ASGI apps, as in a pytest-cors run
        self._asgi: Dict[str, object] = {}
        self.ctx = Context()
        self.reg = PageRegistry()
        self.page = start_page_server(self.ctx, self.reg)
        self.servers: Dict[str, Union[AppServer, AsgiAppServer]] = {}
        self.bases: Dict[str, str] = {}           # app name -> base URL (read by redirecting apps)
        try:
            self.apps = build_apps(self.origin, self.bases)
            for app in self.apps:
                self.servers[app.name] = AsgiAppServer(app, self.ctx) if app.asgi else AppServer(app, self.ctx)
                self.bases[app.name] = self.servers[app.name].base
        except BaseException:
            self.close()
            raise
        self.cases: List[Case] = [(a, s) for a in self.apps for s in a.specs]
        self.runs: Dict[str, BrowserRun] = {}

    @property
    def origin(self) -> str:
        return self.ctx.origin

    @property
    def names(self) -> Dict[str, str]:
        """base URL -> app name"""
        return {b: n for n, b in self.bases.items()}

    def base(self, app: RealApp) -> str:
        return self.servers[app.name].base

    def url(self, run: str, app: RealApp, spec: FetchSpec) -> str:
        return f"{self.base(app)}{spec.path}?run={run}&spec={case_key(app, spec)}"

    def page_spec(self, run: str) -> List[dict]:
        return [{"id": case_key(a, s), "url": self.url(run, a, s), "method": s.method,
                 "headers": [list(h) for h in s.headers], "credentials": s.credentials, "body": s.body,
                 "probe": list(PROBES)} for a, s in self.cases]

    def run(self, browser: str, *, timeout: float = 60.0) -> BrowserRun:
        run_id = f"{PROFILE_OF[browser]}-{uuid.uuid4().hex[:6]}"
        page_run = self.reg.add(PageRun(run=run_id, spec=self.page_spec(run_id), hard_ms=int((timeout - 10) * 1000)))
        try:
            result = run_browser(browser, f"{self.ctx.bases['page']}/run/{run_id}", page_run, self.ctx,
                                 timeout=timeout)
        except Exception as exc:
            RUN_SUMMARY[browser] = f"skipped: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
            raise
        RUN_SUMMARY[browser] = (f"page load {result.seconds:.1f}s, {len(result.results)}/{len(self.cases)} cases "
                                f"over {len(self.apps)} apps reported, exit code {result.returncode}"
                                + (f", problem: {result.problem}" if result.problem else ""))
        self.runs[browser] = result
        return result

    # ---------------------------------------------------------------------------- engine

    def fetch_request(self, run: str, app: RealApp, spec: FetchSpec):
        from pytest_cors.browser.exchange import FetchRequest

        return FetchRequest(url=self.url(run, app, spec), origin=self.origin, method=spec.method,
                            headers=spec.headers, credentials=spec.credentials, body=spec.body)

    def engine_live(self, profile: str, app: RealApp, spec: FetchSpec):
        """simulate_fetch over the network, against the same server the browser used."""
        from pytest_cors.browser.fetch import simulate_fetch
        from pytest_cors.browser.profiles import PROFILES
        from pytest_cors.transport.live import LiveTransport

        transport = LiveTransport(timeout=10.0)
        try:
            return simulate_fetch(self.fetch_request(f"engine-{profile}", app, spec), PROFILES[profile],
                                  transport.send)
        finally:
            transport.close()

    def engine_wsgi(self, profile: str, app: RealApp, spec: FetchSpec):
        """simulate_fetch in-process: each WSGI callable behind ``WsgiTransport(app, origin=<its live
        server's origin>)``; a request goes to the transport of its URL's origin (so a redirect to
        another app's origin reaches that app, as over the network)."""
        from pytest_cors.browser.fetch import simulate_fetch
        from pytest_cors.browser.origins import serialize_url_origin
        from pytest_cors.browser.profiles import PROFILES
        from pytest_cors.transport.asgi import AsgiTransport
        from pytest_cors.transport.wsgi import WsgiTransport

        def in_process(a: RealApp):
            if a.asgi:  # one AsgiTransport per app for the harness's life: its lifespan starts once
                if a.name not in self._asgi:
                    self._asgi[a.name] = AsgiTransport(a.wsgi, origin=self.base(a), loop=self._asgi_loop)
                return self._asgi[a.name]
            return WsgiTransport(a.wsgi, origin=self.base(a))

        transports = {self.base(a): in_process(a) for a in self.apps}

        def send(req):
            return transports[serialize_url_origin(req.url)].send(req)

        return simulate_fetch(self.fetch_request(f"engine-{profile}", app, spec), PROFILES[profile], send)

    def close(self) -> None:
        for transport in self._asgi.values():
            transport.close()  # type: ignore[attr-defined]
        self._asgi_loop.close()
        for s in self.servers.values():
            s.stop()
        self.page.stop()


# -------------------------------------------------------------------------------- observations

WireStep = Tuple[str, str, str, Optional[str], Optional[str], Optional[str]]
# (kind, method, "<app name><path without the query>", Origin, Access-Control-Request-Method,
#  Access-Control-Request-Headers)


@dataclass
class RealObservation:
    browser: str
    outcome: str                 # allowed | blocked | timeout | missing
    error: Optional[str]
    status: Optional[int]
    redirected: Optional[bool]
    readable: Dict[str, str]
    wire: List[WireStep]
    console: List[str]

    @property
    def allowed(self) -> Optional[bool]:
        return {"allowed": True, "blocked": False}.get(self.outcome)

    @property
    def preflight_sent(self) -> bool:
        return any(s[0] == "preflight" for s in self.wire)

    def show(self) -> str:
        lines = [f"{self.browser}: {self.outcome}" + (f" ({self.error})" if self.error else "")
                 + (f" status={self.status}" if self.status is not None else "")
                 + (" redirected" if self.redirected else "")]
        if self.outcome == "allowed":
            lines.append(f"  readable: {self.readable}")
        lines.append("  wire: " + (" -> ".join(fmt_step(s) for s in self.wire) or "(nothing reached the app)"))
        for m in self.console:
            lines.append(f"  console: {m}")
        return "\n".join(lines)


def fmt_step(s: WireStep) -> str:
    kind, method, path, origin, acrm, acrh = s
    extra = [f"{k}={v}" for k, v in (("Origin", origin), ("ACRM", acrm), ("ACRH", acrh)) if v is not None]
    return f"{'PF ' if kind == 'preflight' else ''}{method} {path}" + (f" [{', '.join(extra)}]" if extra else "")


def _kind(method: str, acrm: Optional[str]) -> str:
    return "preflight" if method == "OPTIONS" and acrm is not None else "actual"


_SPEC_IN_URL = re.compile(r"[?&]run=(?P<run>[^&'\s]+)&spec=(?P<key>[A-Za-z0-9_.\-]+)")


def console_for(run: BrowserRun, key: str) -> List[str]:
    """Console messages of this run naming this case's URL (Chromium stderr; cog stderr)."""
    out: List[str] = []

    def mentions(text: str) -> bool:
        return any(m.group("run") == run.run and m.group("key") == key for m in _SPEC_IN_URL.finditer(text))

    if run.browser == "chromium":
        for line in run.stderr.splitlines():
            m = _CHROME_CONSOLE.search(line)
            if m and mentions(m.group("msg")):
                out.append(m.group("msg"))
    elif run.browser == "cog":
        pending: List[str] = []
        for line in run.stderr.splitlines():
            if not line.startswith("CONSOLE "):
                continue
            m = re.match(r"CONSOLE (?:\w+ )?(?:ERROR|WARN(?:ING)?|LOG|INFO|DEBUG) (?P<msg>.*)$", line)
            text = m.group("msg") if m else line[len("CONSOLE "):]
            if text.endswith("due to access control checks.") and "cannot load" in text:
                if mentions(text):
                    out.append("\n".join(pending + [text]))
                pending = []
            elif _SPEC_IN_URL.search(text) and not text.startswith("Cross-origin redirection"):
                if mentions(text):
                    out.append(text)
            else:
                pending.append(text)
    return out


def observe(run: BrowserRun, app: RealApp, spec: FetchSpec) -> RealObservation:
    key = case_key(app, spec)
    wire: List[WireStep] = []
    for x in run.requests:
        if x.scenario != key:
            continue
        acrm = x.header("Access-Control-Request-Method")
        wire.append((_kind(x.method, acrm), x.method, x.server + x.path.split("?", 1)[0], x.header("Origin"), acrm,
                     x.header("Access-Control-Request-Headers")))
    console = console_for(run, key)
    r = run.results.get(key)
    if r is None:
        return RealObservation(run.browser, "missing", "the page never reported this case", None, None, {}, wire,
                               console)
    if r["outcome"] == "resolved":
        readable = {k.lower(): v for k, v in (r.get("entries") or [])}
        for k, v in (r.get("probes") or {}).items():
            if v is not None and k not in readable:
                readable[k] = v
        return RealObservation(run.browser, "allowed", None, r.get("status"), r.get("redirected"), readable, wire,
                               console)
    outcome = "timeout" if r["outcome"] == "timeout" else "blocked"
    return RealObservation(run.browser, outcome, r.get("error"), None, None, {}, wire, console)


def engine_wire(verdict, names: Optional[Dict[str, str]] = None) -> List[WireStep]:
    """The engine's requests in the browser log's shape; ``names`` maps a base URL to its app name."""
    out: List[WireStep] = []
    for ex in verdict.exchanges:
        parts = urlsplit(ex.request.url)
        base = f"{parts.scheme}://{parts.netloc}"
        out.append((ex.kind, ex.request.method, (names or {}).get(base, base) + parts.path,
                    ex.request.header("Origin"), ex.request.header("Access-Control-Request-Method"),
                    ex.request.header("Access-Control-Request-Headers")))
    return out


def show_engine(verdict, label: str = "engine", names: Optional[Dict[str, str]] = None) -> str:
    lines = [f"{label}[{verdict.profile}]: {'allowed' if verdict.allowed else 'blocked'} reason={verdict.reason}"]
    if verdict.message:
        lines.append("  message: " + verdict.message.replace("\n", "\n           "))
    if verdict.allowed:
        lines.append(f"  readable: {verdict.readable_headers}")
    lines.append("  wire: " + (" -> ".join(fmt_step(s) for s in engine_wire(verdict, names)) or "(nothing sent)"))
    lines.append("  exchanges:")
    for ex in verdict.exchanges:
        req, resp = ex.request, ex.response
        lines.append(f"    {ex.kind}: {req.method} {req.url} {list(req.headers)}")
        lines.append(f"      <- {resp.status} {list(resp.headers)}")
    return "\n".join(lines)


def comparable_readable(readable: Dict[str, str]) -> Dict[str, str]:
    """Readable headers, with ``Date`` (it ticks between the browser's and the engine's request)
    reduced to its presence."""
    return {k: ("<present>" if k == "date" else v) for k, v in readable.items()}


def exchange_summary(verdict) -> List[Tuple[str, str, str, int, Tuple[Tuple[str, str], ...]]]:
    """What the in-process and live runs must share: each exchange and the headers the app made
    (as a sorted list: the live transport groups repeated names, as urllib3 does)."""
    out = []
    for ex in verdict.exchanges:
        parts = urlsplit(ex.request.url)
        headers = tuple(sorted((k.lower(), v) for k, v in ex.response.headers if k.lower() not in SERVER_ADDED))
        out.append((ex.kind, ex.request.method, f"{parts.scheme}://{parts.netloc}{parts.path}", ex.response.status,
                    headers))
    return out


# -------------------------------------------------------------------------------- CLI

def main(argv=None) -> int:
    import sys

    from .browsers import BrowserUnavailable

    names = (argv if argv is not None else sys.argv[1:]) or ["chromium", "firefox", "cog"]
    h = RealAppsHarness()
    try:
        print(f"page origin {h.origin}; {len(h.apps)} apps, {len(h.cases)} cases")
        for b in names:
            try:
                run = h.run(b)
            except BrowserUnavailable as exc:
                print(f"== {b}: SKIPPED: {exc}")
                continue
            print(f"== {b}: {run.seconds:.1f}s exit={run.returncode} results={len(run.results)}/{len(h.cases)}"
                  f" problem={run.problem}")
            for app, spec in h.cases:
                o = observe(run, app, spec)
                v = h.engine_live(PROFILE_OF[b], app, spec)
                same = o.allowed == v.allowed and (not v.allowed or comparable_readable(o.readable)
                                                   == comparable_readable(v.readable_headers))
                head = f"{o.outcome} {o.status or ''}".strip()
                print(f"{'  ' if same else '!!'} {case_key(app, spec):55s} browser={head:12s} "
                      f"engine={'allowed' if v.allowed else 'blocked'}/{v.reason}")
                if not same:
                    print("   " + o.show().replace("\n", "\n   "))
                    print("   " + show_engine(v, names=h.names).replace("\n", "\n   "))
    finally:
        h.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
