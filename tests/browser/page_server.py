"""The page side: a second loopback server (another port, so another origin)
that serves the test page and collects what the browser observed.

``GET /run/<run>`` serves a page that runs that run's scenarios in order with
``fetch()`` and POSTs one JSON object per scenario to ``/result/<run>``, then
``/done/<run>``. Scenario URLs (``/s/...``) are answered here too, as on the API servers,
so that a redirect can lead back to the page's own origin (``Hop(to="page")``). A per-fetch timeout (AbortController) and a hard overall
timeout in the page make sure it always reports; the Python side has its own
bounded wait on top of that.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from .scenario_server import Context, HarnessServer, _make_handler as _scenario_handler

PAGE = r"""<!doctype html>
<html><head><meta charset="utf-8"><title>pytest-cors differential</title></head>
<body><pre id="out">running</pre>
<script>
"use strict";
const RUN = __RUN__;
const SPEC = __SPEC__;
const PER_FETCH_MS = __PER_FETCH_MS__;
const HARD_MS = __HARD_MS__;
let finished = false;

function post(path, obj) {
  return fetch(path, {method: "POST", body: JSON.stringify(obj)}).catch(() => {});
}
function finish(extra) {
  if (finished) return Promise.resolve();
  finished = true;
  document.getElementById("out").textContent = "done";
  return post("/done/" + RUN, extra || {});
}
setTimeout(() => finish({timed_out: true}), HARD_MS);
window.addEventListener("error", e => post("/log/" + RUN, {error: String(e.message)}));
window.addEventListener("unhandledrejection", e => post("/log/" + RUN, {error: String(e.reason)}));

async function runOne(s) {
  const rec = {id: s.id, outcome: null, error: null, status: null, type: null, url: null,
               redirected: null, entries: null, probes: null, body: null};
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), PER_FETCH_MS);
  const t0 = performance.now();
  try {
    const init = {method: s.method, headers: s.headers, mode: "cors",
                  credentials: s.credentials ? "include" : "same-origin",
                  signal: ctrl.signal};
    if (s.body !== null) init.body = s.body;
    const r = await fetch(s.url, init);
    rec.outcome = "resolved";
    rec.status = r.status; rec.type = r.type; rec.url = r.url; rec.redirected = r.redirected;
    rec.entries = [];
    for (const [k, v] of r.headers) rec.entries.push([k, v]);
    rec.probes = {};
    for (const name of s.probe) rec.probes[name.toLowerCase()] = r.headers.get(name);
    try { rec.body = (await r.text()).slice(0, 200); } catch (e) { rec.body_error = String(e); }
  } catch (e) {
    rec.outcome = ctrl.signal.aborted ? "timeout" : "rejected";
    rec.error = String(e && e.name ? e.name + ": " + e.message : e);
  } finally {
    clearTimeout(timer);
  }
  rec.ms = Math.round(performance.now() - t0);
  return rec;
}

(async () => {
  for (const s of SPEC) {
    if (finished) break;
    const rec = await runOne(s);
    await post("/result/" + RUN, rec);
  }
  await finish({timed_out: false});
})();
</script></body></html>
"""


@dataclass
class PageRun:
    run: str
    spec: List[dict]
    per_fetch_ms: int = 4000
    hard_ms: int = 60000
    results: Dict[str, dict] = field(default_factory=dict)
    logs: List[dict] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)
    done_info: Optional[dict] = None
    page_loaded: threading.Event = field(default_factory=threading.Event)

    def html(self) -> bytes:
        return (PAGE.replace("__RUN__", json.dumps(self.run))
                .replace("__SPEC__", json.dumps(self.spec))
                .replace("__PER_FETCH_MS__", str(self.per_fetch_ms))
                .replace("__HARD_MS__", str(self.hard_ms))).encode("utf-8")


class PageRegistry:
    def __init__(self) -> None:
        self.runs: Dict[str, PageRun] = {}
        self.lock = threading.Lock()

    def add(self, run: PageRun) -> PageRun:
        with self.lock:
            self.runs[run.run] = run
        return run


def _make_handler(reg: PageRegistry, ctx: Context):
    class Handler(_scenario_handler(ctx, "page")):  # type: ignore[misc]
        protocol_version = "HTTP/1.1"
        timeout = 15

        def log_message(self, fmt, *args):
            pass

        def _send(self, status: int, body: bytes, ctype: str = "text/plain") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True

        def _run(self) -> Optional[PageRun]:
            parts = self.path.split("?", 1)[0].split("/")
            if len(parts) != 3:
                return None
            return reg.runs.get(parts[2])

        def _handle(self) -> None:
            # every request comes through here (the scenario handler's handle_one_request)
            if self.path.startswith("/s/"):
                super()._handle()
            elif self.command == "GET":
                self.do_GET()
            elif self.command == "POST":
                self.do_POST()
            else:
                self._send(404, b"not found")

        def do_GET(self):
            run = self._run()
            if self.path.startswith("/run/") and run is not None:
                run.page_loaded.set()
                self._send(200, run.html(), "text/html; charset=utf-8")
            else:
                self._send(404, b"not found")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            run = self._run()
            if run is None:
                self._send(404, b"no run")
                return
            try:
                data = json.loads(raw.decode("utf-8") or "{}")
            except ValueError:
                data = {"unparsable": raw[:500].decode("latin-1")}
            if self.path.startswith("/result/"):
                run.results[data.get("id")] = data
            elif self.path.startswith("/done/"):
                run.done_info = data
                run.done.set()
            else:
                run.logs.append(data)
            self._send(204, b"")

    return Handler


def start_page_server(ctx: Context, reg: PageRegistry) -> HarnessServer:
    srv = HarnessServer(_make_handler(reg, ctx)).start()
    ctx.bases["page"] = srv.base
    return srv
