"""pytest-cors: declare the CORS contract of each endpoint and check it the way browsers do.

This module is the public API; everything else is an implementation module that may move.
The package root imports no pytest: the verdict engine, the contract model, the checks and
the audit are usable from any Python code. The two pytest warning classes are the one
exception: they subclass ``pytest.PytestWarning``, so they load (with pytest) on first access.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from pytest_cors.audit.model import Finding  # noqa: E402
from pytest_cors.audit.runner import ContractAudit  # noqa: E402
from pytest_cors.browser.exchange import Exchange, FetchRequest, HttpRequest, HttpResponse  # noqa: E402
from pytest_cors.browser.fetch import BrowserVerdict, simulate_fetch  # noqa: E402
from pytest_cors.browser.profiles import PROFILES, BrowserProfile, select_profiles  # noqa: E402
from pytest_cors.check.case import CaseResult, Problem, ProblemKind, check_case  # noqa: E402
from pytest_cors.check.run import CheckResult, CorsChecker, CorsRun  # noqa: E402
from pytest_cors.contract.model import ContractCase, ContractError, CorsContract, Location, MaxAge  # noqa: E402
from pytest_cors.contract.schema import parse_contract  # noqa: E402
from pytest_cors.errors import (  # noqa: E402
    CorsAuditFailure,
    CorsConfigurationError,
    CorsContractFailure,
    CorsNetworkError,
    CorsReportedError,
)
from pytest_cors.report.case_failure import format_case_failure  # noqa: E402
from pytest_cors.report.findings import findings_table, format_findings  # noqa: E402
from pytest_cors.report.redaction import Redactor  # noqa: E402
from pytest_cors.transport import Transport, TransportError  # noqa: E402

#: Public names defined in pytest wiring, loaded on first access (importing them imports pytest).
_PYTEST_WARNINGS = {
    "CorsSpecWarning": "pytest_cors.plugin.case_warnings",
    "CorsResponseWarning": "pytest_cors.plugin.case_warnings",
    "CorsAuditWarning": "pytest_cors.plugin.audit_items",
}


def __getattr__(name: str) -> Any:
    """Load the pytest warning classes lazily (PEP 562), so ``import pytest_cors`` needs no pytest."""
    if name in _PYTEST_WARNINGS:
        import importlib

        return getattr(importlib.import_module(_PYTEST_WARNINGS[name]), name)
    raise AttributeError(f"module 'pytest_cors' has no attribute {name!r}")


__all__ = [
    # contracts
    "ContractCase",
    "ContractError",
    "CorsContract",
    "Location",
    "MaxAge",
    "parse_contract",
    # checking
    "CaseResult",
    "CheckResult",
    "CorsChecker",
    "CorsRun",
    "Problem",
    "ProblemKind",
    "check_case",
    "format_case_failure",
    "Redactor",
    # the audit
    "ContractAudit",
    "Finding",
    "findings_table",
    "format_findings",
    # the browser model
    "BrowserProfile",
    "BrowserVerdict",
    "Exchange",
    "FetchRequest",
    "HttpRequest",
    "HttpResponse",
    "PROFILES",
    "select_profiles",
    "simulate_fetch",
    # targets
    "Transport",
    "TransportError",
    # errors and warnings
    "CorsAuditFailure",
    "CorsConfigurationError",
    "CorsContractFailure",
    "CorsNetworkError",
    "CorsReportedError",
    "CorsAuditWarning",
    "CorsResponseWarning",
    "CorsSpecWarning",
]
