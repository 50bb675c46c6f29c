"""Which trusted origins anyone can register: the ``registrable-by-anyone`` probe's reading of a contract.

Uses the Public Suffix List snapshot (:mod:`pytest_cors.browser.sites`): a pattern
over a public suffix (``https://*.github.io``), an origin that is a suffix, or an
origin on a hosting suffix of the list's private section. Pure, no I/O.
"""

from __future__ import annotations

from typing import Tuple

from pytest_cors.browser.origins import origin_of_url
from pytest_cors.browser.sites import open_registration
from pytest_cors.contract.model import ANY_ORIGIN, CorsContract, parse_origin_pattern


def registrable_by_anyone(contract: CorsContract) -> Tuple[Tuple[str, str], ...]:
    """``(trusted entry, why)`` for each allowlist entry whose site anyone can hold."""
    found = []
    for entry in contract.origins:
        if entry == ANY_ORIGIN:
            continue  # a public endpoint has its own rules ('null' has no host, so no site: never flagged)
        if "*" in entry:
            pattern = parse_origin_pattern(entry)
            why = open_registration(pattern.host, any_subdomain=pattern.any_subdomain)
        else:
            why = open_registration(origin_of_url(entry).host, any_subdomain=False)
        if why:
            found.append((entry, why))
    return tuple(found)
