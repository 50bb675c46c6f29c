"""The hint for Starlette's ``400 Disallowed CORS ...`` preflight names the CORSMiddleware argument to change."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_cors.browser.exchange import FetchRequest
from pytest_cors.browser.fetch import simulate_fetch
from pytest_cors.browser.profiles import PROFILES
from pytest_cors.report.framework_hints import starlette_preflight_hint
from pytest_cors.transport.asgi import AsgiTransport
from pytest_cors.transport.asgi_loop import AsgiLoop
from pytest_cors.transport.wsgi import WsgiTransport

APP = "https://app.example.com"


def _starlette(**options: Any) -> Any:
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, **options)

    @app.api_route("/api", methods=["GET", "PUT", "DELETE"])
    def api() -> dict:
        return {}

    return app


@pytest.fixture
def verdict_of():
    loop = AsgiLoop()
    transports = []

    def verdict_of(app: Any, origin: str = APP, method: str = "GET", headers=(), profile: str = "chrome"):
        transport = AsgiTransport(app, loop=loop)
        transports.append(transport)
        fetch = FetchRequest("http://testserver/api", origin, method, tuple(headers))
        return simulate_fetch(fetch, PROFILES[profile], transport.send)

    yield verdict_of
    for transport in transports:
        transport.close()
    loop.close()


def test_a_method_it_does_not_allow(verdict_of):
    verdict = verdict_of(_starlette(allow_origins=[APP], allow_methods=["GET", "PUT"]), method="DELETE")
    assert not verdict.allowed and verdict.preflight.response.status == 400
    assert starlette_preflight_hint(verdict) == (
        "the preflight got Starlette's 400 'Disallowed CORS ...' answer (FastAPI/Starlette CORSMiddleware): "
        "add 'DELETE' to CORSMiddleware(allow_methods=[...]) (it allows GET, PUT)"
    )


def test_a_header_it_does_not_allow(verdict_of):
    app = _starlette(allow_origins=[APP], allow_methods=["*"], allow_headers=["Content-Type"])
    verdict = verdict_of(app, headers=[("X-Token", "t"), ("Authorization", "Bearer t")])
    assert starlette_preflight_hint(verdict) == (
        "the preflight got Starlette's 400 'Disallowed CORS ...' answer (FastAPI/Starlette CORSMiddleware): "
        "add 'authorization', 'x-token' to CORSMiddleware(allow_headers=[...])"
    )


def test_a_method_and_a_header_it_does_not_allow_unless_it_allows_every_header(verdict_of):
    narrow = _starlette(allow_origins=[APP], allow_methods=["GET"], allow_headers=["x-a"])
    assert starlette_preflight_hint(verdict_of(narrow, method="PUT", headers=[("X-Token", "t")])) == (
        "the preflight got Starlette's 400 'Disallowed CORS ...' answer (FastAPI/Starlette CORSMiddleware): "
        "add 'PUT' to CORSMiddleware(allow_methods=[...]) (it allows GET); add 'x-token' to "
        "CORSMiddleware(allow_headers=[...])"
    )
    any_header = _starlette(allow_origins=[APP], allow_methods=["GET"], allow_headers=["*"])
    assert starlette_preflight_hint(verdict_of(any_header, method="PUT", headers=[("X-Token", "t")])) == (
        "the preflight got Starlette's 400 'Disallowed CORS ...' answer (FastAPI/Starlette CORSMiddleware): "
        "add 'PUT' to CORSMiddleware(allow_methods=[...]) (it allows GET)"
    )


def test_an_origin_it_does_not_allow(verdict_of):
    """Safari judges the preflight's status first (Chrome and Firefox: the missing ACAO, with its own hint)."""
    verdict = verdict_of(_starlette(allow_origins=[APP], allow_methods=["*"]), origin="https://evil.example.net",
                         method="PUT", profile="safari")
    assert starlette_preflight_hint(verdict) == (
        "the preflight got Starlette's 400 'Disallowed CORS ...' answer (FastAPI/Starlette CORSMiddleware): "
        "allow 'https://evil.example.net' in CORSMiddleware(allow_origins=[...]) or allow_origin_regex (matched "
        "against the whole origin)"
    )


def test_no_hint_for_other_stacks_or_allowed_requests(verdict_of):
    assert starlette_preflight_hint(verdict_of(_starlette(allow_origins=[APP], allow_methods=["*"]), method="PUT")) == ""

    def flask_like(environ, start_response):  # a 400 preflight without Access-Control-Allow-Methods
        start_response("400 Bad Request", [("Access-Control-Allow-Origin", APP)])
        return [b""]

    fetch = FetchRequest("http://testserver/api", APP, "PUT")
    verdict = simulate_fetch(fetch, PROFILES["chrome"], WsgiTransport(flask_like).send)
    assert not verdict.allowed
    assert starlette_preflight_hint(verdict) == ""


def test_chrome_and_firefox_see_the_missing_allow_origin_first_and_get_the_generic_hint(verdict_of):
    app = _starlette(allow_origins=[APP], allow_methods=["*"])
    for profile in ("chrome", "firefox"):
        verdict = verdict_of(app, origin="https://evil.example.net", method="PUT", profile=profile)
        assert verdict.failure.code == "acao-missing" and verdict.preflight.response.status == 400
        assert starlette_preflight_hint(verdict) == ""


def test_a_400_preflight_allowing_every_method_names_only_the_headers(verdict_of):
    def wildcard_methods(environ, start_response):  # a Starlette-like refusal listing '*' as its methods
        start_response("400 Bad Request", [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "*"),
                                           ("Access-Control-Allow-Headers", "content-type")])
        return [b"Disallowed CORS headers"]

    fetch = FetchRequest("http://testserver/api", APP, "PUT", (("X-Token", "t"),))
    verdict = simulate_fetch(fetch, PROFILES["chrome"], WsgiTransport(wildcard_methods).send)
    assert starlette_preflight_hint(verdict) == (
        "the preflight got Starlette's 400 'Disallowed CORS ...' answer (FastAPI/Starlette CORSMiddleware): "
        "add 'x-token' to CORSMiddleware(allow_headers=[...])"
    )


def test_a_400_preflight_allowing_every_header_names_only_the_method(verdict_of):
    def wildcard_headers(environ, start_response):  # a Starlette-like refusal listing '*' as its headers
        start_response("400 Bad Request", [("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "GET"),
                                           ("Access-Control-Allow-Headers", "*")])
        return [b"Disallowed CORS method"]

    fetch = FetchRequest("http://testserver/api", APP, "PUT", (("X-Token", "t"),))
    verdict = simulate_fetch(fetch, PROFILES["chrome"], WsgiTransport(wildcard_headers).send)
    assert starlette_preflight_hint(verdict) == (
        "the preflight got Starlette's 400 'Disallowed CORS ...' answer (FastAPI/Starlette CORSMiddleware): "
        "add 'PUT' to CORSMiddleware(allow_methods=[...]) (it allows GET)"
    )
