"""Audit findings as text: one finding in full, an item's report, and the run's findings table."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from pytest_cors.audit.catalogue import SEVERITY_RANK, at_or_above
from pytest_cors.audit.model import Finding
from pytest_cors.browser import rules as v
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
        elif name in (v.ACAO, "Vary"):
            lines.append(f"   {name}: (missing)")
    return lines


def format_finding(finding: Finding, redactor: Redactor = Redactor(), *, index: Optional[int] = None) -> str:
    """A finding as text: severity, probe, what, why, fix, and each exchange as curl + response headers."""
    label = f"[{index}] " if index is not None else ""
    lines = [
        f"{label}{finding.severity.upper()} {finding.probe}: {redactor.text(finding.summary)}",
        f"  why: {finding.why}",
        f"  fix: {finding.fix}",
    ]
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
    failing = [f for f in findings if at_or_above(f.severity, threshold)]
    head = (
        f"CORS audit of {contract!r}: {len(failing)} finding{'s' if len(failing) != 1 else ''} "
        f"at or above {threshold}" + (f" ({len(findings) - len(failing)} below)" if len(findings) > len(failing) else "")
    )
    parts = [head]
    for i, finding in enumerate(failing[:limit], 1):
        parts.append(format_finding(finding, redactor, index=i if len(failing) > 1 else None))
    rest = failing[limit:] + [f for f in findings if not at_or_above(f.severity, threshold)]
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
    ordered = sorted(findings, key=lambda f: SEVERITY_RANK[f.severity])
    rows = [(f.severity, f.probe, f.origin or "-", f.contract, redactor.text(f.summary)) for f in ordered]
    header = ("severity", "probe", "origin", "contract")
    widths = [max(len(r[i]) for r in rows + [header + ("",)]) for i in range(4)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)) + "  summary"]
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row[:4], widths)) + "  " + row[4])
    return lines
