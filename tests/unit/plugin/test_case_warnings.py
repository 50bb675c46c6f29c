"""A passing case's warnings: one per finding, of its own class, at the user's file and line."""

from __future__ import annotations

import warnings

from pytest_cors.check.case import CaseResult
from pytest_cors.contract.schema import parse_contract
from pytest_cors.plugin.case_warnings import CorsResponseWarning, CorsSpecWarning, warn_case_results

CASE = parse_contract({"name": "api", "path": "/api", "origins": ["https://app.example.com"]}).cases()[0]
SPEC = "api [GET https://app.example.com]: allowed by every selected browser, but the Fetch standard blocks it: ..."
BODY = ("api [GET https://app.example.com]: the actual response to GET http://testserver/api is broken: the body "
        "ended after 3 of 10 bytes")


def warned(*results: CaseResult) -> list:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_case_results(results, "tests/cors_api.yaml", 7)
    return [(w.category, str(w.message), w.filename, w.lineno) for w in caught]


def test_each_finding_of_each_case_is_one_warning_at_the_contracts_line():
    spec_and_body = CaseResult(CASE, "http://testserver/api", (), (), spec_warning=SPEC, response_warnings=(BODY, BODY + "!"))
    body_only = CaseResult(CASE, "http://testserver/api", (), (), response_warnings=(BODY,))
    assert warned(spec_and_body, body_only) == [
        (CorsSpecWarning, SPEC, "tests/cors_api.yaml", 7),
        (CorsResponseWarning, BODY, "tests/cors_api.yaml", 7),
        (CorsResponseWarning, BODY + "!", "tests/cors_api.yaml", 7),
        (CorsResponseWarning, BODY, "tests/cors_api.yaml", 7),
    ]


def test_a_case_without_findings_warns_nothing():
    assert warned(CaseResult(CASE, "http://testserver/api", (), ())) == []
