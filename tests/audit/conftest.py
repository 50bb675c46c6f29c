from __future__ import annotations

from typing import Any, Callable, Tuple

import pytest

from pytest_cors.audit.catalogue import at_or_above
from pytest_cors.audit.model import Finding
from pytest_cors.audit.runner import ContractAudit
from pytest_cors.browser.profiles import select_profiles
from pytest_cors.check.run import CorsRun
from pytest_cors.contract.schema import parse_contract
from pytest_cors.report.redaction import Redactor

#: The contract most tests check: a credentialed API for two web apps.
USERS_CONTRACT = {
    "name": "users",
    "path": "/api/users",
    "origins": ["https://app.example.com", "https://admin.example.com"],
    "methods": ["GET", "POST"],
    "credentials": True,
}


def run_audit(app: Callable, *, browsers: str = "all", **contract: Any) -> Tuple[Finding, ...]:
    """Every finding of the audit of ``contract`` against the in-process ``app``."""
    run = CorsRun(profiles=select_profiles(browsers), redactor=Redactor())
    data = {**USERS_CONTRACT, **contract}
    return ContractAudit(parse_contract(data), run, run.app(app)).all_findings()


def probes_of(findings, severity: str = "info"):
    return {f.probe for f in findings if at_or_above(f.severity, severity)}


def failing(findings, threshold: str = "medium"):
    return [(f.probe, f.severity, f.origin) for f in findings if at_or_above(f.severity, threshold)]


@pytest.fixture
def audit():
    return run_audit
