"""An ASGI app's lifespan as a server drives it: each answer to startup and shutdown, and what reports say."""

from __future__ import annotations

import asyncio

import pytest

from pytest_cors.browser.exchange import HttpRequest
from pytest_cors.transport import TransportError
from pytest_cors.transport.asgi import AsgiTransport
from pytest_cors.transport.asgi_lifespan import Lifespan, LifespanProblem, LifespanState
from pytest_cors.transport.asgi_loop import AsgiLoop

GET = HttpRequest("GET", "http://testserver/")


def lifespan_app(on_startup=None, on_shutdown=None):
    """An app whose lifespan answers are given as functions ``(send) -> coroutine``."""

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            message = await receive()
            assert message["type"] == "lifespan.startup"
            await (on_startup or complete("startup"))(send)
            message = await receive()
            assert message["type"] == "lifespan.shutdown"
            await (on_shutdown or complete("shutdown"))(send)
            return
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


def complete(phase):
    async def answer(send):
        await send({"type": f"lifespan.{phase}.complete"})

    return answer


def sends(message):
    async def answer(send):
        await send(message)

    return answer


def _pool_unavailable():
    raise ConnectionError("pool unavailable")


async def raises(send):
    _pool_unavailable()


async def hangs(send):
    await asyncio.sleep(3600)


@pytest.fixture
def loop():
    shared = AsgiLoop()
    yield shared
    shared.close()


def started(app, loop, timeout=5.0) -> Lifespan:
    lifespan = Lifespan(app, loop, timeout)
    assert lifespan.state is LifespanState.NOT_STARTED
    lifespan.startup()
    return lifespan


def test_a_complete_startup_and_shutdown(loop):
    lifespan = started(lifespan_app(), loop)
    assert (lifespan.state, lifespan.problem) == (LifespanState.RUNNING, None)
    lifespan.startup()  # once only
    assert lifespan.state is LifespanState.RUNNING
    lifespan.shutdown()
    assert (lifespan.state, lifespan.problem) == (LifespanState.STOPPED, None)
    lifespan.shutdown()  # once only
    assert lifespan.state is LifespanState.STOPPED


@pytest.mark.parametrize(
    "answer, message",
    [
        (sends({"type": "lifespan.startup.failed", "message": "no DATABASE_URL"}), "lifespan.startup.failed: no DATABASE_URL"),
        (sends({"type": "lifespan.startup.failed"}), "lifespan.startup.failed: (no message)"),
        (sends({"type": "lifespan.startup.failed", "message": ""}), "lifespan.startup.failed: (no message)"),
        (sends({"type": "lifespan.shutdown.complete"}),
         "sent 'lifespan.shutdown.complete' where lifespan.startup.complete or .failed was expected"),
        (sends({"type": "http.response.start", "status": 200}), "raised RuntimeError: 'http.response.start' is not a lifespan message"),
        (sends({"status": 200}), "raised RuntimeError: '' is not a lifespan message"),
    ],
    ids=["failed", "failed-without-message", "failed-empty-message", "wrong-event", "http-event", "no-type"],
)
def test_a_startup_that_fails_is_reported(loop, answer, message):
    lifespan = started(lifespan_app(on_startup=answer), loop)
    assert lifespan.state is LifespanState.FAILED
    assert lifespan.problem is not None and (lifespan.problem.phase, lifespan.problem.message) == ("startup", message)
    lifespan.shutdown()  # nothing to shut down
    assert lifespan.state is LifespanState.FAILED


def test_a_startup_that_raises_is_reported_with_the_apps_frames(loop):
    lifespan = started(lifespan_app(on_startup=raises), loop)
    problem = lifespan.problem
    assert problem is not None and problem.message == "raised ConnectionError: pool unavailable"
    assert problem.traceback.startswith("Traceback (the app's frames only):\n")
    assert "in _pool_unavailable" in problem.traceback
    assert problem.text() == f"the ASGI app's lifespan startup failed: raised ConnectionError: pool unavailable\n{problem.traceback}"


def test_a_startup_that_never_answers_is_bounded_by_the_timeout(loop):
    lifespan = started(lifespan_app(on_startup=hangs), loop, timeout=0.2)
    assert lifespan.state is LifespanState.FAILED
    assert lifespan.problem == LifespanProblem("startup", "no lifespan.startup.complete within 0.2 s (--cors-timeout)")
    assert lifespan.problem.text() == "the ASGI app's lifespan startup failed: no lifespan.startup.complete within 0.2 s (--cors-timeout)"


async def no_lifespan(scope, receive, send):
    assert scope["type"] == "http"  # raises before reading the startup event


async def returns_at_once(scope, receive, send):
    return None


async def reads_then_returns(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()


@pytest.mark.parametrize("asgi_app", [no_lifespan, returns_at_once, reads_then_returns])
def test_an_app_without_lifespan_is_used_without_it(loop, asgi_app):
    # (not named ``app``: pytest-flask's autouse fixtures act on any test with an ``app`` argument)
    lifespan = started(asgi_app, loop)
    assert (lifespan.state, lifespan.problem) == (LifespanState.UNSUPPORTED, None)


@pytest.mark.parametrize(
    "answer, message",
    [
        (sends({"type": "lifespan.shutdown.failed", "message": "pool did not drain"}), "lifespan.shutdown.failed: pool did not drain"),
        (sends({"type": "lifespan.shutdown.failed"}), "lifespan.shutdown.failed: (no message)"),
        (raises, "raised ConnectionError: pool unavailable"),
    ],
    ids=["failed", "failed-without-message", "raises"],
)
def test_a_shutdown_that_fails_is_reported(loop, answer, message):
    lifespan = started(lifespan_app(on_shutdown=answer), loop)
    lifespan.shutdown()
    assert lifespan.state is LifespanState.STOPPED
    assert lifespan.problem is not None and (lifespan.problem.phase, lifespan.problem.message) == ("shutdown", message)
    assert lifespan.problem.text().startswith(f"the ASGI app's lifespan shutdown failed: {message}")
    assert ("in _pool_unavailable" in lifespan.problem.traceback) is (answer is raises)


def test_a_shutdown_that_never_answers_is_bounded_by_the_timeout(loop):
    lifespan = started(lifespan_app(on_shutdown=hangs), loop, timeout=0.2)
    lifespan.shutdown()
    assert lifespan.problem == LifespanProblem("shutdown", "no lifespan.shutdown.complete within 0.2 s")


def test_the_lifespan_scope_is_what_a_server_sends_and_its_state_reaches_requests(loop):
    seen = {}

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            seen["lifespan"] = {key: value for key, value in scope.items() if key != "state"}
            await receive()
            scope["state"]["pool"] = "ready"
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        seen["request"] = dict(scope["state"])
        scope["state"]["leak"] = True  # a request's changes stay in that request
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    transport = AsgiTransport(app, loop=loop)
    transport.send(GET)
    assert seen["lifespan"] == {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}}
    assert seen["request"] == {"pool": "ready"}
    transport.send(GET)
    assert seen["request"] == {"pool": "ready"}
    transport.close()


def test_a_failed_startup_is_what_every_request_reports(loop):
    transport = AsgiTransport(lifespan_app(on_startup=sends({"type": "lifespan.startup.failed", "message": "no key"})), loop=loop)
    with pytest.raises(TransportError) as info:
        transport.send(GET)
    assert (info.value.kind, info.value.url) == ("app-lifespan-error", "http://testserver/")
    assert info.value.cause == "the ASGI app's lifespan startup failed: lifespan.startup.failed: no key"
    assert info.value.hint == "fix the app's startup (lifespan); no request is sent to an app that did not start"
