"""Origins: browser serialization and the errors users get for near-miss origins.

Expectations come from cors-ground-truth.md section 1: an origin is serialized as
``scheme://host[:port]``, the port omitted when it is the scheme's default (80 for
http, 443 for https), no path, no trailing slash, host lowercased by URL parsing;
opaque origins serialize as ``null``.
"""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from pytest_cors.browser.origins import (
    OPAQUE,
    Origin,
    OriginError,
    origin_of_url,
    parse_origin,
    same_origin,
    serialize_url_origin,
    url_has_credentials,
)

# --- serialization ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, serialized",
    [
        ("https://example.com", "https://example.com"),
        ("http://example.com", "http://example.com"),
        # scheme and host are lowercased by URL parsing
        ("HTTPS://EXAMPLE.COM", "https://example.com"),
        ("https://App.Example.Com", "https://app.example.com"),
        ("HtTp://LocalHost:8000", "http://localhost:8000"),
        # the scheme's default port is dropped, any other port is kept
        ("https://example.com:443", "https://example.com"),
        ("http://example.com:80", "http://example.com"),
        ("http://example.com:443", "http://example.com:443"),
        ("https://example.com:80", "https://example.com:80"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),
        ("http://127.0.0.1:80", "http://127.0.0.1"),
        ("https://example.com:0", "https://example.com:0"),
        ("https://example.com:65535", "https://example.com:65535"),
        # leading zeros of a port are not part of the number
        ("http://example.com:0080", "http://example.com"),
        # IPv6: brackets kept, lowercased, compressed as the URL standard serializes it
        ("http://[::1]", "http://[::1]"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("http://[::1]:80", "http://[::1]"),
        ("https://[2001:DB8::1]", "https://[2001:db8::1]"),
        ("http://[0:0:0:0:0:0:0:1]:3000", "http://[::1]:3000"),
        ("http://[2001:db8:0:0:1:0:0:1]", "http://[2001:db8::1:0:0:1]"),
        # the opaque origin
        ("null", "null"),
    ],
)
def test_parse_origin_serializes_like_a_browser(written, serialized):
    assert parse_origin(written) == serialized


def test_origin_value_serialization():
    assert Origin("https", "example.com", None).serialize() == "https://example.com"
    assert Origin("https", "example.com", 443).serialize() == "https://example.com"
    assert Origin("http", "example.com", 443).serialize() == "http://example.com:443"
    assert Origin("http", "::1", 8080).serialize() == "http://[::1]:8080"
    assert OPAQUE.serialize() == "null"
    assert OPAQUE.is_opaque and not Origin("http", "a", None).is_opaque
    assert str(Origin("http", "a", 81)) == "http://a:81"
    assert Origin("https", "a", None).effective_port == 443
    assert Origin("http", "a", None).effective_port == 80
    assert Origin("http", "a", 8080).effective_port == 8080


@pytest.mark.parametrize(
    "url, origin",
    [
        ("https://Example.COM:443/path?q=1#frag", "https://example.com"),
        ("http://example.com:80/", "http://example.com"),
        ("http://example.com:8080/a/b", "http://example.com:8080"),
        ("https://user:pass@example.com/x", "https://example.com"),
        ("http://[::1]:9000/x", "http://[::1]:9000"),
        ("http://[0:0::1]/x", "http://[::1]"),
        # opaque origins
        ("file:///etc/passwd", "null"),
        ("data:text/plain,hi", "null"),
        ("about:blank", "null"),
        ("http://[::1/x", "null"),  # does not parse: no tuple origin
    ],
)
def test_origin_of_url(url, origin):
    assert serialize_url_origin(url) == origin
    assert origin_of_url(url).serialize() == origin


def test_same_origin():
    assert same_origin("http://a.example/x", "http://a.example:80")
    assert same_origin("https://A.example/x", "https://a.example:443/y")
    assert not same_origin("http://a.example", "https://a.example")
    assert not same_origin("http://a.example", "http://a.example:8080")
    assert not same_origin("http://a.example", "http://b.a.example")
    # an opaque origin is never same-origin, not even with itself
    assert not same_origin("null", "null")
    assert not same_origin("file:///a", "file:///a")


def test_url_has_credentials():
    assert url_has_credentials("http://user:pass@a.example/")
    assert url_has_credentials("http://user@a.example/")
    assert url_has_credentials("http://:pass@a.example/")
    assert not url_has_credentials("http://a.example/user@x")
    assert not url_has_credentials("http://a.example/?u=a@b")


# --- user-input errors ------------------------------------------------------------------------


def _error(value) -> OriginError:
    with pytest.raises(OriginError) as info:
        parse_origin(value)
    return info.value


@pytest.mark.parametrize(
    "written, problem, suggestion",
    [
        ("https://example.com/", "trailing slash", "https://example.com"),
        ("https://example.com:443/", "trailing slash", "https://example.com"),
        ("http://localhost:3000/", "trailing slash", "http://localhost:3000"),
        ("https://example.com/app", "path '/app'", "https://example.com"),
        ("https://example.com/app/index.html", "path '/app/index.html'", "https://example.com"),
        ("https://example.com?x=1", "query", "https://example.com"),
        ("https://example.com/?x=1", "query", "https://example.com"),
        ("https://example.com#top", "fragment", "https://example.com"),
        ("https://user:secret@example.com", "userinfo", "https://example.com"),
        ("https://user@example.com:8443", "userinfo", "https://example.com:8443"),
        ("example.com", "missing scheme", "https://example.com"),
        ("example.com:8080", "missing scheme", "https://example.com:8080"),
        ("Example.com/path", "missing scheme", "https://example.com"),
        ("ws://example.com", "unsupported scheme 'ws'", "http://example.com"),
        ("wss://example.com", "unsupported scheme 'wss'", "https://example.com"),
        ("wss://example.com:443/socket", "unsupported scheme 'wss'", "https://example.com"),
        ("ws://localhost:8000/ws", "unsupported scheme 'ws'", "http://localhost:8000"),
        ("ftp://example.com", "unsupported scheme 'ftp'", "https://example.com"),
        ("htps://app.example.com:8443/x", "unsupported scheme 'htps'", "https://app.example.com:8443"),
        (" https://example.com", "surrounding whitespace", "https://example.com"),
        ("https://example.com\n", "surrounding whitespace", "https://example.com"),
        ("NULL", "lowercase", "null"),
        ("Null", "lowercase", "null"),
        ("http://example.com:", "empty port", "http://example.com"),
        ("https://ex\u00e4mple.com", "not ASCII", "https://xn--exmple-cua.com"),
    ],
)
def test_user_errors_carry_a_suggestion(written, problem, suggestion):
    error = _error(written)
    assert problem in error.problem
    assert error.suggestion == suggestion
    assert error.value == written
    assert str(error) == f"invalid origin {written!r}: {error.problem}; did you mean {suggestion!r}?"


@pytest.mark.parametrize(
    "written, problem",
    [
        ("https://example.com:99999", "port 99999 is out of range (0-65535)"),
        ("https://example.com:65536", "port 65536 is out of range (0-65535)"),
        ("https://example.com:" + "9" * 5000, "is out of range (0-65535)"),
        ("https://example.com:abc", "port 'abc' is not a number"),
        ("https://example.com:-1", "port '-1' is not a number"),
        ("https://example.com:+80", "port '+80' is not a number"),
        ("file:///tmp", "unsupported scheme 'file'"),
        ("chrome-extension://abcdef", "unsupported scheme 'chrome-extension'"),
        ("https://", "missing host"),
        ("https://exa mple.com", "a URL host cannot have"),
        ("https://exa<mple.com", "a URL host cannot have"),
        ("", "empty origin"),
        ("http://[::1", "not a valid URL"),
        ("http://[not-ipv6]", "not a valid"),  # Python < 3.11 urlsplit accepts it; then the IPv6 check rejects it
        ("https://\uff03.com", "not a valid URL"),
        ("https://fa\u00df.de", "not ASCII"),  # transitional IDNA would say fass.de: no guess
    ],
)
def test_user_errors_without_a_suggestion(written, problem):
    error = _error(written)
    assert problem in error.problem
    assert error.suggestion is None
    assert str(error) == f"invalid origin {written!r}: {error.problem}"


# The whole problem text, as the contract error prints it (the tables above match a part of it).
EXACT_PROBLEMS = [
    ("https://example.com/", "trailing slash (an origin has no path)"),
    ("https://example.com/app", "it contains a path '/app' (an origin has no path)"),
    ("https://example.com/?x=1", "it contains a path '/' (an origin has no path); it contains a query"),
    ("https://example.com?", "it contains a query"),
    ("https://example.com#", "it contains a fragment"),
    ("https://example.com//", "it contains a path '//' (an origin has no path)"),
    ("https://user:pw@example.com/path?q#f", "it contains userinfo (user:password@), which an origin never has; "
     "it contains a path '/path' (an origin has no path); it contains a query; it contains a fragment"),
    ("example.com:8080", "missing scheme (an origin is scheme://host[:port])"),
    ("ws://example.com", "unsupported scheme 'ws' (CORS origins here are http or https)"),
    ("NULL", "the opaque origin is written in lowercase"),
    (" https://example.com", "surrounding whitespace"),
    ("http://example.com:", "empty port after ':'"),
    ("https://ex\u00e4mple.com", "host 'ex\u00e4mple.com' is not ASCII; browsers send the IDNA (punycode) form in Origin"),
    ("https://example.com:" + "9" * 13, "port 999999999999... is out of range (0-65535)"),
    ("https://example.com:" + "9" * 12, "port 999999999999 is out of range (0-65535)"),
    ("https://example.com:000065535", None),  # leading zeros: still 65535
    ("https://example.com:\u0661", "port '\u0661' is not a number"),  # an Arabic-Indic digit is not ASCII
    ("https://exa mple.com", "host 'exa mple.com' contains a character a URL host cannot have"),
    ("https://", "missing host"),
    ("", "empty origin"),
]


@pytest.mark.parametrize("written, problem", EXACT_PROBLEMS)
def test_the_whole_problem_text(written, problem):
    if problem is None:
        assert parse_origin(written) == "https://example.com:65535"
    else:
        assert _error(written).problem == problem


@pytest.mark.parametrize("value", [None, 42, b"https://example.com", ["https://example.com"]])
def test_non_strings_are_rejected(value):
    error = _error(value)
    assert error.problem == f"expected a string, got {type(value).__name__}"


def test_several_problems_are_listed_together():
    error = _error("https://user:pw@example.com/path?q#f")
    assert "userinfo" in error.problem
    assert "path '/path'" in error.problem
    assert "query" in error.problem
    assert "fragment" in error.problem
    assert error.suggestion == "https://example.com"


def test_origin_error_is_a_value_error():
    assert issubclass(OriginError, ValueError)


# --- properties ---------------------------------------------------------------------------------

_host_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=12)
_origin_like = st.builds(
    lambda scheme, labels, port, tail: f"{scheme}://{'.'.join(labels)}{port}{tail}",
    st.sampled_from(["http", "https", "HTTP", "Https", "ws", "wss", "ftp", ""]),
    st.lists(_host_label, min_size=1, max_size=3),
    st.one_of(st.just(""), st.integers(0, 70000).map(lambda p: f":{p}"), st.sampled_from([":", ":x", ":+1"])),
    st.sampled_from(["", "/", "/a", "?q", "#f", "//", "/a?b#c"]),
)
_any_text = st.one_of(
    st.text(max_size=60),
    _origin_like,
    st.text(alphabet=":/[]@?#.%1aA \t", max_size=30).map(lambda t: "http://" + t),
)


@given(_any_text)
def test_parse_origin_raises_only_origin_error(text):
    try:
        result = parse_origin(text)
    except OriginError as error:
        # A suggestion, when given, is itself a valid origin.
        if error.suggestion is not None:
            assert parse_origin(error.suggestion) == error.suggestion
    else:
        assert isinstance(result, str)


@given(_any_text)
def test_parse_origin_output_is_a_fixed_point(text):
    try:
        result = parse_origin(text)
    except OriginError:
        return
    assert parse_origin(result) == result
    # ... and it is what a browser would serialize for a URL on that origin
    assert serialize_url_origin(result + "/some/path") == result


@given(_any_text)
def test_origin_of_url_never_raises(text):
    assert isinstance(origin_of_url(text).serialize(), str)
