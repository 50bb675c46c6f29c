"""A fetch() of the page's own origin: sent without CORS, and CORS from the first hop at another origin on.

Fetch: a request whose current URL is same origin with the request's origin, and whose response tainting is still
"basic", is fetched without a preflight and without a CORS check; its Origin header is only sent for a method other
than GET/HEAD ("append a request Origin header"). Once a redirect leads to another origin, the tainting is "cors"
for good: that hop and every later one (even back at the page's origin) are CORS requests, preflighted when needed.
The Origin stays the page's (the redirect left from the page's origin: not tainted) until a redirect leaves another
origin. Measured in Chromium, Firefox ESR and WPE WebKit 2.38: tests/browser/scenarios.py, ``so-*`` scenarios.
"""

from __future__ import annotations

import pytest

from pytest_cors.browser import rules as v
from pytest_cors.browser.exchange import FetchRequest, HttpResponse
from pytest_cors.browser.fetch import ActualRequestWithheld, simulate_fetch
from pytest_cors.browser.profiles import CHROME, FIREFOX, SAFARI, SPEC

from .fetch_server import ALL, API, API2, PAGE, Server, ids

HOME = f"{PAGE}/start"
ACAO = "Access-Control-Allow-Origin"


def run(profile, routes, url=HOME, method="GET", headers=(), body=None):
    server = Server(routes)
    fetch = FetchRequest(url=url, origin=PAGE, method=method, headers=tuple(headers), body=body)
    return simulate_fetch(fetch, profile, server), server


def moved(location, status=302, *headers):
    return HttpResponse(status, (("Location", location),) + tuple(headers))


def final(*headers):
    return HttpResponse(200, (("Content-Type", "text/plain"), ("X-Custom", "1")) + tuple(headers))


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_a_same_origin_response_hides_both_cookie_headers_and_keeps_empty_ones(profile):
    # Fetch's forbidden response-header names are Set-Cookie and Set-Cookie2, in any case
    response = HttpResponse(200, (("SET-COOKIE2", "a=b"), ("set-cookie", "c=d"), ("X-Empty", "")))
    verdict, _ = run(profile, {("*", HOME): response})
    assert verdict.readable_headers == {"x-empty": ""}


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("url", [f"{PAGE}/api", "https://APP.example:443/api", f"{PAGE}/"])
def test_a_same_origin_fetch_is_sent_without_preflight_or_cors_check(profile, url):
    response = HttpResponse(404, (("X-Custom", "1"), ("Set-Cookie", "a=b"), ("x-custom", "2")))
    verdict, server = run(profile, {("*", url): response}, url=url, method="DELETE", headers=[("X-Token", "t")])
    assert verdict.allowed and verdict.same_origin and verdict.reason == "same-origin"
    assert not verdict.preflight_sent and verdict.message == ""
    # a method other than GET/HEAD carries the page's Origin even same-origin
    assert [(r.method, r.url, r.headers) for r in server.requests] == [
        ("DELETE", url, (("Origin", PAGE), ("X-Token", "t")))
    ]
    # a basic filtered response: every header but Set-Cookie, lines joined
    assert verdict.readable_headers == {"x-custom": "1, 2"}
    assert verdict.final_url == url


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("method", ["GET", "HEAD", "get"])
def test_a_same_origin_get_or_head_sends_no_origin(profile, method):
    verdict, server = run(profile, {("*", HOME): final()}, method=method, headers=[("X-Token", "t")])
    assert verdict.allowed and verdict.same_origin and not verdict.preflight_sent
    assert server.requests[0].headers == (("X-Token", "t"),)
    assert verdict.readable_headers == {"content-type": "text/plain", "x-custom": "1"}


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_same_origin_redirects_that_never_leave_stay_same_origin(profile):
    routes = {("PUT", HOME): moved(f"{PAGE}/next", 307), ("PUT", f"{PAGE}/next"): final()}
    verdict, server = run(profile, routes, method="PUT", body="x")
    assert verdict.allowed and verdict.same_origin and not verdict.preflight_sent
    assert server.wire() == [("PUT", HOME, PAGE), ("PUT", f"{PAGE}/next", PAGE)]
    assert verdict.final_url == f"{PAGE}/next"


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("status", [302, 307])
def test_a_same_origin_get_redirected_to_an_api_that_allows_the_page(profile, status):
    routes = {("GET", HOME): moved(f"{API}/data", status), ("GET", f"{API}/data"): final((ACAO, PAGE))}
    verdict, server = run(profile, routes)
    assert verdict.allowed and not verdict.same_origin and verdict.reason == "ok"
    assert server.wire() == [("GET", HOME, None), ("GET", f"{API}/data", PAGE)]  # the page's Origin, untainted
    assert verdict.readable_headers == {"content-type": "text/plain"}  # CORS-filtered now
    assert not verdict.preflight_sent


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_a_same_origin_get_redirected_to_an_api_that_does_not_allow_it_is_blocked(profile):
    routes = {("GET", HOME): moved(f"{API}/data"), ("GET", f"{API}/data"): final()}
    verdict, server = run(profile, routes)
    assert not verdict.allowed and not verdict.same_origin
    assert verdict.failure == v.Failure(v.ACAO_MISSING, status=200)
    assert server.wire() == [("GET", HOME, None), ("GET", f"{API}/data", PAGE)]
    if profile is CHROME:  # as Chromium printed it (so-get-302-api-missing)
        assert verdict.message == (
            f"Access to fetch at '{API}/data' (redirected from '{HOME}') from origin '{PAGE}' has been blocked by "
            "CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
        )


def _put_routes(preflight):
    return {
        ("PUT", HOME): moved(f"{API}/data", 307),
        ("OPTIONS", f"{API}/data"): preflight,
        ("PUT", f"{API}/data"): final((ACAO, PAGE)),
    }


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_a_same_origin_put_redirected_to_an_api_is_preflighted_there(profile):
    preflight = HttpResponse(204, ((ACAO, PAGE), ("Access-Control-Allow-Methods", "PUT")))
    verdict, server = run(profile, _put_routes(preflight), method="PUT", body="x")
    assert verdict.allowed and not verdict.same_origin and verdict.preflight_sent
    assert [(r.method, r.url, r.header("Origin"), r.header("Access-Control-Request-Method")) for r in server.requests] == [
        ("PUT", HOME, PAGE, None), ("OPTIONS", f"{API}/data", PAGE, "PUT"), ("PUT", f"{API}/data", PAGE, None),
    ]
    assert server.requests[2].body == b"x"


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_a_refused_preflight_at_the_api_blocks_a_same_origin_put(profile):
    verdict, server = run(profile, _put_routes(HttpResponse(204, ((ACAO, PAGE),))), method="PUT", body="x")
    assert not verdict.allowed and verdict.failure == v.Failure(v.METHOD_NOT_ALLOWED, True, "PUT")
    assert server.wire() == [("PUT", HOME, PAGE), ("OPTIONS", f"{API}/data", PAGE)]
    if profile is CHROME:  # so-put-307-api-pf-refused
        assert verdict.message == (
            f"Access to fetch at '{API}/data' (redirected from '{HOME}') from origin '{PAGE}' has been blocked by "
            "CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."
        )


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_a_custom_header_is_preflighted_only_at_the_api(profile):
    routes = {("GET", HOME): moved(f"{API}/data", 307), ("OPTIONS", f"{API}/data"): HttpResponse(204, ((ACAO, PAGE),))}
    verdict, server = run(profile, routes, headers=[("X-Token", "1")])
    assert not verdict.allowed and verdict.failure == v.Failure(v.HEADER_NOT_ALLOWED, True, "X-Token")
    assert [(r.method, r.url, r.header("Origin"), r.header("Access-Control-Request-Headers")) for r in server.requests] == [
        ("GET", HOME, None, None), ("OPTIONS", f"{API}/data", PAGE, "x-token"),
    ]


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_a_same_origin_post_redirected_with_302_arrives_as_a_get_with_origin(profile):
    routes = {("POST", HOME): moved(f"{API}/data"), ("GET", f"{API}/data"): final((ACAO, PAGE))}
    verdict, server = run(profile, routes, method="POST", body="payload")
    assert verdict.allowed and not verdict.preflight_sent
    assert server.wire() == [("POST", HOME, PAGE), ("GET", f"{API}/data", PAGE)]
    assert server.requests[1].body is None


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_same_origin_hops_first_then_the_api(profile):
    routes = {("GET", HOME): moved(f"{PAGE}/two"), ("GET", f"{PAGE}/two"): moved(f"{API}/data"),
              ("GET", f"{API}/data"): final((ACAO, PAGE))}
    verdict, server = run(profile, routes)
    assert verdict.allowed and not verdict.same_origin
    assert server.wire() == [("GET", HOME, None), ("GET", f"{PAGE}/two", None), ("GET", f"{API}/data", PAGE)]


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("acao, allowed", [("null", True), (None, False), (PAGE, False)])
def test_back_at_the_page_origin_after_the_api_is_still_cors_with_origin_null(profile, acao, allowed):
    back = ((ACAO, PAGE), ("Access-Control-Allow-Credentials", "true"))  # passes WebKit's credentialed check too
    routes = {("GET", HOME): moved(f"{API}/data"), ("GET", f"{API}/data"): moved(f"{PAGE}/back", 302, *back),
              ("GET", f"{PAGE}/back"): final(*(((ACAO, acao),) if acao else ()))}
    verdict, server = run(profile, routes)
    assert verdict.allowed is allowed and not verdict.same_origin
    assert server.wire() == [("GET", HOME, None), ("GET", f"{API}/data", PAGE), ("GET", f"{PAGE}/back", "null")]


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("acac", [False, True])
def test_webkit_checks_later_redirects_as_credentialed_after_a_same_origin_start(profile, acac):
    hop = ((ACAO, PAGE),) + ((("Access-Control-Allow-Credentials", "true"),) if acac else ())
    routes = {("GET", HOME): moved(f"{API}/data"), ("GET", f"{API}/data"): moved(f"{API2}/end", 302, *hop),
              ("GET", f"{API2}/end"): final((ACAO, "null"))}
    verdict, server = run(profile, routes)
    blocked = profile is SAFARI and not acac  # so-get-api-api2-echo: WPE WebKit 2.38 only
    assert verdict.allowed is not blocked
    assert (verdict.failure.code, verdict.failure.status) == (v.ACAC_NOT_TRUE, 302) if blocked else verdict.failure is None
    assert len(server.requests) == (2 if blocked else 3)
    assert SAFARI.same_origin_start_credentials_redirects
    assert not any(p.same_origin_start_credentials_redirects for p in (CHROME, FIREFOX, SPEC))


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_webkit_does_not_check_the_final_response_or_a_fetch_begun_elsewhere_as_credentialed(profile):
    routes = {("GET", HOME): moved(f"{API}/data"), ("GET", f"{API}/data"): final((ACAO, PAGE))}
    assert run(profile, routes)[0].allowed  # so-get-302-api-origin
    routes = {("GET", f"{API}/a"): moved(f"{API}/b", 302, (ACAO, PAGE)), ("GET", f"{API}/b"): final((ACAO, PAGE))}
    assert run(profile, routes, url=f"{API}/a")[0].allowed


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_a_withheld_same_origin_request_is_allowed_and_same_origin(profile):
    def withhold(request):
        raise ActualRequestWithheld()

    fetch = FetchRequest(url=HOME, origin=PAGE, method="DELETE")
    verdict = simulate_fetch(fetch, profile, withhold)
    assert verdict.allowed and verdict.same_origin and verdict.actual_withheld and verdict.exchanges == ()


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_a_userinfo_redirect_within_the_page_origin_is_refused_by_chromium_only(profile):
    # so-get-302-page-userinfo: Firefox and WebKit follow it (no CORS involved); Chromium refuses it
    location = "https://u:p@app.example/next"
    verdict, server = run(profile, {("GET", HOME): moved(location), ("GET", location): final()})
    refused = profile is CHROME
    assert verdict.allowed is not refused and verdict.same_origin is not refused
    assert verdict.failure == (v.Failure(v.REDIRECT_CREDENTIALS, False, location, 302) if refused else None)
    assert server.wire() == [("GET", HOME, None)] + ([] if refused else [("GET", location, None)])
    assert [p.refuses_userinfo_redirect for p in ALL] == [True, False, False, False]


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_a_userinfo_redirect_to_the_api_is_refused_everywhere(profile):
    location = "https://u:p@api.example/data"  # so-get-302-api-userinfo
    verdict, server = run(profile, {("GET", HOME): moved(location), ("GET", location): final((ACAO, "*"))})
    assert verdict.failure == v.Failure(v.REDIRECT_CREDENTIALS, False, location, 302)
    assert server.wire() == [("GET", HOME, None)]
