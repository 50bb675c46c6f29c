"""Real-browser measurement of which cookies go with a credentialed cross-origin fetch().

One page load per browser, all on loopback:

1. the browser opens ``http://127.0.0.1:A/set/...`` (the API, top-level, so first-party), which sets
   one cookie per attribute set (``SameSite`` Lax/Strict/None/unset, ``Secure``, ``Partitioned``)
   and navigates on to ``http://localhost:A/set/...`` (same again for the host ``localhost``), then
   to the https API (``https://127.0.0.1:B``, ``https://localhost:B``, self-signed) when TLS is on;
2. a page on ``http://localhost:P`` fetch()es every API origin with ``credentials: 'include'``
   (``localhost`` -> ``127.0.0.1`` is cross-site; ``localhost:P`` -> ``localhost:A`` is same-site
   but cross-origin), once with a preflighted PUT and once with ``credentials: 'same-origin'``;
3. the same page on ``http://127.0.0.1:P`` does the same.

The API records the names of the cookies in every request it received. Names say how the cookie
was set: ``h_`` over http, ``s_`` over https, then the attribute set (``h_lax``, ``s_nonesecure``).

Browsers need no flags for http. For the https API the self-signed certificate is accepted with
Chromium's ``--ignore-certificate-errors`` and cog's ``--ignore-tls-errors``; Firefox gets a
``cert_override.txt`` in its throw-away profile.

Run ``python -m tests.browser.cookie_harness [chromium firefox cog]`` to print what each browser sent.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional, Tuple
from urllib.parse import parse_qs, quote, urlsplit

from .browsers import BrowserUnavailable, _kill_group, command_for, start_browser, wait_for_apt

#: attribute set -> Set-Cookie attributes
COOKIE_KINDS: Dict[str, str] = {
    "lax": "SameSite=Lax",
    "strict": "SameSite=Strict",
    "none": "SameSite=None",
    "nonesecure": "SameSite=None; Secure",
    "unset": "",
    "unsetsecure": "Secure",
    "laxsecure": "SameSite=Lax; Secure",
    "partitioned": "SameSite=None; Secure; Partitioned",
}
HOSTS = ("127.0.0.1", "localhost")
#: fetch modes each page runs against each API origin
MODES = ("get", "put", "omit")


@dataclass(frozen=True)
class Received:
    """One request the API got."""

    run: str
    label: str  # <page host>|<target url>|<mode>
    method: str
    cookies: Tuple[str, ...]


@dataclass
class Measurement:
    browser: str
    received: List[Received] = field(default_factory=list)
    reported: Dict[str, dict] = field(default_factory=dict)
    problem: Optional[str] = None
    tls: bool = False

    def cookies_for(self, label: str, method: str) -> Optional[Tuple[str, ...]]:
        hits = [r for r in self.received if r.label == label and r.method == method]
        return hits[-1].cookies if hits else None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _cookie_names(header: Optional[str]) -> Tuple[str, ...]:
    if not header:
        return ()
    return tuple(sorted(part.split("=", 1)[0].strip() for part in header.split(";") if part.strip()))


class CookieLab:
    """The loopback servers: http API, https API (when a certificate can be made), page."""

    def __init__(self, *, tls: bool = True) -> None:
        self.received: List[Received] = []
        self.reports: Dict[str, Dict[str, dict]] = {}
        self.done: Dict[str, threading.Event] = {}
        self.loaded: Dict[str, threading.Event] = {}
        self.lock = threading.Lock()
        self.servers: List[_Server] = []
        self.tmp = tempfile.mkdtemp(prefix="pytest-cors-cookies-")
        self.api_port = self._serve(self._api_handler("http"))
        self.page_port = self._serve(self._page_handler())
        self.tls_port: Optional[int] = None
        self.cert_pem: Optional[bytes] = None
        if tls and shutil.which("openssl"):
            self.tls_port = self._serve_tls()

    # --- servers -----------------------------------------------------------------------------

    def _serve(self, handler, context: Optional[ssl.SSLContext] = None) -> int:
        server = _Server(("127.0.0.1", 0), handler)
        if context is not None:
            server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        self.servers.append(server)
        return server.server_address[1]

    def _serve_tls(self) -> Optional[int]:
        key, cert = os.path.join(self.tmp, "key.pem"), os.path.join(self.tmp, "cert.pem")
        done = subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
            capture_output=True, timeout=60, check=False)
        if done.returncode != 0:
            return None
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        with open(cert, "rb") as fh:
            self.cert_pem = fh.read()
        return self._serve(self._api_handler("https"), context)

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- urls --------------------------------------------------------------------------------

    def api_bases(self) -> List[str]:
        bases = [f"http://{host}:{self.api_port}" for host in HOSTS]
        if self.tls_port:
            bases += [f"https://{host}:{self.tls_port}" for host in HOSTS]
        return bases

    def page_bases(self) -> List[str]:
        return [f"http://{host}:{self.page_port}" for host in ("localhost", "127.0.0.1")]

    def start_url(self, run: str) -> str:
        chain = [f"{base}/set/{run}" for base in self.api_bases()]
        chain += [f"{base}/page/{run}" for base in self.page_bases()]
        chain.append(f"{self.page_bases()[-1]}/finish/{run}")
        url = chain[-1]
        for step in reversed(chain[:-1]):
            url = f"{step}?next={quote(url, safe='')}"
        return url

    # --- handlers ----------------------------------------------------------------------------

    def _api_handler(self, scheme: str):
        lab = self

        class Api(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # noqa: D401 - quiet
                pass

            def _reply(self, status: int, body: bytes, headers: List[Tuple[str, str]]) -> None:
                self.send_response(status)
                for name, value in headers + [("Content-Length", str(len(body))), ("Connection", "close"),
                                              ("Cache-Control", "no-store")]:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

            def _cors(self) -> List[Tuple[str, str]]:
                origin = self.headers.get("Origin") or "null"
                return [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true"),
                        ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "x-probe"),
                        ("Vary", "Origin")]

            def _set(self) -> None:
                parts = urlsplit(self.path)
                nxt = parse_qs(parts.query).get("next", [""])[0]
                prefix = "h_" if scheme == "http" else "s_"
                headers = [("Set-Cookie", f"{prefix}{kind}=1; Path=/" + (f"; {attrs}" if attrs else ""))
                           for kind, attrs in COOKIE_KINDS.items()]
                page = f"<!doctype html><script>location.replace({json.dumps(nxt)})</script>".encode()
                self._reply(200, page, headers + [("Content-Type", "text/html")])

            def _probe(self) -> None:
                parts = urlsplit(self.path).path.split("/")  # /probe/<run>/<label>
                if len(parts) == 4:
                    with lab.lock:
                        lab.received.append(Received(parts[2], _unquote(parts[3]), self.command,
                                                     _cookie_names(self.headers.get("Cookie"))))
                self._reply(200 if self.command != "OPTIONS" else 204, b"ok", self._cors())

            def do_GET(self):
                if self.path.startswith("/set/"):
                    self._set()
                else:
                    self._probe()

            do_PUT = do_OPTIONS = _probe

        return Api

    def _page_handler(self):
        lab = self

        class Page(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _reply(self, status: int, body: bytes, ctype: str = "text/plain") -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

            def do_GET(self):
                parts = urlsplit(self.path)
                segments = parts.path.split("/")
                run = segments[2] if len(segments) > 2 else ""
                nxt = parse_qs(parts.query).get("next", [""])[0]
                if parts.path.startswith("/page/"):
                    lab.loaded.setdefault(run, threading.Event()).set()
                    self._reply(200, lab.page_html(run, self.headers.get("Host", ""), nxt), "text/html")
                elif parts.path.startswith("/finish/"):
                    lab.done.setdefault(run, threading.Event()).set()
                    self._reply(200, b"done")
                else:
                    self._reply(404, b"no")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                data = json.loads(self.rfile.read(length) or b"{}")
                run = self.path.split("/")[2]
                with lab.lock:
                    lab.reports.setdefault(run, {})[data.get("label", "?")] = data
                self._reply(204, b"")

        return Page

    def page_html(self, run: str, host: str, nxt: str) -> bytes:
        page_host = host.split(":")[0]
        fetches = []
        for base in self.api_bases():
            for mode in MODES:
                label = f"{page_host}|{base}|{mode}"
                fetches.append({"label": label, "url": f"{base}/probe/{run}/{quote(label, safe='')}", "mode": mode})
        script = """
const FETCHES = __FETCHES__, NEXT = __NEXT__, RUN = __RUN__;
(async () => {
  for (const f of FETCHES) {
    const init = {credentials: f.mode === "omit" ? "same-origin" : "include", method: f.mode === "put" ? "PUT" : "GET"};
    if (f.mode === "put") init.headers = {"X-Probe": "1"};
    const ctrl = new AbortController(); const t = setTimeout(() => ctrl.abort(), 4000); init.signal = ctrl.signal;
    let outcome;
    try { const r = await fetch(f.url, init); outcome = "status " + r.status; } catch (e) { outcome = String(e); }
    clearTimeout(t);
    await fetch("/report/" + RUN, {method: "POST", body: JSON.stringify({label: f.label, outcome})}).catch(() => {});
  }
  location.replace(NEXT);
})();
""".replace("__FETCHES__", json.dumps(fetches)).replace("__NEXT__", json.dumps(nxt)).replace("__RUN__", json.dumps(run))
        return f"<!doctype html><meta charset=utf-8><script>{script}</script>".encode()

    # --- running a browser -------------------------------------------------------------------

    def _firefox_overrides(self, profile: str) -> None:
        if not self.cert_pem or not self.tls_port:
            return
        der = ssl.PEM_cert_to_DER_cert(self.cert_pem.decode())
        import hashlib

        digest = hashlib.sha256(der).hexdigest().upper()
        fingerprint = ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))
        lines = ["# PSM Certificate Override Settings file", "# This is a generated file!  Do not edit."]
        for host in HOSTS:
            lines.append(f"{host}:{self.tls_port}:\tOID.2.16.840.1.101.3.4.2.1\t{fingerprint}\t")
        with open(os.path.join(profile, "firefox", "cert_override.txt"), "w") as fh:
            fh.write("\n".join(lines) + "\n")

    def measure(self, browser: str, *, timeout: float = 90.0) -> Measurement:
        wait_for_apt()
        run = f"{browser}-{uuid.uuid4().hex[:6]}"
        self.done[run] = threading.Event()
        self.loaded[run] = threading.Event()
        profile = tempfile.mkdtemp(prefix=f"pytest-cors-cookie-{browser}-")
        try:
            cmd, env = command_for(browser, self.start_url(run), profile)
            if browser == "chromium":
                cmd.insert(1, "--ignore-certificate-errors")
                for flag in os.environ.get("PYTEST_CORS_CHROMIUM_FLAGS", "").split():
                    cmd.insert(1, flag)
            elif browser == "cog":
                cmd.insert(1, "--ignore-tls-errors")
            elif browser == "firefox":
                self._firefox_overrides(profile)
            with open(os.path.join(profile, "out.log"), "wb") as out:
                try:
                    proc = start_browser(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         env=env, cwd=profile)
                except OSError as exc:
                    raise BrowserUnavailable(f"{browser}: could not execute {cmd[0]}: {exc}") from exc
                problem = None
                try:
                    deadline = time.monotonic() + timeout
                    while not self.done[run].wait(0.2):
                        if proc.poll() is not None:
                            problem = f"{browser} exited with code {proc.returncode} before finishing"
                            break
                        if time.monotonic() > deadline:
                            problem = f"{browser} did not finish within {timeout:.0f}s"
                            break
                finally:
                    _kill_group(proc)
            if problem and not self.loaded[run].is_set():
                log = open(os.path.join(profile, "out.log"), "rb").read().decode("utf-8", "replace")
                raise BrowserUnavailable(f"{problem}; output tail:\n{log[-1500:]}")
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        with self.lock:
            received = [r for r in self.received if r.run == run]
            reported = dict(self.reports.get(run, {}))
        return Measurement(browser, received, reported, problem, tls=self.tls_port is not None)


def _unquote(text: str) -> str:
    from urllib.parse import unquote

    return unquote(text)


def main(argv=None) -> int:
    import sys

    names = (argv if argv is not None else sys.argv[1:]) or ["chromium", "firefox", "cog"]
    lab = CookieLab()
    try:
        for browser in names:
            try:
                m = lab.measure(browser)
            except BrowserUnavailable as exc:
                print(f"== {browser}: SKIPPED {exc}")
                continue
            print(f"== {browser}: problem={m.problem} tls={m.tls} requests={len(m.received)}")
            for r in m.received:
                print(f"  {r.method:7s} {r.label:55s} {' '.join(r.cookies)}")
            for label, data in m.reported.items():
                if not str(data.get("outcome", "")).startswith("status"):
                    print(f"  page: {label} -> {data.get('outcome')}")
    finally:
        lab.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
