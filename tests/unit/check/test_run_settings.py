"""The run's settings reach its transports: timeout, TLS verification, retries, a base path, the app interface.

Real servers on 127.0.0.1 (tests/reliability/servers.py: silent, resetting, TLS) and real ASGI apps on
the run's event loop; each setting is checked by what the user sees (a fault report, a verdict, a request
the server received, the end-of-run lifespan summary).
"""

from __future__ import annotations

import asyncio
from typing import Any, Iterator, List

import pytest
from reliability.servers import FaultServer, cors_reply, flaky, make_self_signed, silent

from pytest_cors.browser.profiles import select_profiles
from pytest_cors.check.run import CorsRun
from pytest_cors.contract.schema import parse_contract
from pytest_cors.errors import CorsConfigurationError, CorsNetworkError
from pytest_cors.report.redaction import Redactor
from pytest_cors.transport.asgi_lifespan import LifespanProblem

APP = "https://app.example.com"
CONTRACT = parse_contract({"name": "users", "path": "/api", "origins": [APP]})


def new_run(**settings: Any) -> CorsRun:
    return CorsRun(profiles=select_profiles("chrome"), redactor=Redactor(), **settings)


@pytest.fixture
def runs() -> Iterator[List[CorsRun]]:
    """Runs made by the test, closed after it."""
    made: List[CorsRun] = []
    yield made
    for run in made:
        run.close()


def fault_of(run: CorsRun, url: str) -> List[str]:
    """The fault report's lines for checking CONTRACT at the live URL ``url``."""
    with pytest.raises(CorsNetworkError) as fault:
        run.run_contract(CONTRACT, run.live(url))
    return str(fault.value).splitlines()


def test_a_run_made_without_settings_waits_verifies_and_retries_as_the_plugin_does_by_default(runs):
    """The Python API (README, *Using the audit from Python*) gets --cors-timeout's 10 s, verified TLS and no retries."""
    runs.append(new_run())
    transport = runs[0].live("https://api.example.com")
    assert (transport.timeout, transport.verify, transport.retries) == (10.0, True, 0)


def test_a_live_server_that_does_not_answer_is_a_timeout_after_the_runs_timeout(runs):
    runs.append(new_run(timeout=0.3))
    with FaultServer(silent) as server:
        lines = fault_of(runs[0], server.url)
    assert lines[:3] == ["cannot reach the target: timeout", f"  URL:   {server.url}/api",
                         "  cause: timed out after 0.3 s waiting for the response"]


def test_tls_certificates_are_verified_unless_the_run_trusts_their_ca(runs, tmp_path):
    certificate = make_self_signed(str(tmp_path))
    if certificate is None:
        pytest.skip("neither the cryptography package nor the openssl CLI can make a test certificate")
    runs.extend([new_run(), new_run(verify=certificate.cert_file)])
    with FaultServer(cors_reply(), tls=certificate.context()) as server:
        refused = fault_of(runs[0], server.url)
        trusted = runs[1].run_contract(CONTRACT, runs[1].live(server.url))
    assert refused[0] == "cannot reach the target: tls-error"
    assert "certificate verify failed: self-signed certificate" in refused[2]
    assert ([r.passed for r in trusted], [r.path for r in server.requests]) == ([True], ["/api"])


def test_a_reset_request_is_sent_again_only_when_the_run_retries(runs):
    runs.extend([new_run(), new_run(retries=1)])
    with FaultServer(flaky(1)) as once:
        assert fault_of(runs[0], once.url)[0] == "cannot reach the target: connection-reset"
    with FaultServer(flaky(1)) as retried:
        results = runs[1].run_contract(CONTRACT, runs[1].live(retried.url))
    assert ([r.path for r in once.requests], [r.path for r in retried.requests]) == (["/api"], ["/api", "/api"])
    assert [r.passed for r in results] == [True]


def test_a_live_url_with_a_path_keeps_it(runs):
    runs.append(new_run())
    with FaultServer(cors_reply()) as server:
        results = runs[0].run_contract(CONTRACT, runs[0].live(f"{server.url}/X/"))
    assert ([r.url for r in results], [r.path for r in server.requests]) == ([f"{server.url}/X/api"], ["/X/api"])


class Api:
    """An ASGI app with lifespan that allows APP; its shutdown fails with ``shutdown_failure`` when given."""

    def __init__(self, shutdown_failure: str = "") -> None:
        self.shutdown_failure = shutdown_failure
        self.loops: List[asyncio.AbstractEventLoop] = []  # the event loop each request ran on

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                    continue
                failed = {"type": "lifespan.shutdown.failed", "message": self.shutdown_failure}
                await send(failed if self.shutdown_failure else {"type": "lifespan.shutdown.complete"})
                return
        self.loops.append(asyncio.get_running_loop())
        headers = [(b"access-control-allow-origin", APP.encode()), (b"vary", b"Origin")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


async def hangs(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "http":
        await asyncio.sleep(3600)


def test_asgi_apps_run_on_the_runs_loop_and_their_failed_shutdowns_are_listed_once(runs):
    runs.append(new_run())
    run = runs[0]
    failing, healthy = Api("the cache did not flush"), Api()
    transports = [run.app(failing, name="api.main:app"), run.app(healthy, name="api.main:ok")]
    assert [r.passed for app in transports for r in run.run_contract(CONTRACT, app)] == [True, True]
    # one event loop for every ASGI app of the run (objects an app binds to its loop work in the others)
    loop = failing.loops[0]
    assert (len(failing.loops + healthy.loops), healthy.loops[0] is loop, loop.is_closed()) == (2, True, False)
    run.close_apps()
    run.close_apps()
    assert loop.is_closed()
    assert run.lifespan_problems == [
        ("ASGI app api.main:app served as http://testserver",
         LifespanProblem("shutdown", "lifespan.shutdown.failed: the cache did not flush")),
    ]


def test_an_asgi_app_that_never_answers_times_out_after_the_runs_timeout(runs):
    runs.append(new_run(timeout=0.3))
    with pytest.raises(CorsNetworkError) as fault:
        runs[0].run_contract(CONTRACT, runs[0].app(hangs, name="api.main:hangs"))
    assert str(fault.value).splitlines()[:4] == [
        "the app under test failed: app-timeout", "  URL:   http://testserver/api",
        "  target: ASGI app api.main:hangs served as http://testserver",
        "  cause: the ASGI app did not complete its response within 0.3 s",
    ]


@pytest.mark.parametrize("option", [None, "--app-interface"])
def test_a_forced_interface_that_does_not_fit_the_app_names_the_users_option(runs, option):
    runs.append(new_run(app_interface="wsgi") if option is None else new_run(app_interface="wsgi", app_interface_option=option))
    shown = option or "--cors-app-interface"
    with pytest.raises(CorsConfigurationError) as error:
        runs[0].app(Api())
    assert str(error.value) == (
        f"{shown}: wsgi was forced, but {__name__}.Api instance is an ASGI app (its call is async def); "
        f"use {shown} asgi, or auto to detect it"
    )
