"""The WSGI environ is exactly werkzeug's EnvironBuilder's, whichever way it is built."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings, strategies as st

from pytest_cors.browser.exchange import HttpRequest
from pytest_cors.transport import wsgi_environ as module
from pytest_cors.transport.wsgi_environ import wsgi_environ


def comparable(environ):
    """The environ with its input stream read (streams compare by identity) and wsgi.errors named.

    werkzeug encodes a multipart body of its own with a random boundary; it is named BOUNDARY here.
    """
    shown = dict(environ)
    shown["wsgi.input"] = environ["wsgi.input"].read()
    boundary = shown.get("CONTENT_TYPE", "").partition('boundary="')[2].rstrip('"')
    if boundary:
        shown["CONTENT_TYPE"] = shown["CONTENT_TYPE"].replace(boundary, "BOUNDARY")
        shown["wsgi.input"] = shown["wsgi.input"].replace(boundary.encode(), b"BOUNDARY")
        shown["CONTENT_LENGTH"] = str(len(shown["wsgi.input"]))
    shown["wsgi.errors"] = environ["wsgi.errors"] is sys.stderr
    return list(shown.items())  # the order of the keys counts too


def reference(request):
    return comparable(module._builder_environ(request))


hosts = st.sampled_from(
    [
        "testserver", "api.example.com", "api.example.com:8443", "127.0.0.1:5000", "[::1]:8000", "API.Example.COM",
        "bücher.example", "user:pw@host", "host:0080", "host:", "a" * 63 + ".example", "localhost:65535",
    ]
)
path_chars = st.sampled_from(list("abcXYZ019-._~!$&'()*+,;=:@/%é ") + ["%2F", "%C3%A9", "//", "%zz"])
paths = st.lists(path_chars, max_size=12).map("".join)
queries = st.one_of(st.just(""), st.lists(st.sampled_from(list("ab=&%2Fé +?/")), max_size=8).map("".join))
header_names = st.sampled_from(
    ["Origin", "X-Request-Id", "x-request-id", "Content-Type", "content-length", "Accept", "Host", "Cookie", "X-A_B"]
)
header_values = st.sampled_from(
    ["1", "https://app.example.com", "text/plain;charset=UTF-8", "application/json", "multipart/form-data",
     "application/x-www-form-urlencoded; charset=utf-8", "12", "", "a, b", "café"]
)
requests = st.builds(
    lambda method, host, scheme, path, query, headers, body: HttpRequest(
        method, f"{scheme}://{host}{path}" + (f"?{query}" if query else ""), tuple(headers), body
    ),
    st.sampled_from(["GET", "OPTIONS", "PUT", "patch", "POST"]),
    hosts,
    st.sampled_from(["http", "https"]),
    paths.map(lambda p: p if p.startswith("/") else "/" + p),
    queries,
    st.lists(st.tuples(header_names, header_values), max_size=6),
    st.sampled_from([None, b"", b"hello", b'{"a": 1}']),
)


@settings(max_examples=300, deadline=None)
@given(requests)
def test_the_environ_is_werkzeugs_for_generated_requests(request):
    assert comparable(wsgi_environ(request)) == reference(request)


def test_a_plain_browser_request_takes_the_direct_way(monkeypatch):
    def refuse(request):
        raise AssertionError("went through EnvironBuilder")

    monkeypatch.setattr(module, "_builder_environ", refuse)
    request = HttpRequest(
        "PUT",
        "http://testserver/api/items/1?x=1",
        (("Origin", "https://app.example.com"), ("X-Request-Id", "1"), ("x-request-id", "2"), ("Content-Type", "text/plain")),
        b"hi",
    )
    environ = wsgi_environ(request)
    assert environ["PATH_INFO"] == "/api/items/1"
    assert environ["QUERY_STRING"] == "x=1"
    assert environ["HTTP_X_REQUEST_ID"] == "1, 2"
    assert (environ["CONTENT_TYPE"], environ["CONTENT_LENGTH"]) == ("text/plain", "2")
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"], environ["HTTP_HOST"]) == ("testserver", "80", "testserver")


@pytest.mark.parametrize("build", [wsgi_environ, module._builder_environ], ids=["direct", "werkzeug"])
@pytest.mark.parametrize("value", ["a\r\nInjected: 1", "a\nb", "a\rb"])
def test_a_newline_in_a_header_value_is_refused_as_werkzeug_refuses_it(build, value):
    with pytest.raises(ValueError) as error:
        build(HttpRequest("GET", "http://testserver/", (("X-A", "ok"), ("X-B", value))))
    assert str(error.value) == "Header values must not contain newline characters."


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8",
     "application/x-www-form-urlencoded; charset=utf-8; x=1", "multipart/form-data ; boundary=x"],
)
def test_a_form_content_type_with_parameters_and_no_body_is_built_by_werkzeug(content_type):
    # werkzeug encodes a form body of its own (Content-Length 0, or an empty multipart body)
    environ = wsgi_environ(HttpRequest("POST", "http://testserver/x", (("Content-Type", content_type),)))
    assert environ["CONTENT_LENGTH"] == str(len(environ["wsgi.input"].read()))
    assert environ["CONTENT_TYPE"].partition(";")[0] == content_type.partition(";")[0].strip()


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded"])  # direct way and builder way
def test_a_url_without_a_path_reaches_the_app_as_slash(content_type):
    headers = (("Content-Type", content_type),) if content_type else ()
    environ = wsgi_environ(HttpRequest("POST", "http://testserver?q=1", headers))
    assert (environ["PATH_INFO"], environ["QUERY_STRING"], environ["REQUEST_URI"]) == ("/", "q=1", "/")


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded"])  # direct way and builder way
@pytest.mark.parametrize(
    "path,path_info", [("//api/x", "//api/x"), ("////.", "////."), ("//caf%C3%A9//", "//caf\u00c3\u00a9//")]
)
def test_a_path_starting_with_two_slashes_reaches_the_app_as_a_server_passes_it(path, path_info, content_type):
    # werkzeug's test client reads //api as a host and hands the app "/x" (or fails on "////.")
    headers = (("Content-Type", content_type),) if content_type else ()
    environ = wsgi_environ(HttpRequest("POST", f"http://testserver{path}?q=1", headers))
    assert (environ["PATH_INFO"], environ["QUERY_STRING"]) == (path_info, "q=1")
    assert environ["REQUEST_URI"] == environ["RAW_URI"] == path
