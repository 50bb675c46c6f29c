"""Compare what a real browser did with what the engine says, facet by facet.

Used by ``test_differential.py`` (assertions) and ``report.py`` (DISCREPANCIES.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple
from urllib.parse import urlsplit

from .browsers import BrowserRun
from .harness import PROFILE_OF, Harness
from .scenarios import Scenario

WireStep = Tuple[str, str, str, int, Optional[str], Optional[str], Optional[str]]
# (kind, method, server, step, Origin, Access-Control-Request-Method, Access-Control-Request-Headers)

CORS_BLOCK_MARKER = "has been blocked by CORS policy"


@dataclass
class Observation:
    browser: str
    outcome: str                      # allowed | blocked | timeout | missing
    error: Optional[str]
    status: Optional[int]
    readable: Dict[str, str]
    wire: List[WireStep]
    preflight_sent: bool
    console: List[str]

    @property
    def allowed(self) -> Optional[bool]:
        return {"allowed": True, "blocked": False}.get(self.outcome)

    def cors_message(self) -> Optional[str]:
        """The blocking console message (Chromium: the 'blocked by CORS policy' line; cog: reason + URL line)."""
        if self.browser == "chromium":
            msgs = [m for m in self.console if CORS_BLOCK_MARKER in m]
        else:
            msgs = list(self.console)
        return msgs[-1] if msgs else None

    def show(self) -> str:
        lines = [f"{self.browser}: {self.outcome}" + (f" ({self.error})" if self.error else "")
                 + (f" status={self.status}" if self.status is not None else "")]
        if self.outcome == "allowed":
            lines.append(f"  readable: {self.readable}")
        lines.append(f"  preflight sent: {self.preflight_sent}")
        lines.append("  wire: " + (" -> ".join(fmt_step(s) for s in self.wire) or "(nothing reached the server)"))
        for m in self.console:
            lines.append(f"  console: {m}")
        return "\n".join(lines)


def fmt_step(s: WireStep) -> str:
    kind, method, server, step, origin, acrm, acrh = s
    extra = []
    if origin is not None:
        extra.append(f"Origin={origin}")
    if acrm is not None:
        extra.append(f"ACRM={acrm}")
    if acrh is not None:
        extra.append(f"ACRH={acrh}")
    return f"{'PF ' if kind == 'preflight' else ''}{method} {server}/{step}" + (f" [{', '.join(extra)}]" if extra else "")


def _server_of(h: Harness, url: str) -> Tuple[str, int]:
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.hostname}:{parts.port}"
    name = next((k for k, b in h.ctx.bases.items() if b == base), base)
    try:
        step = int(parts.path.rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        step = -1
    return name, step


def _kind(method: str, acrm: Optional[str]) -> str:
    return "preflight" if method == "OPTIONS" and acrm is not None else "actual"


def observe(run: BrowserRun, scenario: Scenario) -> Observation:
    r = run.results.get(scenario.id)
    wire: List[WireStep] = []
    for x in run.requests:
        if x.scenario != scenario.id:
            continue
        acrm = x.header("Access-Control-Request-Method")
        wire.append((_kind(x.method, acrm), x.method, x.server, x.step, x.header("Origin"), acrm,
                     x.header("Access-Control-Request-Headers")))
    pf = any(s[0] == "preflight" for s in wire)
    console = run.console.get(scenario.id, [])
    if r is None:
        return Observation(run.browser, "missing", "the page never reported this scenario", None, {}, wire, pf, console)
    if r["outcome"] == "resolved":
        readable = {k.lower(): v for k, v in (r.get("entries") or [])}
        for k, v in (r.get("probes") or {}).items():
            if v is not None and k not in readable:
                readable[k] = v
        return Observation(run.browser, "allowed", None, r.get("status"), readable, wire, pf, console)
    if r["outcome"] == "timeout":
        return Observation(run.browser, "timeout", r.get("error"), None, {}, wire, pf, console)
    return Observation(run.browser, "blocked", r.get("error"), None, {}, wire, pf, console)


# ------------------------------------------------------------------------------- engine side

def engine_verdict(h: Harness, run: BrowserRun, scenario: Scenario):
    from pytest_cors.browser.exchange import FetchRequest
    from pytest_cors.browser.fetch import simulate_fetch
    from pytest_cors.browser.profiles import PROFILES
    from pytest_cors.transport.live import LiveTransport

    fetch = FetchRequest(url=h.ctx.url(run.run, scenario.id, 0, scenario.start), origin=h.origin, method=scenario.method,
                         headers=tuple(scenario.headers), credentials=scenario.credentials, body=scenario.body)
    transport = LiveTransport(timeout=10.0)
    try:
        return simulate_fetch(fetch, PROFILES[PROFILE_OF[run.browser]], transport.send)
    finally:
        transport.close()


def engine_wire(h: Harness, verdict) -> List[WireStep]:
    out: List[WireStep] = []
    for ex in verdict.exchanges:
        server, step = _server_of(h, ex.request.url)
        out.append((ex.kind, ex.request.method, server, step, ex.request.header("Origin"),
                    ex.request.header("Access-Control-Request-Method"),
                    ex.request.header("Access-Control-Request-Headers")))
    return out


def show_engine(h: Harness, verdict) -> str:
    lines = [f"engine[{verdict.profile}]: {'allowed' if verdict.allowed else 'blocked'} reason={verdict.reason}"]
    if verdict.message:
        lines.append("  message: " + verdict.message.replace("\n", "\n           "))
    if verdict.allowed:
        lines.append(f"  readable: {verdict.readable_headers}")
    lines.append(f"  preflight sent: {verdict.preflight_sent}")
    lines.append("  wire: " + (" -> ".join(fmt_step(s) for s in engine_wire(h, verdict)) or "(nothing sent)"))
    lines.append("  exchanges:")
    for ex in verdict.exchanges:
        req, resp = ex.request, ex.response
        lines.append(f"    {ex.kind}: {req.method} {req.url} {list(req.headers)}")
        lines.append(f"      <- {resp.status} {list(resp.headers)}")
    return "\n".join(lines)


# ------------------------------------------------------------------------------- comparison

@dataclass
class Mismatch:
    facet: str          # verdict | readable | preflight | wire | message
    browser_side: str
    engine_side: str
    asserted: bool = True


def compare(h: Harness, obs: Observation, verdict, scenario: Optional[Scenario] = None) -> List[Mismatch]:
    out: List[Mismatch] = []
    if obs.allowed is None:
        out.append(Mismatch("harness", f"{obs.outcome}: {obs.error}", "-"))
        return out
    if obs.allowed != verdict.allowed:
        out.append(Mismatch("verdict", "allowed" if obs.allowed else f"blocked ({obs.error})",
                            ("allowed" if verdict.allowed else "blocked") + f" reason={verdict.reason}"))
    elif obs.allowed and obs.readable != dict(verdict.readable_headers):
        b, e = obs.readable, dict(verdict.readable_headers)
        diff = sorted(set(b) ^ set(e) | {k for k in set(b) & set(e) if b[k] != e[k]})
        out.append(Mismatch("readable", str({k: b.get(k) for k in diff}), str({k: e.get(k) for k in diff})))
    if obs.preflight_sent != verdict.preflight_sent:
        out.append(Mismatch("preflight", f"preflight sent={obs.preflight_sent}",
                            f"preflight sent={verdict.preflight_sent}"))
    ew = engine_wire(h, verdict)
    if obs.wire != ew:
        # a scenario may name browsers whose wire is known to differ (documented there): reported only
        out.append(Mismatch("wire", " -> ".join(fmt_step(s) for s in obs.wire) or "(nothing)",
                            " -> ".join(fmt_step(s) for s in ew) or "(nothing)",
                            asserted=scenario is None or obs.browser not in scenario.wire_reported_only))
    if obs.allowed is False and verdict.allowed is False:
        captured = obs.cors_message()
        if captured is not None and captured != verdict.message:
            # Chromium's console text is part of the contract; WPE WebKit 2.38 is an older
            # engine than the Safari the profile describes, so its wording is reported only.
            out.append(Mismatch("message", captured, verdict.message, asserted=obs.browser == "chromium"))
    return out


def explain(h: Harness, scenario: Scenario, obs: Observation, verdict, mismatches: List[Mismatch]) -> str:
    parts = ["browser and engine disagree on: " + ", ".join(m.facet for m in mismatches), "",
             "scenario:", scenario.describe(), "", "browser did:", obs.show(), "", "engine said:",
             show_engine(h, verdict), ""]
    for m in mismatches:
        parts.append(f"[{m.facet}]\n  browser: {m.browser_side}\n  engine:  {m.engine_side}")
    return "\n".join(parts)
