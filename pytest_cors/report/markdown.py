"""The Markdown summary: short enough for a pull-request comment or a GitHub job summary.

Order is what a reviewer needs first: the counts, then lockfile changes
(loosened before tightened), then each failing endpoint with its matrix.
"""

from __future__ import annotations

from typing import List, Sequence

from pytest_cors.report.matrix import Cell, endpoints, has_changes, header, rows
from pytest_cors.report.run_report import RunReport

MARKS = {"good": "✅ ", "bad": "❌ ", "warn": "⚠️ "}
KIND_ORDER = ("loosened", "tightened", "changed")


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(head: Sequence[str], table: Sequence[Sequence[Cell]]) -> List[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in table:
        lines.append("| " + " | ".join(MARKS.get(style, "") + _escape(text) for text, style in row) + " |")
    return lines


def render_markdown(report: RunReport) -> str:
    """The Markdown summary: counts, lockfile changes, failing endpoints."""
    counts = report.counts
    failing = counts["endpoints_failing"]
    title = "all endpoints pass" if not failing else f"{failing} of {counts['endpoints']} endpoints failing"
    lines = [f"## pytest-cors: {title}", ""]
    lines += _table(
        ["cases", "failed", "endpoints", "failing", "audit findings (failing)", "loosened", "tightened", "stale"],
        [[
            (str(counts["cases"]), ""), (str(counts["cases_failed"]), "bad" if counts["cases_failed"] else ""),
            (str(counts["endpoints"]), ""), (str(failing), "bad" if failing else ""),
            (f"{counts['findings']} ({counts['findings_failing']})", "bad" if counts["findings_failing"] else ""),
            (str(counts["loosened"]), "bad" if counts["loosened"] else ""),
            (str(counts["tightened"]), "warn" if counts["tightened"] else ""),
            (str(counts["stale"]), "warn" if counts["stale"] else ""),
        ]],
    )
    lockfile = report.lockfile
    if lockfile is not None and (lockfile.changes or lockfile.stale):
        lines += ["", f"### Policy changes since `{lockfile.path}`", ""]
        for kind in KIND_ORDER:
            for change in (c for c in lockfile.changes if c["kind"] == kind):
                lines.append(f"- **{kind}** `{change['contract']}` [{change['case']}]: {_escape(change['summary'])}")
        for stale in lockfile.stale:
            what = f"{stale['owner']}::{stale['contract']}" if stale["contract"] else stale["owner"]
            lines.append(f"- **stale** `{what}`{' [' + stale['case'] + ']' if stale['case'] else ''}: {stale['reason']}")
        if lockfile.mode == "compare":
            lines += ["", f"Loosened needs a security review; tightened may break a client. If intended, run "
                          f"`pytest --cors-snapshot-update` and commit `{lockfile.path}`."]
    with_changes = has_changes(report.records)
    failing_endpoints = [e for e in endpoints(report.records) if e.failing]
    if failing_endpoints:
        lines += ["", "### Failing endpoints"]
        for endpoint in failing_endpoints:
            lines += ["", f"#### `{endpoint.contract_id}` `{endpoint.path}`", ""]
            lines += _table(header(report.browsers, with_changes), rows(endpoint, report.browsers, with_changes))
            problems = [f"- {c['case']}: {_escape(p['summary'])}" for c in endpoint.cases for p in c["problems"]]
            lines += [""] + problems if problems else []
    return "\n".join(lines) + "\n"
