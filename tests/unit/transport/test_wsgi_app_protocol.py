"""The WSGI transport runs an app as werkzeug's run_wsgi_app does, and names the app's protocol errors."""

from __future__ import annotations

import itertools
import sys

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from pytest_cors.browser.exchange import HttpRequest
from pytest_cors.transport import BODY_READ_LIMIT, TransportError
from pytest_cors.transport.wsgi import WsgiTransport

REQUEST = HttpRequest("PUT", "http://testserver/api/x?q=1", (("Origin", "https://app.example.com"),), b"{}")


def plain(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Len", 3), ("Vary", "  Origin \t")])
    return [b"abc"]


def generator(environ, start_response):  # start_response at the first next(), as generator apps do
    start_response("201 Created", [("X-Method", environ["REQUEST_METHOD"])])
    yield b"a"
    yield b"b"


def writer(environ, start_response):  # the legacy write() callable
    write = start_response("202 Accepted", [("X-Path", environ["PATH_INFO"])])
    write(b"written")
    return []


def mapping_headers(environ, start_response):  # not PEP 3333, but werkzeug accepts a dict
    start_response("200 OK", {"X-Many": ["1", "2"], "X-One": "3"})
    return [b""]


def reference(app):
    builder = EnvironBuilder(path="/api/x", base_url="http://testserver", query_string="q=1", method="PUT",
                             headers=list(REQUEST.headers), data=REQUEST.body)
    app_iter, status, headers = run_wsgi_app(app, builder.get_environ())
    b"".join(app_iter)
    code, _, reason = status.partition(" ")
    return int(code), tuple((k, v.strip(" \t")) for k, v in headers.to_wsgi_list()), reason


@pytest.mark.parametrize("wsgi_app", [plain, generator, writer, mapping_headers])
def test_status_and_headers_are_what_werkzeug_collects(wsgi_app):
    response = WsgiTransport(wsgi_app).send(REQUEST)
    assert (response.status, response.headers, response.reason) == reference(wsgi_app)


class Closing:
    """A body iterable that counts close() calls; ``fail`` raises while the first chunk is produced."""

    def __init__(self, start_response, *, start=True, fail=False, endless=False):
        self.closed = 0
        self.served = 0
        self.fail = fail
        self.endless = endless
        if start:
            start_response("200 OK", [])

    def __iter__(self):
        if self.fail:
            raise RuntimeError("boom while producing the body")
        return self._endless() if self.endless else iter([b"ok"])

    def _endless(self):
        for chunk in itertools.repeat(b"x" * 4096):
            self.served += 1
            yield chunk

    def close(self):
        self.closed += 1


def app_returning(**kwargs):
    made = []

    def app(environ, start_response):
        made.append(Closing(start_response, **kwargs))
        return made[-1]

    return app, made


def test_the_body_is_closed_once_after_reading():
    app, made = app_returning()
    assert WsgiTransport(app).send(REQUEST).status == 200
    assert made[0].closed == 1


def test_an_endless_body_is_read_up_to_the_limit_and_closed():
    app, made = app_returning(endless=True)
    assert WsgiTransport(app).send(REQUEST).status == 200
    assert made[0].closed == 1
    assert made[0].served == BODY_READ_LIMIT // 4096 + 1  # read just past the limit, then stopped


def test_a_crash_before_the_response_started_is_an_app_error_and_closes_the_body():
    app, made = app_returning(start=False, fail=True)
    with pytest.raises(TransportError) as caught:
        WsgiTransport(app).send(REQUEST)
    assert caught.value.kind == "app-error"
    assert "the WSGI app raised RuntimeError: boom while producing the body" in str(caught.value)
    assert made[0].closed == 1


def test_a_body_without_start_response_is_named():
    app, made = app_returning(start=False)
    with pytest.raises(TransportError) as caught:
        WsgiTransport(app).send(REQUEST)
    assert "without calling start_response()" in caught.value.cause
    assert "PEP 3333" in caught.value.cause
    assert made[0].closed == 1


def test_a_crash_while_streaming_is_named_as_such():
    def app(environ, start_response):
        start_response("200 OK", [])
        yield b"first"
        raise KeyError("late")

    with pytest.raises(TransportError, match="raised KeyError while streaming"):
        WsgiTransport(app).send(REQUEST)


def test_exc_info_passed_to_start_response_before_the_response_is_sent_replaces_it():
    """PEP 3333 (as gunicorn, werkzeug's server, wsgiref): the error handler's 500 is what the browser gets."""

    def app(environ, start_response):
        try:
            raise ValueError("handled badly")
        except ValueError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        return [b""]

    assert WsgiTransport(app).send(REQUEST).status == 500


def test_a_newline_in_a_response_header_is_an_app_error():
    def app(environ, start_response):
        start_response("200 OK", [("X-Bad", "a\r\nInjected: 1")])
        return [b""]

    with pytest.raises(TransportError, match="newline"):
        WsgiTransport(app).send(REQUEST)


def test_none_after_start_response_is_named():
    def app(environ, start_response):
        start_response("200 OK", [])

    with pytest.raises(TransportError, match=r"returned None after calling start_response\(\)"):
        WsgiTransport(app).send(REQUEST)
