"""A browser's fetch(), step by step: preflight, actual request, redirects, exposure.

:func:`simulate_fetch` drives the pure rules of :mod:`pytest_cors.browser.rules` with a
``send`` callable that performs one HTTP exchange (in-process or over the
network) and never follows redirects. Everything a browser decides happens
here, in one engine's order; all I/O happens in ``send``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple, Union
from urllib.parse import urljoin, urlsplit

from pytest_cors.browser import rules
from pytest_cors.browser.cookies import CookieRefusal, cookies_for_request
from pytest_cors.browser.cors_headers import basic_readable
from pytest_cors.browser.exchange import (
    Exchange,
    FetchRequest,
    HeaderPairs,
    HttpRequest,
    HttpResponse,
    header_pairs,
    memo,
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
    failure: Optional[rules.Failure]
    message: str
    readable_headers: Dict[str, str]
    exchanges: Tuple[Exchange, ...]
    preflight_sent: bool
    warnings: Tuple[str, ...] = ()
    warning_messages: Tuple[str, ...] = ()
    #: How long the engine caches the preflight that let the request go; ``None`` without one (a
    #: failed preflight is not cached: the page's next fetch() sends it again).
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
    url: str, origin: Optional[str], method: str, headers: HeaderPairs, body: Optional[bytes], cookie: Optional[str] = None
) -> HttpRequest:
    """The request as the browser puts it on the wire: ``Origin`` first (if any), repeated headers joined, cookies last."""
    wire = ((("Origin", origin),) if origin is not None else ()) + tuple(
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
        return urljoin(base, location)  # urljoin splits both URLs: what it joins splits again
    except ValueError:
        return None


def simulate_fetch(fetch: FetchRequest, profile: BrowserProfile, send: Send) -> BrowserVerdict:
    """Run one fetch() as ``profile``'s engine would; ``send`` does the HTTP.

    Each hop (the first URL, then each redirect target) may need a preflight, sends the actual request and
    ends the fetch (a verdict) or yields the next hop; :data:`rules.MAX_REDIRECTS` bounds the loop. Hops at the
    page's own origin before any hop left it involve no CORS (Fetch: "basic" tainting); every later hop does.
    """
    log = _FetchLog(fetch, profile)
    outcome: Union[BrowserVerdict, _Hop] = _first_hop(fetch, profile, cors=not log.began_home)
    while isinstance(outcome, _Hop):
        outcome = _run_hop(outcome, log, send)
    return outcome


class _Hop(NamedTuple):
    """The request fetch() is about to make at one step of a redirect chain, and what earlier hops decided.

    A named tuple rather than a frozen dataclass: one is built per hop and profile, and a tuple is cheaper to build.
    """

    url: str
    method: str
    headers: HeaderPairs
    body: Optional[bytes]
    #: The Origin header becomes ``null`` once a redirect crossed origins away from the page (Fetch "tainted").
    tainted: bool
    redirects: int = 0
    #: Header names announced before a method-changing redirect, still announced after it (some engines).
    preflight_names: Optional[Tuple[str, ...]] = None
    #: Once a hop was preflighted, some engines preflight every later hop too.
    sticky_preflight: bool = False
    #: Fetch's response tainting "cors": this hop or an earlier one is at another origin than the page's.
    cors: bool = True


def _first_hop(fetch: FetchRequest, profile: BrowserProfile, cors: bool) -> _Hop:
    """The first request: method normalised, headers as fetch() keeps them, a string body typed text/plain."""
    headers = prepare_headers(memo(fetch, "_header_pairs", lambda: header_pairs(fetch.headers)), profile)
    body, headers = _body_and_headers(fetch, headers)
    method = normalize_method(fetch.method)
    # untainted: a page whose origin is already opaque sends ``Origin: null`` tainted or not
    return _Hop(url=fetch.url, method=method, headers=headers, body=body, tainted=False, cors=cors)


class _FetchLog:
    """What one fetch() has done so far (exchanges, warnings, cookies held back), and the verdict it ends with.

    Mutable on purpose: it is private to one :func:`simulate_fetch` call and only grows.
    """

    def __init__(self, fetch: FetchRequest, profile: BrowserProfile) -> None:
        self.fetch = fetch
        self.profile = profile
        self.exchanges: List[Exchange] = []
        self.warnings: List[str] = []
        self.warning_messages: List[str] = []
        self.preflight_sent = False
        self.cache_seconds: Optional[int] = None
        self.refusals: List[CookieRefusal] = []
        #: Whether the first URL is at the page's own origin (its first hop needs no CORS).
        self.began_home = fetch.origin != NULL_ORIGIN and same_origin(fetch.url, fetch.origin)

    def verdict(
        self,
        url: str,
        failure: Optional[rules.Failure] = None,
        message: str = "",
        readable: Optional[Dict[str, str]] = None,
        withheld: bool = False,
        same_origin: bool = False,
    ) -> BrowserVerdict:
        """The verdict at ``url``, carrying everything logged so far."""
        return BrowserVerdict(
            profile=self.profile.name,
            allowed=failure is None,
            failure=failure,
            message=message,
            readable_headers=readable or {},
            exchanges=tuple(self.exchanges),
            preflight_sent=self.preflight_sent,
            warnings=tuple(self.warnings),
            warning_messages=tuple(self.warning_messages),
            preflight_cache_seconds=self.cache_seconds,
            final_url=url,
            actual_withheld=withheld,
            same_origin=same_origin,
            cookie_refusals=tuple(self.refusals),
        )

    def blocked(
        self, failure: rules.Failure, url: str, *, location: Optional[str] = None, hop: bool = False,
        sent_origin: Optional[str] = None,
    ) -> BrowserVerdict:
        """A blocked verdict with the console message this engine prints for ``failure``."""
        page_origin = self.fetch.origin
        ctx = MessageContext(
            url=url, origin=page_origin, first_url=self.fetch.url, location=location,
            sent_origin=sent_origin or page_origin,
        )
        message = console_message(self.profile.message_style, failure, ctx, redirect_hop=hop)
        return self.verdict(url, failure, message)

    def allowed(self, url: str, readable: Dict[str, str], hop: _Hop, *, withheld: bool = False) -> BrowserVerdict:
        """An allowed verdict at ``hop``; ``readable`` is what JavaScript may read of the response headers."""
        return self.verdict(url, readable=readable, withheld=withheld, same_origin=not hop.cors)

    def add_warnings(self, warnings: Tuple[str, ...], url: str) -> None:
        """Record a preflight's warnings once each (a redirect chain may repeat them)."""
        for warning in warnings:
            if warning not in self.warnings:
                self.warnings.append(warning)
                self.warning_messages.append(authorization_wildcard_warning(self.profile.message_style, url))


def _run_hop(hop: _Hop, log: _FetchLog, send: Send) -> Union[BrowserVerdict, _Hop]:
    """One step of fetch(): preflight if needed, the actual request, then a verdict or the next hop."""
    fetch, profile = log.fetch, log.profile
    origin_header = NULL_ORIGIN if hop.tainted else fetch.origin
    unsafe = unsafe_names_for(hop.headers, profile)
    if hop.preflight_names is not None:
        unsafe = sorted(set(unsafe) | set(hop.preflight_names))
    if hop.cors and (hop.method not in SAFELISTED_METHODS or unsafe or hop.sticky_preflight):
        refused = _preflight(hop, unsafe, origin_header, log, send)
        if refused is not None:
            return refused

    cookie: Optional[str] = None
    if fetch.credentials and fetch.cookies:  # a preflight never carries cookies; each hop decides afresh
        cookie, kept_back = cookies_for_request(fetch.cookies, fetch.origin, hop.url, profile, fetch.url)
        log.refusals.extend(r for r in kept_back if r not in log.refusals)
    # Fetch "append a request Origin header": a same-origin ("basic") GET or HEAD carries none
    sent_origin = origin_header if hop.cors or hop.method not in ("GET", "HEAD") else None
    actual = build_actual(hop.url, sent_origin, hop.method, hop.headers, hop.body, cookie)
    try:
        response = send(actual)
    except ActualRequestWithheld:
        return log.allowed(hop.url, {}, hop, withheld=True)
    log.exchanges.append(Exchange("actual", actual, response))
    is_hop = rules.is_followable_redirect(response)
    credentials = fetch.credentials or (is_hop and profile.same_origin_start_credentials_redirects and log.began_home)
    failure = rules.cors_check(response, origin_header, credentials, profile) if hop.cors else None
    if failure is not None:
        location = _resolve(hop.url, response.header("Location") or "") if is_hop else None
        return log.blocked(failure, hop.url, location=location, hop=is_hop, sent_origin=origin_header)
    if not is_hop:
        readable = rules.readable_headers(response, fetch.credentials) if hop.cors else basic_readable(response)
        return log.allowed(hop.url, readable, hop)
    return _follow_redirect(hop, response, unsafe, log)


def _preflight(
    hop: _Hop, unsafe: List[str], origin_header: str, log: _FetchLog, send: Send
) -> Optional[BrowserVerdict]:
    """Send the preflight for ``hop``; the blocked verdict when it fails, ``None`` when the actual request may go."""
    profile = log.profile
    preflight_origin = origin_header if profile.taints_preflight_origin else log.fetch.origin
    preflight = build_preflight(hop.url, preflight_origin, hop.method, unsafe)
    response = send(preflight)
    log.exchanges.append(Exchange("preflight", preflight, response))
    log.preflight_sent = True
    result = rules.evaluate_preflight(response, hop.method, unsafe, log.fetch.credentials, preflight_origin, profile)
    if result.failure is not None:  # a failed preflight makes no cache entry (Fetch, CORS-preflight fetch)
        refused = result.failure
        if refused.code == rules.HEADER_NOT_ALLOWED:
            # Engines name the header as the page spelled it, not lowercased.
            spelled = next((n for n, _ in hop.headers if n.lower() == refused.detail), refused.detail)
            refused = dataclasses.replace(refused, detail=spelled)
        return log.blocked(refused, hop.url, sent_origin=preflight_origin)
    log.cache_seconds = result.cache_seconds
    log.add_warnings(tuple(result.warnings), hop.url)
    return None


def _follow_redirect(hop: _Hop, response: HttpResponse, unsafe: List[str], log: _FetchLog) -> Union[BrowserVerdict, _Hop]:
    """The next hop of a redirect, or the network error fetch() raises instead of following it."""
    url = hop.url
    location = _resolve(url, (response.header("Location") or "").strip())
    if location is None or (
        urlsplit(location).scheme.lower() in ("http", "https") and not is_valid_http_url(location)
    ):
        # Fetch: a Location that fails to parse is a network error. (No engine's message for this
        # one or the next names the Location, so neither passes it.)
        invalid = rules.Failure(rules.REDIRECT_INVALID_LOCATION, False, response.header("Location"), response.status)
        return log.blocked(invalid, url)
    if hop.redirects + 1 > rules.MAX_REDIRECTS:
        return log.blocked(rules.Failure(rules.REDIRECT_TOO_MANY, False, None, response.status), url)
    if urlsplit(location).scheme.lower() not in ("http", "https"):
        return log.blocked(rules.Failure(rules.REDIRECT_SCHEME, False, location, response.status), url, location=location)
    if url_has_credentials(location) and (log.profile.refuses_userinfo_redirect or hop.cors or not same_origin(location, log.fetch.origin)):
        return log.blocked(rules.Failure(rules.REDIRECT_CREDENTIALS, False, location, response.status), url, location=location)
    return _next_hop(hop, response.status, location, unsafe, log)


def _next_hop(hop: _Hop, status: int, location: str, unsafe: List[str], log: _FetchLog) -> _Hop:
    """The request for ``location``: method rewrite, sticky preflight, Authorization stripping, origin tainting."""
    profile = log.profile
    method, body, headers, rewritten = _rewrite_for_redirect(status, hop.method, hop.body, hop.headers)
    sticky, preflight_names = hop.sticky_preflight, hop.preflight_names
    if log.preflight_sent and profile.preflight_sticky_after_redirect:
        sticky = True
        if rewritten and profile.redirect_keeps_preflight_headers:
            preflight_names = tuple(unsafe)
    cross = not same_origin(hop.url, location)
    if cross and profile.strips_authorization_on_cross_origin_redirect:
        headers = tuple((n, val) for n, val in headers if n.lower() != "authorization")
        if preflight_names is not None:
            preflight_names = tuple(n for n in preflight_names if n != "authorization")
    tainted = hop.tainted or (cross and origin_of_url(hop.url) != origin_of_url(log.fetch.origin))
    return _Hop(
        url=location, method=method, headers=headers, body=body, tainted=tainted,
        redirects=hop.redirects + 1, preflight_names=preflight_names, sticky_preflight=sticky,
        cors=hop.cors or not same_origin(location, log.fetch.origin),
    )
