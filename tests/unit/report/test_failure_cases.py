"""Failure reports of cases the common ones do not reach: redirects that change the method, --cors-redact,
a server echoing a secret, Starlette's 400 preflight, a denied origin some browsers block for a cookie."""

from __future__ import annotations

from typing import Any, Dict, List

from pytest_cors.report.redaction import Redactor

from .apps import app, report, section

APP = "https://app.example.com"
ACAO = [("Access-Control-Allow-Origin", APP)]


def _see_other(environ: Dict[str, Any], start_response: Any) -> List[bytes]:
    """PUT /start is allowed and answers 303 to /next, whose preflight has no CORS headers."""
    method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
    if path == "/start" and method == "OPTIONS":
        start_response("204 No Content", ACAO + [("Access-Control-Allow-Methods", "PUT"),
                                                 ("Access-Control-Allow-Headers", "x-token")])
    elif path == "/start":
        start_response("303 See Other", ACAO + [("Location", "/next"), ("Vary", "Origin")])
    elif method == "OPTIONS":
        start_response("204 No Content", [])
    else:
        start_response("200 OK", ACAO + [("Vary", "Origin")])
    return [b""]


def test_each_preflight_expects_what_it_asks_for_a_303_turns_put_into_get():
    lines = report(_see_other, {"path": "/start", "origins": [APP], "methods": ["PUT"],
                                "request_headers": {"X-Token": "t"}}, profiles=("safari",))
    first = lines.index("Preflight request:")
    second = lines.index("Preflight request:", first + 1)
    assert section(lines[first:], "Preflight request:")[3:7] == [
        "    header                        expected                      actual",
        "    status                        2xx                           204 No Content",
        "    Access-Control-Allow-Origin   https://app.example.com or *  https://app.example.com",
        "    Access-Control-Allow-Methods  includes PUT (or *)           PUT",
    ]
    assert section(lines[second:], "Preflight request:")[1:] == [
        "  curl -i -X OPTIONS http://testserver/next -H 'Accept: */*' -H 'Origin: https://app.example.com' "
        "-H 'Access-Control-Request-Method: GET' -H 'Access-Control-Request-Headers: x-token'",
        "  -> 204 No Content",
        "    header                        expected                      actual",
        "    status                        2xx                           204 No Content",
        "    Access-Control-Allow-Origin   https://app.example.com or *  (missing)",
        "    Access-Control-Allow-Headers  includes x-token (or *)       (missing)",
        "    preflight cached: Safari 5 s (Access-Control-Max-Age absent)",
    ]


def test_a_preflight_without_request_headers_expects_no_allow_headers_and_a_get_no_allow_methods():
    put = report(app(), {"path": "/api", "origins": [APP], "methods": ["PUT"]}, profiles=("chrome",))
    assert section(put, "Preflight request:")[3:] == [
        "    header                        expected                      actual",
        "    status                        2xx                           204 No Content",
        "    Access-Control-Allow-Origin   https://app.example.com or *  (missing)",
        "    Access-Control-Allow-Methods  includes PUT (or *)           (missing)",
        "    preflight cached: Chrome 5 s (Access-Control-Max-Age absent)",
    ]
    get = report(app(), {"path": "/api", "origins": [APP], "request_headers": {"X-Trace": "1"}}, profiles=("chrome",))
    assert [line.split()[0] for line in section(get, "Preflight request:")[3:-1]] == [
        "header", "status", "Access-Control-Allow-Origin", "Access-Control-Allow-Headers"
    ]


def test_a_header_named_in_cors_redact_is_hidden_in_the_curl_line_however_short():
    contract = {"path": "/api", "origins": [APP], "credentials": True, "request_headers": {"X-Api-Key": "k9z"}}
    preflight = ACAO + [("Access-Control-Allow-Credentials", "true"), ("Access-Control-Allow-Headers", "x-api-key")]
    lines = report(app(preflight, ACAO), contract, profiles=("chrome",), redactor=Redactor.with_names(["x-api-key"]))
    assert lines[0] == ("CORS contract 'api' violated: GET http://testserver/api from origin https://app.example.com "
                        "with credentials")
    assert section(lines, "Actual request:")[1] == (
        "  curl -i http://testserver/api -H 'Origin: https://app.example.com' -H 'X-Api-Key: <redacted>'"
    )
    assert "k9z" not in "\n".join(lines)


def _echo_authorization(environ: Dict[str, Any], start_response: Any) -> List[bytes]:
    """A server that answers the preflight, then reflects the wrong request header: Authorization, not Origin."""
    if environ["REQUEST_METHOD"] == "OPTIONS":
        start_response("204 No Content", ACAO + [("Access-Control-Allow-Headers", "authorization")])
    else:
        start_response("200 OK", [("Access-Control-Allow-Origin", environ.get("HTTP_AUTHORIZATION", "")),
                                  ("Vary", "Origin")])
    return [b""]


def test_a_contract_secret_echoed_by_the_server_is_hidden_everywhere_in_the_report():
    contract = {"path": "/api", "origins": [APP], "request_headers": {"Authorization": "Bearer tok-secret"}}
    lines = report(_echo_authorization, contract, profiles=("chrome", "firefox"))
    text = "\n".join(lines)
    assert "tok-secret" not in text
    assert lines[6] == (
        "  Access to fetch at 'http://testserver/api' from origin 'https://app.example.com' has been blocked by CORS "
        "policy: The 'Access-Control-Allow-Origin' header contains multiple values '<redacted>', but only one is "
        "allowed. Have the server send the header with a valid value."
    )


def _starlette_refusal(environ: Dict[str, Any], start_response: Any) -> List[bytes]:
    """What Starlette's CORSMiddleware answers to a preflight for a method it does not allow."""
    if environ["REQUEST_METHOD"] == "OPTIONS":
        start_response("400 Bad Request", ACAO + [("Access-Control-Allow-Methods", "GET, PUT"),
                                                  ("Content-Type", "text/plain; charset=utf-8")])
        return [b"Disallowed CORS method"]
    start_response("200 OK", ACAO)
    return [b""]


def test_starlettes_400_preflight_gets_the_setting_to_change_instead_of_the_generic_hint():
    lines = report(_starlette_refusal, {"path": "/api", "origins": [APP], "methods": ["DELETE"]}, profiles=("chrome",))
    assert [line for line in lines if line.startswith("Hint: ")] == [
        "Hint: the preflight got Starlette's 400 'Disallowed CORS ...' answer (FastAPI/Starlette CORSMiddleware): "
        "add 'DELETE' to CORSMiddleware(allow_methods=[...]) (it allows GET, PUT)"
    ]


def _session_first(environ: Dict[str, Any], start_response: Any) -> List[bytes]:
    """401 without CORS headers unless the session cookie came; then the Origin is reflected."""
    if "sid=v" not in environ.get("HTTP_COOKIE", ""):
        start_response("401 Unauthorized", [])
    else:
        start_response("200 OK", [("Access-Control-Allow-Origin", environ.get("HTTP_ORIGIN", "")),
                                  ("Access-Control-Allow-Credentials", "true"), ("Vary", "Origin")])
    return [b""]


def test_a_denied_origin_gets_no_cookie_hint_from_the_browser_that_blocked_it_for_want_of_the_cookie():
    contract = {"path": "/me", "origins": ["https://app.example.com"], "deny_origins": ["http://app.example.com"],
                "credentials": True, "cookies": {"sid": {"value": "v", "samesite": "Lax"}}}
    lines = report(_session_first, contract, case=1, served_as="https://api.example.com")
    assert lines[3] == "  blocks:   Chrome   allows: Firefox, Safari"
    assert [line for line in lines if line.startswith("Hint: ")] == [
        "Hint: the server lets an origin read that it should refuse: check for an origin reflected without an "
        "allowlist, an unanchored regex or an endswith() check"
    ]
    assert lines[lines.index("Cookies not sent:") - 1] == ""
