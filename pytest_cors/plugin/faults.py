"""One clear summary of the targets that could not be reached in a run.

A run against a dead target errors every test that needs it, but only the first
request waits for the fault (refused, unresolvable, TLS, timeout); the rest
fail at once. This plugin object adds a short section at the end of the run
naming each unreachable target once (the text is :mod:`pytest_cors.report.faults`),
and the ASGI apps whose lifespan failed.
"""

from __future__ import annotations

from typing import Any

from pytest_cors.check.run import CorsRun
from pytest_cors.report.faults import unreachable_lines, withheld_lines


class FaultSummary:
    """Registered by the plugin; reads the run's unreachable-target registry at the end."""

    def __init__(self, run: CorsRun) -> None:
        self.run = run

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Withheld requests (at -v), ASGI lifespan problems, then each unreachable target once."""
        if self.run.withheld and terminalreporter.config.getoption("verbose") >= 1:
            terminalreporter.section("pytest-cors: actual requests not sent")
            for line in withheld_lines(self.run.withheld):
                terminalreporter.line(line)
        if self.run.lifespan_problems:
            terminalreporter.section("pytest-cors: ASGI lifespan", yellow=True)
            for target, problem in self.run.lifespan_problems:
                terminalreporter.line(f"{target}: {problem.text()}")
        targets = self.run.unreachable_targets()
        if targets:
            terminalreporter.section("pytest-cors: unreachable targets", yellow=True)
            for line in unreachable_lines(targets, self.run.redactor):
                terminalreporter.line(line)
