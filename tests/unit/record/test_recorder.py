"""Recording one endpoint of a real WSGI app in-process: the probed cells, the contract data, notes and deny origins."""

from __future__ import annotations

from typing import Any, Dict, List

from pytest_cors.record.probe import Outcome, Request

from .servers import Grant, Server, Target, serve

A, B, C = "https://app.example.com", "https://admin.example.com", "https://other.example.org"
#: The deny origins the audit probes of a contract allowing only A give, each refused today.
PROBES_OF_A = [
    ("https://evil.invalid", "audit probe reflect-any-origin: refused today"),
    ("null", "audit probe null-origin: refused today"),
    ("https://app.example.com.evil.invalid", "audit probe prefix-lookalike of https://app.example.com: refused today"),
    ("https://evilapp.example.com", "audit probe suffix-lookalike of https://app.example.com: refused today"),
    ("https://appxexample.com", "audit probe unescaped-dot of https://app.example.com: refused today"),
    ("https://evil.app.example.com", "audit probe untrusted-subdomain of https://app.example.com: refused today"),
    ("http://app.example.com", "audit probe scheme-downgrade of https://app.example.com: refused today"),
    ("https://app.example.com:8443", "audit probe port-confusion of https://app.example.com: refused today"),
    ("https://app.example.com_.evil.invalid", "audit probe special-characters of https://app.example.com: refused today"),
]
BLOCKED_GET = ("Access to fetch at 'http://testserver/u' from origin '{}' has been blocked by CORS policy: "
               "No 'Access-Control-Allow-Origin' header is present on the requested resource.")


def cells(recorded: Any) -> List[tuple]:
    return [(c.origin, c.method, c.outcome, c.shape, c.notes) for c in recorded.cells]


def deny(data: Dict[str, Any], comments: Dict[str, str]) -> List[tuple]:
    return [(origin, comments.get(origin)) for origin in data.get("deny_origins", [])]


def test_a_refused_origin_and_one_refused_attacker_origin_per_probe_become_deny_origins():
    server = Server({A: Grant(("GET", "POST"), ("Authorization",), True, "X-Total-Count", "600")})
    [item] = Target(server).record("/u", [A, C], ["GET", "POST"], ["Authorization"], True).contracts
    assert deny(item.data, item.deny_comments) == [(C, "one of --origin: refused today")] + PROBES_OF_A
    assert {k: v for k, v in item.data.items() if k != "deny_origins"} == {
        "name": "/u", "path": "/u", "origins": [A], "methods": ["GET", "POST"], "request_headers": ["Authorization"],
        "credentials": True, "expose_headers": ["X-Total-Count"], "max_age": 600, "vary": True,
    }
    assert item.notes == [] and item.skipped == ()
    assert item.contract is not None and item.contract.deny_origins == (C,) + tuple(o for o, _ in PROBES_OF_A)


def test_the_target_own_origin_is_never_a_deny_origin():
    # the scheme-downgrade probe of https://testserver is http://testserver, the app's own origin: no CORS there
    [item] = Target(Server({"https://testserver": Grant()})).record("/u", ["https://testserver"]).contracts
    assert deny(item.data, item.deny_comments) == [
        ("https://evil.invalid", "audit probe reflect-any-origin: refused today"),
        ("null", "audit probe null-origin: refused today"),
        ("https://testserver.evil.invalid", "audit probe prefix-lookalike of https://testserver: refused today"),
        ("https://eviltestserver", "audit probe suffix-lookalike of https://testserver: refused today"),
        ("https://evil.testserver", "audit probe untrusted-subdomain of https://testserver: refused today"),
        ("https://testserver:8443", "audit probe port-confusion of https://testserver: refused today"),
        ("https://testserver_.evil.invalid", "audit probe special-characters of https://testserver: refused today"),
    ]


def test_refused_credentials_then_a_refused_header_named_by_the_browser_are_dropped():
    server = Server({A: Grant(("GET",), ("Content-Type",), False)})
    recorded = Target(server).record("/u", [A], ["GET"], ["Authorization", "Content-Type"], True)
    [(origin, method, outcome, shape, notes)] = cells(recorded)
    assert (outcome, shape) == (Outcome.ALLOWED, Request(("Content-Type",), False))
    assert notes == (
        "GET from https://app.example.com: credentialed requests are refused (Access to fetch at 'http://testserver/u' "
        "from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't "
        "pass access control check: The value of the 'Access-Control-Allow-Credentials' header in the response is '' "
        "which must be 'true' when the request's credentials mode is 'include'.)",
        "GET from https://app.example.com: request header Authorization is not allowed (Access to fetch at "
        "'http://testserver/u' from origin 'https://app.example.com' has been blocked by CORS policy: Request header "
        "field authorization is not allowed by Access-Control-Allow-Headers in preflight response.)",
    )
    [item] = recorded.contracts
    assert (item.data["request_headers"], item.data["credentials"]) == (["Content-Type"], False)


def test_a_server_that_answers_an_unlisted_header_with_400_is_tried_one_header_at_a_time():
    server = Server({A: Grant(("GET",), ("Content-Type", "X-Trace"), False)}, strict_headers=True)
    recorded = Target(server).record("/u", [A], ["GET"], ["Authorization", "Content-Type", "X-Api-Key", "X-Trace"])
    [(_, _, outcome, shape, notes)] = cells(recorded)
    assert (outcome, shape) == (Outcome.ALLOWED, Request(("Content-Type", "X-Trace"), False))
    failing = ("(Access to fetch at 'http://testserver/u' from origin 'https://app.example.com' has been blocked by "
               "CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.)")
    assert notes == tuple(f"GET from https://app.example.com: request header {name} is refused: the preflight that asks "
                          f"for it fails {failing}" for name in ("Authorization", "X-Api-Key"))
    assert recorded.contracts[0].data["request_headers"] == ["Content-Type", "X-Trace"]


def test_a_server_whose_preflight_fails_even_without_the_headers_is_blocked():
    server = Server({A: Grant(("PUT",), ("Content-Type",), False)}, strict_headers=True)
    server.grants[A] = Grant(("GET",), ("Content-Type",), False)  # PUT is not granted: every preflight fails
    recorded = Target(server).record("/u", [A], ["PUT"], ["Authorization"])
    [cell] = recorded.cells
    assert (cell.outcome, cell.shape, cell.notes) == (Outcome.BLOCKED, Request(("Authorization",), False), ())
    assert cell.reason.startswith("Access to fetch at 'http://testserver/u' from origin 'https://app.example.com'")


def test_browsers_that_disagree_give_a_mixed_cell_with_each_side_named():
    server = Server({A: Grant(("GET",), ("*",), False, wildcard=True)})
    recorded = Target(server, "chrome,firefox,spec").record("/u", [A], ["GET"], ["Authorization"])
    [cell] = recorded.cells
    assert cell.outcome is Outcome.MIXED
    assert cell.reason.startswith("allowed by Chrome, Firefox, blocked by Fetch standard: Access to fetch at")
    assert recorded.contracts == ()  # neither allowed nor cleanly refused: nothing to record


def test_no_origin_allowed_is_recorded_as_deny_only_with_the_request_shape():
    recorded = Target(Server()).record("/u", [A, B], ["GET", "DELETE"], ["X-Trace"], True)
    [item] = recorded.contracts
    assert item.data == {"name": "/u", "path": "/u", "deny_origins": [A, B], "methods": ["GET", "DELETE"],
                         "request_headers": ["X-Trace"], "credentials": True}
    assert item.notes == ["no given origin can call this endpoint today: recorded as deny-only"]
    assert [c.reason for c in recorded.cells if c.method == "GET"][0].startswith("Access to fetch at 'http://testserver/u'")


def test_deny_only_without_headers_has_no_request_headers_key():
    [item] = Target(Server()).record("/u", [A]).contracts
    assert item.data == {"name": "/u", "path": "/u", "deny_origins": [A], "methods": ["GET"], "credentials": False}


def test_origins_with_different_methods_get_numbered_contracts_named_by_methods():
    server = Server({A: Grant(("GET", "DELETE")), B: Grant(("GET",)), C: Grant(("GET",))})
    recorded = Target(server).record("/u", [A, B, C], ["GET", "DELETE"])
    assert [(c.data["name"], c.data["origins"], c.data["methods"]) for c in recorded.contracts] == [
        ("/u GET/DELETE", [A], ["GET", "DELETE"]),
        ("/u GET #2", [B, C], ["GET"]),
    ]
    # B and C are allowed GET: never a deny origin of A's contract, which checks GET too
    assert not {B, C} & set(recorded.contracts[0].data["deny_origins"])


def test_the_endpoint_methods_replace_the_settings_methods():
    server = Server({A: Grant(("PUT",))})
    recorded = Target(server).record("/u", [A], ["GET"], endpoint_methods=["PUT"])
    assert recorded.methods == ("PUT",)
    assert recorded.contracts[0].data["methods"] == ["PUT"]


def test_what_every_allowed_response_shows_and_vary_false_with_its_reason():
    server = Server({A: Grant(("PUT",), (), False, "X-Total-Count, X-Request-Id", "600", vary=False),
                     B: Grant(("PUT",), (), False, "x-request-id, Set-Cookie, *", "")})
    [item] = Target(server).record("/u", [A, B], ["PUT"]).contracts
    assert item.data["expose_headers"] == ["X-Request-Id"]  # in both, as A's response spells it; never * or Set-Cookie
    assert "max_age" not in item.data  # B's preflight sends none
    assert item.data["vary"] is False
    assert item.notes == ["vary: false because the PUT response to https://app.example.com allows 'https://app.example.com' "
                          "without 'Vary: Origin' (a shared cache can serve it to another origin: see the audit's missing-vary)"]
    assert item.data["audit"] == {"skip": ["missing-vary"]} and item.skipped == ("missing-vary",)
    assert item.contract is not None and item.contract.audit.skip == ("missing-vary",)  # the contract as written


def test_max_age_range_and_one_value():
    server = Server({A: Grant(("PUT",), max_age="600"), B: Grant(("PUT",), max_age="60")})
    [item] = Target(server).record("/u", [A, B], ["PUT"]).contracts
    assert item.data["max_age"] == {"min": 60, "max": 600}
    server.grants[B] = Grant(("PUT",), max_age="600")
    [item] = Target(server).record("/u", [A, B], ["PUT"]).contracts
    assert item.data["max_age"] == 600


def test_exposed_headers_are_only_those_readable_in_every_response():
    server = Server({A: Grant(("GET",), expose="X-Total-Count, X-Request-Id"), B: Grant(("GET",), expose="X-Total-Count")})
    [item] = Target(server).record("/u", [A, B]).contracts
    assert item.data["expose_headers"] == ["X-Total-Count"]
    server.grants[B] = Grant(("GET",))
    [item] = Target(server).record("/u", [A, B]).contracts
    assert "expose_headers" not in item.data


def test_any_origin_with_star_and_no_credentials_is_public_at_once():
    [item] = Target(Server(anyone=Grant(wildcard=True))).record("/u", [A]).contracts
    assert item.data == {"name": "/u", "path": "/u", "origins": ["*"], "methods": ["GET"], "credentials": False, "vary": True}
    assert item.notes == []


def test_a_server_reflecting_every_origin_without_credentials_is_public_in_fact():
    [item] = Target(Server(anyone=Grant())).record("/u", [A, B]).contracts
    assert item.data["origins"] == ["*"] and "deny_origins" not in item.data
    assert item.listed == (A, B)
    assert item.notes == ["origins: ['*'] because any origin (e.g. https://evil.invalid) can read this endpoint today "
                          "without credentials: it is public in fact. If it should not be, the server needs an allowlist of origins."]


def test_a_public_claim_that_does_not_hold_is_withdrawn_with_a_note():
    server = Server({"https://any-origin.pytest-cors.test": None}, anyone=Grant())  # type: ignore[dict-item]
    [item] = Target(server).record("/u", [A]).contracts
    assert item.data["origins"] == [A]
    assert "not recorded as public: https://any-origin.pytest-cors.test (any origin) is blocked when checked as a whole contract" in item.notes


def test_credentialed_reflection_is_accepted_only_through_a_loud_skip():
    [item] = Target(Server(anyone=Grant(credentials=True))).record("/u", [A], credentials=True).contracts
    assert item.data["origins"] == [A] and "deny_origins" not in item.data
    assert "reflect-any-origin" in item.data["audit"]["skip"]
    assert "missing-vary" not in item.data["audit"]["skip"]  # low: reported, not skipped
    assert any(f.probe == "missing-vary" for f in item.findings)


def test_a_400_preflight_server_without_credentials_drops_credentials_then_narrows_headers():
    # Chrome and Firefox name the missing ACAC: true, Safari the 400 status: the credentials go first either way
    server = Server({A: Grant(("GET",), ("Content-Type",), False)}, strict_headers=True)
    recorded = Target(server).record("/u", [A], ["GET"], ["Authorization", "Content-Type"], True)
    [(_, _, outcome, shape, notes)] = cells(recorded)
    assert (outcome, shape) == (Outcome.ALLOWED, Request(("Content-Type",), False))
    assert [note.split(" (")[0] for note in notes] == [
        "GET from https://app.example.com: credentialed requests are refused",
        "GET from https://app.example.com: request header Authorization is refused: the preflight that asks for it fails",
    ]


def test_the_max_age_of_a_group_comes_from_its_preflights_whatever_the_order_of_methods():
    server = Server({A: Grant(("GET", "PUT"), max_age="600")})
    [item] = Target(server).record("/u", [A], ["GET", "PUT"]).contracts  # GET: no preflight, PUT: one
    assert item.data["max_age"] == 600


def test_on_a_live_url_unsafe_requests_are_withheld_and_the_preflight_decides():
    server = Server(anyone=Grant(("PUT",), expose="X-Total-Count", max_age="600", wildcard=True))
    with serve(server) as url:
        target = Target(server, url=url)
        [item] = target.record("/u", [A], ["PUT"]).contracts
        assert all(request.startswith("OPTIONS ") for request in server.requests[:1])
        assert not any(request.startswith("PUT ") for request in server.requests)  # never sent: it may change data
    # the preflights allow any origin with '*': public; nothing about the actual responses is known
    assert item.data == {"name": "/u", "path": "/u", "origins": ["*"], "methods": ["PUT"], "credentials": False,
                         "max_age": 600, "vary": True}
    assert item.notes == []  # public from the preflights' '*' at once, not "public in fact" from an attacker probe
    assert len(target.run.withheld) > 0


def test_up_to_three_candidates_per_audit_probe_are_tried_for_a_deny_origin():
    third, fourth = "https://app.example.com!.evil.invalid", "https://app.example.com$.evil.invalid"
    second_suffix = "https://evil-example.com"
    server = Server(anyone=Grant(credentials=True), changing={third: [None], second_suffix: [None]})
    [item] = Target(server).record("/u", [A], credentials=True).contracts
    assert deny(item.data, item.deny_comments) == [
        (second_suffix, "audit probe suffix-lookalike of https://app.example.com: refused today"),
        (third, "audit probe special-characters of https://app.example.com: refused today"),
    ]
    server = Server(anyone=Grant(credentials=True), changing={fourth: [None]})
    [item] = Target(server).record("/u", [A], credentials=True).contracts
    assert "deny_origins" not in item.data  # the fourth candidate is refused, but the recorder gave up after three
