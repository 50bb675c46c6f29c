"""A check shares work between its browser profiles, and the sharing never changes a verdict.

check_case simulates one fetch() per profile over one set of responses (CachingSender); what
does not depend on the engine (a response's CORS headers parsed, the fetch()'s header pairs, the
origin of a URL) is computed once. Each generated scenario is checked both ways: through
check_case, and each profile alone with its own copies of the fetch() and of every response.
The Fetch standard's own simulation (for the spec-deviation warning) is skipped when a selected
browser that allowed the read provably decides alike; generated scenarios check that proof too.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Dict, List, Tuple
from unittest import mock

from hypothesis import example as hypothesis_example, given, strategies as st

from pytest_cors.browser import cors_headers as cors_headers_module
from pytest_cors.browser.cookies import Cookie, SameSite
from pytest_cors.browser.equivalence import decide_alike
from pytest_cors.browser.exchange import FetchRequest, HttpRequest, HttpResponse
from pytest_cors.browser.fetch import simulate_fetch
from pytest_cors.browser.profiles import PROFILES
from pytest_cors.check import case as case_module
from pytest_cors.check.case import check_case
from pytest_cors.contract.model import ContractCase, CorsContract

PAGE = "https://app.example"
API = "https://api.example"
ALL = tuple(PROFILES.values())
BROWSERS = tuple(PROFILES[name] for name in ("chrome", "firefox", "safari"))

ACAO = "Access-Control-Allow-Origin"
cors_values = {
    ACAO: [PAGE, "*", "https://evil.example", "null", f"{PAGE}, {PAGE}"],
    "Access-Control-Allow-Credentials": ["true", "false", " true "],
    "Access-Control-Allow-Methods": ["PUT, DELETE, patch", "*", "GET", "PUT,,", "P(T"],
    "Access-Control-Allow-Headers": ["X-Token, Content-Type, Range", "*", "authorization, *", "x-token", "a b"],
    "Access-Control-Max-Age": ["600", "-1", "+5", "99999999", "x"],
    "Access-Control-Expose-Headers": ["X-Token", "*", "x-token, set-cookie", "a b"],
    "Location": [f"{API}/next", "https://api2.example/hop", "/relative", "ftp://x", "https://u:p@api.example/"],
    "X-Token": ["1"],
    "Set-Cookie": ["a=1"],
}
response_headers = st.lists(
    st.sampled_from(sorted(cors_values)).flatmap(lambda name: st.tuples(st.just(name), st.sampled_from(cors_values[name]))),
    max_size=7,
)
responses = st.builds(
    lambda status, headers, good: HttpResponse(status, ((ACAO, PAGE),) * good + tuple(headers)),
    st.sampled_from([200, 204, 301, 302, 303, 307, 400, 500]),
    response_headers,
    st.integers(0, 1),
)
#: Answers that let most fetches through, so that the later checks (methods, headers, exposure) are reached.
passing = st.builds(
    lambda status, methods, headers, extra: HttpResponse(
        status,
        ((ACAO, PAGE), ("Access-Control-Allow-Credentials", "true"), ("Access-Control-Allow-Methods", methods),
         ("Access-Control-Allow-Headers", headers), ("Vary", "Origin"), *extra),
    ),
    st.sampled_from([200, 204]),
    st.sampled_from(["PUT, patch", "*", "GET"]),
    st.sampled_from(["*", "X-Token, Content-Type, Range, Authorization, User-Agent", "x-token", "authorization, *"]),
    st.lists(st.sampled_from(sorted(cors_values)).flatmap(lambda name: st.tuples(st.just(name), st.sampled_from(cors_values[name]))), max_size=2),
)
answers = st.one_of(passing, passing, responses)
request_headers = st.lists(
    st.tuples(
        st.sampled_from(["X-Token", "x-token", "Content-Type", "Authorization", "Accept", "Range", "User-Agent"]),
        st.sampled_from(["1", "text/plain", "application/json", "bytes=0-", "a,b", "caf\u00e9"]),
    ),
    max_size=3,
)
cookies = st.sampled_from([(), (Cookie("sid", "s3cret", SameSite.NONE, secure=True),), (Cookie("lax", "1"),)])
scenarios = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["GET", "POST", "PUT", "patch"]),
        "headers": request_headers,
        "credentials": st.booleans(),
        "body": st.sampled_from([None, "hi"]),
        "cookies": cookies,
        "preflights": st.lists(answers, min_size=1, max_size=3),
        "actuals": st.lists(answers, min_size=1, max_size=3),
    }
)


class Server:
    """Answers by method and URL, the same way every time; ``fresh`` hands out a new copy of each response."""

    def __init__(self, scenario: Dict, *, fresh: bool) -> None:
        self.preflights: List[HttpResponse] = scenario["preflights"]
        self.actuals: List[HttpResponse] = scenario["actuals"]
        self.fresh = fresh

    def __call__(self, request: HttpRequest) -> HttpResponse:
        answers = self.preflights if request.method == "OPTIONS" else self.actuals
        answer = answers[sum(map(ord, request.url)) % len(answers)]
        return dataclasses.replace(answer) if self.fresh else answer


def contract_case(scenario: Dict) -> ContractCase:
    contract = CorsContract(
        name="generated", path="/x", origins=(PAGE,), methods=(scenario["method"],),
        request_headers=tuple(scenario["headers"]), credentials=scenario["credentials"], body=scenario["body"],
        cookies=scenario["cookies"],
    )
    return ContractCase(contract, PAGE, scenario["method"], True)


def alone(scenario: Dict, profile) -> Tuple:
    """The profile's verdict with nothing shared: its own fetch() value and its own copy of every response."""
    fetch = FetchRequest(
        f"{API}/x", PAGE, scenario["method"], tuple(scenario["headers"]), scenario["credentials"], scenario["body"],
        scenario["cookies"],
    )
    return simulate_fetch(fetch, profile, Server(scenario, fresh=True))


@given(scenarios)
def test_every_profile_decides_as_it_does_alone(scenario):
    result = check_case(contract_case(scenario), Server(scenario, fresh=False), API, ALL)
    for profile, shared in zip(ALL, result.verdicts):
        single = alone(scenario, profile)
        # every field: allowed, failure (the blocking reason), message, readable headers, warnings, exchanges
        assert shared == single, profile.name
        assert shared.message == single.message and shared.readable_headers == single.readable_headers


def test_a_responses_cors_headers_are_parsed_once_per_case(monkeypatch):
    parsed: List[HttpResponse] = []
    parse = cors_headers_module._parse
    monkeypatch.setattr(cors_headers_module, "_parse", lambda response: parsed.append(response) or parse(response))
    preflight = HttpResponse(204, ((ACAO, PAGE), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-Token")))
    actual = HttpResponse(200, ((ACAO, PAGE), ("Access-Control-Expose-Headers", "X-Token"), ("X-Token", "1")))
    scenario = {"preflights": [preflight], "actuals": [actual]}
    case = contract_case({"method": "PUT", "headers": [("X-Token", "1")], "credentials": False, "body": None, "cookies": ()})
    result = check_case(case, Server(scenario, fresh=False), API, ALL)
    assert all(v.allowed and v.readable_headers == {"x-token": "1"} for v in result.verdicts)
    assert parsed == [preflight, actual]  # four profiles, two responses, two parses


def test_readable_headers_are_each_verdicts_own():
    actual = HttpResponse(200, ((ACAO, PAGE), ("Access-Control-Expose-Headers", "X-Token"), ("X-Token", "1")))
    case = contract_case({"method": "GET", "headers": [], "credentials": False, "body": None, "cookies": ()})
    first, second = check_case(case, Server({"preflights": [actual], "actuals": [actual]}, fresh=False), API, ALL).verdicts[:2]
    first.readable_headers["x-token"] = "changed by a caller"
    assert second.readable_headers == {"x-token": "1"}


# --- the Fetch standard's simulation is skipped when a selected browser provably decides alike ---------------

VARIANTS = ALL + (
    dataclasses.replace(PROFILES["spec"], name="spec-cached-longer", max_age_cap=600, max_age_accepts_sign=True),
    dataclasses.replace(PROFILES["chrome"], name="chrome-no-ua-drop", dropped_request_headers=frozenset()),
    dataclasses.replace(PROFILES["spec"], name="spec-sticky", preflight_sticky_after_redirect=True),
)


def decision(verdict) -> Tuple:
    return verdict.allowed, verdict.failure, verdict.message, verdict.readable_headers, verdict.exchanges


def example(method, headers, preflight=(), actual=((ACAO, PAGE), ("Vary", "Origin")), credentials=False, jar=()):
    """A scenario in which Chrome and the standard decide differently, for a reason decide_alike must see."""
    return {
        "method": method, "headers": list(headers), "credentials": credentials, "body": None, "cookies": jar,
        "preflights": [HttpResponse(204 if preflight else 404, tuple(preflight))], "actuals": [HttpResponse(200, actual)],
    }


EXAMPLES = [
    example("PUT", [("Authorization", "Bearer x")], ((ACAO, PAGE), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "*"))),
    example("GET", [("User-Agent", "x")]),
    example("GET", [("Content-Type", "text/plain"), ("content-type", "text/plain")]),
    example("GET", [("Range", f"bytes=0-{2**63 - 1}")]),
    example("GET", [], actual=((ACAO, PAGE), ("Access-Control-Allow-Credentials", "true")), credentials=True, jar=(Cookie("sid", "1", SameSite.NONE, secure=True),)),
]


def with_examples(test):
    for scenario in EXAMPLES:
        test = hypothesis_example(scenario)(test)
    return test


@with_examples
@given(scenarios)
def test_profiles_said_to_decide_alike_do(scenario):
    fetch = FetchRequest(
        f"{API}/x", PAGE, scenario["method"], tuple(scenario["headers"]), scenario["credentials"], scenario["body"],
        scenario["cookies"],
    )
    decisions = {profile: decision(alone(scenario, profile)) for profile in VARIANTS}
    for a, b in itertools.product(VARIANTS, repeat=2):
        if decide_alike(a, b, fetch):
            assert decisions[a] == decisions[b], (a.name, b.name)


def test_the_examples_do_tell_chrome_from_the_standard():
    for scenario in EXAMPLES:
        assert decision(alone(scenario, PROFILES["chrome"])) != decision(alone(scenario, PROFILES["spec"]))


def test_what_decides_alike_and_what_does_not():
    chrome, spec = PROFILES["chrome"], PROFILES["spec"]

    def fetch(*headers, credentials=False, jar=()):
        return FetchRequest(f"{API}/x", PAGE, "PUT", tuple(headers), credentials, None, jar)

    assert decide_alike(chrome, spec, fetch(("X-Request-Id", "1"), ("Content-Type", "application/json")))
    assert decide_alike(chrome, spec, fetch(credentials=True))  # credentials without cookies to send
    assert not decide_alike(chrome, spec, fetch(("Authorization", "Bearer x")))  # covered by '*' in Chrome only
    assert not decide_alike(chrome, spec, fetch(("User-Agent", "x")))  # Chrome drops it
    assert not decide_alike(chrome, spec, fetch(("X-A", "1"), ("x-a", "2")))  # joined or value by value
    assert not decide_alike(chrome, spec, fetch(("Range", "bytes=0-")))
    assert not decide_alike(chrome, spec, fetch(credentials=True, jar=(Cookie("sid", "1"),)))  # third-party cookies
    assert not decide_alike(PROFILES["firefox"], spec, fetch())  # another engine's checks and messages


@with_examples
@given(scenarios)
def test_the_spec_warning_is_the_one_the_standards_own_simulation_gives(scenario):
    case = contract_case(scenario)
    shortcut = check_case(case, Server(scenario, fresh=False), API, BROWSERS)
    with mock.patch.object(case_module, "decide_alike", lambda *args: False):
        simulated = check_case(case, Server(scenario, fresh=False), API, BROWSERS)
    assert shortcut == simulated


def test_a_case_decided_as_the_standard_decides_it_simulates_no_standard_fetch():
    simulated: List[str] = []

    def counting(fetch, profile, send):
        simulated.append(profile.name)
        return simulate_fetch(fetch, profile, send)

    preflight = HttpResponse(204, ((ACAO, PAGE), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-Token")))
    scenario = {"preflights": [preflight], "actuals": [HttpResponse(200, ((ACAO, PAGE), ("Vary", "Origin")))]}
    case = contract_case({"method": "PUT", "headers": [("X-Token", "1")], "credentials": False, "body": None, "cookies": ()})
    with mock.patch.object(case_module, "simulate_fetch", counting):
        result = check_case(case, Server(scenario, fresh=False), API, BROWSERS)
    assert result.passed and result.spec_warning is None
    assert simulated == ["chrome", "firefox", "safari"]
