"""The in-process target for an app object: a WSGI or an ASGI transport, by the app's interface."""

from __future__ import annotations

from typing import Any, Optional, Union

from pytest_cors.transport.app_interface import AppInterface, choose_interface
from pytest_cors.transport.asgi import AsgiTransport
from pytest_cors.transport.asgi_loop import AsgiLoop
from pytest_cors.transport.wsgi import WsgiTransport

InProcessTransport = Union[WsgiTransport, AsgiTransport]


def app_transport(
    app: Any,
    origin: str,
    *,
    interface: str = "auto",
    loop: AsgiLoop,
    timeout: float,
    name: Optional[str] = None,
    where: str = "--cors-app-interface",
) -> InProcessTransport:
    """The transport for ``app``; ``interface`` (auto, wsgi, asgi) comes from --cors-app-interface."""
    if choose_interface(app, interface, where, name) is AppInterface.ASGI:
        return AsgiTransport(app, origin, loop=loop, timeout=timeout, name=name)
    return WsgiTransport(app, origin, name=name)
