"""Where the engines differ, in one table.

Every rule the engines share lives in :mod:`pytest_cors.browser.rules` and
:mod:`pytest_cors.browser.safelist`; every place where Chromium, Firefox, WebKit and the
Fetch standard part ways is a field of :class:`BrowserProfile`. To find how a
browser treats ``Authorization`` under ``Access-Control-Allow-Headers: *``,
read ``authorization_covered_by_wildcard`` below.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Dict, FrozenSet, Iterable, Optional, Tuple

from pytest_cors.browser.safelist import RANGE_POSITION_MAX, RangeRule


class ThirdPartyCookies(Enum):
    """What an engine does with a cookie the API set on its own site, on a cross-site request."""

    SENT = "sent"
    BLOCKED = "blocked"
    PARTITIONED = "partitioned"


class MessageStyle(str, Enum):
    """The engine whose console wording a profile prints (compares equal to its plain name)."""

    CHROME = "chrome"
    FIREFOX = "firefox"
    SAFARI = "safari"


class PreflightStep(str, Enum):
    """One check of a preflight response; engines run them in different orders."""

    REDIRECT = "redirect"
    STATUS = "status"
    CORS = "cors"
    #: Both Allow lists parse (Chromium, WebKit check them together).
    LISTS = "lists"
    #: Access-Control-Allow-Methods parses and allows the method (Firefox checks them in one step).
    METHOD_LIST = "method-list"
    #: Access-Control-Allow-Headers parses (Firefox).
    HEADERS_LIST = "headers-list"
    METHOD = "method"
    HEADERS = "headers"


def _member(kind: type, value: object, field_name: str) -> Enum:
    try:
        return kind(value)  # type: ignore[no-any-return]
    except ValueError:
        choices = ", ".join(m.value for m in kind)  # type: ignore[attr-defined]
        raise ValueError(f"BrowserProfile.{field_name}: unknown value {value!r} (one of: {choices})") from None


@dataclass(frozen=True)
class BrowserProfile:
    """How one engine decides, where engines differ.

    ``preflight_order`` names the preflight checks in the order the engine runs
    them; it only changes *which* reason is reported, never allowed/blocked.
    """

    name: str
    display_name: str
    #: The engine whose console wording this profile prints.
    message_style: MessageStyle
    #: Preflight checks in the engine's order; an unknown step is an error, never a silent pass.
    preflight_order: Tuple[PreflightStep, ...]
    #: Longest time a preflight result is cached, in seconds (``None``: no cap).
    max_age_cap: Optional[int]
    #: Cache time for an ``Access-Control-Max-Age`` that does not parse (``0``: not cached).
    max_age_invalid: int
    #: Whether only plain digits parse (Firefox, the standard) or a sign is accepted too.
    max_age_accepts_sign: bool
    #: Browsers still let ``*`` in Access-Control-Allow-Headers cover ``Authorization``; the standard does not.
    authorization_covered_by_wildcard: bool
    #: Request headers the engine silently drops from fetch() beyond the standard's forbidden list.
    dropped_request_headers: FrozenSet[str]
    #: Once a request was preflighted, does every later redirect hop get a preflight too, even a
    #: plain GET after a 303 (Firefox, WebKit), or is it decided afresh per hop (Chromium, the standard)?
    preflight_sticky_after_redirect: bool
    #: On such a sticky preflight, are the original unsafe header names still announced in
    #: Access-Control-Request-Headers even though the headers were dropped (WebKit)?
    redirect_keeps_preflight_headers: bool
    #: Are repeated request headers (``headers.append``) safelisted as one joined value
    #: (Chromium, WebKit) or value by value (Firefox, and the standard, whose header list keeps one
    #: entry per append and whose "CORS-unsafe request-header names" checks entry by entry)?
    safelists_joined_values: bool
    #: The 1024-byte budget for all safelisted values together (``None``: not enforced, Firefox).
    safelist_total_limit: Optional[int]
    #: Does a byte above 0x7F make an Accept / Content-Type value unsafe (Firefox)?
    non_ascii_unsafe: bool
    #: Does a comma make Content-Type unsafe (Firefox: it parses the value as a request content type,
    #: which refuses a list), or is it one MIME type whose parameter values may hold commas?
    content_type_comma_unsafe: bool
    #: ``spec``: ``bytes=N-`` / ``bytes=N-M`` with N <= M; ``webkit``: a missing or zero end means
    #: "to the end" (``bytes=-N``, ``bytes=5-0`` pass), otherwise N < M.
    range_rule: RangeRule
    #: Largest safelisted ``Range`` position: 64 bits everywhere (Firefox), below 2^63 - 1 in
    #: Chromium, 32 bits in WebKit; a larger position needs a preflight.
    range_position_max: int
    #: Does fetch() drop X-HTTP-Method-Override & co. naming a forbidden method (Chromium, Firefox)?
    drops_forbidden_method_override: bool
    #: After a cross-origin hop, is the Origin of the next preflight ``null`` (Chromium, WebKit, standard)?
    taints_preflight_origin: bool
    #: Does a cross-origin redirect strip ``Authorization`` from the request (Fetch, 2023)?
    strips_authorization_on_cross_origin_redirect: bool
    #: Once a fetch() that began at the page's own origin left it, is every redirect response at another
    #: origin checked as credentialed (Access-Control-Allow-Credentials: true, no ``*``) even with
    #: ``credentials: 'same-origin'`` (WebKit 2.38: the first hop's credentials policy sticks), while
    #: the final response is not?
    same_origin_start_credentials_redirects: bool = False
    #: Is a redirect to a URL with ``user:password@`` refused even from and to the page's own origin (Chromium,
    #: with no console message), or only once CORS is involved (Firefox, WebKit: from or to another origin)?
    refuses_userinfo_redirect: bool = False
    # --- cookies (pytest_cors.browser.cookies; measured by tests/browser/cookie_harness.py) ---
    #: Is a cookie without SameSite treated as Lax on cross-site requests (Chromium), or as None?
    unset_samesite_is_lax: bool = True
    #: Is ``SameSite=None`` without ``Secure`` rejected when set (Chromium, Firefox; not WebKit 2.38)?
    samesite_none_requires_secure: bool = True
    #: Do Secure cookies travel over plain http to localhost/127.0.0.1/::1 (Chromium, Firefox; not WebKit)?
    secure_cookies_on_loopback_http: bool = True
    #: Does the scheme count in "same site" (http://a.example vs https://api.example: cross-site in Chromium)?
    schemeful_same_site: bool = True
    #: A cookie the API set first-party, on a cross-site request: sent, blocked or kept in another partition.
    third_party_cookies: ThirdPartyCookies = ThirdPartyCookies.SENT
    #: Is the ``Partitioned`` attribute honoured (Chromium, Firefox) or ignored (WebKit 2.38)?
    supports_partitioned_cookies: bool = True

    def __post_init__(self) -> None:
        """Turn plain names into the vocabularies, refusing anything outside them."""
        object.__setattr__(self, "message_style", _member(MessageStyle, self.message_style, "message_style"))
        steps = tuple(_member(PreflightStep, step, "preflight_order") for step in self.preflight_order)
        object.__setattr__(self, "preflight_order", steps)


#: The Fetch standard itself; each browser below is written as its deviations from it.
SPEC = BrowserProfile(
    name="spec",
    display_name="Fetch standard",
    message_style=MessageStyle.CHROME,
    preflight_order=(PreflightStep.REDIRECT, PreflightStep.CORS, PreflightStep.STATUS, PreflightStep.LISTS, PreflightStep.METHOD, PreflightStep.HEADERS),
    max_age_cap=None,
    max_age_invalid=5,
    max_age_accepts_sign=False,
    authorization_covered_by_wildcard=False,
    dropped_request_headers=frozenset(),
    preflight_sticky_after_redirect=False,
    redirect_keeps_preflight_headers=False,
    safelists_joined_values=False,
    safelist_total_limit=1024,
    non_ascii_unsafe=False,
    content_type_comma_unsafe=False,
    range_rule="spec",
    range_position_max=RANGE_POSITION_MAX,
    drops_forbidden_method_override=True,
    taints_preflight_origin=True,
    strips_authorization_on_cross_origin_redirect=True,
)

CHROME = replace(
    SPEC,
    name="chrome",
    display_name="Chrome",
    max_age_cap=7200,
    max_age_accepts_sign=True,
    authorization_covered_by_wildcard=True,
    dropped_request_headers=frozenset({"user-agent"}),
    safelists_joined_values=True,
    # Measured on Chromium 156 (headless, fresh profile): no cookie reaches a cross-site API.
    third_party_cookies=ThirdPartyCookies.BLOCKED,
    range_position_max=2**63 - 2,
    # Measured on Chromium 156 (so-get-302-page-userinfo): a userinfo redirect is refused at the page's origin too.
    refuses_userinfo_redirect=True,
)

FIREFOX = replace(
    SPEC,
    name="firefox",
    display_name="Firefox",
    message_style=MessageStyle.FIREFOX,
    preflight_order=(PreflightStep.REDIRECT, PreflightStep.CORS, PreflightStep.STATUS, PreflightStep.METHOD_LIST, PreflightStep.HEADERS_LIST, PreflightStep.HEADERS),
    max_age_cap=86400,
    max_age_invalid=0,
    authorization_covered_by_wildcard=True,
    preflight_sticky_after_redirect=True,
    safelist_total_limit=None,
    non_ascii_unsafe=True,
    content_type_comma_unsafe=True,
    taints_preflight_origin=False,
    # Measured on Firefox 153 ESR: unset SameSite is None, but Total Cookie Protection keeps the
    # API's first-party cookies out of cross-site requests; SameSite ignores the scheme.
    unset_samesite_is_lax=False,
    schemeful_same_site=False,
    third_party_cookies=ThirdPartyCookies.PARTITIONED,
)

SAFARI = replace(
    SPEC,
    name="safari",
    display_name="Safari",
    message_style=MessageStyle.SAFARI,
    preflight_order=(PreflightStep.STATUS, PreflightStep.CORS, PreflightStep.LISTS, PreflightStep.METHOD, PreflightStep.HEADERS),
    max_age_cap=600,
    max_age_accepts_sign=True,
    authorization_covered_by_wildcard=True,
    preflight_sticky_after_redirect=True,
    redirect_keeps_preflight_headers=True,
    safelists_joined_values=True,
    range_rule="webkit",
    range_position_max=2**32 - 1,
    drops_forbidden_method_override=False,
    # Measured on WPE WebKit 2.38: Authorization survives a cross-origin redirect (and is preflighted again).
    strips_authorization_on_cross_origin_redirect=False,
    # Measured on WPE WebKit 2.38 (tests/browser/scenarios.py, so-get-api-and-back-*): a fetch() of the page's
    # own origin redirected away needs ACAC: true on every later redirect response at another origin.
    same_origin_start_credentials_redirects=True,
    # Measured on WPE WebKit 2.38: unset SameSite is None, SameSite=None needs no Secure, Secure cookies
    # never go over http (no loopback exception), the scheme does not count, Partitioned is ignored.
    # Safari blocks third-party cookies (WebKit's full third-party cookie blocking, 2020); WPE WebKit
    # has no such blocking and sends them, which the differential records as the one known difference.
    unset_samesite_is_lax=False,
    samesite_none_requires_secure=False,
    secure_cookies_on_loopback_http=False,
    schemeful_same_site=False,
    third_party_cookies=ThirdPartyCookies.BLOCKED,
    supports_partitioned_cookies=False,
)

PROFILES: Dict[str, BrowserProfile] = {p.name: p for p in (CHROME, FIREFOX, SAFARI, SPEC)}
BROWSERS: Tuple[str, ...] = ("chrome", "firefox", "safari")


def display_names(names: Iterable[str]) -> str:
    """``Chrome, Firefox, Safari`` for profile names, as reports list them."""
    return ", ".join(PROFILES[name].display_name for name in names)


class UnknownProfileError(ValueError):
    """A browser name that is not a profile (``--cors-browser``, ``browsers:``)."""

    pass


def select_profiles(spec: str) -> Tuple[BrowserProfile, ...]:
    """Resolve ``--cors-browser``: ``all``, one name, or a comma list (``chrome,firefox``)."""
    text = (spec or "all").strip().lower()
    names: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if part == "all":
            names.extend(BROWSERS)
        elif part in PROFILES:
            names.append(part)
        else:
            choices = ", ".join(["all", *PROFILES])
            raise UnknownProfileError(f"unknown browser profile {part!r}; choose from: {choices}")
    if not names:
        raise UnknownProfileError("no browser profile selected; choose from: all, " + ", ".join(PROFILES))
    return tuple(PROFILES[n] for n in dict.fromkeys(names))
