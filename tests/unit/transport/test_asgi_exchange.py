"""One ASGI request/response in detail: the scope's edges, the receive/send events, each break of the protocol."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest

from pytest_cors.browser.exchange import HttpRequest
from pytest_cors.transport import BODY_READ_LIMIT, TransportError
from pytest_cors.transport.asgi import AsgiTransport, build_scope
from pytest_cors.transport.asgi_loop import AsgiLoop


@pytest.fixture
def loop():
    shared = AsgiLoop()
    yield shared
    shared.close()


def send(app, loop, request=None, timeout=5.0):
    request = request or HttpRequest("GET", "http://testserver/")
    return AsgiTransport(app, loop=loop, timeout=timeout).send(request)


def fault(app, loop, timeout=5.0) -> TransportError:
    with pytest.raises(TransportError) as info:
        send(app, loop, timeout=timeout)
    return info.value


# --- the scope ----------------------------------------------------------------------------------


def test_a_host_or_content_length_given_by_the_request_is_not_added_again():
    request = HttpRequest("POST", "http://testserver/a", (("Host", "api.example.com"), ("Content-Length", "3")), b"abc")
    assert build_scope(request, {})["headers"] == [(b"host", b"api.example.com"), (b"content-length", b"3")]


def test_an_empty_body_has_a_content_length_of_zero_and_no_body_none():
    assert build_scope(HttpRequest("POST", "http://testserver/", (), b""), {})["headers"] == [
        (b"host", b"testserver"), (b"content-length", b"0")]
    assert build_scope(HttpRequest("GET", "http://testserver/"), {})["headers"] == [(b"host", b"testserver")]


def test_a_query_latin1_cannot_hold_is_replaced_not_an_error():
    assert build_scope(HttpRequest("GET", "http://testserver/?q=→&r=é"), {})["query_string"] == b"q=?&r=\xe9"


class Asgi2Echo:
    """An ASGI 2 app that answers with its scope's path and the body it received."""

    def __init__(self, scope):
        self.scope = scope

    async def __call__(self, receive, send_):
        if self.scope["type"] != "http":
            raise ValueError("no lifespan")
        message = await receive()
        await send_({"type": "http.response.start", "status": 200,
                     "headers": [(b"x-path", self.scope["path"].encode()), (b"x-body", message["body"])]})
        await send_({"type": "http.response.body", "body": b""})


def test_an_asgi2_app_gets_its_scope_and_receive(loop):
    response = send(Asgi2Echo, loop, HttpRequest("PUT", "http://testserver/items/7", (), b"payload"))
    assert (response.header("x-path"), response.header("x-body")) == ("/items/7", "payload")


def test_text_latin1_cannot_hold_goes_as_utf8_and_odd_paths_as_a_server_decodes_them():
    request = HttpRequest("GET", "https://api.example.com/caf%FF/→?q=é", (("X-Arrow", "→"), ("X-Latin", "é")))
    scope = build_scope(request, {"pool": 1})
    assert scope["headers"][1:] == [(b"x-arrow", "→".encode()), (b"x-latin", b"\xe9")]
    assert scope["path"] == "/caf\ufffd/→"
    assert scope["raw_path"] == b"/caf%FF/?"
    assert scope["query_string"] == b"q=\xe9"
    assert scope["server"] == ("api.example.com", 443)
    assert scope["state"] == {"pool": 1}
    assert scope["client"] == ("127.0.0.1", 50000)
    assert scope["asgi"] == {"version": "3.0", "spec_version": "2.3"}


# --- receive and send ---------------------------------------------------------------------------


def test_receive_gives_the_body_once_then_a_disconnect_after_the_response(loop):
    received = []

    async def app(scope, receive, send_):
        if scope["type"] != "http":
            raise ValueError("no lifespan")
        received.append(await receive())
        await send_({"type": "http.response.start", "status": 200, "headers": [
            (b"x-a", b" \tspaced\t "), (b"x-size", b"BOX"), (b"x-control", b"\x0bv\x0c")]})
        await send_({"type": "http.response.body", "body": b"ok"})
        received.append(await receive())

    response = send(app, loop, HttpRequest("PUT", "http://testserver/", (), b"payload"))
    assert (response.status, response.reason) == (200, "OK")
    assert response.headers == (("x-a", "spaced"), ("x-size", "BOX"), ("x-control", "\x0bv\x0c"))  # spaces, tabs only
    assert received[0] == {"type": "http.request", "body": b"payload", "more_body": False}
    loop.close()  # lets the app's last receive() finish
    assert received[1:] == [{"type": "http.disconnect"}]


def test_a_status_without_a_phrase_and_a_streamed_response(loop):
    async def app(scope, receive, send_):
        await send_({"type": "http.response.start", "status": "299", "headers": [[b"x-b", b"1"]]})
        await send_({"type": "http.response.body", "body": b"a", "more_body": True})
        await send_({"type": "http.response.body", "more_body": False})

    response = send(app, loop)
    assert (response.status, response.reason, response.headers) == (299, "", (("x-b", "1"),))


def test_a_body_over_the_limit_is_abandoned_and_the_apps_next_send_fails(loop):
    outcome = []

    async def app(scope, receive, send_):
        if scope["type"] != "http":
            raise ValueError("no lifespan")
        await send_({"type": "http.response.start", "status": 200, "headers": []})
        await send_({"type": "http.response.body", "body": b"x" * BODY_READ_LIMIT, "more_body": True})
        outcome.append("limit reached, still reading")
        await send_({"type": "http.response.body", "body": b"x", "more_body": True})
        outcome.append("one byte over: abandoned")
        try:
            await send_({"type": "http.response.body", "body": b"x", "more_body": True})
        except ConnectionResetError as exc:
            outcome.append(str(exc))

    assert send(app, loop).status == 200
    loop.close()
    assert outcome == ["limit reached, still reading", "one byte over: abandoned", "the client stopped reading the response body"]


def test_an_app_that_raises_after_its_response_is_complete_is_not_a_fault(loop, caplog):
    late = []

    async def app(scope, receive, send_):
        if scope["type"] != "http":
            raise ValueError("no lifespan")
        await send_({"type": "http.response.start", "status": 500, "headers": []})
        await send_({"type": "http.response.body", "body": b"error page"})
        try:
            await send_({"type": "http.response.body", "body": b"more"})
        except Exception as exc:  # noqa: BLE001 - what the app sees
            late.append(str(exc))
        raise RuntimeError("logged by the app's error middleware")

    with caplog.at_level(logging.DEBUG, logger="asyncio"):
        assert send(app, loop).status == 500  # what the browser got: the verdict's input
        loop.close()
        gc.collect()
    assert late == ["sent 'http.response.body' after the response was complete"]
    # the app's error was seen and dropped: asyncio logs no "Task exception was never retrieved"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_an_app_that_returns_after_the_start_without_a_body_end(loop):
    async def app(scope, receive, send_):
        if scope["type"] == "http":
            await send_({"type": "http.response.start", "status": 204, "headers": []})

    assert send(app, loop).status == 204


# --- protocol errors ----------------------------------------------------------------------------


async def _start_twice(scope, receive, send_):
    if scope["type"] != "http":
        raise ValueError("no lifespan")
    await send_({"type": "http.response.start", "status": 200, "headers": []})
    await send_({"type": "http.response.start", "status": 200, "headers": []})


async def _websocket_event(scope, receive, send_):
    if scope["type"] != "http":
        raise ValueError("no lifespan")
    await send_({"type": "websocket.send", "text": "hi"})


async def _caught_and_answered(scope, receive, send_):
    """Breaks the order, catches the error, then answers properly: the break is still reported."""
    if scope["type"] != "http":
        raise ValueError("no lifespan")
    try:
        await send_({"type": "http.response.body", "body": b"early"})
    except Exception:  # noqa: BLE001
        pass
    await send_({"type": "http.response.start", "status": 200, "headers": []})
    await send_({"type": "http.response.body", "body": b""})


@pytest.mark.parametrize(
    "asgi_app, cause",
    [
        (_start_twice, "the ASGI app sent http.response.start twice"),
        (_websocket_event, "the ASGI app sent 'websocket.send'; an http scope expects http.response.start, then http.response.body"),
        (_caught_and_answered, "the ASGI app sent http.response.body before http.response.start"),
    ],
    ids=["start-twice", "websocket-event", "caught-and-answered"],
)
def test_a_break_of_the_event_order_is_a_protocol_error_with_the_apps_frames(loop, asgi_app, cause):
    error = fault(asgi_app, loop)
    assert (error.kind, error.url, error.cause) == ("app-protocol-error", "http://testserver/", cause)
    assert error.hint is not None and error.hint.startswith("Traceback (the app's frames only):\n")
    assert f"in {asgi_app.__name__}" in error.hint


def test_an_app_that_raises_after_the_start_before_the_end_is_an_app_error(loop):
    async def app(scope, receive, send_):
        if scope["type"] != "http":
            raise ValueError("no lifespan")
        await send_({"type": "http.response.start", "status": 200, "headers": []})
        raise KeyError("user_id")

    error = fault(app, loop)
    assert (error.kind, error.url, error.cause) == ("app-error", "http://testserver/", "the ASGI app raised KeyError: 'user_id'")


def test_an_app_cancelled_before_it_answers_is_a_protocol_error(loop):
    async def app(scope, receive, send_):
        if scope["type"] != "http":
            raise ValueError("no lifespan")
        raise asyncio.CancelledError()

    error = fault(app, loop)
    assert (error.kind, error.cause) == ("app-protocol-error", "the ASGI app returned without sending http.response.start")


def test_a_hang_is_an_app_timeout_with_a_hint(loop):
    async def app(scope, receive, send_):
        if scope["type"] != "http":
            raise ValueError("no lifespan")
        await receive()
        await receive()  # waits for a disconnect that comes only after a response

    error = fault(app, loop, timeout=0.2)
    assert (error.kind, error.url) == ("app-timeout", "http://testserver/")
    assert error.cause == "the ASGI app did not complete its response within 0.2 s"
    assert error.hint == (
        "an await that never returns, or a blocking call in an async route; raise --cors-timeout if it is just slow"
    )


def test_an_app_that_hangs_is_cancelled_at_the_deadline_and_the_next_request_is_served(loop):
    seen = []

    async def app(scope, receive, send_):
        if scope["type"] != "http":
            raise ValueError("no lifespan")
        if not seen:
            seen.append("hangs")
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:  # e.g. a database session closed by the framework
                seen.append("cancelled")
                raise
        await send_({"type": "http.response.start", "status": 200, "headers": []})
        await send_({"type": "http.response.body", "body": b""})

    transport = AsgiTransport(app, loop=loop, timeout=0.2)
    with pytest.raises(TransportError):
        transport.send(HttpRequest("GET", "http://testserver/"))
    assert transport.send(HttpRequest("GET", "http://testserver/")).status == 200
    assert seen == ["hangs", "cancelled"]


def test_an_app_goes_on_after_its_response_as_under_a_server(loop):
    after = []

    async def app(scope, receive, send_):
        if scope["type"] != "http":
            raise ValueError("no lifespan")
        await send_({"type": "http.response.start", "status": 200, "headers": []})
        await send_({"type": "http.response.body", "body": b""})
        await asyncio.sleep(0)
        after.append(scope["path"])  # Starlette's BackgroundTasks run here, after the client has its answer

    transport = AsgiTransport(app, loop=loop, timeout=1.0)
    for path in ("/first", "/second"):
        assert transport.send(HttpRequest("GET", f"http://testserver{path}")).status == 200
    loop.close()
    assert after == ["/first", "/second"]


# --- the transport ------------------------------------------------------------------------------


def test_a_non_callable_app_is_refused():
    with pytest.raises(TypeError, match="^an ASGI app must be callable, got int$"):
        AsgiTransport(3)


def test_a_transport_without_a_loop_owns_one_and_closes_it():
    async def app(scope, receive, send_):
        if scope["type"] != "http":
            raise ValueError("no lifespan")
        await send_({"type": "http.response.start", "status": 204, "headers": []})
        await send_({"type": "http.response.body", "body": b""})

    transport = AsgiTransport(app, "http://localhost:8000/")
    assert (transport.base_url(), transport.origin, transport.is_live) == ("http://localhost:8000", "http://localhost:8000", False)
    assert transport.send(HttpRequest("GET", "http://localhost:8000/")).status == 204
    inner = transport.loop._loop
    transport.close()
    assert inner is not None and inner.is_closed() and not transport.loop.started


def test_closing_a_transport_that_never_sent_starts_nothing():
    shared = AsgiLoop()
    events = []

    async def app(scope, receive, send_):
        events.append(scope["type"])

    AsgiTransport(app, loop=shared).close()
    assert events == [] and not shared.started
