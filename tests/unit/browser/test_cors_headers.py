"""A response's CORS headers, parsed once: the view every profile reads, and what it keeps per credentials mode."""

from __future__ import annotations

from pytest_cors.browser import rules
from pytest_cors.browser.cors_headers import cors_headers
from pytest_cors.browser.exchange import HttpResponse


def test_the_view_joins_trims_and_parses_once():
    response = HttpResponse(
        302,
        (
            ("Access-Control-Allow-Origin", " https://a.example "), ("access-control-allow-origin", "x"),
            ("Access-Control-Allow-Credentials", "\ttrue "), ("Access-Control-Allow-Methods", "PUT,, patch"),
            ("Access-Control-Allow-Headers", "X-Token, a b"), ("Access-Control-Max-Age", "5"), ("Access-Control-Max-Age", "6"),
            ("Access-Control-Expose-Headers", "X-Token, Set-Cookie"), ("Location", " /next "),
        ),
    )
    view = cors_headers(response)
    assert view is cors_headers(response)  # kept on the response
    assert view.acao_lines == (" https://a.example ", "x")
    assert (view.acao, view.acac) == ("https://a.example , x", "true")
    assert (view.allow_methods, view.allow_methods_value) == (("PUT", "patch"), "PUT,, patch")
    assert (view.allow_headers, view.allow_headers_lower) == (None, frozenset())
    assert view.max_age_lines == ("5", "6")
    assert view.exposed == {"x-token", "set-cookie"}
    assert (view.location, view.followable_redirect) == (" /next ", True)
    assert view.names >= {"access-control-allow-origin", "location"}


def test_a_blank_location_is_no_redirect_and_absent_headers_are_none():
    view = cors_headers(HttpResponse(302, (("Location", "  "),)))
    assert (view.followable_redirect, view.acao, view.acac, view.allow_methods) == (False, None, None, ())


def test_exposure_is_kept_per_credentials_mode_on_one_response():
    response = HttpResponse(200, (("Access-Control-Expose-Headers", "*"), ("X-Token", "1"), ("Set-Cookie", "a=1")))
    assert "x-token" in rules.exposed_header_names(response, False)
    assert "x-token" not in rules.exposed_header_names(response, True)  # '*' is literal with credentials
    assert rules.readable_headers(response, False) == {"access-control-expose-headers": "*", "x-token": "1"}
    assert rules.readable_headers(response, True) == {}
    assert "set-cookie" not in rules.exposed_header_names(response, False)
