"""The contract's values: locations as users read them, max-age ranges, origin patterns, cases.

Found by mutation testing (docs/mutation/contract.md): exact texts and the (origin, method, expectation)
of every case.
"""

from __future__ import annotations

import pytest

from pytest_cors.browser.origins import OriginError
from pytest_cors.contract.model import ContractCase, ContractError, Location, MaxAge, parse_origin_pattern
from pytest_cors.contract.schema import parse_contract

A = "https://a.example.com"
UNSUPPORTED = "not a supported origin pattern (use https://*.example.com or https://example.com:*)"


@pytest.mark.parametrize(
    ("location", "text", "truthy"),
    [
        (Location("f.yaml", 3, 7, "argument 'x'"), "f.yaml:3:7: argument 'x'", True),
        (Location("f.yaml", 3), "f.yaml:3", True),
        (Location("f.yaml", None, 7), "f.yaml", True),
        (Location("f.yaml"), "f.yaml", True),
        (Location("", detail="test_a.py::test_x"), "test_a.py::test_x", True),
        (Location("", 3, 7), ":3:7", False),
        (Location(""), "", False),
    ],
)
def test_a_location_reads_file_line_column_detail(location, text, truthy):
    assert str(location) == text
    assert bool(location) is truthy


def test_a_contract_error_says_where_when_it_knows():
    error = ContractError("bad", Location("f.yaml", 2, 5))
    assert (str(error), error.message, error.where) == ("f.yaml:2:5: bad", "bad", Location("f.yaml", 2, 5))
    assert str(ContractError("bad")) == "bad"
    assert ContractError("bad").where == Location("")
    assert str(ContractError("bad", Location(""))) == "bad"


@pytest.mark.parametrize(
    ("max_age", "accepted", "refused", "text"),
    [
        (MaxAge(0), [0], [None, 1], "0"),
        (MaxAge(None, 10, None), [10, 11], [None, 9], "between 10 and any"),
        (MaxAge(None, None, 10), [0, 10], [None, 11], "between 0 and 10"),
        (MaxAge(None, 0, 0), [0], [1], "between 0 and 0"),
        (MaxAge(None, 5, 7), [5, 6, 7], [4, 8], "between 5 and 7"),
        (MaxAge(), [0, 99], [None], "between 0 and any"),
    ],
)
def test_max_age_bounds_are_inclusive(max_age, accepted, refused, text):
    assert [max_age.accepts(s) for s in accepted] == [True] * len(accepted)
    assert [max_age.accepts(s) for s in refused] == [False] * len(refused)
    assert max_age.describe() == text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("https://example.com", UNSUPPORTED),
        ("https://*example.com", UNSUPPORTED),
        ("wss://*.example.com", UNSUPPORTED),
        ("https://*.exa_mple.com", "host 'exa_mple.com' in a pattern must be a plain domain name"),
        ("https://*.com", "a wildcard over a top-level name ('com') would trust the whole internet"),
        ("https://*.COM", "a wildcard over a top-level name ('COM') would trust the whole internet"),
    ],
)
def test_bad_patterns_say_why_exactly(text, problem):
    with pytest.raises(OriginError) as info:
        parse_origin_pattern(text)
    assert (info.value.value, info.value.problem, str(info.value)) == (text, problem, f"invalid origin {text!r}: {problem}")


@pytest.mark.parametrize(
    ("text", "canonical", "port", "examples"),
    [
        ("https://*.Example.COM:443", "https://*.example.com", None, ("https://cors-check.example.com", "https://a.b.example.com")),
        ("http://*.example.com:80", "http://*.example.com", None, ("http://cors-check.example.com", "http://a.b.example.com")),
        ("http://*.example.com:443", "http://*.example.com:443", 443, ("http://cors-check.example.com:443", "http://a.b.example.com:443")),
        ("https://localhost:*", "https://localhost:*", None, ("https://localhost:8443",)),
        ("HTTPS://*.Example.com", "https://*.example.com", None, ("https://cors-check.example.com", "https://a.b.example.com")),
        ("https://*.example.com:*", "https://*.example.com:*", None, ("https://cors-check.example.com:8443", "https://a.b.example.com:8443")),
    ],
)
def test_patterns_are_stored_canonical_with_concrete_examples(text, canonical, port, examples):
    pattern = parse_origin_pattern(text)
    assert (pattern.text, pattern.port, pattern.examples()) == (canonical, port, examples)


def test_every_case_of_a_contract_in_order_with_its_expectation():
    contract = parse_contract(
        {"path": "/a", "origins": [A, "https://*.example.org"], "deny_origins": ["https://evil.example"], "methods": ["GET", "PUT"]}
    )
    assert contract.cases() == (
        ContractCase(contract, A, "GET", True),
        ContractCase(contract, A, "PUT", True),
        ContractCase(contract, "https://cors-check.example.org", "GET", True),
        ContractCase(contract, "https://cors-check.example.org", "PUT", True),
        ContractCase(contract, "https://evil.example", "GET", False),
        ContractCase(contract, "https://evil.example", "PUT", False),
    )
    assert [case.contract is contract for case in contract.cases()] == [True] * 6


def test_patterns_and_their_first_example_stand_once_among_concrete_origins():
    contract = parse_contract({"path": "/a", "origins": ["https://cors-check.example.org", "https://*.example.org", "*"]})
    assert contract.concrete_origins() == ("https://cors-check.example.org", "https://any-origin.pytest-cors.test")
    assert contract.exact_origins == ("https://cors-check.example.org",)
    assert [p.text for p in contract.patterns] == ["https://*.example.org"]
