"""The hint of a failure report, one per failure code and problem kind, read exactly.

Each case is a plain WSGI app sending the wrong headers, checked in-process the way the
plugin checks it; the hint is the line a user acts on when the check fails.
"""

from __future__ import annotations

import pytest

from .apps import app, report

APP = "https://app.example.com"
ACAO = [("Access-Control-Allow-Origin", APP)]
GET = {"path": "/api", "origins": [APP]}
PUT = {**GET, "methods": ["PUT"]}


def hints(lines):
    return [line[len("Hint: "):] for line in lines if line.startswith("Hint: ")]


@pytest.mark.parametrize("status", ["401 Unauthorized", "403 Forbidden"])
def test_a_preflight_refused_by_authentication(status):
    code = status.split()[0]
    assert hints(report(app(preflight_status=status), PUT)) == [
        f"the preflight got {code}: authentication runs before the CORS layer; let OPTIONS requests through "
        "unauthenticated (browsers never send credentials on a preflight)"
    ]


@pytest.mark.parametrize("status", ["404 Not Found", "405 Method Not Allowed", "501 Not Implemented"])
def test_a_preflight_nothing_answers(status):
    code = status.split()[0]
    assert hints(report(app(preflight_status=status), PUT)) == [
        f"the preflight got {code}: nothing answers OPTIONS on this route; let the CORS middleware answer "
        "preflights before routing"
    ]


@pytest.mark.parametrize("status", ["204 No Content", "400 Bad Request", "402 Payment Required", "500 Internal Server Error"])
def test_a_preflight_without_acao_names_the_origin_to_allow(status):
    assert hints(report(app(preflight_status=status), PUT)) == [
        "the preflight response has no Access-Control-Allow-Origin: add https://app.example.com to the server's "
        "allowed origins"
    ]


@pytest.mark.parametrize("status", ["400 Bad Request", "500 Internal Server Error"])
def test_an_error_response_without_cors_headers(status):
    code = status.split()[0]
    assert hints(report(app(status=status), GET)) == [
        f"the {code} response lacks the CORS headers: error handlers and proxies (nginx 'add_header ... always') "
        "must add them too, or the browser shows a CORS error instead of the status"
    ]


@pytest.mark.parametrize("status", ["200 OK", "204 No Content", "304 Not Modified", "399 Unknown"])
def test_a_successful_response_without_acao(status):
    assert hints(report(app(status=status), GET)) == [
        "the server does not send Access-Control-Allow-Origin for https://app.example.com: add it to the allowed origins"
    ]


def test_a_preflight_with_a_bad_status_but_cors_headers():
    assert hints(report(app(ACAO, preflight_status="500 Internal Server Error"), PUT)) == [
        "OPTIONS answered 500: auth, routing or a redirect rejects the preflight; let the CORS layer answer "
        "OPTIONS with a 2xx first"
    ]


def test_a_redirected_preflight():
    redirect = app(ACAO + [("Location", "/api/")], preflight_status="301 Moved Permanently")
    assert hints(report(redirect, PUT)) == [
        "preflights never follow redirects (often a trailing-slash or http->https redirect): call the final URL, "
        "or answer OPTIONS before redirecting"
    ]


def test_the_wildcard_with_credentials():
    wildcard = app(actual=[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")])
    assert hints(report(wildcard, {**GET, "credentials": True})) == [
        "'*' never works with credentials: echo the validated origin instead, and send Vary: Origin"
    ]


@pytest.mark.parametrize("acac", [None, "TRUE", "yes"])
def test_credentials_without_allow_credentials_true(acac):
    headers = ACAO + ([("Access-Control-Allow-Credentials", acac)] if acac else [])
    assert hints(report(app(actual=headers), {**GET, "credentials": True})) == [
        "send 'Access-Control-Allow-Credentials: true' (exactly, lowercase): flask-cors supports_credentials=True, "
        "django-cors-headers CORS_ALLOW_CREDENTIALS = True"
    ]


def test_two_allow_origin_headers():
    assert hints(report(app(actual=ACAO + ACAO), GET)) == [
        "Access-Control-Allow-Origin arrived with several values: two layers (app and proxy) both add it, "
        "or a list was sent; send exactly one origin"
    ]


@pytest.mark.parametrize(
    "acao, profiles",
    [("https://other.example.com", ("chrome", "firefox", "safari")), ("https://app.example.com/", ("chrome",)),
     ("app.example.com", ("chrome",))],  # the last one is Chromium's "invalid value"
)
def test_an_origin_that_is_not_the_page(acao, profiles):
    result = report(app(actual=[("Access-Control-Allow-Origin", acao)]), GET, profiles=profiles)
    assert hints(result) == [
        f"origins are exact (scheme, host and port; no trailing slash): the server allows {acao!r}, "
        "the page is 'https://app.example.com'"
    ]


def test_an_unparsable_allow_methods():
    assert hints(report(app(ACAO + [("Access-Control-Allow-Methods", "PUT;")]), PUT)) == [
        "Access-Control-Allow-Methods must be a comma-separated list of method names"
    ]


def test_an_unparsable_allow_headers():
    preflight = ACAO + [("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "x-token;")]
    assert hints(report(app(preflight), {**PUT, "request_headers": {"X-Token": "t"}})) == [
        "Access-Control-Allow-Headers must be a comma-separated list of header names"
    ]


def test_a_method_not_allowed():
    assert hints(report(app(ACAO + [("Access-Control-Allow-Methods", "GET")]), PUT)) == [
        "add PUT to the server's allowed methods (Access-Control-Allow-Methods)"
    ]


def test_a_lowercase_method_is_matched_case_sensitively():
    lower = report(app(ACAO + [("Access-Control-Allow-Methods", "PATCH")]), {**GET, "methods": ["patch"]})
    assert hints(lower) == [
        "add patch to the server's allowed methods (Access-Control-Allow-Methods) (fetch() sends 'patch' as "
        "written and the match is case-sensitive: write 'PATCH' in the client, or list 'patch')"
    ]


def test_a_header_not_allowed():
    preflight = ACAO + [("Access-Control-Allow-Methods", "PUT")]
    assert hints(report(app(preflight), {**PUT, "request_headers": {"X-Token": "t"}}, profiles=("safari",))) == [
        "list X-Token in the server's allowed headers (Access-Control-Allow-Headers)"
    ]


@pytest.mark.parametrize(
    "location, hint",
    [
        ("http://user:pw@other.example.com/api",
         "a cross-origin redirect to a URL with user:password@ is always refused: drop the userinfo"),
        ("ftp://other.example.com/api", "a CORS request can only be redirected to http or https URLs"),
        ("http://[bad",
         "the redirect's Location header is not a valid URL, so browsers fail the request: fix the Location value"),
        ("/api", "the request was redirected more than 20 times (a redirect loop?)"),
    ],
)
def test_a_redirect_the_browsers_refuse(location, hint):
    assert hints(report(app(actual=ACAO + [("Location", location)], status="302 Found"), GET)) == [hint]


def test_a_denied_origin_that_can_read():
    contract = {"path": "/api", "origins": [APP], "deny_origins": ["https://evil.example"]}
    reflect = app(actual=[("Access-Control-Allow-Origin", "https://evil.example"), ("Vary", "Origin")])
    assert hints(report(reflect, contract, case=1)) == [
        "the server lets an origin read that it should refuse: check for an origin reflected without an "
        "allowlist, an unanchored regex or an endswith() check"
    ]


def test_an_allowed_origin_without_vary():
    assert hints(report(app(actual=ACAO), GET)) == [
        "add 'Vary: Origin' to every response whose Access-Control-Allow-Origin depends on the request's Origin"
    ]


def test_a_header_that_is_not_exposed():
    contract = {**GET, "expose_headers": ["X-Total"]}
    assert hints(report(app(actual=ACAO + [("Vary", "Origin"), ("X-Total", "3")]), contract)) == [
        "list the header in Access-Control-Expose-Headers (flask-cors expose_headers, django-cors-headers "
        "CORS_EXPOSE_HEADERS)"
    ]


def test_a_header_that_is_not_exposed_on_a_credentialed_request():
    contract = {**GET, "expose_headers": ["X-Total"], "credentials": True}
    headers = ACAO + [("Access-Control-Allow-Credentials", "true"), ("Vary", "Origin"), ("X-Total", "3"),
                      ("Access-Control-Expose-Headers", "*")]
    assert hints(report(app(actual=headers), contract)) == [
        "list the header by name in Access-Control-Expose-Headers ('*' does not expose anything on credentialed "
        "requests): flask-cors expose_headers, django-cors-headers CORS_EXPOSE_HEADERS"
    ]


def test_a_header_exposed_but_not_sent():
    headers = ACAO + [("Vary", "Origin"), ("Access-Control-Expose-Headers", "X-Total")]
    assert hints(report(app(actual=headers), {**GET, "expose_headers": ["X-Total"]})) == [
        "the server exposes the header but does not send it on this response: set it on every response the page "
        "reads (error and empty responses too), or drop it from expose_headers"
    ]


def test_a_preflight_without_the_max_age_the_contract_wants():
    preflight = ACAO + [("Access-Control-Allow-Methods", "PUT")]
    assert hints(report(app(preflight, ACAO + [("Vary", "Origin")]), {**PUT, "max_age": 600})) == [
        "set Access-Control-Max-Age on the preflight response (flask-cors max_age, django-cors-headers "
        "CORS_PREFLIGHT_MAX_AGE)"
    ]


def test_each_problem_gives_its_hint_once_in_the_order_of_the_problems():
    contract = {**GET, "expose_headers": ["X-Total", "X-Page"]}
    both = report(app(actual=ACAO + [("X-Total", "3"), ("X-Page", "1")]), contract)
    assert hints(both) == [
        "list the header in Access-Control-Expose-Headers (flask-cors expose_headers, django-cors-headers "
        "CORS_EXPOSE_HEADERS)",
        "add 'Vary: Origin' to every response whose Access-Control-Allow-Origin depends on the request's Origin",
    ]
