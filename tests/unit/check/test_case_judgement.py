"""How one contract case is judged in every selected browser, read exactly.

The server is a function that answers each request with exactly the given headers (the engine's
own input), so each test states the response and asserts the problems, notes and warnings a user
reads in the failure report or as a pytest warning.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

import pytest

from pytest_cors.browser.exchange import HttpRequest, HttpResponse
from pytest_cors.browser.fetch import ActualRequestWithheld
from pytest_cors.browser.profiles import PROFILES
from pytest_cors.check.case import (
    CachingSender,
    CaseResult,
    ProblemKind,
    check_case,
    console_verdict,
    contract_fetch,
    is_withheld,
)
from pytest_cors.contract.schema import parse_contract

APP = "https://app.example.com"
BROWSERS = ("chrome", "firefox", "safari")
ALLOW = [("Access-Control-Allow-Origin", APP), ("Vary", "Origin")]
Headers = Sequence[Tuple[str, str]]


class Server:
    """Answers OPTIONS with ``preflight`` headers (204) and every other method with ``actual`` ones; logs requests."""

    def __init__(self, preflight: Headers = (), actual: Headers = ALLOW, *, body_error: Any = None) -> None:
        self.preflight, self.actual, self.body_error = tuple(preflight), tuple(actual), body_error
        self.log: List[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.log.append(request)
        if request.method == "OPTIONS":
            return HttpResponse(204, self.preflight)
        return HttpResponse(200, self.actual, "OK", self.body_error)


def judged(contract: Dict[str, Any], server: Server, *, case: int = 0, profiles: Sequence[str] = BROWSERS, **kw: Any) -> CaseResult:
    parsed = parse_contract({"name": "api", "path": "/api", "origins": [APP], **contract})
    return check_case(parsed.cases()[case], server, "http://testserver/", [PROFILES[p] for p in profiles], **kw)


def summaries(result: CaseResult) -> List[Tuple[str, str, Tuple[str, ...]]]:
    return [(p.kind.value, p.summary, p.profiles) for p in result.problems]


def test_a_blocked_read_names_every_blocking_browser():
    result = judged({"methods": ["PUT"]}, Server(preflight=[("Access-Control-Allow-Origin", APP)]))
    assert summaries(result) == [("blocked", "blocked by Chrome, Firefox, Safari", BROWSERS)]
    assert result.blocking_profiles == BROWSERS
    assert not result.passed
    # one preflight and no actual request: every browser stopped at the same preflight, sent once
    assert [(e.kind, e.request.method) for e in result.exchanges] == [("preflight", "OPTIONS")]


def test_an_allowed_case_passes_with_the_request_url_and_each_exchange_once():
    server = Server([("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PUT")])
    result = judged({"methods": ["PUT"]}, server)
    assert (result.passed, result.problems, result.notes, result.spec_warning) == (True, (), (), None)
    assert result.url == "http://testserver/api"  # the base URL's trailing slash is not doubled
    assert [(e.kind, e.request.method) for e in result.exchanges] == [("preflight", "OPTIONS"), ("actual", "PUT")]
    assert [r.method for r in server.log] == ["OPTIONS", "PUT"]  # three browsers, one request each
    assert (result.blocking_profiles, result.actual_withheld) == ((), False)
    assert judged({}, Server()).notes == ()  # no max_age: nothing to note, preflight or not


def test_a_header_not_exposed_and_one_exposed_but_not_sent_are_two_problems():
    actual = ALLOW + [("X-Total", "5"), ("Access-Control-Expose-Headers", "X-Page")]
    result = judged({"expose_headers": ["X-Total", "X-Page"]}, Server(actual=actual))
    assert summaries(result) == [
        ("expose", "JavaScript cannot read response header 'X-Total' (it is not exposed)", BROWSERS),
        ("exposed-not-sent", "response header 'X-Page' is exposed but not sent: Access-Control-Expose-Headers lists it, "
         "the response has no X-Page header, so JavaScript reads null", BROWSERS),
    ]


def test_an_exposed_and_sent_header_in_any_case_is_no_problem():
    actual = ALLOW + [("x-total", "5"), ("Access-Control-Expose-Headers", "X-TOTAL")]
    assert judged({"expose_headers": ["X-Total"]}, Server(actual=actual)).problems == ()


def test_a_wildcard_exposes_nothing_with_credentials():
    actual = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "true"), ("Vary", "Origin"),
              ("X-Total", "5"), ("Access-Control-Expose-Headers", "*")]
    assert judged({"expose_headers": ["X-Total"]}, Server(actual=actual)).problems == ()
    result = judged({"expose_headers": ["X-Total"], "credentials": True}, Server(actual=actual))
    assert summaries(result) == [("expose", "JavaScript cannot read response header 'X-Total' (it is not exposed)", BROWSERS)]


PUT_PREFLIGHT = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "PUT")]


@pytest.mark.parametrize(
    ("max_age", "header", "summary"),
    [
        ({"min": 60}, [("Access-Control-Max-Age", "5")], "Access-Control-Max-Age is '5', expected between 60 and any"),
        (600, [], "Access-Control-Max-Age is missing, expected 600"),
        (600, [("Access-Control-Max-Age", "600, 600")], "Access-Control-Max-Age is '600, 600', expected 600"),
    ],
)
def test_a_max_age_outside_the_contract_reads_what_was_sent_and_what_was_expected(max_age, header, summary):
    result = judged({"methods": ["PUT"], "max_age": max_age}, Server(PUT_PREFLIGHT + header))
    assert summaries(result) == [("max-age", summary, ())]


def test_a_max_age_inside_the_contract_passes():
    assert judged({"methods": ["PUT"], "max_age": 600}, Server(PUT_PREFLIGHT + [("Access-Control-Max-Age", "600")])).passed


def test_a_max_age_without_a_preflight_is_a_note_not_a_failure():
    result = judged({"max_age": 600}, Server())
    assert (result.passed, result.notes) == (True, ("max_age not checked: this request needs no preflight, so no preflight response exists",))


@pytest.mark.parametrize("acao", [APP, f" {APP} "])
def test_an_origin_allowed_without_vary_origin_is_a_problem(acao):
    result = judged({}, Server(actual=[("Access-Control-Allow-Origin", acao), ("Vary", "Accept")]))
    assert summaries(result) == [
        ("vary", f"the response allows {APP!r} but its Vary header does not list Origin "
         "(a shared cache can serve this origin's answer to another)", ()),
    ]


def test_a_wildcard_or_vary_false_needs_no_vary():
    assert judged({}, Server(actual=[("Access-Control-Allow-Origin", " * ")])).passed
    assert judged({"vary": False}, Server(actual=[("Access-Control-Allow-Origin", APP)])).passed


def test_blocked_is_the_only_problem_of_a_blocked_case():
    result = judged({"expose_headers": ["X-Total"], "max_age": 600}, Server(actual=[("X-Total", "1")]))
    assert [p.kind for p in result.problems] == [ProblemKind.BLOCKED]
    assert result.notes == ("max_age not checked: this request needs no preflight, so no preflight response exists",)


def test_a_denied_origin_that_can_read_names_the_browsers():
    result = judged({"deny_origins": ["https://evil.example"]}, Server(actual=[("Access-Control-Allow-Origin", "*")]), case=1)
    assert summaries(result) == [
        ("allowed", "origin https://evil.example can read the response in Chrome, Firefox, Safari, "
         "but the contract says it must be blocked", BROWSERS),
    ]


def test_a_denied_origin_that_is_blocked_passes():
    assert judged({"deny_origins": ["https://evil.example"]}, Server(), case=1).passed


AUTHORIZATION = {"request_headers": {"Authorization": "Bearer x"}}
WILDCARD_HEADERS = [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Headers", "*")]


def test_what_only_the_standard_blocks_is_a_spec_warning_naming_the_deprecation():
    result = judged(AUTHORIZATION, Server(WILDCARD_HEADERS))
    assert result.passed
    assert result.spec_warning == (
        "api [GET https://app.example.com]: allowed by every selected browser, but the Fetch standard blocks it: "
        "Authorization is covered by 'Access-Control-Allow-Headers: *' only by a browser deprecation; list "
        "Authorization explicitly (use --cors-browser spec to make this fail)"
    )


def test_a_spec_warning_for_another_reason_quotes_the_standards_console_message():
    # Safari safelists Range: bytes=-5 (no preflight); the standard preflights it, and the preflight fails
    result = judged({"request_headers": {"Range": "bytes=-5"}}, Server(), profiles=("safari",))
    assert result.spec_warning == (
        "api [GET https://app.example.com]: allowed by every selected browser, but the Fetch standard blocks it: "
        "Access to fetch at 'http://testserver/api' from origin 'https://app.example.com' has been blocked by CORS "
        "policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' "
        "header is present on the requested resource. (use --cors-browser spec to make this fail)"
    )


def test_no_spec_warning_when_the_standard_is_selected_or_a_browser_already_blocks():
    with_spec = judged(AUTHORIZATION, Server(WILDCARD_HEADERS), profiles=("chrome", "spec"))
    assert (with_spec.spec_warning, [p.kind for p in with_spec.problems]) == (None, [ProblemKind.BLOCKED])
    assert judged(AUTHORIZATION, Server(), profiles=("chrome",)).spec_warning is None


def test_an_unsafe_request_withheld_from_a_live_url_checks_the_preflight_only():
    server = Server(PUT_PREFLIGHT)
    result = judged({"methods": ["PUT"]}, server, withhold_unsafe=True)
    assert [r.method for r in server.log] == ["OPTIONS"]
    assert (result.passed, result.actual_withheld) == (True, True)
    assert result.notes == (
        "the actual PUT request was not sent to the live URL (it could change data); only the preflight was "
        "checked. Pass --cors-send-unsafe to send it.",
    )


def test_a_denied_origin_whose_preflight_passes_while_the_request_is_withheld_fails():
    preflight = [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "PUT")]
    result = judged({"methods": ["PUT"], "deny_origins": ["https://evil.example"]}, Server(preflight), case=1, withhold_unsafe=True)
    assert summaries(result) == [
        ("allowed", "the preflight allows origin https://evil.example, which the contract says must be blocked "
         "(the actual request was not sent: pass --cors-send-unsafe to send it)", BROWSERS),
    ]


def test_a_body_cut_short_is_a_response_warning_of_a_passing_case():
    result = judged({}, Server(body_error="the body ended after 3 of 10 bytes"))
    assert result.passed
    assert result.response_warnings == (
        "api [GET https://app.example.com]: the actual response to GET http://testserver/api is broken: the body "
        "ended after 3 of 10 bytes. fetch() resolves with the headers, but reading the body (response.json(), "
        ".text()) fails in the page with a TypeError (a network error)",
    )
    assert judged({}, Server()).response_warnings == ()


@pytest.mark.parametrize(
    ("method", "withhold", "held"),
    [("PUT", True, True), ("post", True, True), ("GET", True, False), ("head", True, False), ("OPTIONS", True, False),
     ("PUT", False, False)],
)
def test_only_unsafe_actual_requests_are_withheld_and_only_when_asked(method, withhold, held):
    assert is_withheld(HttpRequest(method, "https://api.example.com/x"), withhold_unsafe=withhold) is held


def test_the_caching_sender_sends_each_request_once_and_raises_for_a_withheld_one():
    server = Server()
    sender = CachingSender(server, withhold_unsafe=True)
    get = HttpRequest("GET", "https://api.example.com/x")
    assert sender(get) is sender(get)
    assert len(server.log) == 1
    with pytest.raises(ActualRequestWithheld):
        sender(HttpRequest("DELETE", "https://api.example.com/x"))
    assert len(server.log) == 1


def test_the_fetch_of_a_contract_joins_base_and_path_and_may_override_credentials():
    contract = parse_contract({"name": "api", "path": "/api/users", "origins": [APP], "credentials": True})
    fetch = contract_fetch(contract, "https://api.example.com/", APP, "GET")
    assert (fetch.url, fetch.origin, fetch.method, fetch.credentials) == ("https://api.example.com/api/users", APP, "GET", True)
    assert contract_fetch(contract, "https://api.example.com", APP, "GET", credentials=False).credentials is False
    # only the trailing slashes of the base go, whatever it ends with
    assert contract_fetch(contract, "https://api.example.com/v1X//", APP, "GET").url == "https://api.example.com/v1X/api/users"


def test_the_console_message_shown_first_is_chromes_then_the_standards_then_the_first_blocking():
    result = judged({"methods": ["PUT"]}, Server(), profiles=("safari", "firefox", "spec", "chrome"))
    assert console_verdict(result.verdicts).profile == "chrome"
    without_chrome = judged({"methods": ["PUT"]}, Server(), profiles=("safari", "firefox", "spec"))
    assert console_verdict(without_chrome.verdicts).profile == "spec"
    assert console_verdict(judged({"methods": ["PUT"]}, Server(), profiles=("safari", "firefox")).verdicts).profile == "safari"
    assert console_verdict(judged({}, Server()).verdicts) is None


def test_exposure_is_judged_in_every_browser_not_only_the_first():
    # Safari keeps X-HTTP-Method-Override: TRACE (Chrome and Firefox drop it, a forbidden method override),
    # and this server leaves X-Total out of its answer to a request that carries it
    def send(request: HttpRequest) -> HttpResponse:
        if request.method == "OPTIONS":
            return HttpResponse(204, (("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Headers", "X-HTTP-Method-Override")))
        exposed = () if request.header("X-HTTP-Method-Override") else (("X-Total", "5"), ("Access-Control-Expose-Headers", "X-Total"))
        return HttpResponse(200, tuple(ALLOW) + exposed)

    parsed = parse_contract({"name": "api", "path": "/api", "origins": [APP], "expose_headers": ["X-Total"],
                             "request_headers": {"X-HTTP-Method-Override": "TRACE"}})
    result = check_case(parsed.cases()[0], send, "http://testserver", [PROFILES[p] for p in BROWSERS])
    assert summaries(result) == [("expose", "JavaScript cannot read response header 'X-Total' (it is not exposed)", ("safari",))]
