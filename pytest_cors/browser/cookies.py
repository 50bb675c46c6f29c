"""Would this browser send the cookie? The per-engine cookie rules for a credentialed fetch().

A contract's cookies stand for the browser's cookie jar after the user visited
the API's own site (e.g. logged in on it): each cookie was set *first-party*
by the target host, with the attributes the contract gives. For every request
of a credentialed fetch() (each redirect hop again, never a preflight) this
module decides, as the engine would, whether the cookie goes with it:

* ``SameSite=None`` without ``Secure`` is refused when set (Chromium, Firefox);
* a ``Secure`` cookie never travels over plain http, except to loopback hosts
  in the engines that treat them as secure (Chromium, Firefox);
* a ``Partitioned`` cookie belongs to the top-level site that set it, so it only
  goes out when the page is on the API's own (schemeful) site;
* a cross-site request (registrable domain from the Public Suffix List, plus the
  scheme where the engine is schemeful) carries no ``Strict``/``Lax`` cookie, no
  cookie without ``SameSite`` where that means Lax, and no cookie at all where
  the engine blocks or partitions third-party cookies.

Every engine difference is a field of :class:`pytest_cors.browser.profiles.BrowserProfile`;
each rule was measured in the real engines (``tests/browser/cookie_harness.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterable, List, Optional, Sequence, Tuple

from pytest_cors.browser.origins import origin_of_url
from pytest_cors.browser.profiles import BrowserProfile, ThirdPartyCookies
from pytest_cors.browser.sites import site_of

#: Hosts a browser may treat as a secure context over plain http.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")

FIX_SAME_SITE = "serve the API same-site, e.g. api.example.com for app.example.com"
FIX_NONE_SECURE = "add `Secure; SameSite=None` to the cookie (and serve the API over https)"
FIX_TOKEN = "use a token header (Authorization) instead of a cookie"
FIX_HTTPS = "serve the API over https (a Secure cookie never travels over http)"


class SameSite(Enum):
    """The cookie's ``SameSite`` attribute (absent: ``None`` in :class:`Cookie`, each engine's default)."""

    STRICT = "Strict"
    LAX = "Lax"
    NONE = "None"


@dataclass(frozen=True)
class Cookie:
    """One cookie of the jar, as the target set it first-party."""

    name: str
    value: str
    samesite: Optional[SameSite] = None
    secure: bool = False
    partitioned: bool = False

    def describe(self) -> str:
        """``'sid' (SameSite=Lax, Secure)``: the name and the attributes that decide whether it is sent."""
        attributes = [f"SameSite={self.samesite.value}" if self.samesite else "no SameSite"]
        if self.secure:
            attributes.append("Secure")
        if self.partitioned:
            attributes.append("Partitioned")
        return f"{self.name!r} ({', '.join(attributes)})"


@dataclass(frozen=True)
class CookieRefusal:
    """A cookie a browser did not send with one request, why, and the usual fix."""

    cookie: Cookie
    url: str
    why: str
    fix: str

    def line(self, browser: str) -> str:
        """The report line: which browser keeps which cookie back, why, and the fix."""
        return f"{browser} does not send cookie {self.cookie.describe()}: {self.why}; fix: {self.fix}"


def _is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.endswith(".localhost")


def _same_site(page_origin: str, url: str, profile: BrowserProfile) -> bool:
    page, target = site_of(page_origin), site_of(url)
    if profile.schemeful_same_site:
        return page == target
    return page.domain == target.domain


def refusal(
    cookie: Cookie, page_origin: str, url: str, profile: BrowserProfile, owner: str = ""
) -> Optional[CookieRefusal]:
    """Why ``profile``'s engine would not send ``cookie`` with a credentialed request to ``url``, or ``None``.

    ``owner`` is the URL whose host set the cookie (the contract's target; default ``url``):
    a host-only cookie never goes to another host, e.g. after a redirect.
    """
    target = origin_of_url(url)

    def refuse(why: str, fix: str) -> CookieRefusal:
        return CookieRefusal(cookie, url, why, fix)

    owner_host = origin_of_url(owner).host if owner else target.host
    if owner_host != target.host:
        return refuse(
            f"it belongs to {owner_host} (a host-only cookie), and this request goes to {target.host}",
            f"let {target.host} set its own cookie, or {FIX_TOKEN}",
        )

    if cookie.samesite is SameSite.NONE and not cookie.secure and profile.samesite_none_requires_secure:
        return refuse("a SameSite=None cookie without Secure is rejected when the server sets it", FIX_NONE_SECURE)
    if cookie.secure and target.scheme != "https":
        if not (_is_loopback(target.host) and profile.secure_cookies_on_loopback_http):
            return refuse("it is Secure and the request goes over plain http", FIX_HTTPS)
    if cookie.partitioned and profile.supports_partitioned_cookies and site_of(page_origin) != site_of(url):
        return refuse(
            f"it is Partitioned, so it belongs to {site_of(url)} as top-level site, and the page is on {site_of(page_origin)}",
            FIX_SAME_SITE,
        )
    if _same_site(page_origin, url, profile):
        return None
    effective = cookie.samesite or (SameSite.LAX if profile.unset_samesite_is_lax else SameSite.NONE)
    if effective is not SameSite.NONE:
        implied = "" if cookie.samesite else f" (a cookie without SameSite counts as Lax in {profile.display_name})"
        return refuse(
            f"SameSite={effective.value} cookies are not sent on a cross-site fetch() from {site_of(page_origin)} "
            f"to {site_of(url)}{implied}",
            f"{FIX_SAME_SITE}, or {FIX_NONE_SECURE}" if profile.third_party_cookies is ThirdPartyCookies.SENT else FIX_SAME_SITE + f", or {FIX_TOKEN}",
        )
    if profile.third_party_cookies is ThirdPartyCookies.BLOCKED:
        return refuse(f"{profile.display_name} blocks third-party cookies: the page's site {site_of(page_origin)} is not the API's", f"{FIX_SAME_SITE}, or {FIX_TOKEN}")
    if profile.third_party_cookies is ThirdPartyCookies.PARTITIONED:
        return refuse(
            f"{profile.display_name} partitions third-party cookies by top-level site: a cookie the API set on its own "
            f"site is not in the jar of pages on {site_of(page_origin)}",
            f"{FIX_SAME_SITE}, or {FIX_TOKEN}",
        )
    return None


def cookies_for_request(
    cookies: Sequence[Cookie], page_origin: str, url: str, profile: BrowserProfile, owner: str = ""
) -> Tuple[Optional[str], Tuple[CookieRefusal, ...]]:
    """The ``Cookie`` header value a credentialed request to ``url`` carries (``None``: no header), and the refusals."""
    sent: List[str] = []
    refused: List[CookieRefusal] = []
    for cookie in cookies:
        why = refusal(cookie, page_origin, url, profile, owner)
        if why is None:
            sent.append(f"{cookie.name}={cookie.value}")
        else:
            refused.append(why)
    return ("; ".join(sent) if sent else None), tuple(refused)


def merge_cookies(under: Iterable[Cookie], over: Iterable[Cookie]) -> Tuple[Cookie, ...]:
    """``over`` wins by name; order: ``under``'s names first (a run-wide jar under a contract's own cookies)."""
    merged = {cookie.name: cookie for cookie in under}
    for cookie in over:
        merged[cookie.name] = cookie
    return tuple(merged.values())
