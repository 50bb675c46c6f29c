"""Grouping probed cells into contracts (pure): one contract per set of origins that accept the same methods the same way."""

from __future__ import annotations

from pytest_cors.record.infer import infer_drafts, refused_everywhere
from pytest_cors.record.probe import Cell, Outcome, Request, probe_endpoint

from .servers import Grant, Server, Target

A, B, C = "https://a.example", "https://b.example", "https://c.example"
AUTH = Request(("Authorization",), True)


def cell(origin: str, method: str, outcome: Outcome = Outcome.ALLOWED, shape: Request = AUTH) -> Cell:
    return Cell(origin, method, outcome, shape, None)


def test_origins_with_the_same_methods_share_one_contract():
    cells = [cell(A, "GET"), cell(A, "POST"), cell(B, "POST"), cell(B, "GET"), cell(C, "GET", Outcome.BLOCKED), cell(C, "POST", Outcome.BLOCKED)]
    [draft] = infer_drafts(cells, ["GET", "POST"])
    assert (draft.origins, draft.methods, draft.shape) == ((A, B), ("GET", "POST"), AUTH)
    assert refused_everywhere(cells, C, ["GET", "POST"]) and not refused_everywhere(cells, A, ["GET"])


def test_different_methods_or_request_shapes_split_contracts():
    plain = Request((), False)
    cells = [cell(A, "GET"), cell(A, "DELETE"), cell(B, "GET"), cell(B, "DELETE", Outcome.BLOCKED), cell(C, "GET", shape=plain)]
    drafts = infer_drafts(cells, ["GET", "DELETE"])
    assert [(d.origins, d.methods, d.shape) for d in drafts] == [
        ((A,), ("GET", "DELETE"), AUTH),
        ((B,), ("GET",), AUTH),
        ((C,), ("GET",), plain),
    ]
    # B is allowed for GET: never a deny origin of A's contract, which checks GET too
    assert not refused_everywhere(cells, B, ["GET", "DELETE"])


def test_browsers_that_disagree_are_neither_allowed_nor_refused():
    cells = [cell(A, "GET", Outcome.MIXED)]
    assert infer_drafts(cells, ["GET"]) == []
    assert not refused_everywhere(cells, A, ["GET"])


def test_a_response_naming_the_origin_without_vary_origin_gives_vary_false_and_the_reason():
    target = Target(Server({A: Grant(("GET",), vary=False), B: Grant(("GET",))}))
    cells = probe_endpoint("/u", [B, A], ["GET"], Request(), target.check)
    [draft] = infer_drafts(cells, ["GET"])
    assert (draft.origins, draft.vary, draft.public) == ((B, A), False, False)
    assert draft.notes == ("vary: false because the GET response to https://a.example allows 'https://a.example' without "
                           "'Vary: Origin' (a shared cache can serve it to another origin: see the audit's missing-vary)",)
