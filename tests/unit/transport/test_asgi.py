"""The ASGI transport: the scope a server would build, the response events, faults, lifespan, the loop."""

from __future__ import annotations

import os

import pytest

import pytest_cors
from pytest_cors.browser.exchange import HttpRequest
from pytest_cors.transport import BODY_READ_LIMIT, TransportError
from pytest_cors.transport.asgi import AsgiTransport
from pytest_cors.transport.asgi_lifespan import LifespanState
from pytest_cors.transport.asgi_loop import AsgiLoop

from . import asgi_apps
from .asgi_apps import scope_of

PLUGIN_DIR = os.path.dirname(pytest_cors.__file__)


@pytest.fixture
def loop():
    shared = AsgiLoop()
    yield shared
    shared.close()


def transport_for(app, loop, origin="http://testserver", timeout=5.0):
    return AsgiTransport(app, origin, loop=loop, timeout=timeout)


def test_scope_is_what_a_server_builds(loop):
    transport = transport_for(asgi_apps.echo_scope, loop, origin="https://api.example.com:8443")
    request = HttpRequest(
        "patch",
        "https://api.example.com:8443/api/caf%C3%A9/a%2Fb?q=1&q=2",
        (("Origin", "https://app.example.com"), ("X-Tag", "one"), ("x-tag", "two"), ("Content-Type", "text/plain")),
        b"hello",
    )
    scope = scope_of(transport.send(request))
    assert scope["type"] == "http"
    assert scope["asgi"]["version"] == "3.0"
    assert scope["http_version"] == "1.1"
    assert scope["method"] == "patch"  # exactly as sent, as a server passes it on
    assert scope["scheme"] == "https"
    assert scope["raw_path"] == "/api/caf%C3%A9/a%2Fb"
    assert scope["path"] == "/api/café/a/b"
    assert scope["query_string"] == "q=1&q=2"
    assert scope["root_path"] == ""
    assert scope["server"] == ["api.example.com", 8443]
    assert scope["client"][0] == "127.0.0.1"
    assert scope["headers"] == [
        ["host", "api.example.com:8443"],
        ["origin", "https://app.example.com"],
        ["x-tag", "one"],
        ["x-tag", "two"],
        ["content-type", "text/plain"],
        ["content-length", "5"],
    ]
    assert scope["body"] == "hello"


def test_default_port_and_empty_path(loop):
    transport = transport_for(asgi_apps.echo_scope, loop)
    scope = scope_of(transport.send(HttpRequest("GET", "http://testserver")))
    assert scope["server"] == ["testserver", 80]
    assert scope["path"] == "/" and scope["raw_path"] == "/" and scope["query_string"] == ""
    assert scope["body"] == ""


def test_response_headers_keep_order_and_repeats(loop):
    response = transport_for(asgi_apps.echo_scope, loop).send(HttpRequest("GET", "http://testserver/x"))
    assert response.status == 200 and response.reason == "OK"
    assert response.header_lines("set-cookie") == ["a=1", "b=2"]
    assert [name for name, _ in response.headers][:2] == ["content-type", "access-control-allow-origin"]


def test_an_endless_body_is_read_up_to_the_limit_and_dropped(loop):
    transport = transport_for(asgi_apps.endless_body, loop)
    response = transport.send(HttpRequest("GET", "http://testserver/big"))
    assert transport.lifespan.state is LifespanState.UNSUPPORTED  # it sent http events on the lifespan scope
    assert response.status == 200
    assert response.header("access-control-allow-origin") == "*"
    assert BODY_READ_LIMIT < 64 * 1024 * 1024  # the limit is finite: the loop above ended because of it


def fault(app, loop, timeout=5.0) -> TransportError:
    with pytest.raises(TransportError) as info:
        transport_for(app, loop, timeout=timeout).send(HttpRequest("GET", "http://testserver/api"))
    return info.value


def test_an_app_that_raises_is_an_app_error_with_its_own_frames_only(loop):
    error = fault(asgi_apps.raises, loop)
    assert error.kind == "app-error"
    assert error.cause == "the ASGI app raised RuntimeError: database is down"
    assert "_inner_failure" in error.hint and "asgi_apps.py" in error.hint
    assert PLUGIN_DIR not in error.hint and "asyncio" not in error.hint
    assert error.hint.endswith("RuntimeError: database is down")


@pytest.mark.parametrize(
    "asgi_app, cause",
    [
        (asgi_apps.never_starts, "the ASGI app returned without sending http.response.start"),
        (asgi_apps.body_before_start, "the ASGI app sent http.response.body before http.response.start"),
    ],
)
def test_protocol_errors(loop, asgi_app, cause):
    error = fault(asgi_app, loop)
    assert (error.kind, error.cause) == ("app-protocol-error", cause)


def test_a_hang_is_bounded_by_the_timeout(loop):
    error = fault(asgi_apps.hangs, loop, timeout=0.3)
    assert error.kind == "app-timeout"
    assert "within 0.3 s" in error.cause
    # the loop is still usable afterwards
    assert transport_for(asgi_apps.echo_scope, loop).send(HttpRequest("GET", "http://testserver/")).status == 200


def test_lifespan_starts_once_shares_state_and_shuts_down(loop):
    app = asgi_apps.Counting()
    transport = transport_for(app, loop)
    for _ in range(3):
        assert transport.send(HttpRequest("GET", "http://testserver/")).header("x-greeting") == "hello from startup"
    assert app.events == ["startup", "request", "request", "request"]
    transport.close()
    assert app.events[-1] == "shutdown"
    assert transport.lifespan.state is LifespanState.STOPPED and transport.lifespan.problem is None


def test_an_app_without_lifespan_is_used_without_it(loop):
    transport = transport_for(asgi_apps.echo_scope, loop)
    assert transport.send(HttpRequest("GET", "http://testserver/")).status == 200
    assert transport.lifespan.state is LifespanState.UNSUPPORTED
    transport.close()
    assert transport.lifespan.problem is None


@pytest.mark.parametrize(
    "failure, message",
    [
        ({"fail_startup": "no database URL"}, "lifespan.startup.failed: no database URL"),
        ({"raise_at_startup": True}, "raised ConnectionError: cannot connect to the cache"),
    ],
    ids=["startup-failed", "raises-at-startup"],
)
def test_a_failed_startup_errors_every_request_without_calling_the_app(loop, failure, message):
    # The app is built here, not in the parametrize list: that list is built once, when the module
    # is imported, and a second pytest.main() in the same process (mutmut runs several) reuses the
    # module, so one shared app would count the startups of both runs.
    # (not named ``app``: pytest-flask's autouse fixtures act on any test with an ``app`` argument)
    asgi_app = asgi_apps.Counting(**failure)
    transport = transport_for(asgi_app, loop)
    for _ in range(2):
        with pytest.raises(TransportError) as info:
            transport.send(HttpRequest("GET", "http://testserver/"))
        assert info.value.kind == "app-lifespan-error"
        assert message in info.value.cause
    assert asgi_app.events == ["startup"]  # started once, never sent a request


def test_asgi2_double_callable(loop):
    response = transport_for(asgi_apps.Asgi2App, loop).send(HttpRequest("GET", "http://testserver/"))
    assert (response.status, response.header("x-asgi")) == (204, "2")


def test_one_loop_for_many_apps_closed_at_the_end():
    shared = AsgiLoop()
    first = transport_for(asgi_apps.Counting(), shared)
    second = transport_for(asgi_apps.echo_scope, shared)
    first.send(HttpRequest("GET", "http://testserver/"))
    second.send(HttpRequest("GET", "http://testserver/"))
    loop = shared._loop
    assert loop is not None and not loop.is_closed()
    assert first.loop is second.loop is shared
    first.close()
    second.close()
    shared.close()
    assert loop.is_closed() and not shared.started


def test_a_check_from_inside_a_running_loop_works():
    """An async test calling cors.check: the request runs in a helper thread, on the same loop."""
    import asyncio

    shared = AsgiLoop()
    app = asgi_apps.Counting()
    transport = transport_for(app, shared)

    async def async_test():
        return transport.send(HttpRequest("GET", "http://testserver/")).header("x-greeting")

    try:
        assert transport.send(HttpRequest("GET", "http://testserver/")).header("x-greeting") == "hello from startup"
        assert asyncio.run(async_test()) == "hello from startup"
        assert app.events == ["startup", "request", "request"]
    finally:
        transport.close()
        shared.close()


def test_a_background_task_after_the_response_does_not_hold_the_check(loop):
    response = transport_for(asgi_apps.slow_background, loop, timeout=0.5).send(HttpRequest("GET", "http://testserver/"))
    assert response.status == 200


def test_describe_names_the_interface(loop):
    assert transport_for(asgi_apps.echo_scope, loop).describe() == (
        f"ASGI app {asgi_apps.__name__}.echo_scope served as http://testserver"
    )
    named = AsgiTransport(asgi_apps.echo_scope, loop=loop, name="app.main:app")
    assert named.describe() == "ASGI app app.main:app served as http://testserver"


def test_a_run_drives_all_its_asgi_apps_on_one_loop_and_closes_it_at_the_end():
    from pytest_cors.browser.profiles import select_profiles
    from pytest_cors.check.run import CorsRun
    from pytest_cors.report.redaction import Redactor

    run = CorsRun(profiles=select_profiles("chrome"), redactor=Redactor())
    first_app, second_app = asgi_apps.Counting(), asgi_apps.Counting()
    first, second = run.app(first_app), run.app(second_app)
    assert run.app(first_app) is first  # one transport per app for the whole run
    first.send(HttpRequest("GET", "http://testserver/"))
    second.send(HttpRequest("GET", "http://testserver/"))
    loop = first.loop._loop
    assert loop is not None and second.loop._loop is loop
    run.close()
    assert loop.is_closed()
    assert first_app.events == second_app.events == ["startup", "request", "shutdown"]
    assert run.lifespan_problems == []
