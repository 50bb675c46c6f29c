"""Fixtures of the real-browser differential: one server set, one page load per browser."""

from __future__ import annotations

from typing import Dict, Union

import pytest

from .browsers import BrowserRun, BrowserUnavailable
from .harness import Harness

_RUNS: Dict[str, Union[BrowserRun, BrowserUnavailable]] = {}


class BrowserRuns:
    """Runs each browser once, on first use, and remembers the result (or why it could not start)."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness

    def get(self, browser: str) -> BrowserRun:
        if browser not in _RUNS:
            try:
                _RUNS[browser] = self.harness.run(browser)
            except BrowserUnavailable as exc:
                _RUNS[browser] = exc
        result = _RUNS[browser]
        if isinstance(result, BrowserUnavailable):
            pytest.skip(str(result))
        return result


@pytest.fixture(scope="session")
def harness():
    h = Harness()
    yield h
    h.close()


@pytest.fixture(scope="session")
def browser_runs(harness) -> BrowserRuns:
    return BrowserRuns(harness)


def pytest_terminal_summary(terminalreporter):
    from .real_harness import RUN_SUMMARY

    if RUN_SUMMARY:
        terminalreporter.section("real-browser differential: real framework apps")
        for browser, line in RUN_SUMMARY.items():
            terminalreporter.write_line(f"{browser}: {line}")
    if not _RUNS:
        return
    terminalreporter.section("real-browser differential")
    for browser, result in _RUNS.items():
        if isinstance(result, BrowserUnavailable):
            terminalreporter.write_line(f"{browser}: skipped: {str(result).splitlines()[0]}")
        else:
            terminalreporter.write_line(
                f"{browser}: page load {result.seconds:.1f}s, {len(result.results)} scenarios reported,"
                f" exit code {result.returncode}" + (f", problem: {result.problem}" if result.problem else ""))
