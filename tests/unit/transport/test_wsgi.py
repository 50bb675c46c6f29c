"""The WSGI transport: the environ a server would build, the response as the app gave it, faults named."""

from __future__ import annotations

import json
import sys

import pytest

from pytest_cors.browser.exchange import HttpRequest
from pytest_cors.transport import BODY_READ_LIMIT, TransportError
from pytest_cors.transport.wsgi import WsgiTransport

ENVIRON_KEYS = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme",
                "CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_HOST", "HTTP_ORIGIN", "HTTP_X_TAG")


def echo_environ(environ, start_response):
    """Answers with the environ it got (the keys above) and the request body."""
    shown = {key: environ.get(key) for key in ENVIRON_KEYS}
    shown["body"] = environ["wsgi.input"].read().decode("latin-1")
    start_response("201 Created Here", [
        ("Access-Control-Allow-Origin", " \thttps://app.example.com \t"),
        ("X-Environ", json.dumps(shown)),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
    ])
    return [b"ok"]


def environ_of(response):
    return json.loads(response.header("x-environ"))


def test_the_environ_is_what_a_server_builds():
    transport = WsgiTransport(echo_environ, "https://api.example.com:8443/")
    request = HttpRequest(
        "patch",
        "https://api.example.com:8443/api/items?q=1&q=2",
        (("Origin", "https://app.example.com"), ("X-Tag", "one"), ("Content-Type", "text/plain")),
        b"hello",
    )
    assert environ_of(transport.send(request)) == {
        "REQUEST_METHOD": "patch",  # exactly as sent
        "PATH_INFO": "/api/items",
        "QUERY_STRING": "q=1&q=2",
        "SERVER_NAME": "api.example.com",
        "SERVER_PORT": "8443",
        "wsgi.url_scheme": "https",
        "CONTENT_TYPE": "text/plain",
        "CONTENT_LENGTH": "5",
        "HTTP_HOST": "api.example.com:8443",
        "HTTP_ORIGIN": "https://app.example.com",
        "HTTP_X_TAG": "one",
        "body": "hello",
    }


def test_an_empty_path_is_the_root_and_no_query_is_empty():
    environ = environ_of(WsgiTransport(echo_environ).send(HttpRequest("GET", "http://testserver")))
    assert (environ["PATH_INFO"], environ["QUERY_STRING"], environ["SERVER_PORT"]) == ("/", "", "80")
    assert environ["body"] == ""


def test_the_response_is_what_the_app_gave_with_values_trimmed_like_a_browser():
    response = WsgiTransport(echo_environ).send(HttpRequest("GET", "http://testserver/"))
    assert (response.status, response.reason) == (201, "Created Here")
    assert response.headers[0] == ("Access-Control-Allow-Origin", "https://app.example.com")
    assert response.header_lines("set-cookie") == ["a=1", "b=2"]
    assert response.body_error is None


def test_a_status_without_a_reason_phrase():
    def app(environ, start_response):
        start_response("204", [])
        return []

    response = WsgiTransport(app).send(HttpRequest("GET", "http://testserver/"))
    assert (response.status, response.reason, response.headers) == (204, "", ())


def test_an_endless_body_is_read_up_to_the_limit_and_closed():
    class Endless:
        def __init__(self):
            self.read = 0
            self.closed = False

        def __iter__(self):
            while True:
                self.read += 65536
                yield b"x" * 65536

        def close(self):
            self.closed = True

    body = Endless()

    def app(environ, start_response):
        start_response("200 OK", [("Access-Control-Allow-Origin", "*")])
        return body

    response = WsgiTransport(app).send(HttpRequest("GET", "http://testserver/"))
    assert response.header("access-control-allow-origin") == "*"
    assert body.read == BODY_READ_LIMIT + 65536  # one chunk past the limit, then it stopped
    assert body.closed


def test_a_body_of_exactly_the_limit_is_read_to_its_end():
    chunks = []

    def app(environ, start_response):
        start_response("200 OK", [])

        def body():
            for _ in range(BODY_READ_LIMIT // 65536):
                chunks.append(1)
                yield b"x" * 65536
            chunks.append("end")

        return body()

    WsgiTransport(app).send(HttpRequest("GET", "http://testserver/"))
    assert chunks[-1] == "end"


def fault(app, url: str = "http://testserver/api") -> TransportError:
    with pytest.raises(TransportError) as info:
        WsgiTransport(app).send(HttpRequest("GET", url))
    return info.value


def _database_down():
    raise RuntimeError("database is down")


def test_an_app_that_raises_is_an_app_error_with_the_innermost_frames():
    def app(environ, start_response):
        _database_down()

    error = fault(app)
    assert (error.kind, error.url) == ("app-error", "http://testserver/api")
    assert error.cause == "the WSGI app raised RuntimeError: database is down"
    assert error.hint is not None
    lines = error.hint.splitlines()
    assert lines[-1] == "RuntimeError: database is down"
    # the innermost two frames (where the app called, where it raised), then the error: no plugin frames
    assert [line.split(", in ")[-1] for line in lines if line.lstrip().startswith("File ")] == ["app", "_database_down"]
    assert 'in _database_down\n    raise RuntimeError("database is down")' in error.hint
    assert "Traceback" not in error.hint
    assert isinstance(error.__cause__, RuntimeError)


def test_an_app_that_raises_while_streaming_its_body():
    def app(environ, start_response):
        start_response("200 OK", [])
        yield b"first"
        raise ValueError("template error")

    error = fault(app)
    assert (error.kind, error.url, error.cause, error.hint) == (
        "app-error", "http://testserver/api", "the WSGI app raised ValueError while streaming: template error", None,
    )


def test_the_body_is_closed_even_when_streaming_fails():
    closed = []

    class Failing:
        def __init__(self):
            self.sent = 0

        def __iter__(self):
            return self

        def __next__(self):
            self.sent += 1
            if self.sent > 1:  # the server reads the first chunk with the status; the second breaks
                raise OSError("disk gone")
            return b"first"

        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [])
        return Failing()

    assert fault(app).cause == "the WSGI app raised OSError while streaming: disk gone"
    assert closed == [True]


@pytest.mark.parametrize("calls_start_response, said", [(True, "after calling"), (False, "without calling")])
def test_an_app_that_returns_none_is_told_what_wsgi_expects(calls_start_response, said):
    def app(environ, start_response):
        if calls_start_response:
            start_response("200 OK", [])

    error = fault(app)
    assert (error.kind, error.url, error.hint) == ("app-error", "http://testserver/api", None)
    assert error.cause == (
        f"the app returned None {said} start_response(); a WSGI app must call start_response(status, headers) and "
        "return an iterable of bytes, e.g. [b''] (PEP 3333)"
    )
    assert error.__cause__ is None  # the transport's own frames are of no use to the user


def test_an_error_handler_that_answers_500_with_exc_info_gets_its_500_through():
    """PEP 3333: start_response(..., exc_info) before the headers are sent replaces the response."""

    def app(environ, start_response):
        try:
            start_response("200 OK", [("X-Partial", "1")])
            raise LookupError("no such item")
        except LookupError:
            start_response("500 Internal Server Error", [("Access-Control-Allow-Origin", "*")], sys.exc_info())
            return [b"error page"]

    response = WsgiTransport(app).send(HttpRequest("GET", "http://testserver/"))
    assert (response.status, response.reason, response.headers) == (500, "Internal Server Error", (("Access-Control-Allow-Origin", "*"),))


def test_exc_info_after_the_headers_are_sent_raises_the_apps_error_again():
    def app(environ, start_response):
        start_response("200 OK", [])
        yield b"first"
        try:
            raise LookupError("lost the connection to the cache")
        except LookupError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        yield b"never sent"

    assert fault(app).cause == "the WSGI app raised LookupError while streaming: lost the connection to the cache"


def test_header_values_lose_spaces_and_tabs_around_them_only():
    def app(environ, start_response):
        start_response("200 OK", [("X-Size", "BOX"), ("X-Control", "\x0bvalue\x0c")])
        return [b""]

    response = WsgiTransport(app).send(HttpRequest("GET", "http://testserver/"))
    assert response.headers == (("X-Size", "BOX"), ("X-Control", "\x0bvalue\x0c"))


def test_a_body_without_start_response_is_told_what_wsgi_expects():
    def app(environ, start_response):
        yield b"hello"

    error = fault(app)
    assert (error.kind, error.hint) == ("app-error", None)
    assert error.cause == (
        "the app returned its body without calling start_response(); a WSGI app must call "
        "start_response(status, headers) before its first body chunk (PEP 3333)"
    )


def test_a_newline_in_a_response_header_value_is_named_as_werkzeug_names_it():
    def app(environ, start_response):
        start_response("200 OK", [("Access-Control-Allow-Origin", "https://app.example.com\r\nX-Injected: 1")])
        return [b""]

    assert fault(app).cause == "the WSGI app raised ValueError: Header values must not contain newline characters."


def test_a_non_callable_app_is_refused():
    with pytest.raises(TypeError, match="^a WSGI app must be callable, got dict$"):
        WsgiTransport({})


class Named:
    def __call__(self, environ, start_response):
        start_response("200 OK", [])
        return [b""]


def test_describe_names_the_app_and_its_origin():
    assert WsgiTransport(echo_environ, "https://api.example.com/").describe() == (
        f"WSGI app {__name__}.echo_environ served as https://api.example.com"
    )
    assert WsgiTransport(Named()).describe() == f"WSGI app {__name__}.Named served as http://testserver"
    assert WsgiTransport(Named(), name="app.main:app").describe() == "WSGI app app.main:app served as http://testserver"
    transport = WsgiTransport(Named(), "http://localhost:8000/")
    assert (transport.base_url(), transport.origin, transport.is_live) == ("http://localhost:8000", "http://localhost:8000", False)
    transport.close()
