"""The exact requests fetch() puts on the wire: header names and order, headers a script cannot
set, headers kept or dropped across redirects, and the names each engine announces again after
a method-changing redirect.

Expectations: cors-ground-truth.md sections 2, 3, 6 and 10; the Fetch standard's "forbidden
request-header" (names starting with ``proxy-`` or ``sec-`` too) and "CORS-preflight request"
(``Accept: */*``, ``Origin``, ``Access-Control-Request-Method``/``-Headers``, nothing else).
"""

from __future__ import annotations

import dataclasses

import pytest

from pytest_cors.browser import rules as v
from pytest_cors.browser.cookies import Cookie, SameSite
from pytest_cors.browser.exchange import FetchRequest, HttpResponse
from pytest_cors.browser.fetch import simulate_fetch
from pytest_cors.browser.profiles import CHROME, FIREFOX, SAFARI, SPEC

from .fetch_server import ALL, API, API2, PAGE, Server, ids


def ok(origin=PAGE, *headers):
    return HttpResponse(200, (("Access-Control-Allow-Origin", origin),) + tuple(headers))


def preflight_ok(origin=PAGE, methods="PUT, DELETE", headers="X-Token, Authorization", *extra):
    return HttpResponse(204, (
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Methods", methods),
        ("Access-Control-Allow-Headers", headers),
    ) + tuple(extra))


def run(profile, routes, url=f"{API}/a", method="GET", headers=(), **kwargs):
    server = Server(routes)
    fetch = FetchRequest(url=url, origin=PAGE, method=method, headers=tuple(headers), **kwargs)
    return simulate_fetch(fetch, profile, server), server


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_the_preflight_carries_exactly_accept_origin_and_the_two_request_headers(profile):
    routes = {("OPTIONS", f"{API}/a"): preflight_ok(), ("PUT", f"{API}/a"): ok()}
    verdict, server = run(profile, routes, method="put", headers=[("X-Token", "t")])
    assert verdict.allowed
    assert server.requests[0].headers == (
        ("Accept", "*/*"),
        ("Origin", PAGE),
        ("Access-Control-Request-Method", "PUT"),
        ("Access-Control-Request-Headers", "x-token"),
    )


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_the_actual_request_sends_origin_first_the_implied_content_type_and_cookies_last(profile):
    # api.app.example is on the page's site (app.example), so every engine sends the cookie
    url = "https://api.app.example/a"
    routes = {("POST", url): ok(PAGE, ("Access-Control-Allow-Credentials", "true"))}
    jar = (Cookie("sid", "1", SameSite.NONE, secure=True),)
    verdict, server = run(profile, routes, url=url, method="POST", headers=[("Accept", "*/*")], body="hi",
                          credentials=True, cookies=jar)
    assert verdict.allowed and not verdict.preflight_sent
    assert server.requests[0].headers == (
        ("Origin", PAGE),
        ("Accept", "*/*"),
        ("Content-Type", "text/plain;charset=UTF-8"),
        ("Cookie", "sid=1"),
    )


# A header a script cannot set is dropped silently: it triggers no preflight, is not sent, and the
# headers after it are kept. (profiles that drop it, header)
DROPPED = [
    (ALL, ("Proxy-Authorization", "Basic eA==")),  # forbidden: every proxy- name
    (ALL, ("Sec-Purpose", "prefetch")),  # forbidden: every sec- name
    (ALL, ("Cookie", "a=b")),
    ([CHROME], ("User-Agent", "bot")),  # Chromium drops it (ground truth section 10)
    ([CHROME, FIREFOX, SPEC], ("X-HTTP-Method-Override", "GET,TRACE")),  # names a forbidden method
]


@pytest.mark.parametrize("dropping,header", DROPPED, ids=[h[0] for _, h in DROPPED])
@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_a_header_fetch_refuses_is_dropped_and_the_next_header_kept(profile, dropping, header):
    routes = {("OPTIONS", f"{API}/a"): preflight_ok(headers="*"), ("GET", f"{API}/a"): ok()}
    verdict, server = run(profile, routes, headers=[header, ("X-Token", "t")])
    assert verdict.allowed
    preflight, actual = server.requests
    announced = "x-token" if profile in dropping else ",".join(sorted([header[0].lower(), "x-token"]))
    assert preflight.header("Access-Control-Request-Headers") == announced
    assert actual.header("X-Token") == "t"
    assert actual.header(header[0]) == (None if profile in dropping else header[1])


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_303_keeps_the_headers_of_a_get_or_head(profile, method):
    # 303 turns only methods other than GET/HEAD into GET, and only then drops the body headers
    headers = [("Content-Language", "en"), ("Content-Type", "text/plain")]
    routes = {(method, f"{API}/a"): HttpResponse(303, (("Access-Control-Allow-Origin", PAGE), ("Location", "/b"))),
              (method, f"{API}/b"): ok()}
    verdict, server = run(profile, routes, method=method, headers=headers)
    assert verdict.allowed and not verdict.preflight_sent
    assert [r.header("Content-Language") for r in server.requests] == ["en", "en"]
    assert [r.header("Content-Type") for r in server.requests] == ["text/plain", "text/plain"]


def _put_then_303(profile, second_preflight):
    """A JSON PUT with Authorization, answered by a cross-origin 303: the GET drops the body headers."""
    routes = {
        ("OPTIONS", f"{API}/a"): preflight_ok(origin="*", headers="Content-Type, Authorization"),
        ("PUT", f"{API}/a"): HttpResponse(303, (("Access-Control-Allow-Origin", "*"), ("Location", f"{API2}/b"))),
        ("OPTIONS", f"{API2}/b"): second_preflight,
        ("GET", f"{API2}/b"): ok("*"),
    }
    headers = [("Content-Type", "application/json"), ("Authorization", "Bearer x")]
    return run(profile, routes, method="PUT", headers=headers, body="{}")


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_after_a_303_only_webkit_announces_the_dropped_header_names_again(profile):
    verdict, server = _put_then_303(profile, preflight_ok(origin="*", methods="GET", headers="Content-Type, Authorization"))
    assert verdict.allowed
    preflights = [r for r in server.requests if r.method == "OPTIONS"]
    get = [r for r in server.requests if r.method == "GET"][0]
    assert get.header("Content-Type") is None and get.body is None
    if profile in (CHROME, SPEC):
        # decided afresh: a GET without body headers or Authorization (stripped on the cross-origin hop)
        assert [r.url for r in preflights] == [f"{API}/a"]
        return
    second = preflights[1].header("Access-Control-Request-Headers")
    # Firefox preflights the GET again but announces only what it still sends (nothing unsafe);
    # WebKit keeps Authorization across the hop and announces the PUT's names again.
    assert second == ("authorization,content-type" if profile is SAFARI else None)


def test_webkit_names_a_dropped_header_it_announced_again_in_lowercase():
    # the header is no longer in the request, so the page's spelling is gone: the announced name
    verdict, _ = _put_then_303(SAFARI, preflight_ok(origin="*", methods="GET", headers="Authorization"))
    assert verdict.failure == v.Failure(v.HEADER_NOT_ALLOWED, True, "content-type")
    assert verdict.message == (
        "Request header field content-type is not allowed by Access-Control-Allow-Headers.\n"
        f"Fetch API cannot load {API2}/b due to access control checks."
    )


def test_a_profile_that_strips_authorization_never_announces_it_again_after_the_hop():
    # the profile fields compose: WebKit's re-announcing with the standard's Authorization stripping
    profile = dataclasses.replace(SAFARI, strips_authorization_on_cross_origin_redirect=True)
    verdict, server = _put_then_303(profile, preflight_ok(origin="*", methods="GET", headers="Content-Type"))
    assert verdict.allowed
    second = [r for r in server.requests if r.method == "OPTIONS"][1]
    assert second.header("Access-Control-Request-Headers") == "content-type"
    assert [r for r in server.requests if r.method == "GET"][0].header("Authorization") is None


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("header", [("Content-Language", "en\xa0"), ("Accept", "*/*\x0b")], ids=["nbsp", "vtab"])
def test_fetch_trims_only_http_whitespace_from_values(profile, header):
    # tab, LF, CR and space go; a no-break space or a vertical tab stays and makes the value unsafe
    routes = {("OPTIONS", f"{API}/a"): preflight_ok(headers="*"), ("GET", f"{API}/a"): ok()}
    verdict, server = run(profile, routes, headers=[(header[0], f" \t{header[1]}\r\n")])
    assert verdict.allowed and verdict.preflight_sent
    assert server.requests[0].header("Access-Control-Request-Headers") == header[0].lower()
    assert server.requests[1].header(header[0]) == header[1]
