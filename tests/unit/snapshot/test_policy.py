"""The observed policy of real checks (WSGI apps in-process): what a lockfile entry records, normalised."""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

import pytest

from pytest_cors.browser.profiles import PROFILES
from pytest_cors.check.case import CaseResult, check_case
from pytest_cors.contract.schema import parse_contract
from pytest_cors.snapshot.policy import (
    case_key,
    entry_browsers,
    entry_headers,
    list_items,
    normalise_header,
    observed_policy,
    preflight_max_age,
)
from pytest_cors.transport.wsgi import WsgiTransport

APP = "https://app.example.com"
Headers = Sequence[Tuple[str, str]]


def result(preflight: Headers, actual: Headers, **contract: Any) -> CaseResult:
    """The first case of ``contract`` checked in Chrome, Firefox and Safari against an app sending these headers."""

    def wsgi(environ: Dict[str, Any], start_response: Any) -> List[bytes]:
        start_response("204 No Content" if environ["REQUEST_METHOD"] == "OPTIONS" else "200 OK",
                       list(preflight if environ["REQUEST_METHOD"] == "OPTIONS" else actual))
        return [b""]

    parsed = parse_contract({"name": "api", "path": "/users", "origins": [APP], **contract})
    transport = WsgiTransport(wsgi, "http://testserver", name="tests.app")
    profiles = [PROFILES[p] for p in ("chrome", "firefox", "safari")]
    return check_case(parsed.cases()[0], transport.send, transport.base_url(), profiles)


PREFLIGHT = [
    ("Access-Control-Allow-Origin", APP),
    ("Access-Control-Allow-Methods", "PUT, GET, PUT"),
    ("Access-Control-Allow-Methods", "patch"),
    ("Access-Control-Allow-Headers", "X-Trace, content-type, Content-Type"),
    ("Access-Control-Max-Age", " 600 "),
    ("Vary", "Origin, Accept-Encoding"),
]
ACTUAL = [("Access-Control-Allow-Origin", APP), ("Access-Control-Expose-Headers", "X-Total, x-a"), ("Vary", "origin")]


def test_an_allowed_put_records_both_exchanges_normalised():
    checked = result(PREFLIGHT, ACTUAL, methods=["PUT"], request_headers=["X-Trace"])
    assert case_key(checked.case) == f"PUT {APP}"
    assert observed_policy(checked) == {
        "expected": "allowed",
        "browsers": {"chrome": "allowed", "firefox": "allowed", "safari": "allowed"},
        "preflight": {
            "access-control-allow-origin": APP,
            "access-control-allow-methods": "GET, PUT, patch",  # sorted, once each, case kept
            "access-control-allow-headers": "content-type, x-trace",  # lower-cased, once each
            "access-control-max-age": 600,
            "vary": "accept-encoding, origin",
        },
        "actual": {"access-control-allow-origin": APP, "access-control-expose-headers": "x-a, x-total", "vary": "origin"},
    }
    assert preflight_max_age(checked) == {"preflight": {"access-control-max-age": 600}}


def test_a_blocked_simple_get_records_no_preflight_and_its_expectation():
    checked = result([], [("Vary", "Origin")], deny_origins=["https://evil.example"], origins=[])
    assert case_key(checked.case) == "GET https://evil.example"
    assert observed_policy(checked) == {
        "expected": "blocked",
        "browsers": {"chrome": "blocked", "firefox": "blocked", "safari": "blocked"},
        "actual": {"vary": "origin"},
    }
    assert preflight_max_age(checked) == {}


def test_a_preflight_without_max_age_records_an_empty_preflight_for_the_matrix():
    checked = result([("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PUT")],
                     [("Access-Control-Allow-Origin", APP)], methods=["PUT"])
    assert observed_policy(checked)["browsers"] == {"chrome": "allowed", "firefox": "allowed", "safari": "allowed"}
    assert preflight_max_age(checked) == {"preflight": {}}


@pytest.mark.parametrize(
    ("name", "lines", "value"),
    [
        ("Access-Control-Max-Age", [], None),
        ("Access-Control-Max-Age", ["86400"], 86400),
        ("Access-Control-Max-Age", ["-1"], "-1"),  # not a number of seconds: kept as the text
        ("Access-Control-Max-Age", ["10", "20"], "10, 20"),
        ("access-control-allow-origin", [" https://a.example ", "https://b.example"], "https://a.example, https://b.example"),
        ("Access-Control-Allow-Credentials", ["TRUE"], "TRUE"),  # compared as sent: browsers want exactly 'true'
        ("ACCESS-CONTROL-EXPOSE-HEADERS", ["B, a,, A"], "a, b"),
        ("access-control-allow-methods", ["get, GET", " DELETE "], "DELETE, GET, get"),
        ("Vary", [" , "], ""),
    ],
)
def test_normalise_header(name, lines, value):
    assert normalise_header(name, lines) == value


def test_entry_accessors_tolerate_what_a_hand_edited_lockfile_holds():
    entry = {"browsers": {"chrome": "allowed", 1: True}, "preflight": {"vary": "origin"}, "actual": "nonsense"}
    assert entry_browsers(entry) == {"chrome": "allowed", "1": "True"}
    assert entry_browsers({"browsers": ["chrome"]}) == {}
    headers = entry_headers(entry, "preflight")
    assert headers == {"vary": "origin"} and headers is not entry["preflight"]
    assert entry_headers(entry, "actual") is None
    assert entry_headers({}, "preflight") is None
    assert list_items(None) == ()
    assert list_items("GET, , PUT ,") == ("GET", "PUT")
    assert list_items(600) == ("600",)
