"""Would the browser send the cookie? Every rule, per engine, as measured (tests/browser/cookie_harness.py)."""

import pytest

from pytest_cors.browser.cookies import Cookie, SameSite, cookies_for_request, merge_cookies, refusal
from pytest_cors.browser.exchange import FetchRequest, HttpResponse
from pytest_cors.browser.fetch import simulate_fetch
from pytest_cors.browser.profiles import PROFILES

CHROME, FIREFOX, SAFARI = PROFILES["chrome"], PROFILES["firefox"], PROFILES["safari"]
LAX = Cookie("sid", "v", SameSite.LAX)
NONE_SECURE = Cookie("sid", "v", SameSite.NONE, secure=True)
UNSET = Cookie("sid", "v")


def sent(cookie, page, url, profile):
    return refusal(cookie, page, url, profile) is None


@pytest.mark.parametrize("profile", [CHROME, FIREFOX, SAFARI], ids=lambda p: p.name)
@pytest.mark.parametrize("cookie", [LAX, Cookie("sid", "v", SameSite.STRICT), UNSET, NONE_SECURE])
def test_same_site_cross_origin_sends_every_samesite_value(profile, cookie):
    assert sent(cookie, "https://app.example.com", "https://api.example.com/me", profile)


@pytest.mark.parametrize("profile", [CHROME, FIREFOX, SAFARI], ids=lambda p: p.name)
def test_cross_site_sends_nothing_a_first_party_cookie_in_the_three_browsers(profile):
    for cookie in (LAX, UNSET, NONE_SECURE):
        why = refusal(cookie, "https://app.other.com", "https://api.example.com/me", profile)
        assert why is not None
        assert "same-site" in why.fix


def test_the_reasons_name_the_rule_and_the_fix():
    assert "counts as Lax in Chrome" in refusal(UNSET, "https://a.other.com", "https://api.example.com", CHROME).why
    assert "blocks third-party cookies" in refusal(NONE_SECURE, "https://a.other.com", "https://api.example.com", CHROME).why
    assert "partitions third-party cookies" in refusal(NONE_SECURE, "https://a.other.com", "https://api.example.com", FIREFOX).why
    assert "blocks third-party cookies" in refusal(NONE_SECURE, "https://a.other.com", "https://api.example.com", SAFARI).why
    lax = refusal(LAX, "https://a.other.com", "https://api.example.com", FIREFOX)
    assert "SameSite=Lax" in lax.why and "token header" in lax.fix


def test_samesite_none_without_secure_is_refused_except_in_webkit():
    cookie = Cookie("sid", "v", SameSite.NONE)
    for profile in (CHROME, FIREFOX):
        why = refusal(cookie, "https://app.example.com", "https://api.example.com", profile)
        assert why is not None and "Secure; SameSite=None" in why.fix
    assert sent(cookie, "https://app.example.com", "https://api.example.com", SAFARI)


def test_secure_over_http_only_on_loopback_and_not_in_webkit():
    secure = Cookie("sid", "v", SameSite.LAX, secure=True)
    for profile in (CHROME, FIREFOX, SAFARI):
        assert not sent(secure, "http://app.example.com", "http://api.example.com", profile)
    for host in ("localhost", "127.0.0.1"):
        assert sent(secure, f"http://{host}:1", f"http://{host}:2", CHROME)
        assert sent(secure, f"http://{host}:1", f"http://{host}:2", FIREFOX)
        assert not sent(secure, f"http://{host}:1", f"http://{host}:2", SAFARI)


def test_schemeful_same_site_only_in_chromium():
    page, api = "http://app.example.com", "https://api.example.com"
    assert not sent(LAX, page, api, CHROME)
    assert sent(LAX, page, api, FIREFOX)
    assert sent(LAX, page, api, SAFARI)


def test_partitioned_cookies_belong_to_the_api_site():
    cookie = Cookie("sid", "v", SameSite.NONE, secure=True, partitioned=True)
    assert sent(cookie, "https://app.example.com", "https://api.example.com", CHROME)
    assert not sent(cookie, "http://app.example.com", "https://api.example.com", FIREFOX)  # partition keys are schemeful
    assert "Partitioned" in refusal(cookie, "https://a.other.com", "https://api.example.com", CHROME).why


def test_cookie_header_and_merge():
    jar = (Cookie("a", "1"), Cookie("b", "2", SameSite.STRICT))
    header, refused = cookies_for_request(jar, "https://x.other.com", "https://api.example.com", SAFARI)
    assert header is None and len(refused) == 2
    header, refused = cookies_for_request(jar, "https://app.example.com", "https://api.example.com", SAFARI)
    assert header == "a=1; b=2" and not refused
    assert merge_cookies(jar, (Cookie("b", "3"),)) == (Cookie("a", "1"), Cookie("b", "3"))


def _server(log):
    def send(request):
        log.append(request)
        if request.method == "OPTIONS":
            return HttpResponse(204, (("Access-Control-Allow-Origin", "https://app.example.com"),
                                      ("Access-Control-Allow-Credentials", "true"), ("Access-Control-Allow-Methods", "PUT")))
        if request.url.endswith("/start"):
            return HttpResponse(307, (("Location", "https://api.other.com/next"),
                                      ("Access-Control-Allow-Origin", "https://app.example.com"),
                                      ("Access-Control-Allow-Credentials", "true")))
        return HttpResponse(200, (("Access-Control-Allow-Origin", request.header("Origin") or ""),
                                  ("Access-Control-Allow-Credentials", "true")))
    return send


@pytest.mark.parametrize("profile", [CHROME, FIREFOX, SAFARI], ids=lambda p: p.name)
def test_fetch_sends_cookies_on_credentialed_actual_requests_only(profile):
    log = []
    fetch = FetchRequest("https://api.example.com/me", "https://app.example.com", "PUT", credentials=True, cookies=(NONE_SECURE,))
    simulate_fetch(fetch, profile, _server(log))
    assert [r.method for r in log] == ["OPTIONS", "PUT"]
    assert log[0].header("Cookie") is None and log[1].header("Cookie") == "sid=v"
    log.clear()
    simulate_fetch(FetchRequest("https://api.example.com/me", "https://app.example.com", "GET", cookies=(NONE_SECURE,)),
                   profile, _server(log))
    assert log[0].header("Cookie") is None  # credentials: false never sends the jar


def test_each_redirect_hop_decides_again():
    log = []
    fetch = FetchRequest("https://api.example.com/start", "https://app.example.com", "GET", credentials=True, cookies=(LAX,))
    verdict = simulate_fetch(fetch, CHROME, _server(log))
    assert [r.header("Cookie") for r in log] == ["sid=v", None]  # the cookie is api.example.com's
    assert verdict.cookie_refusals and verdict.cookie_refusals[0].url == "https://api.other.com/next"
    assert "host-only" in verdict.cookie_refusals[0].why


def test_a_cookie_some_browsers_keep_back_changes_the_exchange_in_those_profiles_only():
    from pytest_cors.check.case import check_case
    from pytest_cors.contract.schema import parse_contract

    def auth_first(request):
        if request.method != "OPTIONS" and request.header("Cookie") != "sid=v":
            return HttpResponse(401, ())
        return HttpResponse(200, (("Access-Control-Allow-Origin", request.header("Origin") or ""),
                                  ("Access-Control-Allow-Credentials", "true"), ("Vary", "Origin")))

    # http page, https API on the same registrable domain: cross-site only where the scheme counts (Chromium)
    contract = parse_contract({"path": "/me", "origins": ["http://app.example.com"], "credentials": True,
                               "cookies": {"sid": {"value": "v", "samesite": "Lax"}}})
    result = check_case(contract.cases()[0], auth_first, "https://api.example.com", [CHROME, FIREFOX, SAFARI])
    assert result.blocking_profiles == ("chrome",)
    assert sorted(e.request.header("Cookie") or "-" for e in result.exchanges) == ["-", "sid=v"]
    chrome = result.verdicts[0]
    assert [r.why for r in chrome.cookie_refusals] == [
        "SameSite=Lax cookies are not sent on a cross-site fetch() from http://example.com to https://example.com"
    ]
