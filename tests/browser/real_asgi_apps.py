"""Real ASGI apps for the real-browser differential: FastAPI and Starlette (CORSMiddleware), Falcon ASGI.

Served by uvicorn on loopback ports beside the WSGI apps of ``real_apps``; the
in-process side goes through ``AsgiTransport``. As in ``real_apps``, nothing here
states an expected outcome: the expectation is whatever the real browser did.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any, Callable, List

ITEMS = {"items": [{"id": 1, "name": "Ada"}]}
APP_HEADERS = {"X-Request-Id": "req-42", "X-Internal": "secret"}


def fastapi_app(**cors_options: Any) -> Any:
    """FastAPI with Starlette's CORSMiddleware; /api/items answers every method with JSON."""
    from fastapi import FastAPI, Request
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.responses import JSONResponse

    app = FastAPI()
    app.add_middleware(CORSMiddleware, **cors_options)

    @app.api_route("/api/items", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def items(request: Request) -> Any:
        status = 201 if request.method == "POST" else 200
        return JSONResponse({**ITEMS, "method": request.method}, status_code=status, headers=APP_HEADERS)

    return app


def starlette_lifespan_app(page_origin: str) -> Any:
    """Plain Starlette: the item store is put on ``app.state`` by the lifespan; the route reads it."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        app.state.items = ITEMS["items"]
        yield

    async def items(request: Any) -> Any:
        return JSONResponse({"items": request.app.state.items}, headers=APP_HEADERS)

    return Starlette(
        routes=[Route("/api/items", items, methods=["GET", "POST"])],
        middleware=[Middleware(CORSMiddleware, allow_origins=[page_origin], allow_methods=["GET", "POST"],
                               allow_headers=["Content-Type"], expose_headers=["X-Request-Id"])],
        lifespan=lifespan,
    )


class _Items:
    async def on_get(self, req: Any, resp: Any) -> None:
        resp.text = json.dumps(ITEMS)
        resp.content_type = "application/json"
        for name, value in APP_HEADERS.items():
            resp.set_header(name, value)

    async def on_post(self, req: Any, resp: Any) -> None:
        import falcon

        await self.on_get(req, resp)
        resp.status = falcon.HTTP_201


def falcon_app(**cors_options: Any) -> Any:
    """``falcon.asgi.App(cors_enable=True)`` without options, else Falcon's ``CORSMiddleware(**cors_options)``."""
    import falcon
    import falcon.asgi

    app = (falcon.asgi.App(middleware=[falcon.CORSMiddleware(**cors_options)]) if cors_options
           else falcon.asgi.App(cors_enable=True))
    app.add_route("/api/items", _Items())
    return app


def add_asgi_apps(page_origin: str, add: Callable[..., None], S: Callable[..., Any], post_json: Callable[..., Any]) -> None:
    """Register the ASGI apps and their fetch() calls through ``real_apps.build_apps``'s ``add``."""
    P = page_origin
    add("fastapi-allowlist", "fastapi",
        "CORSMiddleware(allow_origins=[PAGE], allow_credentials=True, allow_methods=['GET','POST','DELETE'], "
        "allow_headers=['Content-Type','X-CSRF-Token'], expose_headers=['X-Request-Id'], max_age=600)",
        fastapi_app(allow_origins=[P], allow_credentials=True, allow_methods=["GET", "POST", "DELETE"],
                    allow_headers=["Content-Type", "X-CSRF-Token"], expose_headers=["X-Request-Id"], max_age=600),
        S("get", note="simple GET; X-Request-Id exposed, X-Internal not"),
        S("get-credentials", credentials=True),
        post_json("post-json-credentials", credentials=True, note="preflighted (application/json)"),
        S("delete-csrf-credentials", method="DELETE", headers=(("X-CSRF-Token", "t"),), credentials=True),
        post_json("put-not-allowed", method="PUT", note="Starlette answers the preflight 400 Disallowed CORS method"),
        S("header-not-allowed", headers=(("X-Trace", "1"),), note="400 Disallowed CORS headers"))
    add("fastapi-regex", "fastapi", r"CORSMiddleware(allow_origin_regex=r'http://127\.0\.0\.1:\d+', allow_methods=['*'], "
        "allow_headers=['*'])",
        fastapi_app(allow_origin_regex=r"http://127\.0\.0\.1:\d+", allow_methods=["*"], allow_headers=["*"]),
        S("get"), post_json("post-json"), S("patch-custom-header", method="PATCH", headers=(("X-Trace", "1"),)))
    add("fastapi-star-credentials", "fastapi",
        "CORSMiddleware(allow_origins=['*'], allow_credentials=True, allow_methods=['*'], allow_headers=['*'])",
        fastapi_app(allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"]),
        S("get"), S("get-credentials", credentials=True,
                    note="no Cookie header on the request: Starlette answers '*' with credentials"),
        post_json("post-json-credentials", credentials=True, note="the preflight reflects the origin"))
    add("starlette-lifespan", "starlette", "Starlette(lifespan=...) + CORSMiddleware(allow_origins=[PAGE]); "
        "the route reads app.state set at startup",
        starlette_lifespan_app(P), S("get"), post_json("post-json"))
    add("falcon-cors-enable", "falcon", "falcon.asgi.App(cors_enable=True)",
        falcon_app(), S("get"), S("get-credentials", credentials=True), post_json("post-json"))
    add("falcon-middleware", "falcon",
        "falcon.asgi.App(middleware=[falcon.CORSMiddleware(allow_origins=PAGE, expose_headers=['X-Request-Id'], "
        "allow_credentials=PAGE)])",
        falcon_app(allow_origins=P, expose_headers=["X-Request-Id"], allow_credentials=P),
        S("get"), S("get-credentials", credentials=True), post_json("post-json-credentials", credentials=True))


def asgi_families() -> List[str]:
    return ["fastapi", "starlette", "falcon"]
