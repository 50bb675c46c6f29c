"""Console messages, quoted exactly as each engine prints them.

Users search for these strings; a report that prints the browser's own words
lets them connect a test failure to what they saw in DevTools. Templates come
from ``shared/docs/browser-cors-messages.md`` (Chromium 156, Firefox ESR, WebKit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from pytest_cors.browser import rules
from pytest_cors.browser.origins import without_userinfo
from pytest_cors.browser.profiles import MessageStyle

_FETCH_TRAILER = " Have the server send the header with a valid value."


@dataclass(frozen=True)
class MessageContext:
    """Where the failure happened: the URL that failed, the first URL, the page origin."""

    url: str
    origin: str
    first_url: Optional[str] = None
    location: Optional[str] = None
    #: The Origin header actually sent (``null`` after a tainting redirect); WebKit prints this one.
    sent_origin: Optional[str] = None


# --- Chromium ------------------------------------------------------------------------------

_CHROME_REASONS = {
    rules.ACAO_WILDCARD_WITH_CREDENTIALS: "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.",
    rules.ACAO_MISSING: "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
    rules.ACAO_MULTIPLE: "The 'Access-Control-Allow-Origin' header contains multiple values '{detail}', but only one is allowed." + _FETCH_TRAILER,
    rules.ACAO_INVALID: "The 'Access-Control-Allow-Origin' header contains the invalid value '{detail}'." + _FETCH_TRAILER,
    rules.ACAO_MISMATCH: "The 'Access-Control-Allow-Origin' header has a value '{detail}' that is not equal to the supplied origin." + _FETCH_TRAILER,
    rules.ACAC_NOT_TRUE: "The value of the 'Access-Control-Allow-Credentials' header in the response is '{detail}' which must be 'true' when the request's credentials mode is 'include'.",
    rules.PREFLIGHT_STATUS: "It does not have HTTP ok status.",
    rules.PREFLIGHT_REDIRECT: "Redirect is not allowed for a preflight request.",
    rules.ACAM_INVALID: "Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
    rules.ACAH_INVALID: "Cannot parse Access-Control-Allow-Headers response header field in preflight response.",
    rules.METHOD_NOT_ALLOWED: "Method {detail} is not allowed by Access-Control-Allow-Methods in preflight response.",
    rules.HEADER_NOT_ALLOWED: "Request header field {detail_lower} is not allowed by Access-Control-Allow-Headers in preflight response.",
    rules.REDIRECT_CREDENTIALS: "Redirect location '' contains a username and password, which is disallowed for cross-origin requests.",
    rules.REDIRECT_SCHEME: "Cross origin requests are only supported for protocol schemes: http, https, chrome-extension, chrome-untrusted, data, isolated-app, chrome.",
}
_CHROME_PREFLIGHT_PREFIXED = frozenset(
    rules.CORS_CHECK_CODES | {rules.PREFLIGHT_STATUS, rules.PREFLIGHT_REDIRECT}
)


def _encode_hint(text: str) -> str:
    r"""Chromium prints control and non-ASCII characters of quoted values as ``\uXXXX``."""
    return "".join(ch if 0x20 <= ord(ch) < 0x7F else f"\\u{ord(ch):04X}" for ch in text)


def chrome_message(failure: rules.Failure, ctx: MessageContext) -> str:
    """The line Chromium prints in the console for ``failure``."""
    if failure.code == rules.REDIRECT_TOO_MANY:
        return f"GET {ctx.url} net::ERR_TOO_MANY_REDIRECTS"
    if failure.code == rules.REDIRECT_INVALID_LOCATION:
        return f"GET {ctx.url} net::ERR_INVALID_REDIRECT"
    detail = _encode_hint(failure.detail or "")
    reason = _CHROME_REASONS[failure.code].format(detail=detail, detail_lower=detail.lower())
    prefix = ""
    if failure.on_preflight and failure.code in _CHROME_PREFLIGHT_PREFIXED:
        prefix = "Response to preflight request doesn't pass access control check: "
    redirected = ""
    if ctx.first_url and ctx.first_url != ctx.url:
        redirected = f"(redirected from '{ctx.first_url}') "
    return (
        f"Access to fetch at '{ctx.url}' {redirected}from origin '{ctx.origin}' "
        f"has been blocked by CORS policy: {prefix}{reason}"
    )


# --- Firefox -------------------------------------------------------------------------------

_FIREFOX_REASONS = {
    rules.ACAO_MISSING: "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: {status}.",
    rules.ACAO_MULTIPLE: "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).",
    rules.ACAO_MISMATCH: "CORS header ‘Access-Control-Allow-Origin’ does not match ‘{detail}’).",
    rules.ACAO_INVALID: "CORS header ‘Access-Control-Allow-Origin’ does not match ‘{detail}’).",
    rules.ACAO_WILDCARD_WITH_CREDENTIALS: "Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).",
    rules.ACAC_NOT_TRUE: "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).",
    rules.PREFLIGHT_STATUS: "CORS preflight response did not succeed). Status code: {status}.",
    rules.PREFLIGHT_REDIRECT: "CORS request external redirect not allowed).",
    rules.ACAM_INVALID: "invalid token ‘{detail}’ in CORS header ‘Access-Control-Allow-Methods’).",
    rules.ACAH_INVALID: "invalid token ‘{detail}’ in CORS header ‘Access-Control-Allow-Headers’).",
    rules.METHOD_NOT_ALLOWED: "Did not find method in CORS header ‘Access-Control-Allow-Methods’).",
    rules.HEADER_NOT_ALLOWED: "header ‘{detail_lower}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response).",
    rules.REDIRECT_SCHEME: "CORS request not http).",
}


def firefox_message(failure: rules.Failure, ctx: MessageContext) -> str:
    """The line Firefox prints in the console for ``failure``."""
    if failure.code in (rules.REDIRECT_CREDENTIALS, rules.REDIRECT_TOO_MANY, rules.REDIRECT_INVALID_LOCATION):
        # Firefox logs nothing for these; the script only sees the TypeError.
        return "TypeError: NetworkError when attempting to fetch resource."
    detail = failure.detail or ""
    reason = _FIREFOX_REASONS[failure.code].format(
        detail=detail, detail_lower=detail.lower(), status=failure.status
    )
    url = f"‘{ctx.url}’" if failure.code == rules.ACAO_WILDCARD_WITH_CREDENTIALS else ctx.url
    return (
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote "
        f"resource at {url}. (Reason: {reason}"
    )


# --- WebKit / Safari -----------------------------------------------------------------------


def _safari_reason(failure: rules.Failure, ctx: MessageContext) -> str:
    code = failure.code
    if code == rules.ACAO_WILDCARD_WITH_CREDENTIALS:
        return "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."
    if code == rules.ACAO_MULTIPLE:
        return "Access-Control-Allow-Origin cannot contain more than one origin."
    if code in (rules.ACAO_MISSING, rules.ACAO_MISMATCH, rules.ACAO_INVALID):
        return f"Origin {ctx.sent_origin or ctx.origin} is not allowed by Access-Control-Allow-Origin. Status code: {failure.status}"
    if code == rules.ACAC_NOT_TRUE:
        return 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".'
    if code in (rules.PREFLIGHT_STATUS, rules.PREFLIGHT_REDIRECT):
        return f"Preflight response is not successful. Status code: {failure.status}"
    if code == rules.ACAM_INVALID:
        return f"Header Access-Control-Allow-Methods has an invalid value: {failure.raw or ''}"
    if code == rules.ACAH_INVALID:
        return f"Header Access-Control-Allow-Headers has an invalid value: {failure.raw or ''}"
    if code == rules.METHOD_NOT_ALLOWED:
        return f"Method {failure.detail} is not allowed by Access-Control-Allow-Methods."
    if code == rules.HEADER_NOT_ALLOWED:
        return f"Request header field {failure.detail} is not allowed by Access-Control-Allow-Headers."
    if code == rules.REDIRECT_CREDENTIALS:
        return (
            f"Cross-origin redirection to {without_userinfo(ctx.location or '')} denied by Cross-Origin "
            f"Resource Sharing policy: redirection URL {ctx.location} has credentials"
        )
    if code == rules.REDIRECT_SCHEME:
        return (
            f"Cross-origin redirection to {ctx.location} denied by Cross-Origin Resource Sharing "
            "policy: not allowed to follow a cross-origin CORS redirection with non CORS scheme"
        )
    if code == rules.REDIRECT_TOO_MANY:
        return "Load cannot follow more than 20 redirections"
    raise KeyError(code)


def safari_message(failure: rules.Failure, ctx: MessageContext, *, redirect_hop: bool = False) -> str:
    """The line Safari (WebKit) prints in the console for ``failure``; ``redirect_hop`` when a redirect was refused."""
    if failure.code == rules.REDIRECT_INVALID_LOCATION:
        # a network error: WebKit prints no reason line (browser-cors-messages.md section 5, network-failure)
        return f"Fetch API cannot load {ctx.url} due to access control checks."
    reason = _safari_reason(failure, ctx)
    if redirect_hop and failure.code in rules.CORS_CHECK_CODES and ctx.location:
        reason = f"Cross-origin redirection to {ctx.location} denied by Cross-Origin Resource Sharing policy: {reason}"
    return f"{reason}\nFetch API cannot load {ctx.url} due to access control checks."


def console_message(style: MessageStyle, failure: rules.Failure, ctx: MessageContext, *, redirect_hop: bool = False) -> str:
    """The console message of engine ``style`` (a MessageStyle or its name; an unknown name is a ValueError)."""
    style = MessageStyle(style)
    if style is MessageStyle.FIREFOX:
        return firefox_message(failure, ctx)
    if style is MessageStyle.SAFARI:
        return safari_message(failure, ctx, redirect_hop=redirect_hop)
    return chrome_message(failure, ctx)


def authorization_wildcard_warning(style: MessageStyle, url: str) -> str:
    """The deprecation warning a browser prints when ``Authorization`` is allowed only through ``*``."""
    if MessageStyle(style) is MessageStyle.FIREFOX:
        return (
            "Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote "
            f"resource at {url} soon. (Reason: When the `Access-Control-Allow-Headers` is `*`, the "
            "`Authorization` header is not covered. To include the `Authorization` header, it must "
            "be explicitly listed in CORS header `Access-Control-Allow-Headers`)."
        )
    return (
        "Authorization will not be covered by the wildcard symbol (*) in CORS "
        "`Access-Control-Allow-Headers` handling."
    )
