"""An in-process WSGI app as a target: no sockets, no server, werkzeug's test machinery."""

from __future__ import annotations

import traceback
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import urlsplit

from werkzeug.test import EnvironBuilder, run_wsgi_app

from pytest_cors.browser.exchange import HttpRequest, HttpResponse
from pytest_cors.transport import BODY_READ_LIMIT, TransportError

WsgiApp = Callable[..., Any]


class _NotWsgi(Exception):
    """The app broke PEP 3333's calling convention (the message says how)."""


def _checked(app: WsgiApp) -> WsgiApp:
    """``app`` with its side of the WSGI contract checked: start_response called, an iterable returned."""

    def checked(environ: Dict[str, Any], start_response: Callable[..., Any]) -> Any:
        started: List[bool] = []

        def recording_start_response(*args: Any, **kwargs: Any) -> Any:
            started.append(True)
            return start_response(*args, **kwargs)

        result = app(environ, recording_start_response)
        if result is None:
            called = "after calling start_response()" if started else "without calling start_response()"
            raise _NotWsgi(
                f"the app returned None {called}; a WSGI app must call start_response(status, headers) and "
                "return an iterable of bytes, e.g. [b''] (PEP 3333)"
            )
        return result

    return checked


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
        parts = urlsplit(request.url)
        base = f"{parts.scheme}://{parts.netloc}"
        builder = EnvironBuilder(
            path=parts.path or "/",
            base_url=base,
            query_string=parts.query or None,
            method=request.method,
            headers=list(request.headers),
            data=request.body,
        )
        environ = builder.get_environ()
        builder.close()
        try:
            app_iter, status, headers = run_wsgi_app(_checked(self.app), environ, buffered=False)
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
        pairs = tuple((name, value.strip(" \t")) for name, value in headers.to_wsgi_list())
        return HttpResponse(int(code_text), pairs, reason)

    def close(self) -> None:
        """Nothing to release: the app runs in this process."""
        pass
