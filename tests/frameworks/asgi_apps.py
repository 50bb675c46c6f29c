"""Real ASGI apps with their frameworks' own CORS layers: FastAPI, Starlette, Django ASGI, Falcon ASGI.

Each factory returns the app object a project would serve with uvicorn; nothing here
states an expected verdict (tests compare in-process with live, and with real browsers).
"""

from __future__ import annotations

import contextlib
import sys
import types
from typing import Any, Dict, Iterator

from .django_cors_defaults import CORS_HEADERS_DEFAULTS

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
EVIL = "https://evil.example.net"


def fastapi_app(**cors_options: Any) -> Any:
    """FastAPI + Starlette's CORSMiddleware configured with ``cors_options``."""
    from fastapi import FastAPI, Response
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, **cors_options)

    @app.get("/api/items")
    def list_items(response: Response) -> Dict[str, Any]:
        response.headers["X-Total-Count"] = "1"
        response.headers["X-Request-Id"] = "req-42"
        return {"items": [{"id": 1, "name": "Ada"}]}

    @app.post("/api/items", status_code=201)
    def create_item() -> Dict[str, Any]:
        return {"id": 2}

    @app.delete("/api/items/{item_id}", status_code=204)
    def delete_item(item_id: int) -> None:
        return None

    return app


def starlette_lifespan_app(allow_origins: Any = (APP,)) -> Any:
    """Plain Starlette: the lifespan puts the item store on ``app.state``; the route reads it there."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        app.state.items = [{"id": 1, "name": "Ada"}]
        app.state.started = True
        yield
        app.state.started = False

    async def items(request: Any) -> Any:
        return JSONResponse({"items": request.app.state.items}, headers={"X-Total-Count": str(len(request.app.state.items))})

    return Starlette(
        routes=[Route("/api/items", items, methods=["GET", "POST"])],
        middleware=[Middleware(CORSMiddleware, allow_origins=list(allow_origins), allow_methods=["GET", "POST"],
                               allow_headers=["Content-Type"], expose_headers=["X-Total-Count"])],
        lifespan=lifespan,
    )


# ------------------------------------------------------------------------------------ Django

DJANGO_URLS = "pytest_cors_asgi_django_urls"


def _django_urls() -> str:
    if DJANGO_URLS not in sys.modules:
        from django.http import JsonResponse
        from django.urls import path

        def items(request: Any) -> Any:
            response = JsonResponse({"items": [{"id": 1, "name": "Ada"}], "method": request.method})
            response["X-Total-Count"] = "1"
            return response

        module = types.ModuleType(DJANGO_URLS)
        module.urlpatterns = [path("api/items", items)]  # type: ignore[attr-defined]
        sys.modules[DJANGO_URLS] = module
    return DJANGO_URLS


@contextlib.contextmanager
def django_asgi_app(**cors_settings: Any) -> Iterator[Any]:
    """``get_asgi_application()`` with django-cors-headers, its settings overridden while in use.

    Django is configured once per process (by ``conftest.configure_django`` unless another test
    module came first); the CORS settings, the URLs and the middleware are overridden for the
    duration of the block.
    """
    from .conftest import configure_django  # the one configuration the Django tests of this folder share

    configure_django()
    from django.core.asgi import get_asgi_application
    from django.test.utils import override_settings

    overrides = {"ROOT_URLCONF": _django_urls(), "ALLOWED_HOSTS": ["*"], "APPEND_SLASH": False,
                 "MIDDLEWARE": ["corsheaders.middleware.CorsMiddleware"], **CORS_HEADERS_DEFAULTS, **cors_settings}
    with override_settings(**overrides):
        yield get_asgi_application()


# ------------------------------------------------------------------------------------ Falcon


class _Items:
    async def on_get(self, req: Any, resp: Any) -> None:
        resp.media = {"items": [{"id": 1, "name": "Ada"}]}
        resp.set_header("X-Total-Count", "1")

    async def on_post(self, req: Any, resp: Any) -> None:
        import falcon

        resp.media = {"id": 2}
        resp.status = falcon.HTTP_201


def falcon_app(**cors_options: Any) -> Any:
    """``falcon.asgi.App(cors_enable=True)`` without options, else Falcon's ``CORSMiddleware(**cors_options)``."""
    import falcon
    import falcon.asgi

    if cors_options:
        app = falcon.asgi.App(middleware=[falcon.CORSMiddleware(**cors_options)])
    else:
        app = falcon.asgi.App(cors_enable=True)
    app.add_route("/api/items", _Items())
    return app
