"""The run's event loop seen from an async test, and the app's own frames in fault reports."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gc
import inspect
import logging
import time

import pytest

from pytest_cors.browser.exchange import HttpRequest
from pytest_cors.transport import TransportError
from pytest_cors.transport.asgi import AsgiTransport
from pytest_cors.transport.asgi_loop import AsgiLoop, LoopTimeout
from pytest_cors.transport.asgi_traceback import MAX_FRAMES, app_traceback

from . import asgi_apps

GET = HttpRequest("GET", "http://testserver/api")


# --- from inside a running loop (an async test calling cors.check) -------------------------------


def fault_from_a_running_loop(app, timeout=5.0) -> TransportError:
    shared = AsgiLoop()
    transport = AsgiTransport(app, loop=shared, timeout=timeout)

    async def async_test():
        with pytest.raises(TransportError) as info:
            transport.send(GET)
        return info.value

    try:
        return asyncio.run(async_test())
    finally:
        shared.close()


def test_an_app_error_reaches_an_async_test_as_a_fault():
    error = fault_from_a_running_loop(asgi_apps.raises)
    assert (error.kind, error.cause) == ("app-error", "the ASGI app raised RuntimeError: database is down")


def test_a_hang_seen_from_an_async_test_is_bounded_by_the_timeout():
    error = fault_from_a_running_loop(asgi_apps.hangs, timeout=0.2)
    assert (error.kind, error.cause) == ("app-timeout", "the ASGI app did not complete its response within 0.2 s")


def test_a_loop_run_that_times_out_names_the_limit():
    shared = AsgiLoop()
    try:
        with pytest.raises(LoopTimeout, match=r"^no answer within 0\.1 s$"):
            shared.run(lambda: asyncio.sleep(3600), 0.1)
        assert shared.run(lambda: asyncio.sleep(0, result="still usable"), 1.0) == "still usable"
    finally:
        shared.close()
    shared.close()  # twice is fine
    assert not shared.started


def test_closing_the_loop_from_an_async_test_cancels_what_is_left():
    shared = AsgiLoop()
    transport = AsgiTransport(asgi_apps.slow_background, loop=shared, timeout=1.0)
    assert transport.send(GET).status == 200  # its background task still sleeps on the loop
    inner = shared._loop

    async def async_test():
        shared.close()

    asyncio.run(async_test())
    assert inner is not None and inner.is_closed()


def test_closing_the_loop_cancels_the_tasks_an_app_left_and_lets_them_finish():
    shared = AsgiLoop()
    seen = []

    async def background():
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            await asyncio.sleep(0)  # its clean-up may await, within close()'s bound
            seen.append("cancelled")
            raise

    async def request():
        asyncio.ensure_future(background())  # the app's work after its answer (still pending at the end)
        await asyncio.sleep(0)
        return "answered"

    assert shared.run(request, 1.0) == "answered"
    with _asyncio_records() as records:
        shared.close()
        gc.collect()
    assert seen == ["cancelled"]
    assert records == []  # not "Task was destroyed but it is pending!"


def test_a_task_that_ignores_its_cancellation_holds_up_closing_for_one_second_only():
    shared = AsgiLoop()

    async def stubborn():
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                continue

    async def request():
        asyncio.ensure_future(stubborn())
        await asyncio.sleep(0)

    shared.run(request, 1.0)
    started = time.monotonic()
    with _asyncio_records() as records:
        shared.close()
        waited = time.monotonic() - started
        gc.collect()  # the abandoned task is destroyed here, and asyncio says so
    assert 1.0 <= waited < 1.9
    assert [r.getMessage().splitlines()[0] for r in records] == ["Task was destroyed but it is pending!"]


@contextlib.contextmanager
def _asyncio_records():
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("asyncio")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


# --- the app's frames ---------------------------------------------------------------------------


def _line_of(function, text: str) -> int:
    lines, first = inspect.getsourcelines(function)
    return first + next(i for i, line in enumerate(lines) if text in line)


def test_a_fault_shows_exactly_the_apps_frames_and_its_error():
    error = fault_from_a_running_loop(asgi_apps.raises)
    path = asgi_apps.__file__
    lines = [line for line in error.hint.splitlines() if line.strip(" ^~")]
    assert lines[0] == "Traceback (the app's frames only):"
    # (under mutmut, its trampoline's frames come between: they are neither the plugin's nor asyncio's)
    assert "\n".join(lines[-5:]) == "\n".join([
        f'  File "{path}", line {_line_of(asgi_apps.raises, "_inner_failure()")}, in raises',
        "    _inner_failure()",
        f'  File "{path}", line {_line_of(asgi_apps._inner_failure, "raise RuntimeError")}, in _inner_failure',
        '    raise RuntimeError("database is down")',
        "RuntimeError: database is down",
    ])


def test_an_error_raised_by_the_transport_itself_has_no_traceback():
    with pytest.raises(TransportError) as info:
        AsgiTransport(asgi_apps.never_starts).send(GET)
    # no app frame to show: no hint (under mutmut, whose trampoline frames wrap the plugin's, there is one)
    assert info.value.kind == "app-protocol-error"
    assert info.value.hint == "" or "mutmut" in info.value.hint
    assert str(info.value).startswith(
        "app-protocol-error: http://testserver/api: the ASGI app returned without sending http.response.start"
    )


def descend(depth: int) -> None:
    if depth <= 1:
        raise ValueError(f"bottom\n  of {depth} in MAX")  # source lines and messages are shown whole: X
    if depth % 2:  # two call lines: consecutive frames differ, so none is folded as a repeat
        descend(depth - 1)
    else:
        descend(depth - 1)


def raised_through(frames: int) -> ValueError:
    """A ValueError whose traceback is ``frames`` frames of descend()."""
    try:
        descend(frames)
    except ValueError as exc:
        exc.__traceback__ = exc.__traceback__.tb_next  # drop this function's frame
        return exc
    raise AssertionError("unreachable")


@pytest.mark.parametrize("frames", [MAX_FRAMES - 1, MAX_FRAMES, MAX_FRAMES + 1, MAX_FRAMES + 5])
def test_only_the_innermost_frames_are_shown(frames):
    # (caret lines under a source line come and go with Python's column information: not counted)
    lines = [line for line in app_traceback(raised_through(frames)).splitlines() if line.strip(" ^~")]
    assert MAX_FRAMES == 12
    hidden = max(0, frames - MAX_FRAMES)
    assert lines[0] == "Traceback (the app's frames only):"
    assert (lines[1] == f"  ... {hidden} outer frames not shown") is (hidden > 0)
    shown = [line for line in lines if line.startswith("  File ")]
    assert len(shown) == min(frames, MAX_FRAMES)
    assert lines[-3:] == [
        '    raise ValueError(f"bottom\\n  of {depth} in MAX")  # source lines and messages are shown whole: X',
        "ValueError: bottom",
        "  of 1 in MAX",
    ]
    assert f"line {_line_of(descend, 'raise ValueError')}, in descend" in shown[-1]  # the innermost frame is kept


def test_an_error_without_app_frames_has_no_traceback():
    assert app_traceback(RuntimeError("never raised")) == ""
    try:
        concurrent.futures.Future().result(timeout=0)  # raised inside concurrent.futures only
    except concurrent.futures.TimeoutError as exc:
        exc.__traceback__ = exc.__traceback__.tb_next  # drop this function's frame
        assert app_traceback(exc) == ""


def _fail(error_X):
    raise error_X


def test_a_source_line_is_shown_whole_without_a_caret_line():
    try:
        _fail(KeyError("DATABASE_URL"))
    except KeyError as exc:
        lines = app_traceback(exc).splitlines()
    # the whole line is the failing statement: Python shows no caret line under it
    assert lines[-3:] == [
        f'  File "{__file__}", line {_line_of(_fail, "raise error_X")}, in _fail',
        "    raise error_X",
        "KeyError: 'DATABASE_URL'",
    ]
