"""Everything a report needs about a finished run, as plain data, and the writer that picks the format.

The format follows the file name's suffix: ``.json``, ``.md`` (or
``.markdown``), ``.html``. Reports depend only on this value, never on the
order results arrived in, so a pytest-xdist run writes the same bytes as a
serial one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from pytest_cors.report.matrix import endpoints, summary

Record = Dict[str, Any]
FORMATS = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


class ReportPathError(ValueError):
    """A report path whose suffix names no format."""


@dataclass(frozen=True)
class LockfileSummary:
    """What the lockfile part of every report shows."""

    path: str
    mode: str  # "compare" or "update"
    written: bool
    changes: Tuple[Dict[str, str], ...]
    stale: Tuple[Dict[str, str], ...]


@dataclass(frozen=True)
class RunReport:
    """The finished run as every report format reads it."""

    records: Tuple[Record, ...]
    browsers: Tuple[str, ...]
    lockfile: Optional[LockfileSummary] = None

    @property
    def counts(self) -> Dict[str, int]:
        """The summary counts (cases, endpoints, findings, changes, stale entries)."""
        return summary(self.records, len(self.lockfile.stale) if self.lockfile else 0)

    def failing_names(self) -> List[str]:
        """Names of failing endpoints, in collection order."""
        return [e.name for e in endpoints(self.records) if e.failing]


def report_format(path: str) -> str:
    """The format a report path asks for; a clear error for an unknown suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ReportPathError(
            f"{path!r}: unknown report format {suffix or '(no suffix)'!r}; end the file name with .json, .md or .html"
        )
    return FORMATS[suffix]


def render(report: RunReport, fmt: str) -> str:
    """The report's text in one format."""
    if fmt == "json":
        from pytest_cors.report.json_report import render_json

        return render_json(report)
    if fmt == "markdown":
        from pytest_cors.report.markdown import render_markdown

        return render_markdown(report)
    from pytest_cors.report.html import render_html

    return render_html(report)


def write_reports(report: RunReport, paths: Sequence[Path]) -> None:
    """Write every requested report (parent directories are created)."""
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = render(report, report_format(str(path)))
        with open(path, "w", encoding="utf-8", newline="\n") as stream:  # Path.write_text(newline=) needs 3.10
            stream.write(text)
