"""An ASGI app's lifespan: startup once before its first request, shutdown at the end of the run.

As servers do (uvicorn's ``lifespan="auto"``): an app that raises before it
even reads the startup event does not support lifespan (Django's ASGI handler,
a bare ``async def app`` that asserts ``scope["type"] == "http"``) and is used
without it. An app that reads the startup event and then answers
``lifespan.startup.failed`` or raises has a broken startup: that is reported
once, clearly, and every request to the app errors with it instead of being
sent to an app that is not ready. The ``state`` dict the app fills at startup
is copied into every request's scope, so ``request.state`` works (Starlette).
"""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass
from typing import Any, Dict, Optional

from pytest_cors.transport.app_interface import AsgiApp
from pytest_cors.transport.asgi_loop import AsgiLoop, LoopTimeout
from pytest_cors.transport.asgi_traceback import app_traceback


class LifespanState(str, enum.Enum):
    """Where an app's lifespan stands; reports show the values."""

    NOT_STARTED = "not started"
    RUNNING = "started"
    UNSUPPORTED = "not supported by the app (used without it)"
    FAILED = "startup failed"
    STOPPED = "shut down"


@dataclass(frozen=True)
class LifespanProblem:
    """A lifespan phase that went wrong: ``phase`` is startup or shutdown."""

    phase: str
    message: str
    traceback: str = ""

    def text(self) -> str:
        """The problem as reports show it (with the app's frames when it raised)."""
        lines = [f"the ASGI app's lifespan {self.phase} failed: {self.message}"]
        if self.traceback:
            lines.append(self.traceback)
        return "\n".join(lines)


class Lifespan:
    """Drives one app's ``lifespan`` scope on the run's loop."""

    def __init__(self, app: AsgiApp, loop: AsgiLoop, timeout: float) -> None:
        self.app = app
        self.loop = loop
        self.timeout = timeout
        self.state = LifespanState.NOT_STARTED
        self.problem: Optional[LifespanProblem] = None
        #: The scope's ``state``: what the app stored at startup, shared with every request.
        self.app_state: Dict[str, Any] = {}
        self._inbox: Optional[asyncio.Queue[Dict[str, Any]]] = None
        self._outbox: Optional[asyncio.Queue[Dict[str, Any]]] = None
        self._received_startup = False
        self._task: Optional[asyncio.Future[None]] = None

    async def _main(self) -> None:
        inbox, outbox = self._inbox, self._outbox
        assert inbox is not None and outbox is not None
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.app_state}

        async def receive() -> Dict[str, Any]:
            message = await inbox.get()
            if message["type"] == "lifespan.startup":
                self._received_startup = True
            return message

        async def send(message: Dict[str, Any]) -> None:
            kind = str(message.get("type", ""))
            if not kind.startswith("lifespan."):  # as uvicorn: the app does not speak lifespan
                raise RuntimeError(f"{kind!r} is not a lifespan message")
            await outbox.put(dict(message))

        try:
            await self.app(scope, receive, send)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # noqa: BLE001 - the app's exception is the report
            await outbox.put({"type": "pytest-cors.raised", "exc": exc})
        else:
            await outbox.put({"type": "pytest-cors.returned"})

    async def _start(self) -> Dict[str, Any]:
        self._inbox, self._outbox = asyncio.Queue(), asyncio.Queue()
        self._task = asyncio.ensure_future(self._main())  # referenced, so it is never collected
        await self._inbox.put({"type": "lifespan.startup"})
        return await self._outbox.get()

    def startup(self) -> None:
        """Run startup once; afterwards :attr:`state` says what happened."""
        if self.state is not LifespanState.NOT_STARTED:
            return
        try:
            answer = self.loop.run(self._start, self.timeout)
        except LoopTimeout:
            self._fail("startup", f"no lifespan.startup.complete within {self.timeout:g} s (--cors-timeout)")
            return
        kind = answer["type"]
        if kind == "lifespan.startup.complete":
            self.state = LifespanState.RUNNING
        elif kind == "lifespan.startup.failed":
            self._fail("startup", f"lifespan.startup.failed: {answer.get('message') or '(no message)'}")
        elif kind == "pytest-cors.raised" and not self._received_startup:
            self.state = LifespanState.UNSUPPORTED
        elif kind == "pytest-cors.raised":
            exc = answer["exc"]
            self._fail("startup", f"raised {type(exc).__name__}: {exc}", app_traceback(exc))
        elif kind == "pytest-cors.returned":
            self.state = LifespanState.UNSUPPORTED
        else:
            self._fail("startup", f"sent {kind!r} where lifespan.startup.complete or .failed was expected")

    def _fail(self, phase: str, message: str, traceback: str = "") -> None:
        self.state = LifespanState.FAILED
        self.problem = LifespanProblem(phase, message, traceback)

    async def _stop(self) -> Dict[str, Any]:
        assert self._inbox is not None and self._outbox is not None
        await self._inbox.put({"type": "lifespan.shutdown"})
        return await self._outbox.get()

    def shutdown(self) -> None:
        """Send lifespan.shutdown to a started app and wait for its answer (bounded by the timeout)."""
        if self.state is not LifespanState.RUNNING:
            return
        self.state = LifespanState.STOPPED
        try:
            answer = self.loop.run(self._stop, self.timeout)
        except LoopTimeout:
            self.problem = LifespanProblem("shutdown", f"no lifespan.shutdown.complete within {self.timeout:g} s")
            return
        kind = answer["type"]
        if kind == "lifespan.shutdown.failed":
            self.problem = LifespanProblem("shutdown", f"lifespan.shutdown.failed: {answer.get('message') or '(no message)'}")
        elif kind == "pytest-cors.raised":
            exc = answer["exc"]
            self.problem = LifespanProblem("shutdown", f"raised {type(exc).__name__}: {exc}", app_traceback(exc))
