"""What a browser decides about a response: the CORS check, the preflight, exposure.

Pure functions over :class:`~pytest_cors.browser.exchange.HttpResponse` values. Each
returns a :class:`Failure` naming the first rule broken, in the order the
selected engine checks, or ``None`` when the response passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

# The header names are re-exported (``rules.ACAO``): they live with the parsed view of a response.
from pytest_cors.browser.cors_headers import (
    ACAC as ACAC,
    ACAH as ACAH,
    ACAM as ACAM,
    ACAO as ACAO,
    ACEH as ACEH,
    ACMA as ACMA,
    CorsHeaders,
    cors_headers,
    exposed_names,
    readable,
    trim,
)
from pytest_cors.browser.exchange import HttpResponse
from pytest_cors.browser.profiles import BrowserProfile, MessageStyle, PreflightStep
from pytest_cors.browser.safelist import SAFELISTED_METHODS, first_invalid_token

ACAPN = "Access-Control-Allow-Private-Network"
#: Every response header that carries a CORS decision (what reports show of a response).
CORS_RESPONSE_HEADERS = (ACAO, ACAC, ACAM, ACAH, ACEH, ACMA, ACAPN)

#: Neutral reason codes (see browser-cors-messages.md, section 5).
ACAO_MISSING = "acao-missing"
ACAO_MISMATCH = "acao-mismatch"
ACAO_INVALID = "acao-invalid"
ACAO_MULTIPLE = "acao-multiple"
ACAO_WILDCARD_WITH_CREDENTIALS = "acao-wildcard-with-credentials"
ACAC_NOT_TRUE = "acac-not-true"
PREFLIGHT_STATUS = "preflight-status"
PREFLIGHT_REDIRECT = "preflight-redirect"
ACAM_INVALID = "acam-invalid"
ACAH_INVALID = "acah-invalid"
METHOD_NOT_ALLOWED = "method-not-allowed"
HEADER_NOT_ALLOWED = "header-not-allowed"
REDIRECT_CREDENTIALS = "redirect-credentials"
REDIRECT_SCHEME = "redirect-scheme"
REDIRECT_TOO_MANY = "redirect-too-many"
#: A redirect whose Location does not parse as a URL: a plain network error in every engine.
REDIRECT_INVALID_LOCATION = "redirect-invalid-location"
AUTHORIZATION_UNDER_WILDCARD = "authorization-under-wildcard"

CORS_CHECK_CODES = frozenset(
    {ACAO_MISSING, ACAO_MISMATCH, ACAO_INVALID, ACAO_MULTIPLE, ACAO_WILDCARD_WITH_CREDENTIALS, ACAC_NOT_TRUE}
)
MAX_REDIRECTS = 20


@dataclass(frozen=True)
class Failure:
    """The first rule a response broke.

    ``detail`` is the offending value (the ACAO or ACAC value, the method, the
    header name, the bad list item) as the engine would quote it.
    """

    code: str
    on_preflight: bool = False
    detail: Optional[str] = None
    status: Optional[int] = None
    raw: Optional[str] = None

    @property
    def reason(self) -> str:
        """The code as reported: CORS-check failures of a preflight get a ``preflight-`` prefix."""
        if self.on_preflight and self.code in CORS_CHECK_CODES:
            return "preflight-" + self.code
        return self.code


@dataclass(frozen=True)
class PreflightResult:
    """What a preflight decided: a failure or none, warnings printed, and how long it is cached (``None``: failed)."""

    failure: Optional[Failure]
    warnings: Tuple[str, ...] = ()
    cache_seconds: Optional[int] = None


# --- the CORS check -------------------------------------------------------------------------

_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_SPECIAL_SCHEMES = ("http", "https", "ws", "wss", "ftp", "file")


def _parses_as_url(value: str) -> bool:
    """Roughly GURL validity: a scheme, and for special schemes something after it."""
    if not _URL_LIKE.match(value):
        return False
    scheme, rest = value.split(":", 1)
    if scheme.lower() in _SPECIAL_SCHEMES and scheme.lower() != "file":
        return bool(rest.strip("/"))
    return True


def cors_check(
    response: HttpResponse,
    origin: str,
    credentials: bool,
    profile: BrowserProfile,
    *,
    on_preflight: bool = False,
) -> Optional[Failure]:
    """Fetch's "CORS check", classified the way ``profile``'s engine reports it."""
    view = cors_headers(response)
    lines, value, acac = view.acao_lines, view.acao, view.acac
    status = response.status

    def fail(code: str, detail: Optional[str] = None) -> Failure:
        return Failure(code, on_preflight, detail, status)

    style = profile.message_style
    if style is MessageStyle.FIREFOX:
        if len(lines) > 1:
            return fail(ACAO_MULTIPLE, value)
        if value is None:
            return fail(ACAO_MISSING)
        if value == "*" and credentials:
            return fail(ACAO_WILDCARD_WITH_CREDENTIALS, value)
        if value != "*" and value != origin:
            return fail(ACAO_MISMATCH, value)
    elif style is MessageStyle.SAFARI:
        if value is None:
            return fail(ACAO_MISSING)
        if not (value == "*" and not credentials) and value != origin:
            if value == "*":
                return fail(ACAO_WILDCARD_WITH_CREDENTIALS, value)
            if "," in value:
                return fail(ACAO_MULTIPLE, value)
            return fail(ACAO_MISMATCH, value)
    else:
        if value == "*":
            if credentials:
                return fail(ACAO_WILDCARD_WITH_CREDENTIALS, value)
        elif value is None:
            return fail(ACAO_MISSING)
        elif value != origin:
            if " " in value or "," in value:  # Chromium: "contains a space or a comma"
                return fail(ACAO_MULTIPLE, value)
            if value == "null" or _parses_as_url(value):
                return fail(ACAO_MISMATCH, value)
            return fail(ACAO_INVALID, value)
    if credentials:
        if acac != "true":
            return fail(ACAC_NOT_TRUE, acac if acac is not None else "")
    return None


# --- the preflight --------------------------------------------------------------------------


def is_followable_redirect(response: HttpResponse) -> bool:
    """A 301/302/303/307/308 with a Location is a redirect; any other 3xx is just a response."""
    return cors_headers(response).followable_redirect


def _method_failure(methods: Sequence[str], method: str, credentials: bool) -> Optional[Failure]:
    if method in SAFELISTED_METHODS or method in methods:
        return None
    if "*" in methods and not credentials:
        return None
    return Failure(METHOD_NOT_ALLOWED, True, method)


def _header_failure(
    allowed_lower: FrozenSet[str],
    unsafe_headers: Sequence[str],
    credentials: bool,
    profile: BrowserProfile,
    warnings: List[str],
) -> Optional[Failure]:
    wildcard = "*" in allowed_lower and not credentials
    for name in unsafe_headers:
        lowered = name.lower()
        if lowered in allowed_lower:
            continue
        if wildcard and lowered != "authorization":
            continue
        if wildcard and lowered == "authorization" and profile.authorization_covered_by_wildcard:
            # Chromium and Firefox log a deprecation warning; WebKit has none
            # (browser-cors-messages.md section 5, authorization-under-wildcard).
            if profile.message_style is not MessageStyle.SAFARI:
                warnings.append(AUTHORIZATION_UNDER_WILDCARD)
            continue
        return Failure(HEADER_NOT_ALLOWED, True, name)
    return None


def _preflight_redirect(response: HttpResponse) -> Optional[Failure]:
    return Failure(PREFLIGHT_REDIRECT, True, None, response.status) if is_followable_redirect(response) else None


def _preflight_status(response: HttpResponse) -> Optional[Failure]:
    if 200 <= response.status <= 299:
        return None
    # WebKit checks the redirect together with the status and words it the same way
    # ("Preflight response is not successful. Status code: 3xx"); the neutral code
    # stays preflight-redirect (browser-cors-messages.md sections 3.2, 4 and 5).
    code = PREFLIGHT_REDIRECT if is_followable_redirect(response) else PREFLIGHT_STATUS
    return Failure(code, True, None, response.status)


def _methods_unparsable(view: CorsHeaders, status: int) -> Optional[Failure]:
    """Access-Control-Allow-Methods does not parse: the first bad item is named, the raw value kept."""
    if view.allow_methods is not None:
        return None
    return Failure(ACAM_INVALID, True, first_invalid_token(view.allow_methods_value), status, view.allow_methods_value)


def _headers_unparsable(view: CorsHeaders, status: int) -> Optional[Failure]:
    """Access-Control-Allow-Headers does not parse."""
    if view.allow_headers is not None:
        return None
    return Failure(ACAH_INVALID, True, first_invalid_token(view.allow_headers_value), status, view.allow_headers_value)


def _step_failure(
    step: PreflightStep,
    response: HttpResponse,
    asked: Tuple[str, Sequence[str], bool, str],
    profile: BrowserProfile,
    warnings: List[str],
) -> Optional[Failure]:
    """One check of a preflight response; ``asked`` is (method, unsafe header names, credentials, origin)."""
    method, unsafe_headers, credentials, origin = asked
    view, status = cors_headers(response), response.status
    if step is PreflightStep.REDIRECT:
        return _preflight_redirect(response)
    if step is PreflightStep.STATUS:
        return _preflight_status(response)
    if step is PreflightStep.CORS:
        return cors_check(response, origin, credentials, profile, on_preflight=True)
    if step is PreflightStep.LISTS:
        return _methods_unparsable(view, status) or _headers_unparsable(view, status)
    if step is PreflightStep.METHOD_LIST:
        return _methods_unparsable(view, status) or _method_failure(view.allow_methods or (), method, credentials)
    if step is PreflightStep.HEADERS_LIST:
        return _headers_unparsable(view, status)
    if step is PreflightStep.METHOD:
        return _method_failure(view.allow_methods or (), method, credentials)
    if step is PreflightStep.HEADERS:
        return _header_failure(view.allow_headers_lower, unsafe_headers, credentials, profile, warnings)
    # BrowserProfile refuses unknown names; a new step needs its check here
    raise ValueError(f"{profile.name}: preflight step {step!r} has no check")


def evaluate_preflight(
    response: HttpResponse,
    method: str,
    unsafe_headers: Sequence[str],
    credentials: bool,
    origin: str,
    profile: BrowserProfile,
) -> PreflightResult:
    """Decide a preflight response in the engine's order of checks.

    ``method`` is the actual request's method as sent; ``unsafe_headers`` the
    names that went into ``Access-Control-Request-Headers``; ``credentials``
    the *actual* request's credentials mode (the preflight itself has none).
    """
    warnings: List[str] = []
    asked = (method, unsafe_headers, credentials, origin)
    for step in profile.preflight_order:
        failure = _step_failure(step, response, asked, profile, warnings)
        if failure is not None:
            return PreflightResult(failure)  # a failed preflight makes no cache entry (Fetch, CORS-preflight fetch)
    cache = max_age_seconds(cors_headers(response).max_age_lines, profile)
    return PreflightResult(None, tuple(dict.fromkeys(warnings)), cache)


_SECONDS = re.compile(r"[0-9]+")
_SIGNED_SECONDS = re.compile(r"[+-]?[0-9]+")


def max_age_seconds(lines: Sequence[str], profile: BrowserProfile) -> int:
    """How long ``profile``'s engine caches a successful preflight, given its Max-Age lines."""
    if not lines:
        return 5 if profile.max_age_cap is None or profile.max_age_cap >= 5 else profile.max_age_cap
    value = trim(", ".join(lines))
    if not (_SIGNED_SECONDS if profile.max_age_accepts_sign else _SECONDS).fullmatch(value):
        return profile.max_age_invalid
    seconds = int(value)
    if seconds <= 0:
        return 0
    if profile.max_age_cap is not None:
        seconds = min(seconds, profile.max_age_cap)
    return seconds


def parse_max_age(lines: Sequence[str]) -> Optional[int]:
    """The declared Max-Age as the standard reads it (digits only), or ``None``."""
    if not lines:
        return None
    value = trim(", ".join(lines))
    return int(value) if _SECONDS.fullmatch(value) else None


def vary_lists_origin(response: HttpResponse) -> bool:
    """Whether ``Vary`` keeps caches from serving one origin's CORS answer to another."""
    items = {item.strip().lower() for item in (response.header("Vary") or "").split(",")}
    return "origin" in items or "*" in items


# --- what JavaScript can read ---------------------------------------------------------------


def exposed_header_names(response: HttpResponse, credentials: bool) -> FrozenSet[str]:
    """Lowercased names JS may read: the safelist, plus Access-Control-Expose-Headers.

    An unparsable Access-Control-Expose-Headers (a non-token item) exposes nothing,
    in every engine (verified in Chromium, Firefox and WebKit). Computed once per response
    and credentials mode (:func:`pytest_cors.browser.cors_headers.exposed_names`).
    """
    return exposed_names(response, credentials)


def readable_headers(response: HttpResponse, credentials: bool) -> Dict[str, str]:
    """What ``response.headers.get(name)`` returns for each readable header present (a fresh dict)."""
    return readable(response, credentials)
