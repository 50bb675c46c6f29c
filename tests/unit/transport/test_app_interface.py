"""Telling WSGI from ASGI apps by their shape, and forcing the answer."""

from __future__ import annotations

import pytest

from pytest_cors.browser.exchange import HttpRequest
from pytest_cors.errors import CorsConfigurationError
from pytest_cors.transport import TransportError
from pytest_cors.transport.app_interface import AppInterface, choose_interface, describe_app, detect_interface
from pytest_cors.transport.asgi import AsgiTransport
from pytest_cors.transport.asgi_loop import AsgiLoop
from pytest_cors.transport.in_process import app_transport
from pytest_cors.transport.wsgi import WsgiTransport

from . import asgi_apps


def _fastapi():
    from fastapi import FastAPI

    return FastAPI()


def _starlette():
    from starlette.applications import Starlette

    return Starlette()


def _falcon():
    import falcon.asgi

    return falcon.asgi.App()


def _flask():
    from flask import Flask

    return Flask("detect")


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda: asgi_apps.echo_scope, AppInterface.ASGI),
        (lambda: asgi_apps.Counting(), AppInterface.ASGI),
        (lambda: asgi_apps.Asgi2App, AppInterface.ASGI),
        (_fastapi, AppInterface.ASGI),
        (_starlette, AppInterface.ASGI),
        (_falcon, AppInterface.ASGI),
        (lambda: asgi_apps.wsgi_app, AppInterface.WSGI),
        (_flask, AppInterface.WSGI),
    ],
    ids=["async-function", "async-call-object", "asgi2-class", "fastapi", "starlette", "falcon-asgi", "wsgi-function", "flask"],
)
def test_detection(make, expected):
    assert detect_interface(make()) is expected


def test_django_handlers():
    from frameworks.conftest import configure_django  # the suite's one Django configuration

    configure_django()
    from django.core.asgi import get_asgi_application
    from django.core.wsgi import get_wsgi_application

    assert detect_interface(get_asgi_application()) is AppInterface.ASGI
    assert detect_interface(get_wsgi_application()) is AppInterface.WSGI


def test_forcing_overrides_the_shape():
    def sync_wrapper(scope, receive, send):  # looks like neither; returns the app's coroutine
        return asgi_apps.echo_scope(scope, receive, send)

    assert detect_interface(sync_wrapper) is AppInterface.WSGI
    assert choose_interface(sync_wrapper, "asgi", "--cors-app-interface") is AppInterface.ASGI
    with pytest.raises(CorsConfigurationError, match=r"--cors-app-interface: wsgi was forced, but .*echo_scope is an ASGI app"):
        choose_interface(asgi_apps.echo_scope, "wsgi", "--cors-app-interface")
    with pytest.raises(CorsConfigurationError, match="--cors-app-interface: 'asgi3' is not one of auto, wsgi, asgi"):
        choose_interface(sync_wrapper, "asgi3", "--cors-app-interface")


def test_forcing_the_interface_an_app_has_is_accepted():
    assert choose_interface(asgi_apps.echo_scope, "asgi", "--cors-app-interface") is AppInterface.ASGI
    assert choose_interface(asgi_apps.wsgi_app, "wsgi", "--cors-app-interface") is AppInterface.WSGI


def test_app_transport_serves_the_app_as_told():
    loop = AsgiLoop()
    try:
        asgi = app_transport(asgi_apps.hangs, "https://api.example.com", loop=loop, timeout=0.2, name="app.main:app")
        assert asgi.describe() == "ASGI app app.main:app served as https://api.example.com"
        with pytest.raises(TransportError, match=r"did not complete its response within 0\.2 s"):
            asgi.send(HttpRequest("GET", "https://api.example.com/"))
        wsgi = app_transport(asgi_apps.wsgi_app, "https://api.example.com", loop=loop, timeout=1, name="app.wsgi:app")
        assert wsgi.describe() == "WSGI app app.wsgi:app served as https://api.example.com"
        with pytest.raises(CorsConfigurationError, match=r"^--cors-app-interface: wsgi was forced, but "):
            app_transport(asgi_apps.echo_scope, "http://testserver", interface="wsgi", loop=loop, timeout=1)
        # the app as the user named it (--cors-app module:attr), not as the object it is
        with pytest.raises(CorsConfigurationError, match=r"^--cors-app-interface: wsgi was forced, but api:app is an ASGI app "):
            app_transport(asgi_apps.echo_scope, "http://testserver", interface="wsgi", loop=loop, timeout=1, name="api:app")
    finally:
        loop.close()


def test_app_transport_picks_the_transport():
    loop = AsgiLoop()
    try:
        assert isinstance(app_transport(asgi_apps.echo_scope, "http://testserver", loop=loop, timeout=1), AsgiTransport)
        assert isinstance(app_transport(asgi_apps.wsgi_app, "http://testserver", loop=loop, timeout=1), WsgiTransport)
    finally:
        loop.close()


class WsgiClassApp:
    """A WSGI app that is a class (PEP 3333): calling it starts the response, the instance is the body."""

    def __init__(self, environ, start_response):
        start_response("200 OK", [("X-Class", environ["PATH_INFO"])])

    def __iter__(self):
        yield b"from a class"


class Service:
    """An object whose bound async method is the ASGI app."""

    async def handle(self, scope, receive, send):
        await asgi_apps.echo_scope(scope, receive, send)


def test_a_wsgi_app_that_is_a_class_is_served_as_wsgi():
    assert detect_interface(WsgiClassApp) is AppInterface.WSGI
    loop = AsgiLoop()
    try:
        transport = app_transport(WsgiClassApp, "http://testserver", loop=loop, timeout=1)
        assert isinstance(transport, WsgiTransport)
        assert transport.send(HttpRequest("GET", "http://testserver/api")).header("X-Class") == "/api"
    finally:
        loop.close()


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda: asgi_apps.echo_scope, f"{asgi_apps.__name__}.echo_scope"),
        (lambda: asgi_apps.Asgi2App, f"{asgi_apps.__name__}.Asgi2App"),
        (lambda: asgi_apps.Counting(), f"{asgi_apps.__name__}.Counting instance"),
        (lambda: Service().handle, f"{__name__}.Service.handle"),
    ],
    ids=["async-function", "asgi2-class", "asgi3-object", "bound-method"],
)
def test_an_asgi_app_is_named_by_where_it_comes_from(make, expected):
    app = make()
    assert describe_app(app) == expected
    assert describe_app(app, "app.main:app") == "app.main:app"
    assert AsgiTransport(app, loop=AsgiLoop()).describe() == f"ASGI app {expected} served as http://testserver"
    with pytest.raises(CorsConfigurationError) as error:
        choose_interface(app, "wsgi", "--cors-app-interface")
    assert str(error.value) == (
        f"--cors-app-interface: wsgi was forced, but {expected} is an ASGI app (its call is async def); "
        "use --cors-app-interface asgi, or auto to detect it"
    )


def test_a_function_without_a_module_is_named_by_its_name():
    namespace: dict = {}
    exec("async def app(scope, receive, send):\n    pass\n", namespace)  # no __name__ in its globals
    assert namespace["app"].__module__ is None
    assert describe_app(namespace["app"]) == "app"
