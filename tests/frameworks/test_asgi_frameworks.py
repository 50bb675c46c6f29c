"""Real ASGI frameworks in-process and live (uvicorn on 127.0.0.1): identical verdicts, item by item.

For every app and every fetch() below, each browser profile's verdict through the
in-process ``AsgiTransport`` (served as the live server's own origin) must equal the
verdict over the network: allowed or blocked, the reason, the console message, what
JavaScript can read, and each exchange with the headers the app made.
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator, List, Tuple

import pytest

from pytest_cors.browser.exchange import FetchRequest
from pytest_cors.browser.fetch import simulate_fetch
from pytest_cors.browser.profiles import PROFILES
from pytest_cors.transport.asgi import AsgiTransport
from pytest_cors.transport.asgi_loop import AsgiLoop
from pytest_cors.transport.live import LiveTransport

from .asgi_apps import ADMIN, APP, EVIL, django_asgi_app, falcon_app, fastapi_app, starlette_lifespan_app
from .uvicorn_server import UvicornServer

#: Headers a server adds (or that tick between requests): the in-process transport has no server.
SERVER_ADDED = frozenset({"date", "server", "connection", "transfer-encoding", "keep-alive"})

#: (id, origin, method, request headers, credentials)
Fetch = Tuple[str, str, str, Tuple[Tuple[str, str], ...], bool]
FETCHES: List[Fetch] = [
    ("simple-get", APP, "GET", (), False),
    ("simple-get-admin", ADMIN, "GET", (), False),
    ("simple-get-evil", EVIL, "GET", (), False),
    ("credentialed-get", APP, "GET", (), True),
    ("json-post", APP, "POST", (("Content-Type", "application/json"),), False),
    ("custom-header", APP, "GET", (("X-Token", "t"),), False),
    ("delete", APP, "DELETE", (), True),
    ("evil-preflight", EVIL, "POST", (("Content-Type", "application/json"),), False),
]


@contextlib.contextmanager
def plain(app: Any) -> Iterator[Any]:
    yield app


APPS: List[Tuple[str, Callable[[], Any]]] = [
    ("fastapi-allowlist", lambda: plain(fastapi_app(allow_origins=[APP, ADMIN], allow_methods=["GET", "POST"],
                                                    allow_headers=["Content-Type", "X-Token"], max_age=600))),
    ("fastapi-regex", lambda: plain(fastapi_app(allow_origin_regex=r"https://.*\.example\.com", allow_methods=["*"],
                                                allow_headers=["*"]))),
    ("fastapi-star", lambda: plain(fastapi_app(allow_origins=["*"], allow_methods=["*"], allow_headers=["*"]))),
    ("fastapi-credentials", lambda: plain(fastapi_app(allow_origins=[APP], allow_credentials=True,
                                                      allow_methods=["GET", "POST", "DELETE"],
                                                      allow_headers=["Content-Type"]))),
    ("fastapi-credentials-star", lambda: plain(fastapi_app(allow_origins=["*"], allow_credentials=True,
                                                           allow_methods=["*"], allow_headers=["*"]))),
    ("fastapi-expose", lambda: plain(fastapi_app(allow_origins=[APP], expose_headers=["X-Total-Count"],
                                                 max_age=0))),
    ("starlette-lifespan", lambda: plain(starlette_lifespan_app())),
    ("django-asgi", lambda: django_asgi_app(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True,
                                            CORS_EXPOSE_HEADERS=["X-Total-Count"])),
    ("django-asgi-regex", lambda: django_asgi_app(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://\w+\.example\.com$"])),
    ("falcon-cors-enable", lambda: plain(falcon_app())),
    ("falcon-middleware", lambda: plain(falcon_app(allow_origins=APP, expose_headers=["X-Total-Count"],
                                                   allow_credentials=APP))),
]


def _verdict_items(verdict: Any) -> List[Tuple[str, Any]]:
    exchanges = [
        (ex.kind, ex.request.method, ex.request.url, ex.response.status,
         tuple(sorted((k.lower(), v) for k, v in ex.response.headers if k.lower() not in SERVER_ADDED)))
        for ex in verdict.exchanges
    ]
    readable = {k: v for k, v in verdict.readable_headers.items() if k not in SERVER_ADDED}
    return [("allowed", verdict.allowed), ("reason", verdict.reason), ("message", verdict.message),
            ("readable", readable), ("exchanges", exchanges)]


@pytest.mark.parametrize("name, make", APPS, ids=[name for name, _ in APPS])
def test_in_process_matches_live(name: str, make: Callable[[], Any]) -> None:
    differences: List[str] = []
    loop = AsgiLoop()
    checked = 0
    with make() as asgi_app, UvicornServer(asgi_app) as server:
        in_process = AsgiTransport(asgi_app, server.url, loop=loop, timeout=10)
        live = LiveTransport(timeout=10)
        try:
            for fetch_id, origin, method, headers, credentials in FETCHES:
                fetch = FetchRequest(f"{server.url}/api/items" + ("/1" if method == "DELETE" else ""), origin,
                                     method, headers, credentials)
                for profile in PROFILES.values():
                    here = _verdict_items(simulate_fetch(fetch, profile, in_process.send))
                    there = _verdict_items(simulate_fetch(fetch, profile, live.send))
                    checked += 1
                    for (item, mine), (_, theirs) in zip(here, there):
                        if mine != theirs:
                            differences.append(f"{fetch_id} [{profile.name}] {item}:\n  in-process {mine!r}\n"
                                               f"  live       {theirs!r}")
        finally:
            in_process.close()
            live.close()
            loop.close()
    assert checked == len(FETCHES) * len(PROFILES)
    assert not differences, f"{name}: in-process differs from live uvicorn:\n" + "\n".join(differences)


def test_the_starlette_route_reads_state_set_at_startup() -> None:
    loop = AsgiLoop()
    transport = AsgiTransport(starlette_lifespan_app(), loop=loop)
    try:
        fetch = FetchRequest("http://testserver/api/items", APP, "GET")
        verdict = simulate_fetch(fetch, PROFILES["chrome"], transport.send)
        assert verdict.allowed
        assert verdict.readable_headers["x-total-count"] == "1"
    finally:
        transport.close()
        loop.close()
