"""Real-browser differential: the engine's verdict must equal what each browser did.

For every browser (Chromium -> profile ``chrome``, Firefox ESR -> ``firefox``,
cog/WPE WebKit -> ``safari``) all scenarios run in one headless page load; then
each (browser, scenario) pair is compared with ``simulate_fetch`` run against the
same loopback server: allowed/blocked, the headers JS can read, whether a
preflight was sent and the exact requests that reached the server, and for
Chromium the console message.

Run: ``python -m pytest tests/browser -q``. A browser that is not installed or
cannot start at all is skipped with the reason; anything else is a failure.
"""

from __future__ import annotations

import pytest

from .differential import compare, engine_verdict, explain, observe
from .harness import PROFILE_OF
from .scenarios import SCENARIOS

BROWSERS = tuple(PROFILE_OF)
_VERDICTS = {}


@pytest.mark.parametrize("browser", BROWSERS)
def test_browser_reports_every_scenario(browser, browser_runs):
    run = browser_runs.get(browser)
    missing = [s.id for s in SCENARIOS if s.id not in run.results]
    timed_out = [s.id for s in SCENARIOS if (run.results.get(s.id) or {}).get("outcome") == "timeout"]
    assert run.problem is None and not missing and not timed_out, (
        f"{browser} did not report cleanly: problem={run.problem!r}\n"
        f"missing ({len(missing)}): {missing[:20]}\ntimed out fetches: {timed_out}\n"
        f"page errors: {run.page_logs}\n{run.tail()}")
    # No duration is asserted: the harness's bounded wait (run(timeout=...)) turns a page that never
    # finishes into run.problem, and a fetch that hung into a "timeout" outcome, both checked above.
    if browser in ("chromium", "cog"):
        # The console capture must work, or the message comparison would be vacuous:
        # every blocked fetch that reached the server has its console message.
        silent = [s.id for s in SCENARIOS
                  if (run.results.get(s.id) or {}).get("outcome") == "rejected" and browser not in s.console_silent
                  and any(r.scenario == s.id for r in run.requests) and not observe(run, s).cors_message()]
        assert not silent, f"{browser}: no console message captured for blocked scenarios {silent}\n{run.tail()}"


@pytest.mark.parametrize(
    "browser,scenario",
    [pytest.param(b, s, id=f"{b}:{s.id}") for b in BROWSERS for s in SCENARIOS],
)
def test_engine_matches_browser(browser, scenario, browser_runs, harness):
    run = browser_runs.get(browser)
    obs = observe(run, scenario)
    if obs.allowed is None:
        pytest.fail(f"{browser} gave no usable result for {scenario.id}: {obs.outcome} ({obs.error})\n"
                    f"problem: {run.problem}\npage errors: {run.page_logs}\n{run.tail()}")
    key = (browser, scenario.id)
    if key not in _VERDICTS:
        _VERDICTS[key] = engine_verdict(harness, run, scenario)
    verdict = _VERDICTS[key]
    mismatches = [m for m in compare(harness, obs, verdict, scenario) if m.asserted]
    if mismatches:
        pytest.fail(explain(harness, scenario, obs, verdict, mismatches), pytrace=False)
