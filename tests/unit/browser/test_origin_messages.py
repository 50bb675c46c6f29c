"""Origins a user writes, read back exactly: the whole error text (what is wrong, the origin meant) or the serialisation.

Every row is a near miss users make in contracts; the message is what they read at the file:line.
"""

from __future__ import annotations

import pytest

from pytest_cors.browser.origins import (
    OriginError,
    default_port,
    is_ip_address,
    is_valid_http_url,
    parse_origin,
    without_userinfo,
)

SCHEME_HINT = "(CORS origins here are http or https)"
NOT_ASCII = "is not ASCII; browsers send the IDNA (punycode) form in Origin"
MISSING_SCHEME = "missing scheme (an origin is scheme://host[:port])"


@pytest.mark.parametrize(
    "written,message",
    [
        # a WebSocket URL: the page's origin is the http(s) origin of that host, path and userinfo dropped
        ("ws://app.example.com/socket", f"unsupported scheme 'ws' {SCHEME_HINT}; did you mean 'http://app.example.com'?"),
        ("wss://u:p@app.example.com:8443", f"unsupported scheme 'wss' {SCHEME_HINT}; did you mean 'https://app.example.com:8443'?"),
        ("WSS://a@b@app.example.com", f"unsupported scheme 'wss' {SCHEME_HINT}; did you mean 'https://app.example.com'?"),
        # another scheme (or a typo) on a dotted host: its https origin
        ("ftp://files.example.com/x", f"unsupported scheme 'ftp' {SCHEME_HINT}; did you mean 'https://files.example.com'?"),
        ("htps://a@b@app.example.com", f"unsupported scheme 'htps' {SCHEME_HINT}; did you mean 'https://app.example.com'?"),
        ("wss://localhost:8443", f"unsupported scheme 'wss' {SCHEME_HINT}; did you mean 'https://localhost:8443'?"),
        ("gopher://localhost", f"unsupported scheme 'gopher' {SCHEME_HINT}"),
        ("http://[::1", "not a valid URL (Invalid IPv6 URL)"),
        ("http://[::1]x", "port 'x' is not a number"),
        ("http://[::1]:80]", "port '80]' is not a number"),
        ("http:///", "it contains a path '/' (an origin has no path)"),
        ("http://[::1]:", "empty port after ':'; did you mean 'http://[::1]'?"),
        ("http://bücher.example", f"host 'bücher.example' {NOT_ASCII}; did you mean 'http://xn--bcher-kva.example'?"),
        ("http://ÄPP.example:8080", f"host 'äpp.example' {NOT_ASCII}; did you mean 'http://xn--pp-uia.example:8080'?"),
        # ß: Python's IDNA 2003 maps it to ss, browsers' UTS #46 keeps it: no suggestion rather than a wrong one
        ("https://straße.example", f"host 'straße.example' {NOT_ASCII}"),
        ("app.example.com:8080/x", f"{MISSING_SCHEME}; did you mean 'https://app.example.com:8080'?"),
        ("app.example.com/api/v1", f"{MISSING_SCHEME}; did you mean 'https://app.example.com'?"),
        ("localhost:3000", f"{MISSING_SCHEME}; did you mean 'https://localhost:3000'?"),
        ("http://a.com:65536", "port 65536 is out of range (0-65535)"),
        ("http://a.com:1234567890123456", "port 123456789012... is out of range (0-65535)"),
        ("http://a.com:١٢", "port '١٢' is not a number"),
        (
            "http://user@a.com/",
            "it contains userinfo (user:password@), which an origin never has; trailing slash (an origin has no path);"
            " did you mean 'http://a.com'?",
        ),
        ("https://a.com/#", "trailing slash (an origin has no path); it contains a fragment; did you mean 'https://a.com'?"),
        ("https://a.com?", "it contains a query; did you mean 'https://a.com'?"),
        ("https://a.com//", "it contains a path '//' (an origin has no path); did you mean 'https://a.com'?"),
        (" https://a.com", "surrounding whitespace; did you mean 'https://a.com'?"),
        ("NULL", "the opaque origin is written in lowercase; did you mean 'null'?"),
        ("http://a b.com", "host 'a b.com' contains a character a URL host cannot have"),
    ],
)
def test_a_near_miss_origin_is_explained_exactly(written, message):
    with pytest.raises(OriginError) as error:
        parse_origin(written)
    assert str(error.value) == f"invalid origin {written!r}: {message}"


def test_an_origin_that_is_not_a_string_names_its_type():
    with pytest.raises(OriginError) as error:
        parse_origin(7)
    assert str(error.value) == "invalid origin '7': expected a string, got int"


@pytest.mark.parametrize(
    "written,serialised",
    [
        ("http://[::1]", "http://[::1]"),
        ("http://[0:0::1]:8080", "http://[::1]:8080"),  # IPv6 as browsers serialise it: compressed
        ("HTTP://[0:0:0:0:0:0:0:1]:80", "http://[::1]"),
        ("http://a.com:0080", "http://a.com"),
        ("https://a.com:443", "https://a.com"),
        ("HTTP://A.COM:80", "http://a.com"),
        ("http://a.com:65535", "http://a.com:65535"),
    ],
)
def test_an_origin_is_serialised_as_a_browser_sends_it(written, serialised):
    assert parse_origin(written) == serialised


@pytest.mark.parametrize(
    "url,valid",
    [
        ("http://[::1]/x", True),
        ("http://[::1/x", False),  # unclosed IPv6 literal
        ("http://[zz]/", False),
        ("http://a.com:65535/", True),
        ("http://a.com:65536/", False),
        ("http://a.com:0000000000080/", True),
        ("http://a.com:00/", True),  # port 0
        ("http://[1::]/", True),  # leading zeros do not count
        ("http://a.com:8a/", False),
        ("http://a.com:١/", False),  # a non-ASCII digit is no port
        ("http://a.com:/", True),  # an empty port is the default port
        ("HTTPS://A.com/", True),
        ("ftp://a.com/", False),
        ("http:///x", False),
        ("http://a<b.com/", False),
        ("http://u:p@a.com/", True),
        ("http://a@b@c.com/", True),  # the last @ ends the userinfo
    ],
)
def test_a_redirect_location_parses_as_a_browser_would(url, valid):
    assert is_valid_http_url(url) is valid


@pytest.mark.parametrize(
    "url,safe",
    [
        ("http://u:p@a.com:81/p?q#f", "http://a.com:81/p?q#f"),
        ("http://a@b@c.com/x", "http://c.com/x"),
        ("http://a.com/x", "http://a.com/x"),
    ],
)
def test_userinfo_is_dropped_from_a_url_and_nothing_else(url, safe):
    assert without_userinfo(url) == safe


def test_default_ports_and_ip_literals():
    assert (default_port("HTTPS"), default_port("http"), default_port("gopher")) == (443, 80, None)
    assert is_ip_address("[::1]") and is_ip_address("1.2.3.4") and is_ip_address("::1")
    assert not is_ip_address("a.com") and not is_ip_address("localhost") and not is_ip_address("X1.2.3.4")
