"""The one event loop a run drives its ASGI apps on, in a thread of its own.

Why a thread: the caller may already be inside a running loop (an async test
calling ``cors.check``), where a second loop cannot run; and an app that blocks
its loop (a synchronous ``time.sleep`` in an ``async def`` route) must still be
bounded by ``--cors-timeout``: the caller stops waiting even though the loop
cannot be interrupted. One loop per run, not per request, so lifespan state
(a database pool, an HTTP client) lives as long as the run, as under a server.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any, Callable, Coroutine, Optional, TypeVar

T = TypeVar("T")


class LoopTimeout(Exception):
    """The coroutine did not finish within the time allowed; it has been cancelled."""


class AsgiLoop:
    """Starts its loop on first use; :meth:`close` stops and closes it (idempotent)."""

    def __init__(self) -> None:
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        """True once the loop runs (after the first ASGI request of the run)."""
        return self._loop is not None

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="pytest-cors-asgi", daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def run(self, make: Callable[[], Coroutine[Any, Any, T]], timeout: float) -> T:
        """Run ``make()`` on the loop and wait for its result at most ``timeout`` seconds.

        The coroutine is cancelled inside the loop at the deadline; if the loop itself
        is blocked, the caller still returns (with :class:`LoopTimeout`) shortly after.
        """
        loop = self._running_loop()

        async def bounded() -> T:
            return await asyncio.wait_for(make(), timeout)

        future = asyncio.run_coroutine_threadsafe(bounded(), loop)
        try:
            return future.result(timeout + 1.0)
        except (asyncio.TimeoutError, concurrent.futures.TimeoutError):
            future.cancel()
            raise LoopTimeout(f"no answer within {timeout:g} s") from None

    def spawn(self, make: Callable[[], Coroutine[Any, Any, Any]]) -> concurrent.futures.Future[Any]:
        """Start a long-lived task (an app's lifespan) on the loop; the caller does not wait."""
        return asyncio.run_coroutine_threadsafe(make(), self._running_loop())

    def close(self) -> None:
        """Cancel what still runs, stop the loop, join its thread and close it."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return

        async def cancel_the_rest() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.wait(tasks, timeout=1.0) if tasks else None
            await loop.shutdown_asyncgens()

        try:
            asyncio.run_coroutine_threadsafe(cancel_the_rest(), loop).result(3.0)
        except Exception:  # a task that refuses to stop must not keep the run from ending
            pass
        loop.call_soon_threadsafe(loop.stop)
        thread.join(3.0)
        if not thread.is_alive():
            loop.close()
