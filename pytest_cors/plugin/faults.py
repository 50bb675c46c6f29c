"""One clear summary of the targets that could not be reached in a run.

A run against a dead target errors every test that needs it, but only the first
request waits for the fault (refused, unresolvable, TLS, timeout); the rest
fail at once. This plugin object adds a short section at the end of the run
naming each unreachable target once, with its cause and the usual fix.
"""

from __future__ import annotations

from typing import Any

FIXES = {
    "connection-refused": "start the server, or point --cors-url / cors_url at the right host and port",
    "dns-failure": "check the host name in --cors-url / cors_url / target: (typo? VPN or CI DNS?)",
    "tls-error": "pass --cors-ca-bundle PATH for a private CA, or --cors-insecure for a throw-away test server",
    "connect-timeout": "the host does not accept connections: firewall, wrong port, or raise --cors-timeout",
    "timeout": "the server accepted but did not answer in time: check it is healthy, or raise --cors-timeout",
}


class FaultSummary:
    """Registered by the plugin; reads the run's unreachable-target registry at the end."""

    def __init__(self, run: Any) -> None:
        self.run = run

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Name each unreachable target once, and the requests held back from a live URL."""
        self._withheld(terminalreporter)
        self._lifespan(terminalreporter)
        targets = self.run.unreachable_targets()
        if not targets:
            return
        terminalreporter.section("pytest-cors: unreachable targets", sep="=", yellow=True)
        for target, (fault, skipped) in targets.items():
            shown = self.run.redactor.url(target)
            terminalreporter.line(f"{shown}: {fault.kind}: {self.run.redactor.text(fault.cause)}")
            if skipped:
                terminalreporter.line(
                    f"  {skipped} later request(s) to {shown} were not sent (they fail at once instead of "
                    "waiting for the same fault again)"
                )
            fix = FIXES.get(fault.kind)
            if fix:
                terminalreporter.line(f"  fix: {fix}")

    def _lifespan(self, terminalreporter: Any) -> None:
        """Each ASGI app whose lifespan startup or shutdown failed, once."""
        problems = getattr(self.run, "lifespan_problems", [])
        if not problems:
            return
        terminalreporter.section("pytest-cors: ASGI lifespan", sep="=", yellow=True)
        for target, problem in problems:
            terminalreporter.line(f"{target}: {problem.text()}")

    def _withheld(self, terminalreporter: Any) -> None:
        """At -v, list the actual requests that only had their preflight checked."""
        withheld = list(dict.fromkeys(self.run.withheld))
        if not withheld or terminalreporter.config.getoption("verbose") < 1:
            return
        terminalreporter.section("pytest-cors: actual requests not sent", sep="=")
        terminalreporter.line(
            f"{len(withheld)} actual request(s) to the live URL were not sent (their method can change data); "
            "only their preflight was checked. Pass --cors-send-unsafe to send them."
        )
        for line in withheld[:20]:
            terminalreporter.line(f"  {line}")
        if len(withheld) > 20:
            terminalreporter.line(f"  ... and {len(withheld) - 20} more")
