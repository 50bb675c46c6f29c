"""The per-endpoint matrix: rows origin x method, columns each browser's verdict, max-age, audit findings.

Built from item records only (see :mod:`pytest_cors.report.records`), so the
terminal, Markdown and HTML show the same table, and a pytest-xdist run shows
what a serial run shows. Cells carry a style (``good``, ``bad``, ``warn``)
that each renderer turns into colour, emphasis or a CSS class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Sequence, Tuple

Record = Dict[str, Any]
#: (text, style); style is "", "good", "bad" or "warn".
Cell = Tuple[str, str]


@dataclass
class Endpoint:
    """One contract's cases and findings, from every record that touched it."""

    contract_id: str
    name: str
    path: str
    cases: List[Record] = field(default_factory=list)
    findings: List[Record] = field(default_factory=list)
    outcomes: List[str] = field(default_factory=list)

    @property
    def failing(self) -> bool:
        """Whether the endpoint needs attention: a broken case, a failing finding or a failed item.

        A lockfile difference fails its item, except with --cors-snapshot-update (recorded instead).
        """
        return (
            any(not c["passed"] for c in self.cases)
            or any(f["failing"] for f in self.findings)
            or any(o in ("failed", "error") for o in self.outcomes)
        )


def endpoints(records: Sequence[Record]) -> List[Endpoint]:
    """Endpoints in the order their first record ran in collection order."""
    found: Dict[str, Endpoint] = {}
    for record in records:
        touched = set()
        for case in record["cases"]:
            endpoint = found.setdefault(case["contract_id"], Endpoint(case["contract_id"], case["contract"], case["path"]))
            endpoint.cases.append(case)
            touched.add(case["contract_id"])
        for finding in record["findings"]:
            key = finding["contract_id"] or record["nodeid"]
            endpoint = found.setdefault(key, Endpoint(key, finding["contract"] or record["nodeid"], finding["url"]))
            endpoint.findings.append(finding)
            touched.add(key)
        for key in touched:
            found[key].outcomes.append(record["outcome"])
    return list(found.values())


def _verdict_cell(case: Record, browser: str) -> Cell:
    verdict = case["browsers"].get(browser)
    if verdict is None:
        return ("-", "")
    text = verdict["verdict"]
    return (text, "good" if text == case["expected"] else "bad")


def _max_age(case: Record) -> str:
    preflight = case["policy"].get("preflight")
    if preflight is None:
        return "-"
    value = preflight.get("access-control-max-age")
    return "none" if value is None else str(value)


def _finding_text(findings: Sequence[Record]) -> Cell:
    if not findings:
        return ("-", "")
    text = ", ".join(f"{f['severity']} {f['probe']}" for f in findings)
    return (text, "bad" if any(f["failing"] for f in findings) else "warn")


def header(browsers: Sequence[str], with_changes: bool) -> List[str]:
    """Column titles of the matrix, browsers in the selected order."""
    return ["origin", "method", "expected", *browsers, "max-age", "audit"] + (["lockfile"] if with_changes else [])


def rows(endpoint: Endpoint, browsers: Sequence[str], with_changes: bool) -> List[List[Cell]]:
    """The matrix of one endpoint; findings at an origin with no case get a row of their own."""
    table: List[List[Cell]] = []
    by_origin: Dict[str, List[Record]] = {}
    for finding in endpoint.findings:
        by_origin.setdefault(finding["origin"], []).append(finding)
    case_origins = {c["origin"] for c in endpoint.cases}
    for case in endpoint.cases:
        expected_style = "" if case["passed"] else "bad"
        row: List[Cell] = [(case["origin"], ""), (case["method"], ""), (case["expected"], expected_style)]
        row += [_verdict_cell(case, b) for b in browsers]
        row += [(_max_age(case), ""), _finding_text(by_origin.get(case["origin"], []) if case is _first(endpoint, case) else [])]
        if with_changes:
            kinds = sorted({c["kind"] for c in case["snapshot"]})
            row.append((", ".join(kinds) or "-", "bad" if case["snapshot"] else ""))
        table.append(row)
    by_probe: Dict[str, List[Record]] = {}
    for origin in sorted(o for o in by_origin if o not in case_origins):
        for finding in by_origin[origin]:
            by_probe.setdefault(finding["probe"], []).append(finding)
    for findings in by_probe.values():  # one row per probe, however many attacker origins it tried
        origins = sorted({f["origin"] or "(no origin)" for f in findings})
        shown = origins[0] + (f" (+{len(origins) - 1})" if len(origins) > 1 else "")
        row = [(shown, ""), ("probe", ""), ("-", "")] + [("-", "")] * len(browsers)
        row += [("-", ""), _finding_text(findings[:1])] + ([("-", "")] if with_changes else [])
        table.append(row)
    return table


def _first(endpoint: Endpoint, case: Record) -> Record:
    """Findings of an origin are shown on the first row of that origin only."""
    return next(c for c in endpoint.cases if c["origin"] == case["origin"])


def text_table(head: Sequence[str], table: Sequence[Sequence[Cell]], style: Callable[[str, str], str], width: int) -> List[str]:
    """Aligned text columns; ``style(text, style)`` adds colour after padding, so alignment holds."""
    widths = [max([len(head[i])] + [len(row[i][0]) for row in table]) for i in range(len(head))]
    for column, minimum in ((0, 28), (head.index("audit") if "audit" in head else -1, 24)):
        overflow = sum(widths) + 2 * len(widths) + 2 - width
        if overflow > 0 and column >= 0 and widths[column] > minimum:  # origins give way first, then findings
            widths[column] = max(minimum, widths[column] - overflow)

    def cut(text: str, size: int) -> str:
        return text if len(text) <= size else text[: size - 1] + "…"

    lines = ["  " + "  ".join(cut(h, w).ljust(w) for h, w in zip(head, widths)).rstrip()]
    for row in table:
        cells = [style(cut(text, w).ljust(w), kind) if kind else cut(text, w).ljust(w) for (text, kind), w in zip(row, widths)]
        lines.append(("  " + "  ".join(cells)).rstrip())
    return lines


def has_changes(records: Sequence[Record]) -> bool:
    """Whether any case differs from the lockfile (only then the matrix gets a lockfile column)."""
    return any(c["snapshot"] for r in records for c in r["cases"])


def summary(records: Sequence[Record], stale: int = 0) -> Dict[str, int]:
    """Counts every report starts with."""
    cases = [c for r in records for c in r["cases"]]
    found = endpoints(records)
    changes = [s for c in cases for s in c["snapshot"]]
    return {
        "items": len(records),
        "cases": len(cases),
        "cases_failed": sum(1 for c in cases if not c["passed"]),
        "endpoints": len(found),
        "endpoints_failing": sum(1 for e in found if e.failing),
        "findings": sum(len(r["findings"]) for r in records),
        "findings_failing": sum(1 for r in records for f in r["findings"] if f["failing"]),
        "loosened": sum(1 for s in changes if s["kind"] == "loosened"),
        "tightened": sum(1 for s in changes if s["kind"] == "tightened"),
        "changed": sum(1 for s in changes if s["kind"] == "changed"),
        "stale": stale,
    }


def one_line(counts: Dict[str, int], failing_names: Sequence[str]) -> str:
    """The whole run in one line (what ``-q`` keeps)."""
    text = f"cors: {counts['cases']} cases on {counts['endpoints']} endpoints, {counts['endpoints_failing']} failing"
    if failing_names:
        shown = ", ".join(failing_names[:5]) + (f" and {len(failing_names) - 5} more" if len(failing_names) > 5 else "")
        text += f" ({shown})"
    if counts["findings"]:
        text += f"; audit: {counts['findings_failing']} of {counts['findings']} findings failing"
    if counts["loosened"] or counts["tightened"] or counts["changed"] or counts["stale"]:
        text += (
            f"; lockfile: {counts['loosened']} loosened, {counts['tightened']} tightened, "
            f"{counts['changed']} changed, {counts['stale']} stale"
        )
    return text
