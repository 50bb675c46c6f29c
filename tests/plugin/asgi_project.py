"""Source of the ASGI apps the pytester projects of ``test_asgi_targets.py`` serve (written as ``asgiapp.py``)."""

APP_SOURCE = '''
import asyncio
import contextlib

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware as StarletteCors
from starlette.responses import JSONResponse
from starlette.routing import Route

APP = "https://app.example.com"

fastapi_app = FastAPI()
fastapi_app.add_middleware(CORSMiddleware, allow_origins=[APP], allow_methods=["GET", "PUT"],
                           allow_headers=["Authorization"], expose_headers=["X-Total-Count"], max_age=600)


@fastapi_app.get("/api")
@fastapi_app.put("/api")
def api():
    return {"ok": True}


regex_app = FastAPI()
regex_app.add_middleware(CORSMiddleware, allow_origin_regex=r"https://.*example\\.com", allow_credentials=True,
                         allow_methods=["*"], allow_headers=["*"])


@regex_app.get("/api")
def regex_api():
    return {"ok": True}


@contextlib.asynccontextmanager
async def lifespan(app):
    app.state.greeting = "ready"
    yield


async def state_route(request):
    return JSONResponse({"greeting": request.app.state.greeting}, headers={"X-Greeting": request.app.state.greeting})


starlette_app = Starlette(routes=[Route("/api", state_route, methods=["GET", "PUT"])],
                          middleware=[Middleware(StarletteCors, allow_origins=[APP], allow_methods=["GET", "PUT"],
                                                 allow_headers=["Authorization"])],
                          lifespan=lifespan)


async def no_lifespan(scope, receive, send):
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"access-control-allow-origin", b"https://app.example.com"), (b"vary", b"Origin")]})
    await send({"type": "http.response.body", "body": b"{}"})


class FailingStartup:
    def __init__(self, how):
        self.how = how
        self.requests = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.how == "raise":
                    raise ConnectionError("cannot reach the database at db:5432")
                await send({"type": "lifespan.startup.failed", "message": "missing SECRET_KEY"})
            return
        self.requests += 1
        await no_lifespan(scope, receive, send)


failed_startup = FailingStartup("failed")
raising_startup = FailingStartup("raise")


class FailingShutdown:
    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.failed", "message": "could not flush the queue"})
            return
        await no_lifespan(scope, receive, send)


failing_shutdown = FailingShutdown()


def load_user(user_id):
    raise KeyError(f"user {user_id} not found")


async def raises(scope, receive, send):
    if scope["type"] == "http":
        load_user(7)
    raise RuntimeError("no lifespan here")


async def never_starts(scope, receive, send):
    if scope["type"] == "http":
        return


async def out_of_order(scope, receive, send):
    if scope["type"] == "http":
        await send({"type": "http.response.body", "body": b"{}"})
        await send({"type": "http.response.start", "status": 200, "headers": []})


async def hangs(scope, receive, send):
    if scope["type"] == "http":
        await asyncio.sleep(3600)


def sync_wrapper(scope, receive, send):
    """Looks like a WSGI callable, returns the ASGI app's coroutine: needs --cors-app-interface asgi."""
    return no_lifespan(scope, receive, send)
'''
