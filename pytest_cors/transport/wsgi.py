"""An in-process WSGI app as a target: no sockets, no server.

The environ is the one werkzeug's test machinery builds (:mod:`pytest_cors.transport.wsgi_environ`),
and the app is run as werkzeug's ``run_wsgi_app`` runs it, without the objects only a test client needs.
"""

from __future__ import annotations

import itertools
import re
import traceback
from collections.abc import Mapping
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from pytest_cors.browser.exchange import HttpRequest, HttpResponse
from pytest_cors.transport import BODY_READ_LIMIT, TransportError
from pytest_cors.transport.wsgi_environ import wsgi_environ

WsgiApp = Callable[..., Any]


class _NotWsgi(Exception):
    """The app broke PEP 3333's calling convention (the message says how)."""


_NEWLINE = re.compile(r"[\r\n]")


def _header_list(headers: Any) -> List[Tuple[str, str]]:
    """The app's response headers as werkzeug's ``Headers(headers).to_wsgi_list()`` gives them.

    Values become strings; a newline in one raises ``ValueError`` as werkzeug does. A mapping
    (not PEP 3333, but werkzeug accepts it) goes through werkzeug itself.
    """
    if isinstance(headers, Mapping):
        from werkzeug.datastructures import Headers

        return Headers(headers).to_wsgi_list()
    pairs: List[Tuple[str, str]] = []
    for key, value in headers:
        if not isinstance(value, str):
            value = str(value)
        if _NEWLINE.search(value) is not None:
            raise ValueError("Header values must not contain newline characters.")
        pairs.append((key, value))
    return pairs


def _start(app: WsgiApp, environ: Dict[str, Any]) -> Tuple[Iterable[bytes], str, List[Tuple[str, str]]]:
    """Call ``app`` until it has started its response, as werkzeug's ``run_wsgi_app`` (unbuffered) does.

    The app's side of PEP 3333 is checked: start_response called, an iterable returned. What it
    wrote or yielded before start_response stays in front of the rest of the body; the returned
    iterable closes the app's. A crash raises the app's own exception.

    ``exc_info`` is handled as servers handle it (PEP 3333): before the response is sent it replaces
    the response (an error handler's 500 reaches the browser); once it is sent (this function has
    returned) the app's error is raised again. (werkzeug's test runner always raises it.)
    """
    started: List[bool] = []
    response: List[Tuple[str, Any]] = []
    written: List[bytes] = []
    sent: List[bool] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Callable[[bytes], None]:
        started.append(True)
        if exc_info and sent:
            try:
                raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        response[:] = [(status, headers)]
        return written.append

    result = app(environ, start_response)
    if result is None:
        called = "after calling start_response()" if started else "without calling start_response()"
        raise _NotWsgi(
            f"the app returned None {called}; a WSGI app must call start_response(status, headers) and "
            "return an iterable of bytes, e.g. [b''] (PEP 3333)"
        )
    body = _Body(result)
    try:
        for chunk in body.chunks:
            written.append(chunk)
            if response:
                break
        if not response:
            raise _NotWsgi(
                "the app returned its body without calling start_response(); a WSGI app must call "
                "start_response(status, headers) before its first body chunk (PEP 3333)"
            )
        status, headers = response[0]
        pairs = _header_list(headers)
    except BaseException:
        body.close()
        raise
    body.prepend(written)
    sent.append(True)
    return body, status, pairs


class _Body:
    """The app's body iterable: chunks already taken first, then the rest; ``close`` closes the app's."""

    def __init__(self, result: Iterable[bytes]) -> None:
        self._close = getattr(result, "close", None)
        try:
            self.chunks: Iterator[bytes] = iter(result)
        except BaseException:
            self.close()
            raise

    def prepend(self, taken: List[bytes]) -> None:
        """Put the chunks read (or written) before the response started back in front."""
        if taken:
            self.chunks = itertools.chain(taken, self.chunks)

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks

    def close(self) -> None:
        """Close the app's iterable, if it has ``close`` (PEP 3333)."""
        if self._close is not None:
            self._close()


class WsgiTransport:
    """Sends requests straight into a WSGI callable, served as ``origin`` (default http://testserver)."""

    is_live = False

    def __init__(self, app: WsgiApp, origin: str = "http://testserver", *, name: Optional[str] = None) -> None:
        if not callable(app):
            raise TypeError(f"a WSGI app must be callable, got {type(app).__name__}")
        self.app = app
        self.origin = origin.rstrip("/")
        self.name = name

    def base_url(self) -> str:
        """The origin the app is served as."""
        return self.origin

    def describe(self) -> str:
        """The app in words, for reports: its qualified name and the origin it is served as."""
        if self.name:
            return f"WSGI app {self.name} served as {self.origin}"
        name = getattr(self.app, "__qualname__", None) or type(self.app).__name__
        module = getattr(self.app, "__module__", None) or type(self.app).__module__
        return f"WSGI app {module}.{name} served as {self.origin}"

    def send(self, request: HttpRequest) -> HttpResponse:
        """Call the WSGI app with ``request`` as a WSGI environ and collect its response."""
        environ = wsgi_environ(request)
        try:
            app_iter, status, headers = _start(self.app, environ)
        except _NotWsgi as violation:  # the app broke the WSGI protocol: say how, without our frames
            raise TransportError("app-error", request.url, str(violation)) from None
        except Exception as exc:  # the app itself crashed: a real server would 500
            raise TransportError(
                "app-error",
                request.url,
                f"the WSGI app raised {type(exc).__name__}: {exc}",
                "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-3:]).strip(),
            ) from exc
        try:
            read = 0
            for chunk in app_iter:
                read += len(chunk)
                if read > BODY_READ_LIMIT:
                    break
        except Exception as exc:
            raise TransportError("app-error", request.url, f"the WSGI app raised {type(exc).__name__} while streaming: {exc}") from exc
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        code_text, _, reason = status.partition(" ")
        # A browser's network stack strips surrounding whitespace from header values; so do we.
        pairs = tuple((name, value.strip(" \t")) for name, value in headers)
        return HttpResponse(int(code_text), pairs, reason)

    def close(self) -> None:
        """Nothing to release: the app runs in this process."""
        pass
