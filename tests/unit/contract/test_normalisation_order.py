"""Normalising validators judge a contract the same whatever the order and letter case of its entries.

Methods (the six Fetch normalises), header names and origins (scheme, host, default port) are
compared after normalisation; a duplicate, a forbidden entry or an origin both allowed and denied
must be caught in any order and any casing, and an accepted contract must read the same.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from hypothesis import given, strategies as st

from pytest_cors.contract.schema import ContractError, parse_contract

NORMALISED_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]
HEADER_NAMES = ["X-Trace", "Content-Type", "Authorization", "X-Api-Key", "Cookie", "Sec-Fetch-Mode", "Proxy-Thing"]
#: (spellings of one origin): every spelling serialises to the first.
ORIGINS = [
    ["https://app.example.com", "HTTPS://APP.EXAMPLE.COM", "https://App.Example.com:443"],
    ["http://localhost:3000", "HTTP://LocalHost:3000"],
    ["https://admin.example.com", "https://ADMIN.example.COM:443"],
    ["http://shop.example.org", "http://shop.example.org:80", "Http://Shop.Example.Org"],
]


def recase(draw: Any, text: str) -> str:
    flags = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.swapcase() if flip else c for c, flip in zip(text, flags))


def verdict(data: Dict[str, Any]) -> Tuple[str, Optional[Tuple[Any, ...]]]:
    """('ok', normalised entries as sets) or ('error', the kind of error).

    With several problems the first one reported follows the order of the entries, so the
    order-independence test compares only accepted / refused (``judged``).
    """
    try:
        contract = parse_contract(data, where="test")
    except ContractError as exc:
        message = str(exc)
        kind = next(
            (k for k in ("listed twice", "forbidden", "both allowed", "deny_origins can never") if k in message), message
        )
        return "error", (kind,)
    return "ok", (
        frozenset(contract.methods),
        frozenset(name.lower() for name, _ in contract.request_headers),
        frozenset(contract.origins),
        frozenset(contract.deny_origins),
    )


@st.composite
def two_spellings(draw: Any) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """One contract written twice: entries shuffled and recased, equivalent origin spellings swapped."""
    methods = draw(st.lists(st.sampled_from(NORMALISED_METHODS), min_size=1, max_size=4))
    headers = draw(st.lists(st.sampled_from(HEADER_NAMES), max_size=3))
    allowed = draw(st.lists(st.integers(0, len(ORIGINS) - 1), min_size=1, max_size=3))
    denied = draw(st.lists(st.integers(0, len(ORIGINS) - 1), max_size=2))

    def spelled(entries: List[str]) -> List[str]:
        return draw(st.permutations([recase(draw, e) for e in entries]))

    def origins(indexes: List[int]) -> List[str]:
        return draw(st.permutations([draw(st.sampled_from(ORIGINS[i])) for i in indexes]))

    def one() -> Dict[str, Any]:
        data: Dict[str, Any] = {"path": "/api", "methods": spelled(methods), "origins": origins(allowed)}
        if headers:
            data["request_headers"] = spelled(headers)
        if denied:
            data["deny_origins"] = origins(denied)
        return data

    return one(), one()


def judged(data: Dict[str, Any]) -> Tuple[str, Optional[Tuple[Any, ...]]]:
    outcome, detail = verdict(data)
    return (outcome, detail) if outcome == "ok" else (outcome, None)


@given(two_spellings())
def test_any_order_and_casing_of_equivalent_entries_gets_the_same_verdict(pair):
    first, second = pair
    assert judged(first) == judged(second), (first, second)


@given(st.permutations(["get", "Get", "POST"]))
def test_a_method_listed_twice_in_different_cases_is_caught_in_any_order(methods):
    assert verdict({"path": "/api", "methods": methods, "origins": ["https://a.example.com"]}) == ("error", ("listed twice",))


@given(st.permutations(["X-Trace", "x-trace", "Content-Type"]))
def test_a_header_listed_twice_in_different_cases_is_caught_in_any_order(headers):
    data = {"path": "/api", "request_headers": headers, "origins": ["https://a.example.com"]}
    assert verdict(data) == ("error", ("listed twice",))


@given(st.permutations(["https://a.example.com", "HTTPS://A.EXAMPLE.COM:443", "https://b.example.com"]))
def test_an_origin_listed_twice_in_two_spellings_is_caught_in_any_order(origins):
    assert verdict({"path": "/api", "origins": origins}) == ("error", ("listed twice",))


def test_patch_is_case_sensitive_so_patch_and_PATCH_are_two_methods():
    """Fetch normalises only six methods: 'patch' is sent as written, a different method from 'PATCH'."""
    contract = parse_contract({"path": "/api", "methods": ["patch", "PATCH"], "origins": ["https://a.example.com"]})
    assert contract.methods == ("patch", "PATCH")


def test_an_origin_allowed_and_denied_in_two_spellings_is_refused():
    data = {"path": "/api", "origins": ["https://a.example.com"], "deny_origins": ["HTTPS://A.example.com:443"]}
    assert verdict(data) == ("error", ("both allowed",))


# --- the other case-insensitive rules (added with the contract mutation run, docs/mutation/contract.md) ---


@st.composite
def recased(draw: Any, words: List[str]) -> str:
    return recase(draw, draw(st.sampled_from(words)))


@given(recased(["Set-Cookie", "Set-Cookie2"]), st.permutations(["X-A", "X-B"]), st.integers(0, 2))
def test_set_cookie_is_never_exposable_in_any_casing_or_position(name, others, index):
    headers = list(others)
    headers.insert(index, name)
    try:
        parse_contract({"path": "/api", "origins": ["https://a.example.com"], "expose_headers": headers})
    except ContractError as exc:
        assert exc.message == f"expose_headers: {name!r} is never readable by JavaScript, whatever the server sends"
    else:
        raise AssertionError(f"{name} accepted")


@given(recased(["CONNECT", "TRACE", "TRACK"]))
def test_forbidden_methods_are_refused_in_any_casing(method):
    try:
        parse_contract({"path": "/api", "origins": ["https://a.example.com"], "methods": ["GET", method]})
    except ContractError as exc:
        assert exc.message == f"methods: {method!r} is a forbidden method; fetch() refuses to send it"
    else:
        raise AssertionError(f"{method} accepted")


@given(recased(["https://*.example.com", "https://example.com:*", "http://*.example.org:8080"]))
def test_an_origin_pattern_in_any_casing_is_stored_as_the_same_pattern(pattern):
    contract = parse_contract({"path": "/api", "origins": [pattern]})
    assert contract.origins == (pattern.lower(),)


@given(recased(["strict", "lax", "none"]), st.sampled_from(["", " ", "\t"]))
def test_a_cookie_samesite_in_any_casing_and_padding_is_the_same_attribute(samesite, pad):
    data = {"path": "/api", "origins": ["https://a.example.com"], "credentials": True}
    cookies = parse_contract({**data, "cookies": {"sid": {"value": "v", "samesite": pad + samesite + pad, "secure": True}}}).cookies
    assert cookies[0].samesite.value.lower() == samesite.lower()
