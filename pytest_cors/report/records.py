"""One plain-data record per test item: what the matrix, the reports and JUnit read.

Records hold only strings, numbers, bools, lists and dicts, so they travel
unchanged through pytest-xdist's report serialisation and into JSON. Every
header value, URL and summary passes the run's :class:`Redactor` here, once:
nothing downstream (JSON, Markdown, HTML, terminal) sees a secret.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Sequence

from pytest_cors.audit.catalogue import at_or_above
from pytest_cors.audit.model import Finding
from pytest_cors.browser.exchange import Exchange
from pytest_cors.check.case import CaseResult
from pytest_cors.report.redaction import Redactor
from pytest_cors.snapshot.diff import Change
from pytest_cors.snapshot.lockfile import contract_label
from pytest_cors.snapshot.policy import ALLOWED, BLOCKED, EXCHANGE_KINDS, case_key, observed_policy, preflight_max_age

Record = Dict[str, Any]


def _secrets(result: CaseResult, redactor: Redactor) -> List[str]:
    values = redactor.contract_secrets(result.case.contract)
    for exchange in result.exchanges:
        values += [value for name, value in exchange.request.headers if redactor.is_secret(name)]
    return values


def _headers(pairs: Iterable[Any], redactor: Redactor, secrets: Sequence[str]) -> List[List[str]]:
    return [[name, redactor.text(redactor.header(name, value), secrets)] for name, value in pairs]


def _policy(entry: Record, redactor: Redactor, secrets: Sequence[str]) -> Record:
    """The observed policy with its header values redacted: it goes into every report and the lockfile."""
    return {
        key: {name: redactor.text(redactor.header(name, value), secrets) if isinstance(value, str) else value
              for name, value in part.items()} if key in EXCHANGE_KINDS else part
        for key, part in entry.items()
    }


def exchange_record(exchange: Exchange, redactor: Redactor, secrets: Sequence[str] = ()) -> Record:
    """One request and its response as data, secret values redacted."""
    request, response = exchange.request, exchange.response
    return {
        "kind": exchange.kind,
        "request": {
            "method": request.method,
            "url": redactor.text(redactor.url(request.url), secrets),
            "headers": _headers(request.headers, redactor, secrets),
            "body_bytes": len(request.body) if request.body is not None else 0,
        },
        "response": {
            "status": response.status,
            "reason": response.reason,
            "headers": _headers(response.headers, redactor, secrets),
        },
    }


def case_record(
    result: CaseResult, owner: str, redactor: Redactor, changes: Sequence[Change] = (), *, detail: bool = True, policy: bool = True
) -> Record:
    """A checked contract case: expectation, per-browser verdict, exchanges, normalised policy, snapshot change.

    Redacting every exchange costs about as much as checking the case, so ``detail=False`` (no
    .json/.html report asked for) leaves exchanges and console messages out, and ``policy=False``
    (no lockfile either) keeps only the preflight's Max-Age the matrix shows.
    """
    case = result.case
    secrets = _secrets(result, redactor)
    return {
        "contract": case.contract.name,
        "contract_id": contract_label(owner, case.contract.name),
        "owner": owner,
        "path": redactor.text(case.contract.path, secrets),
        "url": redactor.text(redactor.url(result.url), secrets),
        "case": case_key(case),
        "origin": case.origin,
        "method": case.method,
        "expected": ALLOWED if case.expect_allowed else BLOCKED,
        "passed": result.passed,
        "problems": [{"kind": p.kind, "summary": redactor.text(p.summary, secrets)} for p in result.problems],
        "browsers": {
            v.profile: {
                "verdict": ALLOWED if v.allowed else BLOCKED,
                "reason": v.reason,
                "message": redactor.text(v.message, secrets) if detail else "",
            }
            for v in result.verdicts
        },
        "exchanges": [exchange_record(e, redactor, secrets) for e in result.exchanges] if detail else [],
        "policy": _policy(observed_policy(result) if policy or detail else preflight_max_age(result), redactor, secrets),
        "snapshot": [c.to_dict() for c in changes],
    }


def finding_record(finding: Finding, owner: str, redactor: Redactor, threshold: str) -> Record:
    """One audit finding as data; ``failing`` says whether it reached the severity threshold."""
    return {
        "probe": finding.probe,
        "severity": finding.severity,
        "failing": at_or_above(finding.severity, threshold),
        "summary": redactor.text(finding.summary),
        "origin": finding.origin or "",
        "contract": finding.contract,
        "contract_id": contract_label(owner, finding.contract) if finding.contract else "",
        "url": redactor.url(finding.url) if finding.url else "",
    }


def item_record(nodeid: str, outcome: str, message: str, cases: List[Record], findings: List[Record]) -> Record:
    """The record of one item (see the module docstring)."""
    return {"nodeid": nodeid, "outcome": outcome, "message": message, "cases": cases, "findings": findings}
