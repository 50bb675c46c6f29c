"""A check shares work between its browser profiles, and the sharing never changes a verdict.

check_case simulates one fetch() per profile over one set of responses (CachingSender); what
does not depend on the engine (a response's CORS headers parsed, the fetch()'s header pairs, the
origin of a URL) is computed once. Each generated scenario is checked both ways: through
check_case, and each profile alone with its own copies of the fetch() and of every response.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, List, Tuple

from hypothesis import given, strategies as st

from pytest_cors.browser import cors_headers as cors_headers_module
from pytest_cors.browser.cookies import Cookie, SameSite
from pytest_cors.browser.exchange import FetchRequest, HttpRequest, HttpResponse
from pytest_cors.browser.fetch import simulate_fetch
from pytest_cors.browser.profiles import PROFILES
from pytest_cors.check.case import check_case
from pytest_cors.contract.model import ContractCase, CorsContract

PAGE = "https://app.example"
API = "https://api.example"
ALL = tuple(PROFILES.values())

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
        "preflights": st.lists(responses, min_size=1, max_size=3),
        "actuals": st.lists(responses, min_size=1, max_size=3),
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
