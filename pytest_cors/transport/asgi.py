"""An in-process ASGI app as a target: the ASGI 3 HTTP protocol driven with the standard library.

Each request is one ``http`` scope, built as a server would from the request on
the wire (method exactly as sent, the raw and decoded path, the query string,
lowercased byte header pairs in order and repeated, ``server``/``scheme`` from
the origin the app is served as). The response is ``http.response.start``
followed by ``http.response.body`` events; the body is read up to the same
limit as for WSGI and discarded. An app that raises before its response is
complete, never answers, or breaks the event order is a fault (``app-error``,
``app-timeout``, ``app-protocol-error``) reported with the app's own frames.
A response the app finished before raising (Starlette's error middleware sends
its 500 first) is what a browser would get, so it is the verdict's input.
"""

from __future__ import annotations

import asyncio
import http
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import unquote, urlsplit

from pytest_cors.browser.exchange import HttpRequest, HttpResponse
from pytest_cors.browser.origins import default_port
from pytest_cors.transport import BODY_READ_LIMIT, TransportError
from pytest_cors.transport.app_interface import as_asgi3, describe_app
from pytest_cors.transport.asgi_lifespan import Lifespan, LifespanState
from pytest_cors.transport.asgi_loop import AsgiLoop, LoopTimeout
from pytest_cors.transport.asgi_traceback import app_traceback

#: The peer address requests appear to come from (a browser on the same machine).
CLIENT_ADDRESS = ("127.0.0.1", 50000)


class AppProtocolError(Exception):
    """The app broke the ASGI HTTP event order."""


def build_scope(request: HttpRequest, state: Dict[str, Any]) -> Dict[str, Any]:
    """The ``http`` scope a server would build for ``request`` (ASGI 3, HTTP spec 2.3)."""
    parts = urlsplit(request.url)
    raw_path = parts.path or "/"
    headers: List[Tuple[bytes, bytes]] = []
    if not any(name.lower() == "host" for name, _ in request.headers):
        headers.append((b"host", parts.netloc.encode("latin-1")))
    headers.extend((_header_bytes(name.lower()), _header_bytes(value)) for name, value in request.headers)
    if request.body is not None and not any(name.lower() == "content-length" for name, _ in request.headers):
        headers.append((b"content-length", str(len(request.body)).encode("ascii")))
    scheme = parts.scheme or "http"
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": scheme,
        "path": unquote(raw_path),  # UTF-8, undecodable bytes replaced: as uvicorn decodes it
        "raw_path": raw_path.encode("latin-1", "replace"),
        "query_string": parts.query.encode("latin-1", "replace"),
        "root_path": "",
        "headers": headers,
        "server": (parts.hostname or "testserver", parts.port or default_port(scheme) or 80),
        "client": CLIENT_ADDRESS,
        "state": dict(state),
    }


def _header_bytes(text: str) -> bytes:
    """Header text as it goes on the wire: latin-1, or UTF-8 bytes for what latin-1 cannot hold."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


class _Exchange:
    """One request/response: the ``receive``/``send`` pair given to the app, and what it sent."""

    def __init__(self, loop: asyncio.AbstractEventLoop, body: Optional[bytes]) -> None:
        self.body = body or b""
        self.body_sent = False
        self.status: Optional[int] = None
        self.headers: Tuple[Tuple[str, str], ...] = ()
        self.read = 0
        #: Resolved (with this exchange) when the response is complete or the app returned: what the
        #: caller waits for. Cancelled at the deadline, which cancels the app too.
        self.done: asyncio.Future[_Exchange] = loop.create_future()
        #: The first break of the event order, kept even if the app catches the error and answers.
        self.violation: Optional[AppProtocolError] = None
        #: True when the body passed the read limit: the rest is dropped, as by a client that hung up.
        self.abandoned = False
        #: True once the last body event arrived (or the read limit was passed).
        self.complete = False
        #: The app's call for this request (it may go on after the response, as under a server).
        self.app_task: Optional[asyncio.Future[Any]] = None

    def finish(self, _: Any = None) -> None:
        """The response is complete, or the app returned: release the caller."""
        if not self.done.done():
            self.done.set_result(self)

    async def receive(self) -> Dict[str, Any]:
        if not self.body_sent:
            self.body_sent = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        await asyncio.shield(self.done)  # like a server: the client goes away once its response is complete
        return {"type": "http.disconnect"}

    async def send(self, message: Dict[str, Any]) -> None:
        try:
            self._accept(message)
        except AppProtocolError as exc:
            if not self.done.done() and self.violation is None:
                self.violation = exc
            raise

    def _accept(self, message: Dict[str, Any]) -> None:
        kind = message.get("type")
        if self.abandoned:  # a client that hung up: the app's next send fails, so it stops streaming
            raise ConnectionResetError("the client stopped reading the response body")
        if self.done.done():
            raise AppProtocolError(f"sent {kind!r} after the response was complete")
        if kind == "http.response.start":
            if self.status is not None:
                raise AppProtocolError("sent http.response.start twice")
            self.status = int(message["status"])
            self.headers = tuple(
                (bytes(name).decode("latin-1"), bytes(value).decode("latin-1").strip(" \t"))
                for name, value in message.get("headers") or ()
            )
        elif kind == "http.response.body":
            if self.status is None:
                raise AppProtocolError("sent http.response.body before http.response.start")
            self.read += len(message.get("body") or b"")
            if self.read > BODY_READ_LIMIT:
                self.abandoned = self.complete = True  # the rest of a huge body is never read
                self.finish()
            elif not message.get("more_body", False):
                self.complete = True
                self.finish()
        else:
            raise AppProtocolError(f"sent {kind!r}; an http scope expects http.response.start, then http.response.body")


class AsgiTransport:
    """Sends requests straight into an ASGI app, served as ``origin`` (default http://testserver)."""

    is_live = False

    def __init__(
        self,
        app: Any,
        origin: str = "http://testserver",
        *,
        loop: Optional[AsgiLoop] = None,
        timeout: float = 10.0,
        name: Optional[str] = None,
    ) -> None:
        if not callable(app):
            raise TypeError(f"an ASGI app must be callable, got {type(app).__name__}")
        self.app = app
        self.origin = origin.rstrip("/")
        self.name = describe_app(app, name)
        self.timeout = timeout
        self._own_loop = loop is None
        self.loop = loop or AsgiLoop()
        self._asgi3 = as_asgi3(app)
        self.lifespan = Lifespan(self._asgi3, self.loop, timeout)

    def base_url(self) -> str:
        """Requests go to the origin the app is served as."""
        return self.origin

    def describe(self) -> str:
        """How reports name this target, with its interface."""
        return f"ASGI app {self.name} served as {self.origin}"

    def send(self, request: HttpRequest) -> HttpResponse:
        """One request through the app: its lifespan is started first, once."""
        self.lifespan.startup()
        if self.lifespan.state is LifespanState.FAILED and self.lifespan.problem is not None:
            raise TransportError("app-lifespan-error", request.url, self.lifespan.problem.text(),
                                 "fix the app's startup (lifespan); no request is sent to an app that did not start")
        scope = build_scope(request, self.lifespan.app_state)
        try:
            exchange = self._outcome(self.loop.run_until(lambda loop: self._start(loop, scope, request.body), self.timeout))
        except LoopTimeout:
            raise TransportError(
                "app-timeout", request.url,
                f"the ASGI app did not complete its response within {self.timeout:g} s",
                "an await that never returns, or a blocking call in an async route; raise --cors-timeout if it is just slow",
            ) from None
        except AppProtocolError as exc:
            raise TransportError("app-protocol-error", request.url, f"the ASGI app {exc}", app_traceback(exc)) from None
        except Exception as exc:  # the app itself crashed before its response was complete
            raise TransportError(
                "app-error", request.url, f"the ASGI app raised {type(exc).__name__}: {exc}", app_traceback(exc)
            ) from None
        assert exchange.status is not None
        return HttpResponse(exchange.status, exchange.headers, _reason(exchange.status))

    def _start(self, loop: asyncio.AbstractEventLoop, scope: Dict[str, Any], body: Optional[bytes]) -> asyncio.Future[_Exchange]:
        """Start the app's task for one request; the future it returns resolves when the response is complete."""
        exchange = _Exchange(loop, body)
        app_task = asyncio.ensure_future(self._asgi3(scope, exchange.receive, exchange.send), loop=loop)
        exchange.app_task = app_task
        app_task.add_done_callback(exchange.finish)
        app_task.add_done_callback(_consume_outcome)
        exchange.done.add_done_callback(lambda done: app_task.cancel() if done.cancelled() else None)  # the deadline
        return exchange.done

    @staticmethod
    def _outcome(exchange: _Exchange) -> _Exchange:
        """The exchange of a complete response; the app's error or broken event order otherwise."""
        if exchange.violation is not None:
            raise exchange.violation  # with the frames where the app sent the wrong event
        if not exchange.complete:  # the app ended first
            app_task = exchange.app_task
            error = None if app_task is None or app_task.cancelled() else app_task.exception()
            if error is not None:
                raise error
            if exchange.status is None:
                raise AppProtocolError("returned without sending http.response.start")
        # The response is complete. An app still running (a background task after the response)
        # goes on while later requests run the loop, as under a server; close() cancels what is left.
        return exchange

    def close(self) -> None:
        """Shut the app's lifespan down; close the loop if this transport owns it."""
        if self.loop.started:
            self.lifespan.shutdown()
        if self._own_loop:
            self.loop.close()


def _consume_outcome(task: asyncio.Future[Any]) -> None:
    """Mark the app task's exception as seen: it was reported or, after a complete response, dropped."""
    if not task.cancelled():
        task.exception()


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""
