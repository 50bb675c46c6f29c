"""The one event loop a run drives its ASGI apps on.

One loop per run, not per request, so lifespan state (a database pool, an HTTP
client) lives as long as the run, as under a server. Between requests the loop is
not running: tasks the app keeps (its lifespan) wait, suspended, for the next
request. Each request runs the loop in the calling thread (no thread hand-off: an
in-process check must stay as cheap as a WSGI one); only a caller that is itself
inside a running loop (an async test calling ``cors.check``) has the request run
in a short-lived helper thread, since one thread cannot run two loops.

Hangs are bounded by the timeout: an ``await`` that never returns is cancelled at
the deadline. A synchronous blocking call inside an ``async def`` cannot be
interrupted by anyone (not by a server either); it ends when the call returns.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Awaitable, Callable, Coroutine, List, Optional, TypeVar

T = TypeVar("T")


class LoopTimeout(Exception):
    """The coroutine did not finish within the time allowed; it has been cancelled."""


def _caller_in_a_running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class AsgiLoop:
    """Creates its loop on first use; :meth:`close` cancels what is left and closes it (idempotent)."""

    def __init__(self) -> None:
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        """True once the loop exists (after the first ASGI request of the run)."""
        return self._loop is not None

    def _the_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        return self._loop

    def run(self, make: Callable[[], Coroutine[Any, Any, T]], timeout: float) -> T:
        """Run ``make()`` on the loop until it finishes, cancelled after ``timeout`` seconds."""
        return self.run_until(lambda loop: loop.create_task(make()), timeout)

    def run_until(self, start: Callable[[asyncio.AbstractEventLoop], asyncio.Future[T]], timeout: float) -> T:
        """Run the loop until the future ``start(loop)`` returns is resolved; cancel it after ``timeout`` seconds.

        A request waits on a plain future its response resolves, not on a task wrapping the app's
        task: two turns of the loop per request instead of six, which is most of what an ASGI check
        costs over a WSGI one.
        """
        with self._lock:  # one request at a time, as the loop can only run once
            loop = self._the_loop()
            future = start(loop)
            timed_out: List[bool] = []

            def expire() -> None:
                timed_out.append(True)
                future.cancel()

            handle = loop.call_later(timeout, expire)
            try:
                if not _caller_in_a_running_loop():
                    return loop.run_until_complete(future)
                return _in_helper_thread(loop, lambda: future)
            except asyncio.CancelledError:
                if timed_out:
                    raise LoopTimeout(f"no answer within {timeout:g} s") from None
                raise
            finally:
                handle.cancel()

    def close(self) -> None:
        """Cancel the tasks still waiting (lifespans already shut down), close the loop."""
        with self._lock:
            loop, self._loop = self._loop, None
        if loop is None or loop.is_closed():
            return
        tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in tasks:
            task.cancel()

        async def settle() -> None:
            if tasks:
                await asyncio.wait(tasks, timeout=1.0)
            await loop.shutdown_asyncgens()

        try:
            if _caller_in_a_running_loop():
                _in_helper_thread(loop, settle)
            else:
                loop.run_until_complete(settle())
        finally:
            loop.close()


def _in_helper_thread(loop: asyncio.AbstractEventLoop, make: Callable[[], Awaitable[T]]) -> T:
    """Run the loop in a new thread until ``make()`` is resolved; re-raise its exception here."""
    outcome: List[Any] = []

    def target() -> None:
        try:
            outcome.append((True, loop.run_until_complete(make())))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            outcome.append((False, exc))

    thread = threading.Thread(target=target, name="pytest-cors-asgi", daemon=True)
    thread.start()
    thread.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    result: T = value
    return result
