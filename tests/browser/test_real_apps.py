"""Real-browser differential over REAL framework apps.

Flask + flask-cors, Django + django-cors-headers and hand-written werkzeug CORS
layers (see ``real_apps.py``) are served on loopback ports; one page load per
browser (Chromium -> ``chrome``, Firefox ESR -> ``firefox``, cog/WPE WebKit ->
``safari``) fetch()es every (app, spec) from the page's own port. Then:

* ``test_engine_matches_browser_on_real_app``: ``simulate_fetch`` over the live
  server must say what the browser did -- allowed/blocked, and for an allowed
  fetch the status and every header JavaScript can read; also the exact requests
  that reached the apps (preflights, their Origin / ACRM / ACRH, redirect hops)
  and, for Chromium, the console message of a blocked fetch;
* ``test_in_process_matches_live``: ``simulate_fetch`` through the in-process
  ``WsgiTransport`` / ``AsgiTransport`` (the same app object, served as the live server's origin)
  must reach the same verdict, message, readable headers and exchanges as over
  the network: the in-process target is faithful.

WPE WebKit's console wording is shown in failure messages but not asserted (as in
``test_differential.py``: WPE 2.38 is older than the Safari the profile describes);
Firefox's console is not captured in headless mode.

Run: ``python -m pytest tests/browser -q``. A browser that cannot be started is
skipped with the reason; anything else is a failure.
"""

from __future__ import annotations

from typing import Dict, Tuple, Union

import pytest

from .browsers import BrowserRun, BrowserUnavailable
from .harness import PROFILE_OF
from .real_harness import (
    SERVER_ADDED,
    RealAppsHarness,
    case_key,
    comparable_readable,
    engine_wire,
    exchange_summary,
    fmt_step,
    observe,
    show_engine,
)

BROWSERS = tuple(PROFILE_OF)
PROFILES = tuple(PROFILE_OF.values())


def _cases():
    # The catalogue only depends on the page origin through header values, so any origin
    # gives the same (app, spec) names for parametrisation.
    from .real_apps import build_apps

    return [(a.name, s.id) for a in build_apps("http://127.0.0.1:1") for s in a.specs]


CASES = _cases()

#: (browser, "app.spec") -> why the engine is known to disagree; see REAL_APP_DISCREPANCIES.md.
#: strict xfail: if the browser (or the engine) changes, the XPASS fails and this entry must go.
KNOWN_DISCREPANCIES = {
    ("cog", "flask-expose-star.get-latin1-header"):
        "WPE WebKit (libsoup) reads a response header value that is not valid UTF-8 as UTF-8 with U+FFFD, "
        "then exposes those UTF-8 bytes as latin-1 code units ('Zo\\xeb' -> 'Zo\u00ef\u00bf\u00bd'); "
        "the engine (and Chromium, Firefox) reads the bytes as latin-1 ('Zo\u00eb'). Readable value only; "
        "verdict unaffected. REAL_APP_DISCREPANCIES.md #1",
}


def _param(browser: str, app_name: str, spec_id: str):
    reason = KNOWN_DISCREPANCIES.get((browser, f"{app_name}.{spec_id}"))
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(browser, app_name, spec_id, id=f"{browser}:{app_name}.{spec_id}", marks=marks)


class RealRuns:
    """One harness per session; each browser runs once, on first use (or is remembered as unavailable)."""

    def __init__(self, harness: RealAppsHarness) -> None:
        self.harness = harness
        self.runs: Dict[str, Union[BrowserRun, BrowserUnavailable]] = {}
        self.live: Dict[Tuple[str, str], object] = {}

    def browser(self, browser: str) -> BrowserRun:
        if browser not in self.runs:
            try:
                self.runs[browser] = self.harness.run(browser)
            except BrowserUnavailable as exc:
                self.runs[browser] = exc
        result = self.runs[browser]
        if isinstance(result, BrowserUnavailable):
            pytest.skip(str(result))
        return result

    def case(self, app_name: str, spec_id: str):
        app = next(a for a in self.harness.apps if a.name == app_name)
        return app, next(s for s in app.specs if s.id == spec_id)

    def engine_live(self, profile: str, app, spec):
        key = (profile, case_key(app, spec))
        if key not in self.live:
            self.live[key] = self.harness.engine_live(profile, app, spec)
        return self.live[key]


@pytest.fixture(scope="module")
def real() -> RealRuns:
    h = RealAppsHarness()
    try:
        yield RealRuns(h)
    finally:
        h.close()


def _describe(real: RealRuns, app, spec) -> str:
    return (f"app {app.name} [{app.family}] at {real.harness.base(app)}: {app.setup}\n"
            f"page origin {real.harness.origin}: {spec.describe()}")


@pytest.mark.parametrize("browser", BROWSERS)
def test_browser_reports_every_case(browser, real):
    run = real.browser(browser)
    keys = [case_key(a, s) for a, s in real.harness.cases]
    missing = [k for k in keys if k not in run.results]
    timed_out = [k for k in keys if (run.results.get(k) or {}).get("outcome") == "timeout"]
    assert run.problem is None and not missing and not timed_out, (
        f"{browser} did not report cleanly: problem={run.problem!r}\nmissing: {missing}\n"
        f"timed out fetches: {timed_out}\npage errors: {run.page_logs}\n{run.tail()}")


@pytest.mark.parametrize(
    "browser,app_name,spec_id",
    [_param(b, a, s) for b in BROWSERS for a, s in CASES],
)
def test_engine_matches_browser_on_real_app(browser, app_name, spec_id, real):
    run = real.browser(browser)
    app, spec = real.case(app_name, spec_id)
    obs = observe(run, app, spec)
    if obs.allowed is None:
        pytest.fail(f"{browser} gave no usable result for {case_key(app, spec)}: {obs.outcome} ({obs.error})\n"
                    f"problem: {run.problem}\npage errors: {run.page_logs}\n{run.tail()}")
    verdict = real.engine_live(PROFILE_OF[browser], app, spec)
    problems = []
    if obs.allowed != verdict.allowed:
        problems.append(f"[verdict] browser: {'allowed' if obs.allowed else 'blocked'}; "
                        f"engine: {'allowed' if verdict.allowed else 'blocked'} ({verdict.reason})")
    elif obs.allowed:
        status = verdict.actual.response.status if verdict.actual else None
        if obs.status != status:
            problems.append(f"[status] browser: {obs.status}; engine: {status}")
        b, e = comparable_readable(obs.readable), comparable_readable(verdict.readable_headers)
        if b != e:
            diff = sorted(set(b) ^ set(e) | {k for k in set(b) & set(e) if b[k] != e[k]})
            problems.append(f"[readable] browser: {({k: b.get(k) for k in diff})}; "
                            f"engine: {({k: e.get(k) for k in diff})}")
    ew = engine_wire(verdict, real.harness.names)
    if obs.wire != ew:
        problems.append(f"[wire] browser: {' -> '.join(map(fmt_step, obs.wire)) or '(nothing)'}\n"
                        f"       engine:  {' -> '.join(map(fmt_step, ew)) or '(nothing)'}")
    if browser == "chromium" and obs.allowed is False and verdict.allowed is False:
        blocked_msgs = [m for m in obs.console if "has been blocked by CORS policy" in m]
        captured = blocked_msgs[-1].replace(f"run={run.run}&", f"run=engine-{PROFILE_OF[browser]}&") \
            if blocked_msgs else None
        if captured != verdict.message:
            problems.append(f"[message] browser: {captured}\n          engine:  {verdict.message}")
    if problems:
        pytest.fail("\n".join(["browser and engine disagree on a real app", _describe(real, app, spec), "",
                               *problems, "", "browser did:", obs.show(), "", "engine said:",
                               show_engine(verdict, names=real.harness.names)]), pytrace=False)


@pytest.mark.parametrize(
    "profile,app_name,spec_id",
    [pytest.param(p, a, s, id=f"{p}:{a}.{s}") for p in PROFILES for a, s in CASES],
)
def test_in_process_matches_live(profile, app_name, spec_id, real):
    app, spec = real.case(app_name, spec_id)
    live = real.engine_live(profile, app, spec)
    wsgi = real.harness.engine_wsgi(profile, app, spec)

    def facets(v):
        return {"allowed": v.allowed, "reason": v.reason, "message": v.message,
                # the in-process target has no HTTP server: nothing adds Date, Server, Connection
                "readable": {k: val for k, val in comparable_readable(v.readable_headers).items()
                             if k not in SERVER_ADDED},
                "preflight_sent": v.preflight_sent,
                "final_url": v.final_url, "exchanges": exchange_summary(v)}

    lf, wf = facets(live), facets(wsgi)
    if lf != wf:
        diff = [f"[{k}]\n  live:       {lf[k]}\n  in-process: {wf[k]}" for k in lf if lf[k] != wf[k]]
        pytest.fail("\n".join(["the in-process WsgiTransport is not faithful to the live server",
                               _describe(real, app, spec), "", *diff, "", show_engine(live, "live", real.harness.names), "",
                               show_engine(wsgi, "in-process", real.harness.names)]), pytrace=False)
