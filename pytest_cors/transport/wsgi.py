"""An in-process WSGI app as a target: no sockets, no server, werkzeug's test machinery."""

from __future__ import annotations

import traceback
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

from werkzeug.test import EnvironBuilder, run_wsgi_app

from pytest_cors.browser.exchange import HttpRequest, HttpResponse
from pytest_cors.transport import TransportError

#: The most of a response body read before it is discarded unread.
BODY_READ_LIMIT = 1 << 20

WsgiApp = Callable[..., Any]


class WsgiTransport:
    """Sends requests straight into a WSGI callable, served as ``origin`` (default http://testserver)."""

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
            app_iter, status, headers = run_wsgi_app(self.app, environ, buffered=False)
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
