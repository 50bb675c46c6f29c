"""The "Cookies not sent" section and the cookie hint of a failure report (real apps, real cookie rules)."""

from __future__ import annotations

from typing import Any, Dict, List

from .apps import report, section

FIX = ("fix: serve the API same-site, e.g. api.example.com for app.example.com, or use a token header "
       "(Authorization) instead of a cookie")


def _cors(environ: Dict[str, Any]) -> List[Any]:
    return [("Access-Control-Allow-Origin", environ.get("HTTP_ORIGIN", "")), ("Access-Control-Allow-Credentials", "true")]


def _session_first(environ: Dict[str, Any], start_response: Any) -> List[bytes]:
    """401 without CORS headers when the session cookie is missing, as an API that authenticates first."""
    if "sid=v" not in environ.get("HTTP_COOKIE", ""):
        start_response("401 Unauthorized", [])
    else:
        start_response("200 OK", _cors(environ) + [("Vary", "Origin")])
    return [b""]


def _redirect_then_answer(environ: Dict[str, Any], start_response: Any) -> List[bytes]:
    """/start redirects to /me; both answer with CORS headers but no Vary."""
    if environ["PATH_INFO"] == "/start":
        start_response("307 Temporary Redirect", _cors(environ) + [("Location", "https://api.other.com/me")])
    else:
        start_response("200 OK", _cors(environ))
    return [b""]


def test_a_cookie_chrome_keeps_back_is_named_as_the_cause_of_its_cors_error():
    contract = {"path": "/me", "origins": ["http://app.example.com"], "credentials": True,
                "cookies": {"sid": {"value": "v", "samesite": "Lax"}, "pref": {"value": "dark", "samesite": "Strict"}}}
    lines = report(_session_first, contract, served_as="https://api.example.com")
    assert lines[3] == "  blocks:   Chrome   allows: Firefox, Safari"
    assert section(lines, "Cookies not sent:") == [
        "Cookies not sent:",
        "  Chrome does not send cookie 'sid' (SameSite=Lax): SameSite=Lax cookies are not sent on a cross-site "
        f"fetch() from http://example.com to https://example.com; {FIX}",
        "  Chrome does not send cookie 'pref' (SameSite=Strict): SameSite=Strict cookies are not sent on a "
        f"cross-site fetch() from http://example.com to https://example.com; {FIX}",
    ]
    assert [line for line in lines if line.startswith("Hint: ")] == [
        "Hint: Chrome did not send the cookie (see 'Cookies not sent'), so the server answered without it: the "
        "missing cookie is the cause, the CORS error its symptom",
        "Hint: the 401 response lacks the CORS headers: error handlers and proxies (nginx 'add_header ... always') "
        "must add them too, or the browser shows a CORS error instead of the status",
    ]


def test_every_blocking_browser_that_kept_the_cookie_back_is_named():
    contract = {"path": "/me", "origins": ["https://app.example.com"], "credentials": True,
                "cookies": {"sid": {"value": "v", "samesite": "None", "secure": True}}}
    lines = report(_session_first, contract, served_as="https://api.other.com", profiles=("safari", "firefox"))
    assert [line for line in lines if line.startswith("Hint: ")][0] == (
        "Hint: Safari, Firefox did not send the cookie (see 'Cookies not sent'), so the server answered without it: "
        "the missing cookie is the cause, the CORS error its symptom"
    )


def test_a_cookie_kept_back_on_every_redirect_hop_is_listed_once_per_browser_and_gives_no_cookie_hint():
    contract = {"path": "/start", "origins": ["https://app.example.com"], "credentials": True,
                "cookies": {"sid": {"value": "session-value", "samesite": "None", "secure": True}}}
    lines = report(_redirect_then_answer, contract, served_as="https://api.other.com")
    assert lines[3] == "  blocks:   none   allows: Chrome, Firefox, Safari"
    assert section(lines, "Cookies not sent:") == [
        "Cookies not sent:",
        "  Chrome does not send cookie 'sid' (SameSite=None, Secure): Chrome blocks third-party cookies: the page's "
        f"site https://example.com is not the API's; {FIX}",
        "  Firefox does not send cookie 'sid' (SameSite=None, Secure): Firefox partitions third-party cookies by "
        "top-level site: a cookie the API set on its own site is not in the jar of pages on https://example.com; "
        f"{FIX}",
        "  Safari does not send cookie 'sid' (SameSite=None, Secure): Safari blocks third-party cookies: the page's "
        f"site https://example.com is not the API's; {FIX}",
    ]
    assert [line for line in lines if line.startswith("Hint: ")] == [
        "Hint: add 'Vary: Origin' to every response whose Access-Control-Allow-Origin depends on the request's Origin"
    ]
    assert "session-value" not in "\n".join(lines)


def _redirect_to_another_host(environ: Dict[str, Any], start_response: Any) -> List[bytes]:
    """/start redirects to https://api.other.com/me (another host: the API's host-only cookies stay behind)."""
    if environ["PATH_INFO"] == "/start":
        start_response("307 Temporary Redirect", _cors(environ) + [("Location", "https://api.other.com/me")])
    else:
        start_response("200 OK", _cors(environ))
    return [b""]


def test_a_cookie_refused_again_on_a_later_hop_does_not_hide_the_next_cookie_refused_there():
    contract = {"path": "/start", "origins": ["https://app.example.com"], "credentials": True,
                "cookies": {"sid": {"value": "v", "samesite": "None", "secure": False}, "pref": "dark"}}
    lines = report(_redirect_to_another_host, contract, served_as="https://api.example.com", profiles=("firefox",))
    assert section(lines, "Cookies not sent:") == [
        "Cookies not sent:",
        "  Firefox does not send cookie 'sid' (SameSite=None): a SameSite=None cookie without Secure is rejected "
        "when the server sets it; fix: add `Secure; SameSite=None` to the cookie (and serve the API over https)",
        "  Firefox does not send cookie 'pref' (no SameSite): it belongs to api.example.com (a host-only cookie), "
        "and this request goes to api.other.com; fix: let api.other.com set its own cookie, or use a token header "
        "(Authorization) instead of a cookie",
    ]
