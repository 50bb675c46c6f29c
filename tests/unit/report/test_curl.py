"""Every curl line in a report reproduces the exact request when pasted into a POSIX shell.

The line is split the way a shell splits it (``shlex.split``) and read back as curl would:
method, URL, each header (name and value) and body must be exactly the request's, for any
header value and body -- shell metacharacters (& $ ` ; | quotes), spaces, and ``<redacted>``.
"""

from __future__ import annotations

import shlex
from typing import List, Optional, Tuple

from hypothesis import given, strategies as st

from pytest_cors.browser.exchange import HttpRequest
from pytest_cors.report.curl import CURL_BODY_LIMIT, curl_command
from pytest_cors.report.redaction import REDACTED, Redactor

URL = "https://api.example.com/api/users?q=a&b=$HOME"
BODIES = st.lists(
    st.sampled_from(list("ab Z09&$`;|<>()'\"\\*?!#~%{}[]\t-é") + [REDACTED, "$(id)", "'\"'", "\n"]), max_size=20
).map("".join)
#: Header values: the same, without line breaks and surrounding blanks (fetch() strips them).
SHELL_TEXT = BODIES.map(lambda text: text.replace("\n", "").strip())
HEADER_NAMES = st.sampled_from(["Origin", "X-Trace", "Content-Type", "X-Request-Id", "Accept-Language"])
METHODS = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])


def read_back(line: str) -> Tuple[str, str, List[Tuple[str, str]], Optional[str]]:
    """(method, url, headers, body) as curl would send them for this command line."""
    argv = shlex.split(line)
    assert argv[:2] == ["curl", "-i"]
    method, url, headers, body = "", "", [], None
    args = iter(argv[2:])
    for arg in args:
        if arg == "-I":
            method = "HEAD"
        elif arg == "-X":
            method = next(args)
        elif arg == "-H":
            name, _, value = next(args).partition(": ")
            headers.append((name, value))
        elif arg == "--data-binary":
            body = next(args)
        else:
            assert not url, f"two URLs in {argv}"
            url = arg
    # curl's own choice when no -X/-I is given: POST with --data-binary, GET otherwise.
    return method or ("GET" if body is None else "POST"), url, headers, body


@given(
    method=METHODS,
    headers=st.lists(st.tuples(HEADER_NAMES, SHELL_TEXT), max_size=4),
    body=st.one_of(st.none(), BODIES),
)
def test_every_curl_line_round_trips_through_a_shell_to_the_exact_request(method, headers, body):
    if method in ("GET", "HEAD"):
        body = None
    request = HttpRequest(method, URL, tuple(headers), None if body is None else body.encode())
    assert read_back(curl_command(request)) == (method, URL, list(headers), body)


@given(body=st.text(alphabet="ab&$' ", min_size=1, max_size=20))
def test_a_get_with_a_body_names_its_method(body):
    """curl turns --data-binary into a POST: a GET with a body must say -X GET to stay a GET."""
    line = curl_command(HttpRequest("GET", URL, (), body.encode()))
    assert read_back(line) == ("GET", URL, [], body)
    assert shlex.split(line)[2:4] == ["-X", "GET"]


def test_head_is_sent_with_dash_capital_i_and_get_with_no_method_flag():
    assert shlex.split(curl_command(HttpRequest("HEAD", URL))) == ["curl", "-i", "-I", URL]
    assert shlex.split(curl_command(HttpRequest("GET", URL))) == ["curl", "-i", URL]
    assert shlex.split(curl_command(HttpRequest("OPTIONS", URL))) == ["curl", "-i", "-X", "OPTIONS", URL]


def test_secret_headers_and_url_passwords_read_back_as_redacted():
    request = HttpRequest(
        "POST", "https://bob:hunter2@api.example.com/x", (("Authorization", "Bearer s3cr3t & $x"), ("X-Api-Key", "k'1")), b"{}"
    )
    method, url, headers, body = read_back(curl_command(request, Redactor.with_names(["x-api-key"])))
    assert (method, url, body) == ("POST", f"https://bob:{REDACTED}@api.example.com/x", "{}")
    assert headers == [("Authorization", REDACTED), ("X-Api-Key", REDACTED)]


def test_a_body_up_to_the_limit_is_shown_whole_and_a_longer_one_is_cut_with_an_ellipsis():
    whole = "x" * CURL_BODY_LIMIT
    assert read_back(curl_command(HttpRequest("POST", URL, (), whole.encode())))[3] == whole
    longer = whole + "yz"
    assert read_back(curl_command(HttpRequest("POST", URL, (), longer.encode())))[3] == whole + "…"


def test_a_body_that_is_not_utf8_is_shown_with_replacement_characters():
    assert read_back(curl_command(HttpRequest("PUT", URL, (), b"ok\xff")))[3] == "ok\ufffd"
