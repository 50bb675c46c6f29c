"""The observed CORS policy of one contract case, normalised so that equal policies compare equal.

A lockfile entry records, per browser, whether the page may read the response,
and the CORS response headers of the preflight and the actual response. Lists
(methods, header names, Vary) are sorted and de-duplicated and header names
lower-cased, so reordering ``GET, POST`` to ``POST, GET`` is no change at all.
Entries are plain dicts of strings, ints and bools: they go into YAML, travel
through pytest-xdist's report serialisation and compare with ``==``.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from pytest_cors.browser.exchange import Exchange, HttpResponse
from pytest_cors.browser.rules import ACAC, ACAH, ACAM, ACAO, ACEH, ACMA
from pytest_cors.check.case import CaseResult
from pytest_cors.contract.model import ContractCase

#: Plain data of one lockfile entry (see :func:`observed_policy`).
PolicyEntry = Dict[str, object]

ALLOWED = "allowed"
BLOCKED = "blocked"
#: The headers a lockfile records, in the order they are shown.
RECORDED_HEADERS = (ACAO, ACAC, ACAM, ACAH, ACEH, ACMA, "Vary")
#: Headers whose value is a comma-separated list compared as a set of lower-cased names.
NAME_LISTS = frozenset({ACAH.lower(), ACEH.lower(), "vary"})
#: Methods are case-sensitive in CORS (a custom ``patch`` is not ``PATCH``): sorted, case kept.
METHOD_LISTS = frozenset({ACAM.lower()})
#: The two exchanges a case may make, in order.
EXCHANGE_KINDS = ("preflight", "actual")


def case_key(case: ContractCase) -> str:
    """The key of a case inside its contract: ``GET https://app.example.com``."""
    return f"{case.method} {case.origin}"


def _split(value: str) -> List[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def normalise_header(name: str, lines: Sequence[str]) -> object:
    """One recorded header's value in its comparable form (``None`` when absent)."""
    if not lines:
        return None
    lowered = name.lower()
    joined = ", ".join(line.strip() for line in lines)
    if lowered == ACMA.lower():
        text = joined.strip()
        return int(text) if text.isdigit() else text
    if lowered in NAME_LISTS:
        return ", ".join(sorted({item.lower() for item in _split(joined)}))
    if lowered in METHOD_LISTS:
        return ", ".join(sorted(set(_split(joined))))
    return joined


def normalised_headers(response: HttpResponse) -> Dict[str, object]:
    """The recorded CORS headers of one response, keyed by lower-case header name; absent ones left out."""
    headers: Dict[str, object] = {}
    for name in RECORDED_HEADERS:
        value = normalise_header(name, response.header_lines(name))
        if value is not None:
            headers[name.lower()] = value
    return headers


def _first(exchanges: Sequence[Exchange], kind: str) -> Optional[Exchange]:
    return next((e for e in exchanges if e.kind == kind), None)


def observed_policy(result: CaseResult) -> PolicyEntry:
    """What one case observed: expectation, each browser's decision, the CORS headers of each exchange."""
    entry: PolicyEntry = {
        "expected": ALLOWED if result.case.expect_allowed else BLOCKED,
        "browsers": {v.profile: ALLOWED if v.allowed else BLOCKED for v in result.verdicts},
    }
    exchanges = result.exchanges
    for kind in EXCHANGE_KINDS:
        exchange = _first(exchanges, kind)
        if exchange is not None:
            entry[kind] = normalised_headers(exchange.response)
    return entry


def preflight_max_age(result: CaseResult) -> PolicyEntry:
    """Only the preflight's Max-Age, in the entry's shape: what the matrix shows when no lockfile is used."""
    preflight = _first(result.exchanges, "preflight")
    if preflight is None:
        return {}
    value = normalise_header(ACMA, preflight.response.header_lines(ACMA))
    return {"preflight": {} if value is None else {ACMA.lower(): value}}


def entry_headers(entry: PolicyEntry, kind: str) -> Optional[Dict[str, object]]:
    """The recorded headers of one exchange kind, or None when that exchange was not made."""
    value = entry.get(kind)
    return dict(value) if isinstance(value, dict) else None


def entry_browsers(entry: PolicyEntry) -> Dict[str, str]:
    """Each browser's recorded decision."""
    value = entry.get("browsers")
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def list_items(value: object) -> Tuple[str, ...]:
    """A recorded list header as its items (``None`` -> nothing)."""
    if value is None:
        return ()
    return tuple(_split(str(value)))
