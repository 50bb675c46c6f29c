"""Small raw ASGI apps, each doing one thing a real app (or a broken one) does."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List


async def echo_scope(scope, receive, send):
    """Answers with the scope it got (bytes as latin-1 text) and the request body."""
    assert scope["type"] == "http"  # no lifespan support, as many small apps
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    shown = {
        key: (value.decode("latin-1") if isinstance(value, bytes) else value)
        for key, value in scope.items()
        if key not in ("headers", "state", "asgi")
    }
    shown["headers"] = [[n.decode("latin-1"), v.decode("latin-1")] for n, v in scope["headers"]]
    shown["body"] = body.decode("latin-1")
    shown["asgi"] = scope["asgi"]
    payload = json.dumps(shown).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"application/json"),
        (b"access-control-allow-origin", b"https://app.example.com"),
        (b"x-scope", json.dumps(shown).encode("latin-1", "replace")[:4000]),
        (b"set-cookie", b"a=1"),
        (b"set-cookie", b"b=2"),
    ]})
    await send({"type": "http.response.body", "body": payload[:10], "more_body": True})
    await send({"type": "http.response.body", "body": payload[10:]})


def scope_of(response) -> Dict[str, Any]:
    return json.loads(response.header("x-scope"))


async def endless_body(scope, receive, send):
    """Streams a body that never ends: the transport must read up to its limit and stop."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"access-control-allow-origin", b"*")]})
    chunk = b"x" * 65536
    while True:
        await send({"type": "http.response.body", "body": chunk, "more_body": True})


def _inner_failure():
    raise RuntimeError("database is down")


async def raises(scope, receive, send):
    if scope["type"] != "http":
        raise ValueError("only http")
    _inner_failure()


async def never_starts(scope, receive, send):
    if scope["type"] == "http":
        return


async def body_before_start(scope, receive, send):
    if scope["type"] == "http":
        await send({"type": "http.response.body", "body": b"hello"})


async def slow_background(scope, receive, send):
    """Completes its response, then works on (Starlette's BackgroundTasks): the client has its answer."""
    if scope["type"] != "http":
        raise ValueError("no lifespan")
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})
    await asyncio.sleep(3600)


async def hangs(scope, receive, send):
    if scope["type"] == "http":
        await asyncio.sleep(3600)


class Counting:
    """An ASGI 3 object (async __call__) with lifespan: counts startups, shutdowns, requests."""

    def __init__(self, fail_startup: str = "", raise_at_startup: bool = False) -> None:
        self.events: List[str] = []
        self.fail_startup = fail_startup
        self.raise_at_startup = raise_at_startup

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    self.events.append("startup")
                    if self.raise_at_startup:
                        raise ConnectionError("cannot connect to the cache")
                    if self.fail_startup:
                        await send({"type": "lifespan.startup.failed", "message": self.fail_startup})
                        return
                    scope["state"]["greeting"] = "hello from startup"
                    await send({"type": "lifespan.startup.complete"})
                else:
                    self.events.append("shutdown")
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        self.events.append("request")
        greeting = scope.get("state", {}).get("greeting", "none")
        await send({"type": "http.response.start", "status": 200, "headers": [(b"x-greeting", greeting.encode())]})
        await send({"type": "http.response.body", "body": b""})


class Asgi2App:
    """An ASGI 2 double callable: the class takes the scope, the instance is awaited with receive/send."""

    def __init__(self, scope):
        self.scope = scope

    async def __call__(self, receive, send):
        await send({"type": "http.response.start", "status": 204, "headers": [(b"x-asgi", b"2")]})
        await send({"type": "http.response.body", "body": b""})


def wsgi_app(environ, start_response):
    start_response("200 OK", [("X-Wsgi", "1")])
    return [b""]
