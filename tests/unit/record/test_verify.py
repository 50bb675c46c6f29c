"""The recorder's verification: every case of a draft checked again as a whole contract, and what fails dropped.

The servers change their answer between the probe and the check (a deploy, a rate limit, a flaky proxy):
what the recorder writes is what holds on the last check, with a note for each thing it dropped.
"""

from __future__ import annotations

from pytest_cors.record.recorder import UNVERIFIED
from pytest_cors.record.render import render_file

from .servers import Grant, Server, Target

A, B, C = "https://app.example.com", "https://admin.example.com", "https://other.example.org"
EVIL = "https://evil.invalid"


def only(recorded):
    [item] = recorded.contracts
    return item


def test_an_origin_refused_by_the_time_of_the_check_is_dropped_with_a_note_and_nothing_else():
    grant = Grant(("PUT",), expose="X-Total-Count", max_age="600")
    item = only(Target(Server({A: grant}, changing={B: [grant, grant, None]})).record("/u", [A, B], ["PUT"]))
    assert {k: v for k, v in item.data.items() if k != "deny_origins"} == {
        "name": "/u", "path": "/u", "origins": [A], "methods": ["PUT"], "credentials": False,
        "expose_headers": ["X-Total-Count"], "max_age": 600, "vary": True,
    }
    assert item.notes == ["https://admin.example.com dropped from origins: blocked when checked as a whole contract"]
    assert item.contract is not None and item.contract.origins == (A,)


def test_the_only_origin_refused_by_the_time_of_the_check_leaves_a_deny_only_contract():
    item = only(Target(Server(changing={A: [Grant(), None]})).record("/u", [A]))
    assert "origins" not in item.data and item.data["deny_origins"][0] == EVIL
    assert item.notes == ["https://app.example.com dropped from origins: blocked when checked as a whole contract"]


def test_an_attacker_origin_allowed_by_the_time_of_the_check_is_no_deny_origin():
    # refused when asked whether the endpoint is public, and when chosen as a deny origin; readable at the check
    item = only(Target(Server({A: Grant()}, changing={EVIL: [None, None, Grant()]})).record("/u", [A]))
    assert item.data["deny_origins"][:2] == ["null", "https://app.example.com.evil.invalid"]
    assert EVIL not in item.data["deny_origins"] and item.notes == []
    assert item.skipped == ("reflect-any-origin",)  # what it can read now is an accepted finding, loudly


def test_a_max_age_that_changes_is_dropped_with_a_note_and_nothing_else():
    grant = Grant(("PUT",), expose="X-Total-Count", max_age="600")
    changing = [grant, grant, Grant(("PUT",), expose="X-Total-Count", max_age="60")]
    item = only(Target(Server(changing={A: changing})).record("/u", [A], ["PUT"]))
    assert "max_age" not in item.data and item.data["expose_headers"] == ["X-Total-Count"] and item.data["vary"] is True
    assert item.notes == ["max_age dropped: the preflights do not agree on one value"]


def test_a_header_no_longer_exposed_is_dropped_with_a_note():
    item = only(Target(Server(changing={A: [Grant(expose="X-Total-Count"), Grant()]})).record("/u", [A]))
    assert "expose_headers" not in item.data
    assert item.notes == ["expose_headers dropped: not readable in every browser on every response"]


def test_a_refused_origin_allowed_by_the_time_of_the_check_leaves_no_empty_deny_origins():
    server = Server(anyone=Grant(credentials=True), changing={B: [None, Grant(credentials=True)]})
    item = only(Target(server).record("/u", [A, B], credentials=True))
    assert item.data["origins"] == [A] and "deny_origins" not in item.data


def test_an_exposed_header_the_response_does_not_send_is_dropped_with_a_note():
    item = only(Target(Server({A: Grant(expose="X-Total-Count, X-Missing")})).record("/u", [A]))
    assert "expose_headers" not in item.data
    assert item.notes == ["expose_headers dropped: not readable in every browser on every response"]


def test_a_vary_origin_that_disappears_makes_vary_false_and_nothing_else():
    grant = Grant(("PUT",), max_age="600")
    item = only(Target(Server(changing={A: [grant, grant, Grant(("PUT",), max_age="600", vary=False)]})).record("/u", [A], ["PUT"]))
    assert (item.data["vary"], item.data["max_age"], item.notes) == (False, 600, [])


def test_a_public_contract_keeps_its_claim_when_only_vary_fails():
    # any origin can read (public in fact); the any-origin case of the check gets no Vary: Origin
    server = Server(anyone=Grant(), changing={"https://any-origin.pytest-cors.test": [Grant(vary=False)]})
    item = only(Target(server).record("/u", [A]))
    assert (item.data["origins"], item.data["vary"]) == (["*"], False)
    assert not any(note.startswith("not recorded as public") for note in item.notes)


def test_a_server_that_changes_on_every_check_is_given_up_and_said_so():
    server = Server(changing={A: [Grant(), Grant(), Grant(), None], B: [Grant(), None], C: [Grant(), Grant(), None]})
    recorded = Target(server).record("/u", [A, B, C])
    assert recorded.contracts == ()
    assert recorded.dropped == (f"/u: {UNVERIFIED}",)
    lines = render_file([recorded], target="t", header=[]).split("\n")
    assert lines[-4:] == [
        "  # --- GET /u",
        "  # /u: could not be verified: the server answered differently on every check (unstable policy?)",
        "  # nothing recorded for this path: no origin is allowed or cleanly refused",
        "",
    ]


def test_a_contract_with_nothing_left_to_check_is_dropped_without_a_note():
    # every attacker origin can read (no deny origin), and the one given origin is refused by the time of the check
    server = Server(anyone=Grant(credentials=True), changing={A: [Grant(credentials=True), None]})
    recorded = Target(server).record("/u", [A], credentials=True)
    assert (recorded.contracts, recorded.dropped) == ((), ())
