"""When two profiles provably decide a fetch() alike (browser/equivalence.py), and that the proof holds.

A check skips simulating the Fetch standard when a browser that allowed the read decides alike:
"alike" must never be said of two profiles that decide differently (the differential below runs
both simulations), and must be said where the differences cannot matter (or the shortcut is lost).
"""

from __future__ import annotations

import dataclasses
from typing import Dict, List, Tuple

import pytest
from hypothesis import example, given, strategies as st

from pytest_cors.browser.cookies import Cookie, SameSite
from pytest_cors.browser.equivalence import (
    BEGAN_HOME_FIELDS,
    COOKIE_FIELDS,
    NEVER_DECIDING,
    decide_alike,
    differences,
    field_matters,
)
from pytest_cors.browser.exchange import FetchRequest, HttpRequest, HttpResponse
from pytest_cors.browser.fetch import simulate_fetch
from pytest_cors.browser.profiles import CHROME, FIREFOX, SAFARI, SPEC, BrowserProfile, ThirdPartyCookies
from pytest_cors.browser.safelist import RANGE_POSITION_MAX

PAGE = "https://app.example"
API = "https://api.example"
ACAO = "Access-Control-Allow-Origin"
SID = Cookie("sid", "1", SameSite.NONE, secure=True)


def fetch(*headers: Tuple[str, str], credentials: bool = False, jar: Tuple[Cookie, ...] = ()) -> FetchRequest:
    return FetchRequest(f"{API}/x", PAGE, "PUT", tuple(headers), credentials, None, jar)


# --- the fields in which two profiles differ ----------------------------------------------------


def test_the_differences_are_the_deciding_fields_in_field_order_with_both_values():
    assert differences(CHROME, SPEC) == (
        ("authorization_covered_by_wildcard", True, False),
        ("dropped_request_headers", frozenset({"user-agent"}), frozenset()),
        ("safelists_joined_values", True, False),
        ("range_position_max", 2**63 - 2, RANGE_POSITION_MAX),
        ("refuses_userinfo_redirect", True, False),
        ("third_party_cookies", ThirdPartyCookies.BLOCKED, ThirdPartyCookies.SENT),
    )
    assert differences(SPEC, CHROME)[0] == ("authorization_covered_by_wildcard", False, True)
    assert differences(SPEC, SPEC) == ()


@pytest.mark.parametrize("name", sorted(BEGAN_HOME_FIELDS))
def test_fields_of_a_fetch_begun_at_the_page_origin_matter_only_there(name):
    other = dataclasses.replace(SPEC, name="x", **{name: not getattr(SPEC, name)})
    assert decide_alike(other, SPEC, fetch(("Authorization", "x"), credentials=True))  # begins at the API
    home = FetchRequest(f"{PAGE}/start", PAGE, "PUT")
    assert not decide_alike(other, SPEC, home)
    assert decide_alike(other, SPEC, dataclasses.replace(home, origin="null", url="https://app.example/start"))


def test_names_and_cache_times_are_no_difference():
    renamed = dataclasses.replace(
        SPEC, name="x", display_name="X", max_age_cap=600, max_age_invalid=0, max_age_accepts_sign=True
    )
    assert differences(renamed, SPEC) == ()
    assert decide_alike(renamed, SPEC, fetch(("Authorization", "x"), ("Range", "bytes=0-"), credentials=True, jar=(SID,)))


def test_the_differences_of_a_pair_are_the_same_when_asked_again():
    a, b = dataclasses.replace(SPEC, taints_preflight_origin=False), dataclasses.replace(SPEC, name="b")
    assert differences(a, b) == differences(a, b) == (("taints_preflight_origin", False, True),)
    assert differences(b, a) == (("taints_preflight_origin", True, False),)


# --- when a field can change a fetch()'s verdict --------------------------------------------------


def test_a_field_that_never_decides_or_does_not_differ_never_matters():
    for name in NEVER_DECIDING:
        assert field_matters(name, 1, 2, ["authorization", "range", "x", "x"], fetch()) is False, name
    assert field_matters("message_style", "chrome", "chrome", [], fetch()) is False


def test_a_dropped_header_matters_only_when_one_engine_alone_drops_a_header_the_fetch_has():
    ua, none, both = frozenset({"user-agent"}), frozenset(), frozenset({"user-agent", "x-b"})
    assert field_matters("dropped_request_headers", ua, none, ["user-agent"], fetch()) is True
    assert field_matters("dropped_request_headers", none, ua, ["x-a", "user-agent"], fetch()) is True
    assert field_matters("dropped_request_headers", ua, none, ["x-a"], fetch()) is False
    assert field_matters("dropped_request_headers", ua, both, ["user-agent"], fetch()) is False  # both drop it
    assert field_matters("dropped_request_headers", ua, both, ["x-b"], fetch()) is True


def test_authorization_under_the_wildcard_matters_only_with_an_authorization_header():
    assert field_matters("authorization_covered_by_wildcard", True, False, ["authorization"], fetch()) is True
    assert field_matters("authorization_covered_by_wildcard", True, False, ["x-token", "range"], fetch()) is False


def test_joined_or_value_by_value_matters_only_when_a_name_repeats():
    assert field_matters("safelists_joined_values", True, False, ["accept", "x", "accept"], fetch()) is True
    assert field_matters("safelists_joined_values", True, False, ["accept", "x"], fetch()) is False
    assert field_matters("safelists_joined_values", True, False, [], fetch()) is False


def test_the_range_rules_matter_only_with_a_range_header():
    for name, a, b in (("range_rule", "spec", "webkit"), ("range_position_max", 2**32 - 1, RANGE_POSITION_MAX)):
        assert field_matters(name, a, b, ["range"], fetch()) is True, name
        assert field_matters(name, a, b, ["x-range", "accept"], fetch()) is False, name


def test_a_cookie_rule_matters_only_for_a_credentialed_fetch_with_cookies_to_send():
    for name in COOKIE_FIELDS:
        assert field_matters(name, True, False, [], fetch(credentials=True, jar=(SID,))) is True, name
        assert field_matters(name, True, False, [], fetch(credentials=True)) is False, name
        assert field_matters(name, True, False, [], fetch(jar=(SID,))) is False, name


def test_any_other_difference_matters_whatever_the_fetch():
    for name in ("message_style", "preflight_order", "taints_preflight_origin", "non_ascii_unsafe", "a_field_added_later"):
        assert field_matters(name, True, False, [], fetch()) is True, name


# --- decide_alike: the whole fetch() -------------------------------------------------------------


def test_what_decides_alike_and_what_does_not():
    assert decide_alike(CHROME, CHROME, fetch(("Authorization", "x"), ("User-Agent", "x")))
    assert decide_alike(CHROME, SPEC, fetch(("X-Request-Id", "1"), ("Content-Type", "application/json")))
    assert decide_alike(CHROME, SPEC, fetch(credentials=True))  # credentials without cookies to send
    assert decide_alike(SPEC, CHROME, fetch(jar=(SID,)))  # cookies, but not sent without credentials
    assert not decide_alike(CHROME, SPEC, fetch(("Authorization", "Bearer x")))  # covered by '*' in Chrome only
    assert not decide_alike(CHROME, SPEC, fetch(("AUTHORIZATION", "Bearer x")))  # names in any case
    assert not decide_alike(CHROME, SPEC, fetch(("User-Agent", "x")))  # Chrome drops it
    assert not decide_alike(CHROME, SPEC, fetch(("X-A", "1"), ("x-a", "2")))  # joined or value by value
    assert not decide_alike(CHROME, SPEC, fetch(("Range", "bytes=0-")))
    assert not decide_alike(CHROME, SPEC, fetch(credentials=True, jar=(SID,)))  # third-party cookies
    assert not decide_alike(FIREFOX, SPEC, fetch())  # another engine's checks and messages
    assert not decide_alike(SAFARI, CHROME, fetch())


def test_a_header_mapping_is_read_like_pairs():
    mapping = FetchRequest(f"{API}/x", PAGE, "PUT", {"Authorization": "x"})  # type: ignore[arg-type]
    assert not decide_alike(CHROME, SPEC, mapping)
    assert decide_alike(CHROME, SPEC, FetchRequest(f"{API}/x", PAGE, "PUT", {"X-Token": "x"}))  # type: ignore[arg-type]


# --- the proof holds: profiles said to decide alike do, simulated -------------------------------

#: The four profiles and, for each deciding difference, the standard with one browser's value of it.
VARIANTS: Tuple[BrowserProfile, ...] = (CHROME, FIREFOX, SAFARI, SPEC) + tuple(
    dataclasses.replace(SPEC, name=f"spec-{name}-{browser.name}", **{name: value})
    for browser in (CHROME, FIREFOX, SAFARI)
    for name, value, _ in differences(browser, SPEC)
)

cors_values: Dict[str, List[str]] = {
    ACAO: [PAGE, "*", "null"],
    "Access-Control-Allow-Credentials": ["true"],
    "Access-Control-Allow-Methods": ["PUT, patch", "*"],
    "Access-Control-Allow-Headers": ["*", "x-token, range, user-agent", "authorization, *", "accept"],
    "Access-Control-Expose-Headers": ["*", "x-token"],
    "Location": [f"{API}/next", "https://api2.example/hop"],
    "X-Token": ["1"],
}
response_headers = st.lists(
    st.sampled_from(sorted(cors_values)).flatmap(lambda name: st.tuples(st.just(name), st.sampled_from(cors_values[name]))),
    max_size=5,
)
answers = st.builds(
    lambda status, good, headers: HttpResponse(status, ((ACAO, PAGE),) * good + tuple(headers)),
    st.sampled_from([200, 204, 302, 303, 307, 500]),
    st.integers(0, 1),
    response_headers,
)
request_headers = st.lists(
    st.tuples(
        st.sampled_from(["X-Token", "Authorization", "Accept", "accept", "Range", "User-Agent", "Content-Type"]),
        st.sampled_from(["1", "text/plain", "bytes=0-", "bytes=5-0", f"bytes=0-{2**33}", "a,b", "caf\u00e9"]),
    ),
    max_size=3,
)
scenarios = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["GET", "POST", "PUT", "patch"]),
        "headers": request_headers,
        "credentials": st.booleans(),
        "cookies": st.sampled_from([(), (SID,), (Cookie("lax", "1"),)]),
        "preflight": answers,
        "actual": answers,
    }
)


def scenario(headers=(), preflight=((ACAO, PAGE), ("Access-Control-Allow-Methods", "PUT")), credentials=False, cookies=()):
    """A scenario in which two of the variants decide differently (the differential must see each)."""
    return {
        "method": "PUT", "headers": list(headers), "credentials": credentials, "cookies": cookies,
        "preflight": HttpResponse(204, tuple(preflight)),
        "actual": HttpResponse(200, ((ACAO, PAGE), ("Access-Control-Allow-Credentials", "true"))),
    }


EXAMPLES = [
    scenario([("Authorization", "x")], ((ACAO, PAGE), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "*"))),
    scenario([("User-Agent", "x")]),
    scenario([("Accept", "a" * 100), ("accept", "b" * 100)]),  # 128 bytes at most: joined, the value is too long
    scenario([("Range", "bytes=5-0")]),
    scenario([("Range", f"bytes=0-{2**33}")]),
    scenario(credentials=True, cookies=(SID,)),
]


def decision(fetch_request: FetchRequest, profile: BrowserProfile, generated: Dict) -> Tuple:
    """What ``profile`` sends and decides, each response a fresh copy (nothing parsed by another profile)."""

    def send(request: HttpRequest) -> HttpResponse:
        return dataclasses.replace(generated["preflight"] if request.method == "OPTIONS" else generated["actual"])

    verdict = simulate_fetch(fetch_request, profile, send)
    return verdict.allowed, verdict.failure, verdict.message, tuple(verdict.readable_headers.items()), verdict.exchanges


def with_examples(test):
    for one in EXAMPLES:
        test = example(one)(test)
    return test


def test_each_example_is_decided_differently_by_some_variants():
    for generated in EXAMPLES:
        request = FetchRequest(f"{API}/x", PAGE, "PUT", tuple(generated["headers"]), generated["credentials"], None, generated["cookies"])
        assert len({decision(request, profile, generated) for profile in VARIANTS}) > 1, generated["headers"]


@with_examples
@given(scenarios)
def test_profiles_said_to_decide_alike_make_the_same_requests_and_decision(generated):
    request = FetchRequest(
        f"{API}/x", PAGE, generated["method"], tuple(generated["headers"]), generated["credentials"], None, generated["cookies"]
    )
    decisions = {profile.name: decision(request, profile, generated) for profile in VARIANTS}
    for a in VARIANTS:
        for b in VARIANTS:
            if decide_alike(a, b, request):
                assert decisions[a.name] == decisions[b.name], (a.name, b.name)
