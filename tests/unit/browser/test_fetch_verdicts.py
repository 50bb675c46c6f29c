"""What :func:`simulate_fetch` returns, field by field: the same-origin verdict, a withheld actual
request, credentials through the whole fetch, and the redirect failures with each engine's message.

Expectations: cors-ground-truth.md sections 3, 4 and 6; the messages of browser-cors-messages.md
(Chromium 1.2 #2, #7, #8, #19, #21; Firefox 2.2; WebKit 3.2).
"""

from __future__ import annotations

from typing import List

import pytest

from pytest_cors.browser import rules as v
from pytest_cors.browser.exchange import Exchange, FetchRequest, HttpRequest, HttpResponse
from pytest_cors.browser.fetch import ActualRequestWithheld, BrowserVerdict, simulate_fetch
from pytest_cors.browser.profiles import CHROME, FIREFOX, SAFARI, SPEC

PAGE = "https://app.example"
API = "https://api.example"
API2 = "https://api2.example"
ALL = [CHROME, FIREFOX, SAFARI, SPEC]
CHROME_PREFIX = f"Access to fetch at '{API}/a' from origin '{PAGE}' has been blocked by CORS policy: "
FIREFOX_PREFIX = f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {API}/a. (Reason: "
SAFARI_SUFFIX = f"\nFetch API cannot load {API}/a due to access control checks."
NETWORK_ERROR = "TypeError: NetworkError when attempting to fetch resource."


def ids(profile):
    return profile.name


def fetch_with(profile, responses, url=f"{API}/a", method="GET", headers=(), credentials=False):
    """Run a fetch whose server answers (method, url) from ``responses``; returns (verdict, requests)."""
    requests: List[HttpRequest] = []

    def send(request: HttpRequest) -> HttpResponse:
        requests.append(request)
        return responses.get((request.method, request.url), HttpResponse(404))

    fetch = FetchRequest(url=url, origin=PAGE, method=method, headers=tuple(headers), credentials=credentials)
    return simulate_fetch(fetch, profile, send), requests


def response(status=200, **headers):
    return HttpResponse(status, tuple((name.replace("_", "-"), value) for name, value in headers.items()))


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_a_same_origin_fetch_is_sent_and_allowed_without_cors(profile):
    # sent like any fetch(), but no CORS check, no preflight (redirects: test_fetch_same_origin.py)
    verdict, requests = fetch_with(profile, {}, url=f"{PAGE}/a", method="DELETE")
    assert requests == [HttpRequest("DELETE", f"{PAGE}/a", (("Origin", PAGE),))]
    assert verdict == BrowserVerdict(
        profile=profile.name, allowed=True, failure=None, message="", readable_headers={},
        exchanges=(Exchange("actual", requests[0], HttpResponse(404)),), preflight_sent=False,
        final_url=f"{PAGE}/a", same_origin=True,
    )


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_a_simple_request_has_no_cache_time_and_is_not_withheld(profile):
    allowed, _ = fetch_with(profile, {("GET", f"{API}/a"): response(Access_Control_Allow_Origin=PAGE)})
    blocked, _ = fetch_with(profile, {("GET", f"{API}/a"): response()})
    for verdict in (allowed, blocked):
        assert verdict.preflight_cache_seconds is None
        assert verdict.actual_withheld is False
    assert (allowed.allowed, blocked.allowed) == (True, False)


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_a_withheld_actual_request_is_allowed_by_its_preflight_and_reads_nothing(profile):
    # a live run refuses to send an unsafe method: the verdict is the preflight's alone
    preflight = response(204, Access_Control_Allow_Origin=PAGE, Access_Control_Allow_Methods="DELETE")

    def send(request: HttpRequest) -> HttpResponse:
        if request.method == "OPTIONS":
            return preflight
        raise ActualRequestWithheld(request.method)

    verdict = simulate_fetch(FetchRequest(url=f"{API}/a", origin=PAGE, method="DELETE"), profile, send)
    assert (verdict.allowed, verdict.actual_withheld, verdict.failure) == (True, True, None)
    assert verdict.readable_headers == {}
    assert verdict.final_url == f"{API}/a"
    assert [e.kind for e in verdict.exchanges] == ["preflight"]
    assert verdict.preflight == Exchange("preflight", verdict.preflight.request, preflight)
    assert verdict.actual is None


CREDENTIALED = {
    "wildcard": (
        response(Access_Control_Allow_Origin="*", Access_Control_Allow_Credentials="true"),
        v.Failure(v.ACAO_WILDCARD_WITH_CREDENTIALS, False, "*", 200),
        "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' "
        "when the request's credentials mode is 'include'.",
    ),
    "no-acac": (
        response(Access_Control_Allow_Origin=PAGE),
        v.Failure(v.ACAC_NOT_TRUE, False, "", 200),
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' "
        "when the request's credentials mode is 'include'.",
    ),
}


@pytest.mark.parametrize("case", sorted(CREDENTIALED))
def test_a_credentialed_fetch_checks_the_response_with_credentials(case):
    answer, failure, reason = CREDENTIALED[case]
    verdict, _ = fetch_with(CHROME, {("GET", f"{API}/a"): answer}, credentials=True)
    assert verdict.failure == failure
    assert verdict.message == CHROME_PREFIX + reason
    uncredentialed, _ = fetch_with(CHROME, {("GET", f"{API}/a"): answer})
    assert uncredentialed.allowed


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_a_credentialed_preflight_does_not_count_the_methods_wildcard(profile):
    preflight = response(204, Access_Control_Allow_Origin=PAGE, Access_Control_Allow_Credentials="true",
                         Access_Control_Allow_Methods="*")
    routes = {("OPTIONS", f"{API}/a"): preflight, ("PUT", f"{API}/a"): response(Access_Control_Allow_Origin=PAGE)}
    verdict, requests = fetch_with(profile, routes, method="PUT", credentials=True)
    assert verdict.failure == v.Failure(v.METHOD_NOT_ALLOWED, True, "PUT")
    assert len(requests) == 1
    assert fetch_with(profile, routes, method="PUT")[0].allowed


def test_firefox_warns_about_authorization_under_the_wildcard_naming_the_url():
    preflight = response(204, Access_Control_Allow_Origin=PAGE, Access_Control_Allow_Headers="*")
    routes = {("OPTIONS", f"{API}/a"): preflight, ("GET", f"{API}/a"): response(Access_Control_Allow_Origin=PAGE)}
    verdict, _ = fetch_with(FIREFOX, routes, headers=[("Authorization", "Bearer t")])
    assert verdict.allowed
    assert verdict.warning_messages == (
        "Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at "
        f"{API}/a soon. (Reason: When the `Access-Control-Allow-Headers` is `*`, the `Authorization` header is "
        "not covered. To include the `Authorization` header, it must be explicitly listed in CORS header "
        "`Access-Control-Allow-Headers`).",
    )


def test_webkit_names_the_absolute_url_of_a_relative_redirect_it_refuses():
    routes = {("GET", f"{API}/a"): response(302, Location="/b?x=1")}
    verdict, _ = fetch_with(SAFARI, routes)
    assert verdict.message == (
        f"Cross-origin redirection to {API}/b?x=1 denied by Cross-Origin Resource Sharing policy: "
        f"Origin {PAGE} is not allowed by Access-Control-Allow-Origin. Status code: 302" + SAFARI_SUFFIX
    )


def test_webkit_names_the_null_origin_a_tainted_preflight_sent():
    routes = {
        ("OPTIONS", f"{API}/a"): response(204, Access_Control_Allow_Origin="*", Access_Control_Allow_Headers="X-Token"),
        ("GET", f"{API}/a"): response(307, Access_Control_Allow_Origin="*", Location=f"{API2}/b"),
        ("OPTIONS", f"{API2}/b"): response(204, Access_Control_Allow_Headers="X-Token"),
    }
    verdict, requests = fetch_with(SAFARI, routes, headers=[("X-Token", "t")], method="GET")
    assert [r.header("Origin") for r in requests] == [PAGE, PAGE, "null"]
    assert verdict.message == (
        "Origin null is not allowed by Access-Control-Allow-Origin. Status code: 204\n"
        f"Fetch API cannot load {API2}/b due to access control checks."
    )


# --- redirects fetch() refuses to follow (ground truth section 6) ------------------------------

CHROME_SCHEME = ("Cross origin requests are only supported for protocol schemes: http, https, chrome-extension, "
                 "chrome-untrusted, data, isolated-app, chrome.")
REFUSED_REDIRECTS = {
    "scheme": (
        "ftp://files.example/x", v.Failure(v.REDIRECT_SCHEME, False, "ftp://files.example/x", 301),
        CHROME_PREFIX + CHROME_SCHEME,
        FIREFOX_PREFIX + "CORS request not http).",
        "Cross-origin redirection to ftp://files.example/x denied by Cross-Origin Resource Sharing policy: "
        "not allowed to follow a cross-origin CORS redirection with non CORS scheme" + SAFARI_SUFFIX,
    ),
    "credentials": (
        "https://u:p@api2.example/b", v.Failure(v.REDIRECT_CREDENTIALS, False, "https://u:p@api2.example/b", 301),
        CHROME_PREFIX + "Redirect location '' contains a username and password, which is disallowed for "
        "cross-origin requests.",
        NETWORK_ERROR,
        f"Cross-origin redirection to {API2}/b denied by Cross-Origin Resource Sharing policy: redirection URL "
        "https://u:p@api2.example/b has credentials" + SAFARI_SUFFIX,
    ),
    "invalid": (
        "https://api2.example:99999/x", v.Failure(v.REDIRECT_INVALID_LOCATION, False, "https://api2.example:99999/x", 301),
        f"GET {API}/a net::ERR_INVALID_REDIRECT",
        NETWORK_ERROR,
        f"Fetch API cannot load {API}/a due to access control checks.",
    ),
}


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("case", sorted(REFUSED_REDIRECTS))
def test_a_refused_redirect_names_the_location_and_the_status(profile, case):
    location, failure, chrome, firefox, safari = REFUSED_REDIRECTS[case]
    verdict, requests = fetch_with(profile, {("GET", f"{API}/a"): response(301, Access_Control_Allow_Origin=PAGE, Location=location)})
    assert len(requests) == 1
    assert (verdict.allowed, verdict.failure, verdict.final_url) == (False, failure, f"{API}/a")
    assert verdict.message == {"firefox": firefox, "safari": safari}.get(profile.name, chrome)


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_the_21st_redirect_is_refused_at_the_20th_hop(profile):
    responses = {("GET", f"{API}/r{i}"): response(308, Access_Control_Allow_Origin=PAGE, Location=f"/r{i + 1}")
                 for i in range(21)}
    verdict, requests = fetch_with(profile, responses, url=f"{API}/r0")
    assert len(requests) == 21
    assert (verdict.failure, verdict.final_url) == (v.Failure(v.REDIRECT_TOO_MANY, False, None, 308), f"{API}/r20")
    expected = {
        "firefox": NETWORK_ERROR,
        "safari": f"Load cannot follow more than 20 redirections\nFetch API cannot load {API}/r20 due to access control checks.",
    }
    assert verdict.message == expected.get(profile.name, f"GET {API}/r20 net::ERR_TOO_MANY_REDIRECTS")
