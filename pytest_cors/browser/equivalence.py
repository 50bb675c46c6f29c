"""When two browser profiles provably decide a fetch() alike.

Every difference between two engines is a field of :class:`~pytest_cors.browser.profiles.BrowserProfile`.
Two profiles decide a fetch() alike (the same requests, allowed or blocked for the same reason)
when every field in which they differ cannot matter for that fetch():

* a few fields never decide anything (the names; how long a preflight is cached);
* some only matter when the fetch() has something (an ``Authorization`` header, a ``Range``
  header, a repeated header, a header one engine drops, cookies to send, a first URL at the page's own origin);
* any other difference, including a field added later, counts as mattering.

So the answer errs one way only: ``False`` when unsure. A check uses it to skip simulating the
Fetch standard (for the spec-deviation warning) when a selected browser that allowed the read
decides alike; tests/unit/check/test_shared_work.py checks it against both simulations.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Tuple

from pytest_cors.browser.exchange import FetchRequest, header_pairs, memo
from pytest_cors.browser.origins import NULL_ORIGIN, same_origin
from pytest_cors.browser.profiles import BrowserProfile

#: Fields that never change whether or why a read is blocked: what is printed, how long a preflight is cached.
NEVER_DECIDING = frozenset({"name", "display_name", "max_age_cap", "max_age_invalid", "max_age_accepts_sign"})
#: Fields read only when deciding which cookies a credentialed request carries.
COOKIE_FIELDS = frozenset(
    {
        "unset_samesite_is_lax",
        "samesite_none_requires_secure",
        "secure_cookies_on_loopback_http",
        "schemeful_same_site",
        "third_party_cookies",
        "supports_partitioned_cookies",
    }
)
#: Fields read only when the fetch() began at the page's own origin (see :mod:`pytest_cors.browser.fetch`).
BEGAN_HOME_FIELDS = frozenset({"same_origin_start_credentials_redirects", "refuses_userinfo_redirect"})
_FIELDS = tuple(field.name for field in dataclasses.fields(BrowserProfile))
#: (a, b) by identity -> the fields in which they differ that may decide, with both values (a few profile pairs per run).
#: Each entry holds ``a`` and ``b`` too: it keeps them alive, so no other profile can take their ids while it exists.
_DIFFERENCES: Dict[Tuple[int, int], Tuple[BrowserProfile, BrowserProfile, Tuple[Tuple[str, Any, Any], ...]]] = {}


def differences(a: BrowserProfile, b: BrowserProfile) -> Tuple[Tuple[str, Any, Any], ...]:
    """The fields in which ``a`` and ``b`` differ, except those that never decide: (name, a's value, b's value)."""
    kept = _DIFFERENCES.get((id(a), id(b)))
    if kept is not None:
        return kept[2]
    found = tuple(
        (name, getattr(a, name), getattr(b, name))
        for name in _FIELDS
        if name not in NEVER_DECIDING and getattr(a, name) != getattr(b, name)
    )
    _DIFFERENCES[(id(a), id(b))] = (a, b, found)
    return found


def field_matters(name: str, a: Any, b: Any, names: List[str], fetch: FetchRequest) -> bool:
    """Whether field ``name``, ``a`` in one profile and ``b`` in the other, can change ``fetch``'s verdict.

    ``names`` are the fetch()'s header names, lowercased, repeats kept.
    """
    if a == b or name in NEVER_DECIDING:
        return False
    if name == "dropped_request_headers":  # headers only one engine drops
        return bool(set(names) & (a ^ b))
    if name == "authorization_covered_by_wildcard":
        return "authorization" in names
    if name == "safelists_joined_values":  # joined or value by value: the same when no name repeats
        return len(set(names)) < len(names)
    if name in ("range_rule", "range_position_max"):
        return "range" in names
    if name in COOKIE_FIELDS:
        return fetch.credentials and bool(fetch.cookies)
    if name in BEGAN_HOME_FIELDS:  # read only on the hops of a fetch() that began at the page's own origin
        return fetch.origin != NULL_ORIGIN and same_origin(fetch.url, fetch.origin)
    return True


def decide_alike(a: BrowserProfile, b: BrowserProfile, fetch: FetchRequest) -> bool:
    """Whether ``a`` and ``b`` provably make the same requests and the same decision for ``fetch``."""
    found = differences(a, b)
    if not found:
        return True
    names = [name.lower() for name, _ in memo(fetch, "_header_pairs", lambda: header_pairs(fetch.headers))]
    return not any(field_matters(name, value_a, value_b, names, fetch) for name, value_a, value_b in found)
