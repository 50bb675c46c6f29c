"""The exact report line for every reason a browser keeps a cookie back, and the fix it suggests.

Rules: pytest_cors.browser.cookies (measured in the real engines by tests/browser/cookie_harness.py).
"""

from __future__ import annotations

import dataclasses

import pytest

from pytest_cors.browser.cookies import (
    FIX_HTTPS,
    FIX_NONE_SECURE,
    FIX_SAME_SITE,
    FIX_TOKEN,
    Cookie,
    SameSite,
    cookies_for_request,
    refusal,
)
from pytest_cors.browser.profiles import CHROME, FIREFOX, SAFARI, ThirdPartyCookies

PAGE = "https://app.other.com"
API = "https://api.example.com/me"
UNSET = Cookie("sid", "1")
LAX = Cookie("sid", "1", SameSite.LAX)
STRICT = Cookie("sid", "1", SameSite.STRICT)
NONE_SECURE = Cookie("sid", "1", SameSite.NONE, secure=True)
CROSS = "cross-site fetch() from https://other.com to https://example.com"

CASES = {
    "host-only": (
        CHROME, UNSET, "https://app.example.com", "https://www.example.com/x", "https://api.example.com/",
        "it belongs to api.example.com (a host-only cookie), and this request goes to www.example.com",
        f"let www.example.com set its own cookie, or {FIX_TOKEN}",
    ),
    "none-without-secure": (
        CHROME, Cookie("sid", "1", SameSite.NONE), "https://app.example.com", API, "",
        "a SameSite=None cookie without Secure is rejected when the server sets it", FIX_NONE_SECURE,
    ),
    "secure-over-http": (
        CHROME, Cookie("sid", "1", secure=True), "http://app.example.com", "http://api.example.com/me", "",
        "it is Secure and the request goes over plain http", FIX_HTTPS,
    ),
    "partitioned": (
        CHROME, Cookie("sid", "1", SameSite.NONE, secure=True, partitioned=True), PAGE, API, "",
        "it is Partitioned, so it belongs to https://example.com as top-level site, and the page is on https://other.com",
        FIX_SAME_SITE,
    ),
    "unset-is-lax": (
        CHROME, UNSET, PAGE, API, "",
        f"SameSite=Lax cookies are not sent on a {CROSS} (a cookie without SameSite counts as Lax in Chrome)",
        f"{FIX_SAME_SITE}, or {FIX_TOKEN}",
    ),
    "strict": (
        SAFARI, STRICT, PAGE, API, "",
        f"SameSite=Strict cookies are not sent on a {CROSS}", f"{FIX_SAME_SITE}, or {FIX_TOKEN}",
    ),
    "lax-where-third-party-cookies-go": (
        dataclasses.replace(CHROME, third_party_cookies=ThirdPartyCookies.SENT), LAX, PAGE, API, "",
        f"SameSite=Lax cookies are not sent on a {CROSS}", f"{FIX_SAME_SITE}, or {FIX_NONE_SECURE}",
    ),
    "blocked": (
        CHROME, NONE_SECURE, PAGE, API, "",
        "Chrome blocks third-party cookies: the page's site https://other.com is not the API's",
        f"{FIX_SAME_SITE}, or {FIX_TOKEN}",
    ),
    "partitioned-jar": (
        FIREFOX, NONE_SECURE, PAGE, API, "",
        "Firefox partitions third-party cookies by top-level site: a cookie the API set on its own site is not "
        "in the jar of pages on https://other.com",
        f"{FIX_SAME_SITE}, or {FIX_TOKEN}",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_refusal_says_why_and_how_to_fix_it(case):
    profile, cookie, page, url, owner, why, fix = CASES[case]
    refused = refusal(cookie, page, url, profile, owner)
    assert (refused.cookie, refused.url, refused.why, refused.fix) == (cookie, url, why, fix)
    assert refused.line(profile.display_name) == (
        f"{profile.display_name} does not send cookie {cookie.describe()}: {why}; fix: {fix}"
    )


@pytest.mark.parametrize(
    "cookie, described",
    [
        (UNSET, "'sid' (no SameSite)"),
        (LAX, "'sid' (SameSite=Lax)"),
        (Cookie("sid", "1", SameSite.NONE, secure=True, partitioned=True), "'sid' (SameSite=None, Secure, Partitioned)"),
        (Cookie("s id", "1", partitioned=True), "'s id' (no SameSite, Partitioned)"),
    ],
)
def test_a_cookie_is_described_by_its_name_and_deciding_attributes(cookie, described):
    assert cookie.describe() == described


def test_a_third_party_cookie_goes_where_the_engine_sends_them():
    sends = dataclasses.replace(CHROME, third_party_cookies=ThirdPartyCookies.SENT)
    assert refusal(NONE_SECURE, PAGE, API, sends) is None


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "app.localhost"])
def test_secure_cookies_go_over_http_to_loopback_hosts_in_chrome_and_firefox(host):
    url, cookie = f"http://{host}:8000/me", Cookie("sid", "1", secure=True)
    page = f"http://{host}:3000"
    assert refusal(cookie, page, url, CHROME) is None and refusal(cookie, page, url, FIREFOX) is None
    assert refusal(cookie, page, url, SAFARI).why == "it is Secure and the request goes over plain http"
    assert refusal(cookie, "http://app.example", "http://localhost.example/me", CHROME) is not None


def test_the_cookie_header_joins_the_sent_cookies_in_jar_order():
    jar = (Cookie("a", "1"), Cookie("b", "2", SameSite.NONE), Cookie("c", "3"))
    header, refused = cookies_for_request(jar, "https://app.example.com", API, CHROME)
    assert header == "a=1; c=3"
    assert [r.cookie.name for r in refused] == ["b"]
    assert cookies_for_request((Cookie("b", "2", SameSite.NONE),), "https://app.example.com", API, CHROME)[0] is None


@pytest.mark.parametrize("profile", [FIREFOX, SAFARI], ids=lambda p: p.name)
def test_a_cookie_without_samesite_is_none_where_the_engine_says_so(profile):
    # unset SameSite is None in Firefox and WebKit: such a cookie goes cross-site wherever third-party
    # cookies go, and is refused only for the third-party reason
    sends = dataclasses.replace(profile, third_party_cookies=ThirdPartyCookies.SENT)
    assert refusal(UNSET, PAGE, API, sends) is None
    assert "SameSite" not in refusal(UNSET, PAGE, API, profile).why
