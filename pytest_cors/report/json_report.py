"""The JSON report: one record per item, validated by ``cors-report.schema.json`` (shipped alongside)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Dict

from pytest_cors.report.run_report import RunReport

SCHEMA_FILE = "cors-report.schema.json"
SCHEMA_ID = "https://pytest-cors.dev/schema/cors-report-1.json"


def schema() -> Dict[str, Any]:
    """The report's JSON Schema (draft 2020-12), as shipped in the package."""
    loaded: Dict[str, Any] = json.loads(resources.files("pytest_cors.report").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))
    return loaded


def report_data(report: RunReport) -> Dict[str, Any]:
    """The report as JSON-ready data (records without their internal sort key)."""
    lockfile = None
    if report.lockfile is not None:
        lockfile = {
            "path": report.lockfile.path,
            "mode": report.lockfile.mode,
            "written": report.lockfile.written,
            "changes": list(report.lockfile.changes),
            "stale": list(report.lockfile.stale),
        }
    return {
        "$schema": SCHEMA_ID,
        "version": 1,
        "browsers": list(report.browsers),
        "summary": report.counts,
        "lockfile": lockfile,
        "records": [{k: v for k, v in r.items() if k != "order"} for r in report.records],
    }


def render_json(report: RunReport) -> str:
    """The JSON report's text (indented, stable key order)."""
    return json.dumps(report_data(report), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
