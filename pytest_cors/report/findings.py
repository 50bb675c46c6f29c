"""Audit findings as text: one finding in full, an item's report, and the run's findings table."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from pytest_cors.audit.catalogue import SEVERITY_RANK, at_or_above
from pytest_cors.audit.model import Finding
from pytest_cors.browser import rules
from pytest_cors.browser.exchange import HttpResponse
from pytest_cors.report.case_failure import SHOWN_HEADERS
from pytest_cors.report.curl import curl_command
from pytest_cors.report.redaction import Redactor


def _response_lines(response: HttpResponse, redactor: Redactor) -> List[str]:
    lines = [f"-> {response.status} {response.reason}".rstrip()]
    for name in SHOWN_HEADERS:
        values = response.header_lines(name)
        if values:
            for value in values:
                lines.append(f"   {name}: {redactor.header(name, value)}")
        elif name in (rules.ACAO, "Vary"):
            lines.append(f"   {name}: (missing)")
    return lines


def _group_key(finding: Finding, probe: Optional[str]) -> Tuple[str, str, Optional[str]]:
    return (finding.contract, finding.url, probe)


GroupKey = Tuple[str, str, Optional[str]]


def split_covered(findings: Sequence[Finding]) -> Tuple[List[Finding], Dict[GroupKey, List[Finding]]]:
    """The findings shown on their own, and the covered ones by (contract, url, the probe that covers them).

    A covered finding whose cause is not among ``findings`` (a caller filtered it out) is shown on its own:
    grouping never hides a finding.
    """
    causes = {_group_key(f, f.probe) for f in findings if f.covered_by is None}
    own: List[Finding] = []
    groups: Dict[GroupKey, List[Finding]] = {}
    for finding in findings:
        key = _group_key(finding, finding.covered_by)
        if finding.covered_by is not None and key in causes:
            groups.setdefault(key, []).append(finding)
        else:
            own.append(finding)
    return own, groups


def covers_text(covered: Sequence[Finding], redactor: Redactor) -> str:
    """One line naming what a broad finding covers: each probe with its origin (or how many), the worst severity."""
    by_probe: Dict[str, List[Finding]] = {}
    for finding in covered:
        by_probe.setdefault(finding.probe, []).append(finding)
    parts = [
        f"{probe} ({redactor.text(group[0].origin or '-')})" if len(group) == 1 else f"{probe} ({len(group)} origins)"
        for probe, group in by_probe.items()
    ]
    worst = min((f.severity for f in covered), key=lambda s: SEVERITY_RANK[s])
    count = f"{len(covered)} more finding{'s' if len(covered) != 1 else ''}"
    return f"covers {count} of the same cause (worst {worst}): {', '.join(parts)}"


def format_finding(
    finding: Finding, redactor: Redactor = Redactor(), *, index: Optional[int] = None, covers: Sequence[Finding] = ()
) -> str:
    """A finding as text: severity, probe, what, why, fix, what it covers, and each exchange as curl + response headers."""
    label = f"[{index}] " if index is not None else ""
    lines = [
        f"{label}{finding.severity.upper()} {finding.probe}: {redactor.text(finding.summary)}",
        f"  why: {finding.why}",
        f"  fix: {finding.fix}",
    ]
    if covers:
        lines.append("  " + covers_text(covers, redactor))
    for exchange in finding.evidence:
        lines.append(f"  {exchange.kind} request:")
        lines.append("    " + curl_command(exchange.request, redactor))
        lines += ["    " + line for line in _response_lines(exchange.response, redactor)]
    return "\n".join(lines)


def _also(rest: Sequence[Finding], redactor: Redactor) -> str:
    """The findings not shown in full, one line per (severity, probe)."""
    groups: Dict[Tuple[str, str], List[Finding]] = {}
    for finding in rest:
        groups.setdefault((finding.severity, finding.probe), []).append(finding)
    lines = []
    for (severity, probe), group in groups.items():
        if len(group) == 1:
            lines.append(f"  {severity:<8} {probe}: {redactor.text(group[0].summary)}")
        else:
            origins = ", ".join(f.origin or "(no Origin)" for f in group)
            lines.append(f"  {severity:<8} {probe}: {len(group)} more, from {origins}")
    return "Also:\n" + "\n".join(lines)


def format_findings(
    findings: Sequence[Finding], redactor: Redactor = Redactor(), *, threshold: str = "medium", limit: int = 5
) -> str:
    """The report of an audit item or marker test: findings at or above ``threshold`` in full, the rest listed."""
    if not findings:
        return ""
    contract = findings[0].contract
    own, covered = split_covered(findings)

    def group(finding: Finding) -> List[Finding]:
        return covered.get(_group_key(finding, finding.probe), [])

    def fails(finding: Finding) -> bool:  # a broad finding fails as badly as anything it covers
        return any(at_or_above(f.severity, threshold) for f in [finding, *group(finding)])

    failing = [f for f in own if fails(f)]
    n_covered = len(findings) - len(own)
    head = (
        f"CORS audit of {contract!r}: {len(failing)} finding{'s' if len(failing) != 1 else ''} "
        f"at or above {threshold}"
        + (f" ({len(own) - len(failing)} below)" if len(own) > len(failing) else "")
        + (f", grouping {n_covered} more of the same cause" if n_covered else "")
    )
    parts = [head]
    shown = set()
    for i, finding in enumerate(failing[:limit], 1):
        first = finding.probe not in shown
        shown.add(finding.probe)
        covers = group(finding) if first else []
        parts.append(format_finding(finding, redactor, index=i if len(failing) > 1 else None, covers=covers))
    rest = failing[limit:] + [f for f in own if not fails(f)]
    if rest:
        parts.append(_also(rest, redactor))
    probes = sorted({f.probe for f in failing})
    if probes:
        parts.append(
            f"To accept a known, documented risk: audit: {{skip: [{', '.join(probes)}]}} in the contract"
            + (f" ({findings[0].where})" if findings[0].where else "")
            + "; or --cors-audit warn / --cors-audit-severity to change what fails."
        )
    return "\n\n".join(parts)


def findings_table(findings: Sequence[Finding], redactor: Redactor = Redactor()) -> List[str]:
    """One line per finding, most severe first: severity, probe, origin, contract, summary."""
    if not findings:
        return ["no findings"]
    own, covered = split_covered(findings)
    ordered = sorted(own, key=lambda f: SEVERITY_RANK[f.severity])
    rows = [(f.severity, f.probe, f.origin or "-", f.contract, redactor.text(f.summary)) for f in ordered]
    header = ("severity", "probe", "origin", "contract")
    widths = [max(len(r[i]) for r in rows + [header + ("",)]) for i in range(4)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)) + "  summary"]
    for finding, row in zip(ordered, rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row[:4], widths)) + "  " + row[4])
        group = covered.pop(_group_key(finding, finding.probe), None)
        if group:
            lines.append(" " * (widths[0] + 2) + "  " + covers_text(group, redactor))
    return lines
