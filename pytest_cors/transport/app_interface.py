"""Which server interface an in-process app speaks (WSGI or ASGI), and how to name it.

Detection is by shape, never by calling the app: an ``async def app(scope,
receive, send)`` or an object whose ``__call__`` is ``async def`` is ASGI 3; a
class whose instances are ASGI 2 "double callables" (``App(scope)`` then
``await instance(receive, send)``) is ASGI 2; anything else callable is WSGI.
``--cors-app-interface`` forces the answer for apps whose shape hides it (a
synchronous wrapper that returns a coroutine).
"""

from __future__ import annotations

import enum
import inspect
from typing import Any, Callable, Optional

from pytest_cors.errors import CorsConfigurationError


class AppInterface(str, enum.Enum):
    """The protocol between a server and the app."""

    WSGI = "wsgi"
    ASGI = "asgi"


#: Values of --cors-app-interface / ini cors_app_interface.
INTERFACE_CHOICES = ("auto", "wsgi", "asgi")

AsgiApp = Callable[..., Any]


def _is_async_callable(obj: Any) -> bool:
    """An ``async def`` function, or an instance whose class defines ``async def __call__``."""
    if inspect.iscoroutinefunction(obj):
        return True
    if inspect.isclass(obj) or not callable(obj):
        return False
    return inspect.iscoroutinefunction(type(obj).__call__)


def _is_asgi2_class(obj: Any) -> bool:
    """A class whose instances are awaited with (receive, send): the ASGI 2 double callable."""
    return inspect.isclass(obj) and inspect.iscoroutinefunction(obj.__call__)


def detect_interface(app: Any) -> AppInterface:
    """ASGI when the app's shape says so (ASGI 3 or ASGI 2), WSGI otherwise."""
    if _is_async_callable(app) or _is_asgi2_class(app):
        return AppInterface.ASGI
    return AppInterface.WSGI


def choose_interface(app: Any, forced: str, where: str, name: Optional[str] = None) -> AppInterface:
    """``forced`` is auto, wsgi or asgi; ``name`` is the ``module:attr`` the user gave, for the error.

    Forcing WSGI on an app whose shape is certainly ASGI (``async def``) is a configuration
    error: calling it as WSGI would only end in a TypeError deep inside the WSGI transport.
    """
    if forced == "auto":
        return detect_interface(app)
    if forced not in INTERFACE_CHOICES:
        raise CorsConfigurationError(f"{where}: {forced!r} is not one of {', '.join(INTERFACE_CHOICES)}")
    if forced == AppInterface.WSGI.value and detect_interface(app) is AppInterface.ASGI:
        raise CorsConfigurationError(
            f"{where}: wsgi was forced, but {describe_app(app, name)} is an ASGI app (its call is async def); "
            f"use {where} asgi, or auto to detect it"
        )
    return AppInterface(forced)


def as_asgi3(app: Any) -> AsgiApp:
    """An ASGI 3 single callable for ``app`` (ASGI 2 classes are wrapped, ASGI 3 returned as is)."""
    if not _is_asgi2_class(app):
        single: AsgiApp = app
        return single

    async def asgi3(scope: Any, receive: Any, send: Any) -> None:
        await app(scope)(receive, send)

    return asgi3


def describe_app(app: Any, name: Optional[str] = None) -> str:
    """How reports name the app: the ``module:attr`` the user gave, else where the object comes from."""
    if name:
        return name
    if inspect.isfunction(app) or inspect.ismethod(app) or inspect.isclass(app):
        module = app.__module__  # a bound method's are its function's: module.Class.method
        return f"{module}.{app.__qualname__}" if module else app.__qualname__
    kind = type(app)
    return f"{kind.__module__}.{kind.__qualname__} instance"
