"""What ``pytest-cors record`` prints: the origin x method matrix per path, then the audit findings.

Findings are printed in full (what, why, fix, evidence as curl) when they are
at or above the plugin's default failing severity, so a team sees a bug before
it commits the file that would lock it in.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, List, Optional, Sequence

from pytest_cors.audit.catalogue import at_or_above
from pytest_cors.check.run import CorsRun
from pytest_cors.record.probe import Cell, Outcome
from pytest_cors.record.recorder import ACCEPTED_SEVERITY, RecordedEndpoint
from pytest_cors.report.findings import format_findings

#: Findings per contract printed in full (what, why, fix, curl); the rest one line per probe.
SHOWN_IN_FULL = 3


def matrix(cells: Sequence[Cell], methods: Sequence[str]) -> List[str]:
    """Rows per origin, a column per method: allowed / blocked / browsers disagree."""
    origins = list(dict.fromkeys(c.origin for c in cells))
    by_key = {(c.origin, c.method): c for c in cells}
    width = max(len(o) for o in origins) if origins else 6
    columns = [max(len(m), 17) for m in methods]
    lines = [("    " + "origin".ljust(width) + "  " + "  ".join(m.ljust(w) for m, w in zip(methods, columns))).rstrip()]
    for origin in origins:
        values = []
        for method, w in zip(methods, columns):
            cell = by_key.get((origin, method))
            text = cell.outcome.value if cell else "-"
            if cell and cell.notes:
                text += "*"  # the request shape was narrowed: see the notes below
            values.append(text.ljust(w))
        lines.append("    " + origin.ljust(width) + "  " + "  ".join(values).rstrip())
    return lines


def print_summary(
    recorded: Sequence[RecordedEndpoint], run: CorsRun, stream: IO[str], *, written: Optional[Path] = None, app: Optional[str] = None
) -> None:
    """The matrix of every path, the audit findings, and what was written."""

    def write(line: str = "") -> None:
        print(line, file=stream)

    for endpoint in recorded:
        write(f"{endpoint.endpoint.path}  ({len(endpoint.contracts)} contract{'s' if len(endpoint.contracts) != 1 else ''})")
        for line in matrix(endpoint.cells, endpoint.methods):
            write(line)
        for cell in endpoint.cells:
            for note in cell.notes:
                write(f"    * {note}")
            if cell.outcome is Outcome.MIXED:
                write(f"    ! {cell.method} from {cell.origin}: {cell.reason}")
        for note in endpoint.dropped:
            write(f"    ! {note}")
    findings = [f for endpoint in recorded for item in endpoint.contracts for f in item.findings]
    write()
    if not findings:
        write("Audit findings: none")
    for endpoint in recorded:
        for item in endpoint.contracts:
            if item.findings:
                write(format_findings(item.findings, run.redactor, threshold=ACCEPTED_SEVERITY, limit=SHOWN_IN_FULL))
                write()
    if any(at_or_above(f.severity, ACCEPTED_SEVERITY) for f in findings):
        write("!!! The file ACCEPTS the findings above (audit: skip, marked '!!!'): review them; fix the server, then delete the skip.")
    if run.withheld:
        write(f"Not sent (unsafe methods on a live URL; pass --send-unsafe to send them): {len(run.withheld)} actual request(s)")
    if written is not None:
        count = sum(len(e.contracts) for e in recorded)
        write(f"Wrote {written} ({count} contract{'s' if count != 1 else ''}). Review it, commit it, run it with: pytest {written}")
        if app:  # a YAML file is no Python module: pytest puts no directory on sys.path for it
            module = app.split(":", 1)[0]
            write(f"pytest must be able to import {module}: set pythonpath = . in the ini file (or install the project)")
