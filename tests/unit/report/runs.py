"""A finished run as the reports read it, built from real checks of plain WSGI apps and a real audit."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from pytest_cors.audit.runner import ContractAudit
from pytest_cors.browser.profiles import select_profiles
from pytest_cors.check.run import CorsRun
from pytest_cors.contract.schema import parse_contract
from pytest_cors.report.records import case_record, finding_record, item_record
from pytest_cors.report.redaction import Redactor
from pytest_cors.report.run_report import LockfileSummary, RunReport
from pytest_cors.snapshot.diff import Change, ChangeKind

from .apps import app, result_of

APP = "https://app.example.com"
BROWSERS = ("chrome", "firefox")
GOOD = [("Access-Control-Allow-Origin", APP), ("Vary", "Origin")]


def _reflect_any(environ: Dict[str, Any], start_response: Any) -> List[bytes]:
    start_response("200 OK", [("Access-Control-Allow-Origin", environ.get("HTTP_ORIGIN", "")), ("Vary", "Origin")])
    return [b"{}"]


def records(*, changes: bool = False) -> List[Dict[str, Any]]:
    """A passing item, a failing one (a | in its problem), and an audit item with findings."""
    redactor = Redactor()
    owner = "tests/test_api.py::test_users"
    contract = {"name": "test_users", "path": "/users", "origins": [APP], "methods": ["GET", "PUT"]}
    passing = result_of(app(actual=GOOD), contract, profiles=BROWSERS)
    failing = result_of(app(GOOD, [("Access-Control-Allow-Origin", f"{APP} | x")]), contract, case=1,
                        profiles=BROWSERS)
    change = [Change(ChangeKind.LOOSENED, "test_users", "PUT https://app.example.com", "now | open")] if changes else []
    run = CorsRun(profiles=select_profiles("chrome,firefox"), redactor=redactor)
    audited = parse_contract({"name": "orders", "path": "/orders", "origins": [APP]})
    findings = ContractAudit(audited, run, run.app(_reflect_any)).all_findings()
    return [
        item_record(f"{owner}[GET]", "passed", "", [case_record(passing, owner, redactor)], []),
        item_record(f"{owner}[PUT]", "failed", "CORS <contract> violated",
                    [case_record(failing, owner, redactor, change)], []),
        item_record("cors_api.yaml::orders::audit", "failed", "",
                    [], [finding_record(f, "cors_api.yaml", redactor, "medium") for f in findings[:2]]),
    ]


def lockfile(mode: str = "compare", *, empty: bool = False) -> Optional[LockfileSummary]:
    """A lockfile summary with one change of each kind (listed out of order) and two stale entries."""
    if empty:
        return LockfileSummary("cors.lock", mode, False, (), ())
    changes = tuple(Change(kind, "api.yaml::users", f"GET {APP}", f"{kind.value} | here").to_dict()
                    for kind in (ChangeKind.CHANGED, ChangeKind.TIGHTENED, ChangeKind.LOOSENED))
    stale = ({"owner": "old.yaml", "contract": "", "case": "", "reason": "the file is gone"},
             {"owner": "api.yaml", "contract": "users", "case": "PUT x", "reason": "no such case"})
    return LockfileSummary("cors.lock", mode, mode == "update", changes, stale)


def run_report(**options: Any) -> RunReport:
    """The run with ``records()`` and ``lockfile(...)`` (``lock=None``: no lockfile)."""
    lock = options.pop("lock", "compare")
    return RunReport(tuple(records(changes=options.pop("changes", False))), BROWSERS,
                     lockfile(lock) if lock else None)
