"""A browser's fetch(), step by step: preflight, actual request, redirects, exposure.

:func:`simulate_fetch` drives the pure rules of :mod:`pytest_cors.browser.rules` with a
``send`` callable that performs one HTTP exchange (in-process or over the
network) and never follows redirects. Everything a browser decides happens
here, in one engine's order; all I/O happens in ``send``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple
from urllib.parse import urljoin, urlsplit

from pytest_cors.browser import rules as v
from pytest_cors.browser.cookies import CookieRefusal, cookies_for_request
from pytest_cors.browser.exchange import (
    Exchange,
    FetchRequest,
    HeaderPairs,
    HttpRequest,
    HttpResponse,
    header_pairs,
)
from pytest_cors.browser.messages import (
    MessageContext,
    authorization_wildcard_warning,
    console_message,
)
from pytest_cors.browser.origins import (
    NULL_ORIGIN,
    is_valid_http_url,
    origin_of_url,
    same_origin,
    url_has_credentials,
)
from pytest_cors.browser.profiles import BrowserProfile
from pytest_cors.browser.safelist import (
    FORBIDDEN_REQUEST_HEADERS,
    METHOD_OVERRIDE_HEADERS,
    REQUEST_BODY_HEADERS,
    SAFELISTED_METHODS,
    header_value_bytes,
    is_forbidden_method,
    join_repeated_headers,
    normalize_header_value,
    normalize_method,
    unsafe_header_names,
)

Send = Callable[[HttpRequest], HttpResponse]


class ActualRequestWithheld(Exception):
    """Raised by a ``send`` that must not deliver a request (unsafe method on a live URL)."""


@dataclass(frozen=True)
class BrowserVerdict:
    """What one engine did with one fetch(): allowed or blocked, why, and what JS can read."""

    profile: str
    allowed: bool
    failure: Optional[v.Failure]
    message: str
    readable_headers: Dict[str, str]
    exchanges: Tuple[Exchange, ...]
    preflight_sent: bool
    warnings: Tuple[str, ...] = ()
    warning_messages: Tuple[str, ...] = ()
    preflight_cache_seconds: Optional[int] = None
    final_url: str = ""
    actual_withheld: bool = False
    same_origin: bool = False
    #: Cookies of the jar this engine did not send, with why (see :mod:`pytest_cors.browser.cookies`).
    cookie_refusals: Tuple[CookieRefusal, ...] = ()

    @property
    def reason(self) -> str:
        """The reason code of the failure, or ``same-origin`` / ``ok`` when the read was allowed."""
        if self.failure is not None:
            return self.failure.reason
        return "same-origin" if self.same_origin else "ok"

    @property
    def preflight(self) -> Optional[Exchange]:
        """The preflight exchange, if one was sent."""
        return next((e for e in self.exchanges if e.kind == "preflight"), None)

    @property
    def actual(self) -> Optional[Exchange]:
        """The last actual request (after redirects), if one was sent."""
        return next((e for e in reversed(self.exchanges) if e.kind == "actual"), None)


def prepare_headers(headers: HeaderPairs, profile: BrowserProfile) -> HeaderPairs:
    """The header list fetch() ends up with: values trimmed, forbidden names dropped."""
    kept: List[Tuple[str, str]] = []
    for name, value in headers:
        lowered = name.lower()
        value = normalize_header_value(value)
        if lowered in FORBIDDEN_REQUEST_HEADERS or lowered.startswith(("proxy-", "sec-")):
            continue
        if lowered in profile.dropped_request_headers:
            continue
        if (
            profile.drops_forbidden_method_override
            and lowered in METHOD_OVERRIDE_HEADERS
            and any(is_forbidden_method(m.strip()) for m in value.split(","))
        ):
            continue
        kept.append((name, value))
    return tuple(kept)


def _body_and_headers(fetch: FetchRequest, headers: HeaderPairs) -> Tuple[Optional[bytes], HeaderPairs]:
    body = fetch.body
    if body is None:
        return None, headers
    if isinstance(body, str):
        if not any(name.lower() == "content-type" for name, _ in headers):
            headers = headers + (("Content-Type", "text/plain;charset=UTF-8"),)
        return body.encode("utf-8"), headers
    return bytes(body), headers


def unsafe_names_for(headers: HeaderPairs, profile: BrowserProfile) -> List[str]:
    """The names ``profile``'s engine announces in Access-Control-Request-Headers."""
    if profile.safelists_joined_values:
        headers = join_repeated_headers(headers)
    return unsafe_header_names(
        headers,
        total_limit=profile.safelist_total_limit,
        non_ascii_unsafe=profile.non_ascii_unsafe,
        content_type_comma_unsafe=profile.content_type_comma_unsafe,
        range_rule=profile.range_rule,
        range_position_max=profile.range_position_max,
    )


def build_preflight(url: str, origin: str, method: str, unsafe: List[str]) -> HttpRequest:
    """The exact OPTIONS request a browser sends (no cookies, no author headers)."""
    headers: List[Tuple[str, str]] = [
        ("Accept", "*/*"),
        ("Origin", origin),
        ("Access-Control-Request-Method", method),
    ]
    if unsafe:
        headers.append(("Access-Control-Request-Headers", ",".join(unsafe)))
    return HttpRequest("OPTIONS", url, tuple(headers))


def build_actual(
    url: str, origin: str, method: str, headers: HeaderPairs, body: Optional[bytes], cookie: Optional[str] = None
) -> HttpRequest:
    """The actual request as the browser puts it on the wire: ``Origin`` first, repeated headers joined, cookies last."""
    wire = (("Origin", origin),) + tuple(
        (name, header_value_bytes(value).decode("latin-1")) for name, value in join_repeated_headers(headers)
    )
    if cookie is not None:
        wire += (("Cookie", cookie),)
    return HttpRequest(method, url, wire, body)


def _rewrite_for_redirect(
    status: int, method: str, body: Optional[bytes], headers: HeaderPairs
) -> Tuple[str, Optional[bytes], HeaderPairs, bool]:
    """301/302 turn POST into GET; 303 turns everything but GET/HEAD into GET; body headers go."""
    if (status in (301, 302) and method == "POST") or (status == 303 and method not in ("GET", "HEAD")):
        kept = tuple((n, val) for n, val in headers if n.lower() not in REQUEST_BODY_HEADERS)
        return "GET", None, kept, True
    return method, body, headers, False


def _resolve(base: str, location: str) -> Optional[str]:
    """``location`` resolved against ``base``; ``None`` when it does not parse."""
    try:
        resolved = urljoin(base, location)
        urlsplit(resolved)
    except ValueError:
        return None
    return resolved


def simulate_fetch(fetch: FetchRequest, profile: BrowserProfile, send: Send) -> BrowserVerdict:
    """Run one fetch() as ``profile``'s engine would; ``send`` does the HTTP."""
    page_origin = fetch.origin
    first_url = fetch.url
    method = normalize_method(fetch.method)
    headers = prepare_headers(header_pairs(fetch.headers), profile)
    body, headers = _body_and_headers(fetch, headers)
    credentials = fetch.credentials

    exchanges: List[Exchange] = []
    warnings: List[str] = []
    warning_messages: List[str] = []
    preflight_sent = False
    cache_seconds: Optional[int] = None
    refusals: List[CookieRefusal] = []

    def verdict(
        url: str,
        failure: Optional[v.Failure] = None,
        message: str = "",
        readable: Optional[Dict[str, str]] = None,
        withheld: bool = False,
    ) -> BrowserVerdict:
        return BrowserVerdict(
            profile=profile.name,
            allowed=failure is None,
            failure=failure,
            message=message,
            readable_headers=readable or {},
            exchanges=tuple(exchanges),
            preflight_sent=preflight_sent,
            warnings=tuple(warnings),
            warning_messages=tuple(warning_messages),
            preflight_cache_seconds=cache_seconds,
            final_url=url,
            actual_withheld=withheld,
            cookie_refusals=tuple(refusals),
        )

    def blocked(
        failure: v.Failure, url: str, *, location: Optional[str] = None, hop: bool = False, sent_origin: Optional[str] = None
    ) -> BrowserVerdict:
        ctx = MessageContext(
            url=url, origin=page_origin, first_url=first_url, location=location, sent_origin=sent_origin or page_origin
        )
        return verdict(url, failure, console_message(profile.message_style, failure, ctx, redirect_hop=hop))

    def allowed(url: str, readable: Dict[str, str], *, withheld: bool = False) -> BrowserVerdict:
        return verdict(url, readable=readable, withheld=withheld)

    if page_origin != NULL_ORIGIN and same_origin(first_url, page_origin):
        return BrowserVerdict(
            profile=profile.name, allowed=True, failure=None, message="", readable_headers={},
            exchanges=(), preflight_sent=False, final_url=first_url, same_origin=True,
        )

    url = first_url
    tainted = page_origin == NULL_ORIGIN
    redirects = 0
    preflight_names: Optional[List[str]] = None  # names carried over a method-changing redirect
    sticky_preflight = False
    while True:
        origin_header = NULL_ORIGIN if tainted else page_origin
        unsafe = unsafe_names_for(headers, profile)
        if preflight_names is not None:
            unsafe = sorted(set(unsafe) | set(preflight_names))
        if method not in SAFELISTED_METHODS or unsafe or sticky_preflight:
            preflight_origin = origin_header if profile.taints_preflight_origin else page_origin
            preflight = build_preflight(url, preflight_origin, method, unsafe)
            response = send(preflight)
            exchanges.append(Exchange("preflight", preflight, response))
            preflight_sent = True
            result = v.evaluate_preflight(response, method, unsafe, credentials, preflight_origin, profile)
            cache_seconds = result.cache_seconds
            if result.failure is not None:
                refused = result.failure
                if refused.code == v.HEADER_NOT_ALLOWED:
                    spelled = next((n for n, _ in headers if n.lower() == refused.detail), refused.detail)
                    refused = dataclasses.replace(refused, detail=spelled)
                return blocked(refused, url, sent_origin=preflight_origin)
            for warning in result.warnings:
                if warning not in warnings:
                    warnings.append(warning)
                    warning_messages.append(authorization_wildcard_warning(profile.message_style, url))

        cookie: Optional[str] = None
        if credentials and fetch.cookies:  # a preflight never carries cookies; each hop decides afresh
            cookie, kept_back = cookies_for_request(fetch.cookies, page_origin, url, profile, first_url)
            refusals.extend(r for r in kept_back if r not in refusals)
        actual = build_actual(url, origin_header, method, headers, body, cookie)
        try:
            response = send(actual)
        except ActualRequestWithheld:
            return allowed(url, {}, withheld=True)
        exchanges.append(Exchange("actual", actual, response))
        failure = v.cors_check(response, origin_header, credentials, profile)
        is_hop = v.is_followable_redirect(response)
        if failure is not None:
            location = _resolve(url, response.header("Location") or "") if is_hop else None
            return blocked(failure, url, location=location, hop=is_hop, sent_origin=origin_header)
        if not is_hop:
            return allowed(url, v.readable_headers(response, credentials))

        location = _resolve(url, (response.header("Location") or "").strip())
        if location is None or (
            urlsplit(location).scheme.lower() in ("http", "https") and not is_valid_http_url(location)
        ):
            # Fetch: a Location that fails to parse is a network error.
            invalid = v.Failure(v.REDIRECT_INVALID_LOCATION, False, response.header("Location"), response.status)
            return blocked(invalid, url, location=location)
        redirects += 1
        if redirects > v.MAX_REDIRECTS:
            return blocked(v.Failure(v.REDIRECT_TOO_MANY, False, None, response.status), url, location=location)
        if urlsplit(location).scheme.lower() not in ("http", "https"):
            return blocked(v.Failure(v.REDIRECT_SCHEME, False, location, response.status), url, location=location, hop=True)
        if url_has_credentials(location):
            return blocked(v.Failure(v.REDIRECT_CREDENTIALS, False, location, response.status), url, location=location, hop=True)
        carried = unsafe
        method, body, headers, rewritten = _rewrite_for_redirect(response.status, method, body, headers)
        if preflight_sent and profile.preflight_sticky_after_redirect:
            sticky_preflight = True
            if rewritten and profile.redirect_keeps_preflight_headers:
                preflight_names = carried
        cross = not same_origin(url, location)
        if cross and profile.strips_authorization_on_cross_origin_redirect:
            headers = tuple((n, val) for n, val in headers if n.lower() != "authorization")
            if preflight_names is not None:
                preflight_names = [n for n in preflight_names if n != "authorization"]
        if cross and origin_of_url(url) != origin_of_url(page_origin):
            tainted = True
        url = location
