"""Real-browser differential for the cookie rules: which cookies each engine sends, equal to the engine model.

``cookie_harness.CookieLab`` sets cookies first-party on the API (over http and over a self-signed
https server), then fetch()es it from a same-site page (same host, another port) and a cross-site page
(``localhost`` vs ``127.0.0.1``), with ``credentials: 'include'`` (GET and a preflighted PUT) and with
``credentials: 'same-origin'``. For every request the API received, the cookies the browser sent must
be exactly the cookies :func:`simulate_fetch` puts in its ``Cookie`` header for that profile.

Compared: cookies set over http on http targets, cookies set over https on https targets, and
``Secure`` cookies set over https on http targets (the Secure-over-http rule). A cookie set over one
scheme and sent to the other is measured and printed by the harness but not modelled.

WPE WebKit (cog) has no tracking prevention, so it sends third-party cookies Safari blocks; it is
compared with the Safari profile minus that one rule (``third_party_cookies=sent``), as documented
in the README's profile table.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Tuple, Union

import pytest

from pytest_cors.browser.cookies import Cookie, SameSite
from pytest_cors.browser.exchange import FetchRequest, HttpResponse
from pytest_cors.browser.fetch import simulate_fetch
from pytest_cors.browser.profiles import PROFILES, ThirdPartyCookies

from .browsers import BrowserUnavailable
from .cookie_harness import COOKIE_KINDS, MODES, CookieLab, Measurement

PROFILE_OF = {
    "chromium": PROFILES["chrome"],
    "firefox": PROFILES["firefox"],
    # WPE WebKit: Safari's rules without Safari's third-party cookie blocking (no ITP in WPE).
    "cog": dataclasses.replace(PROFILES["safari"], third_party_cookies=ThirdPartyCookies.SENT),
}
_MEASURED: Dict[str, Union[Measurement, BrowserUnavailable]] = {}


def cookie_of(kind: str, name: str) -> Cookie:
    attrs = [a.strip().lower() for a in COOKIE_KINDS[kind].split(";") if a.strip()]
    samesite = next((SameSite(a.split("=")[1].capitalize()) for a in attrs if a.startswith("samesite=")), None)
    return Cookie(name, "1", samesite, "secure" in attrs, "partitioned" in attrs)


def compared_cookies(target: str) -> Tuple[Cookie, ...]:
    """The cookies whose setting scheme the model covers for this target."""
    if target.startswith("https:"):
        return tuple(cookie_of(kind, f"s_{kind}") for kind in COOKIE_KINDS)
    http_set = [cookie_of(kind, f"h_{kind}") for kind in COOKIE_KINDS]
    https_secure = [cookie_of(kind, f"s_{kind}") for kind in COOKIE_KINDS if "Secure" in COOKIE_KINDS[kind] and "Partitioned" not in COOKIE_KINDS[kind]]
    return tuple(http_set + https_secure)


def _allow(request):
    return HttpResponse(200, (("Access-Control-Allow-Origin", request.header("Origin") or ""),
                              ("Access-Control-Allow-Credentials", "true"), ("Access-Control-Allow-Methods", "PUT"),
                              ("Access-Control-Allow-Headers", "x-probe")))


def engine_sent(browser: str, page: str, target: str, mode: str, cookies: Tuple[Cookie, ...]) -> Dict[str, Tuple[str, ...]]:
    """Cookie names per method that the engine puts on the wire for this fetch()."""
    fetch = FetchRequest(f"{target}/probe", page, "PUT" if mode == "put" else "GET",
                         headers=(("X-Probe", "1"),) if mode == "put" else (), credentials=mode != "omit", cookies=cookies)
    wire: Dict[str, Tuple[str, ...]] = {}

    def send(request):
        header = request.header("Cookie") or ""
        wire[request.method] = tuple(sorted(p.split("=")[0] for p in header.split("; ") if p))
        return _allow(request)

    simulate_fetch(fetch, PROFILE_OF[browser], send)
    return wire


@pytest.fixture(scope="module")
def lab():
    lab = CookieLab()
    yield lab
    lab.close()


def measured(lab: CookieLab, browser: str) -> Measurement:
    if browser not in _MEASURED:
        try:
            _MEASURED[browser] = lab.measure(browser)
        except BrowserUnavailable as exc:
            _MEASURED[browser] = exc
    result = _MEASURED[browser]
    if isinstance(result, BrowserUnavailable):
        pytest.skip(str(result))
    return result


@pytest.mark.parametrize("browser", list(PROFILE_OF))
def test_each_browser_sends_exactly_the_cookies_the_engine_sends(browser, lab):
    run = measured(lab, browser)
    assert run.problem is None, run.problem
    assert run.tls, "the https API could not start (openssl missing?)"
    mismatches = []
    checked = 0
    for page in lab.page_bases():
        page_host = page.split("//")[1].split(":")[0]
        for target in lab.api_bases():
            cookies = compared_cookies(target)
            names = {c.name for c in cookies}
            for mode in MODES:
                label = f"{page_host}|{target}|{mode}"
                expected = engine_sent(browser, page, target, mode, cookies)
                for method, engine_names in expected.items():
                    got = run.cookies_for(label, method)
                    if got is None:
                        mismatches.append(f"{label} {method}: the API never received it (page: {run.reported.get(label)})")
                        continue
                    checked += 1
                    browser_names = tuple(sorted(n for n in got if n in names))
                    if browser_names != engine_names:
                        mismatches.append(f"{label} {method}:\n    browser sent {browser_names}\n    engine sent  {engine_names}")
    assert not mismatches, f"{browser}: {len(mismatches)} of {checked} requests differ:\n" + "\n".join(mismatches)
    assert checked == len(lab.page_bases()) * len(lab.api_bases()) * 4  # get, preflight + put, omit


@pytest.mark.parametrize("browser", list(PROFILE_OF))
def test_no_preflight_and_no_uncredentialed_request_carries_a_cookie(browser, lab):
    run = measured(lab, browser)
    preflights = [r for r in run.received if r.method == "OPTIONS"]
    omitted = [r for r in run.received if r.label.endswith("|omit")]
    assert preflights and omitted
    assert all(not r.cookies for r in preflights + omitted)
    # ... while the same-site credentialed GETs did carry cookies: the probe is not vacuous
    assert any(r.cookies for r in run.received if r.method == "GET" and not r.label.endswith("|omit"))
