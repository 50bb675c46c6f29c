"""Origin patterns in contracts: ``https://*.example.com`` and ``https://example.com:*`` (pure)."""

from __future__ import annotations

import pytest

from pytest_cors.browser.origins import OriginError
from pytest_cors.contract.model import PATTERN_EXAMPLE_PORT, PATTERN_EXAMPLE_SUBDOMAIN, parse_origin_pattern
from pytest_cors.contract.schema import parse_contract


def contract(**data):
    return parse_contract({"path": "/api/users", **data})


@pytest.mark.parametrize(
    "origin, allowed",
    [
        ("https://a.example.com", True),
        ("https://a.b.example.com", True),
        ("https://example.com", False),
        ("http://a.example.com", False),
        ("https://a.example.com:8443", False),
        ("https://evilexample.com", False),
        ("https://example.com.evil.invalid", False),
        ("null", False),
    ],
)
def test_subdomain_pattern(origin, allowed):
    assert parse_origin_pattern("https://*.example.com").matches(origin) is allowed


@pytest.mark.parametrize(
    "origin, allowed",
    [("https://example.com", True), ("https://example.com:8443", True), ("http://example.com:8443", False), ("https://a.example.com", False)],
)
def test_any_port_pattern(origin, allowed):
    assert parse_origin_pattern("https://example.com:*").matches(origin) is allowed


def test_pattern_examples_match_their_pattern():
    for text in ("https://*.example.com", "https://example.com:*", "http://*.example.com:*", "https://*.example.com:8443"):
        pattern = parse_origin_pattern(text)
        assert pattern.examples()
        assert all(pattern.matches(e) for e in pattern.examples())


@pytest.mark.parametrize("text", ["https://*.com", "https://*example.com", "ftp://*.example.com", "https://ex*ample.com"])
def test_bad_patterns_are_refused(text):
    with pytest.raises(OriginError):
        parse_origin_pattern(text)


def test_contract_checks_a_pattern_through_a_concrete_origin():
    c = contract(origins=["https://*.example.com"])
    assert c.concrete_origins() == ("https://cors-check.example.com",)
    assert c.allows("https://x.example.com") and not c.allows("https://example.com")


def test_the_example_host_and_port_stand_for_the_wildcards():
    any_subdomain = parse_origin_pattern("https://*.example.com")
    assert any_subdomain.example_host == f"{PATTERN_EXAMPLE_SUBDOMAIN}.example.com"
    any_port = parse_origin_pattern("https://example.com:*")
    assert any_port.example_port == PATTERN_EXAMPLE_PORT
    assert any_port.examples() == (f"https://example.com:{PATTERN_EXAMPLE_PORT}",)
