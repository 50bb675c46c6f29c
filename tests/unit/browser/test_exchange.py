"""Requests and responses as values: header pairs from any input, lookups as a browser's network
layer does them (any case, lines joined by ``, ``), the request line's target, which statuses
fetch() follows.
"""

from __future__ import annotations

import pytest

from pytest_cors.browser.exchange import HttpRequest, HttpResponse, header_pairs


def test_header_pairs_from_a_mapping_pairs_or_nothing():
    assert header_pairs({"X-A": "1", "X-B": 2}) == (("X-A", "1"), ("X-B", "2"))
    assert header_pairs([("X-A", "1"), ("x-a", "2")]) == (("X-A", "1"), ("x-a", "2"))
    assert header_pairs(iter([(1, 2)])) == (("1", "2"),)
    assert header_pairs(None) == ()
    assert header_pairs({}) == ()


def test_a_header_is_looked_up_in_any_case_and_its_lines_joined():
    request = HttpRequest("GET", "https://api.example/", (("X-Token", "a"), ("x-token", "b"), ("Accept", "*/*")))
    assert request.header("X-TOKEN") == "a, b"
    assert request.header("accept") == "*/*"
    assert request.header("X-Missing") is None
    response = HttpResponse(200, (("Vary", "Origin"), ("VARY", "Accept"), ("X-Empty", "")))
    assert response.header_lines("vary") == ["Origin", "Accept"]
    assert response.header("Vary") == "Origin, Accept"
    assert response.header("X-Empty") == ""
    assert response.has_header("x-empty") and not response.has_header("X-Missing")
    assert response.header("X-Missing") is None and response.header_lines("X-Missing") == []


@pytest.mark.parametrize(
    "url, target",
    [
        ("https://api.example", "/"),
        ("https://api.example/", "/"),
        ("https://api.example/a/b", "/a/b"),
        ("https://api.example/a?x=1&y=2", "/a?x=1&y=2"),
        ("https://api.example?x=1", "/?x=1"),
        ("https://api.example/a?", "/a"),
        ("https://api.example/a#frag", "/a"),
    ],
)
def test_the_request_target_is_the_path_and_the_query(url, target):
    assert HttpRequest("GET", url).path == target


@pytest.mark.parametrize("status", range(300, 310))
def test_fetch_follows_exactly_301_302_303_307_308(status):
    assert HttpResponse(status).is_redirect is (status in (301, 302, 303, 307, 308))


def test_equal_messages_stay_equal_after_a_lookup():
    # the lookup index is kept on the value but is not part of it
    first, second = HttpResponse(200, (("A", "1"),)), HttpResponse(200, (("A", "1"),))
    assert first.header("a") == "1"
    assert first == second and hash(first) == hash(second)
