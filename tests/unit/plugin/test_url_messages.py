"""The messages for a --cors-url / YAML ``target:`` that is not a usable URL, read exactly.

A URL typed without its scheme gets a suggestion: ``http://`` for localhost, loopback and private
addresses (a local dev server rarely has TLS), ``https://`` for anything else. Found by mutation
testing (docs/mutation.md): no test read the suggested scheme of a local address, or a URL whose
host is malformed.
"""

from __future__ import annotations

import pytest

from pytest_cors.plugin.options import target_problem, url_problem

VALID_HOST_EXAMPLE = "(e.g. http://localhost:8000 or https://staging.example.com)"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("localhost:8000", "http://localhost:8000"),
        ("localhost", "http://localhost"),  # a bare localhost is a local dev server too
        ("localhost/api", "http://localhost/api"),
        ("127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("10.0.0.1:8080", "http://10.0.0.1:8080"),  # private, not loopback
        ("192.168.1.20:80", "http://192.168.1.20:80"),
        ("[::1]:8000", "http://[::1]:8000"),
        ("8.8.8.8:80", "https://8.8.8.8:80"),  # public address
        ("staging.example.com", "https://staging.example.com"),
        ("staging.example.com/api", "https://staging.example.com/api"),
        ("example", "https://example"),  # not host-like: https, no guess
        ("ftp://files.example.com", "https://files.example.com"),  # another scheme is replaced, not kept behind https://
        ("ws://localhost:8000/socket", "http://localhost:8000/socket"),
        # only the scheme typed first is replaced: a URL in the query stays whole
        ("ftp://files.example.com/?next=http://x", "https://files.example.com/?next=http://x"),
    ],
)
def test_a_url_without_its_scheme_suggests_http_for_local_hosts_and_https_elsewhere(typed, meant):
    assert url_problem(typed) == f"{typed!r} is not an http(s) URL; did you mean {meant!r}?"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("localhost:8000", "http://localhost:8000"), ("localhost", "http://localhost"), ("10.0.0.1:8080", "http://10.0.0.1:8080"), ("api.example.com", "https://api.example.com")],
)
def test_a_target_without_its_scheme_is_not_taken_for_module_attribute(typed, meant):
    assert target_problem(typed) == (
        f"{typed!r} looks like a URL without a scheme, not module:attribute; did you mean {meant!r}?"
    )


@pytest.mark.parametrize("url", ["https://staging.example.com", "HTTPS://Staging.Example.com", "http://127.0.0.1:8000/api"])
def test_http_and_https_urls_in_any_case_are_accepted(url):
    assert url_problem(url) is None
    assert target_problem(url) is None


# "http://[::1": an IPv6 bracket that does not close made urlsplit raise (a traceback, not this message)
@pytest.mark.parametrize("url", ["http://", "http://exa mple.com", "https://:8000", "http://[::1", "https://[::1:8000/api"])
def test_a_url_with_a_missing_or_malformed_host_says_so(url):
    assert url_problem(url) == f"{url!r} has no valid host {VALID_HOST_EXAMPLE}"
    assert target_problem(url) == f"{url!r} has no valid host {VALID_HOST_EXAMPLE}"


def test_a_target_that_is_neither_a_url_nor_module_attribute_says_both_forms():
    assert target_problem("myapp") == "'myapp' must be an http(s) URL or a WSGI or ASGI app as module:attribute"
    assert target_problem("myproject.wsgi:application") is None


def test_text_that_is_no_url_at_all_is_refused_without_a_traceback():
    # not host-like, so no scheme is guessed from it (urlsplit would refuse the unclosed bracket)
    assert url_problem("[::1").startswith("'[::1' is not an http(s) URL; did you mean ")
