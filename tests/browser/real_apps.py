"""Real WSGI and ASGI apps with realistic CORS setups, and the fetch() calls a page makes to them.

Every app is built *after* the page server is up, from the page's origin (the
origin the "correct" configurations allow), by :func:`build_apps`. Three
families:

* Flask + flask-cors (the library's real behaviour: reflection, ``*``, regexes,
  restricted headers / methods);
* Django + django-cors-headers: Django is configured once per process; each app
  is a ``WSGIHandler`` built under its own ``MIDDLEWARE`` and wrapped so that
  its settings (CORS_*, APPEND_SLASH, ROOT_URLCONF) are applied with
  ``override_settings`` around each request (requests are serialised by a lock:
  ``override_settings`` is process-global);
* ASGI apps (``real_asgi_apps``: FastAPI / Starlette ``CORSMiddleware`` with an allowlist, a
  regex, ``*`` with credentials, a lifespan that fills ``app.state``; Falcon ASGI with
  ``cors_enable`` and its ``CORSMiddleware``) and Django's ``get_asgi_application()``, served by
  uvicorn and checked in-process through ``AsgiTransport``;
* plain werkzeug apps with hand-written CORS layers, wrong in the usual ways
  (error responses without CORS headers, auth before CORS, a trailing-slash
  redirect before CORS, a proxy adding a second ``Access-Control-Allow-Origin``).

Nothing here states an expected outcome: the expectation is whatever the real
browser did (see ``test_real_apps.py``). ``note`` only says what the case is about.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

from flask import Flask, abort, redirect, request
from flask_cors import CORS
from frameworks.django_cors_defaults import CORS_HEADERS_DEFAULTS
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

Headers = Tuple[Tuple[str, str], ...]
WsgiApp = Callable

JSON = (("Content-Type", "application/json"),)
JSON_BODY = '{"name": "Ada"}'

#: Header names the page reads with ``response.headers.get`` (on top of iterating all readable ones).
PROBES = ("content-type", "content-length", "x-request-id", "x-internal", "set-cookie", "date", "server",
          "vary", "location", "www-authenticate", "access-control-allow-origin",
          "access-control-allow-credentials", "access-control-expose-headers")


@dataclass(frozen=True)
class FetchSpec:
    """One ``fetch(url, init)`` the page makes: ``url`` = app base + ``path``."""

    id: str
    path: str = "/api/items"
    method: str = "GET"
    headers: Headers = ()
    credentials: bool = False
    body: Optional[str] = None
    note: str = ""

    def describe(self) -> str:
        return (f"fetch({self.path!r}, {{method: {self.method!r}, headers: {dict(self.headers)}, "
                f"credentials: {'include' if self.credentials else 'same-origin'!r}, body: {self.body!r}}})"
                + (f"  -- {self.note}" if self.note else ""))


@dataclass
class RealApp:
    name: str
    family: str          # flask | django | werkzeug | fastapi | starlette | falcon
    setup: str           # how it is configured, for humans
    wsgi: WsgiApp        # the app object: a WSGI callable, or an ASGI app when ``asgi``
    specs: List[FetchSpec] = field(default_factory=list)
    asgi: bool = False   # served by uvicorn and checked in-process through AsgiTransport


# ------------------------------------------------------------------------------------ Flask

def _flask(name: str) -> Flask:
    app = Flask(f"real_{name.replace('-', '_')}")

    @app.route("/api/items", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def items():
        status = 201 if request.method == "POST" else 200
        body = json.dumps({"items": [{"id": 1, "name": "Ada"}], "method": request.method})
        return body, status, {"Content-Type": "application/json", "X-Request-Id": "req-42",
                              "X-Internal": "secret"}

    @app.route("/api/login", methods=["POST"])
    def login():
        resp = Response(json.dumps({"ok": True}), content_type="application/json")
        resp.set_cookie("session", "abc123", path="/", httponly=True, samesite="Lax")
        resp.headers["X-Request-Id"] = "req-43"
        return resp

    @app.route("/api/items/new", methods=["POST"])
    def create_then_redirect():          # Post/Redirect/Get (the query only tags the harness's log)
        query = request.query_string.decode("latin-1")
        return redirect("/api/items" + (f"?{query}" if query else ""), 303)

    @app.route("/api/profile")
    def profile():
        # werkzeug writes header values as latin-1: "Zoë" goes out as the bytes 5A 6F EB (not UTF-8),
        # "ZoÃ«" as 5A 6F C3 AB (which is "Zoë" in UTF-8)
        return json.dumps({"name": "Zoë"}), 200, {"Content-Type": "application/json",
                                                  "X-Display-Name": "Zoë", "X-Display-Name-Utf8": "ZoÃ«"}

    @app.route("/api/boom")
    def boom():
        abort(500)

    return app


def flask_app(name: str, **cors_options) -> Flask:
    app = _flask(name)
    CORS(app, **cors_options)
    return app


# ------------------------------------------------------------------------------------ Django

_DJANGO_LOCK = threading.RLock()


def _django_configure() -> str:
    """Configure Django once per process (compatible with tests/audit, which may have done it)."""
    import django
    from django.conf import settings

    from . import real_django_urls

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="pytest-cors-browser-real-apps",
            ALLOWED_HOSTS=["*"],
            ROOT_URLCONF=real_django_urls.__name__,
            MIDDLEWARE=["corsheaders.middleware.CorsMiddleware"],
            INSTALLED_APPS=[],
            USE_TZ=True,
        )
        django.setup()
    return real_django_urls.__name__


DJANGO_CORS_DEFAULTS = {**CORS_HEADERS_DEFAULTS, "APPEND_SLASH": True}


class DjangoApp:
    """A Django WSGIHandler with its own MIDDLEWARE; its settings apply around each request."""

    def __init__(self, middleware: List[str], **overrides) -> None:
        from django.core.wsgi import get_wsgi_application
        from django.test.utils import override_settings

        urlconf = _django_configure()
        self._override = override_settings
        self.settings = {"ROOT_URLCONF": urlconf, "ALLOWED_HOSTS": ["*"], "DEBUG": False, "MIDDLEWARE": middleware,
                         **DJANGO_CORS_DEFAULTS, **overrides}
        with _DJANGO_LOCK, override_settings(**self.settings):
            self.handler = get_wsgi_application()   # loads MIDDLEWARE now, once

    def __call__(self, environ, start_response):
        with _DJANGO_LOCK, self._override(**self.settings):
            result = self.handler(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        return [body]


class DjangoAsgiApp:
    """Django's ASGIHandler (``get_asgi_application()``) with its own MIDDLEWARE and settings.

    ``override_settings`` is process-global and the WSGI Django apps apply theirs under
    ``_DJANGO_LOCK`` in server threads, so each request drives the ASGI handler -- through
    the ASGI protocol, on an event loop of its own -- in a worker thread holding that lock,
    then replays the handler's response events. Lifespan goes straight to the handler
    (Django does not support it: servers and pytest-cors use the app without it).
    """

    def __init__(self, middleware: List[str], **overrides) -> None:
        from django.core.asgi import get_asgi_application
        from django.test.utils import override_settings

        urlconf = _django_configure()
        self._override = override_settings
        self.settings = {"ROOT_URLCONF": urlconf, "ALLOWED_HOSTS": ["*"], "DEBUG": False, "MIDDLEWARE": middleware,
                         **DJANGO_CORS_DEFAULTS, **overrides}
        with _DJANGO_LOCK, override_settings(**self.settings):
            self.handler = get_asgi_application()   # loads MIDDLEWARE now, once

    async def __call__(self, scope, receive, send):
        import asyncio

        if scope["type"] != "http":
            await self.handler(scope, receive, send)
            return
        request = []
        while True:
            message = await receive()
            request.append(message)
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        sent = await asyncio.get_running_loop().run_in_executor(None, self._serve, scope, request)
        for message in sent:
            await send(message)

    def _serve(self, scope, request):
        import asyncio

        sent = []
        pending = list(request)

        async def receive():
            if pending:
                return pending.pop(0)
            await asyncio.Event().wait()  # the client stays connected until the response is sent
            return {"type": "http.disconnect"}  # (Django cancels this wait once it has answered)

        async def send(message):
            sent.append(message)

        with _DJANGO_LOCK, self._override(**self.settings):
            asyncio.run(self.handler(scope, receive, send))
        return sent


CORS_MW = "corsheaders.middleware.CorsMiddleware"
COMMON_MW = "django.middleware.common.CommonMiddleware"


# ------------------------------------------------------------------------------------ werkzeug

def _items_response(req: Request) -> Response:
    status = 201 if req.method == "POST" else 200
    resp = Response(json.dumps({"items": [{"id": 1, "name": "Ada"}], "method": req.method}), status=status,
                    content_type="application/json")
    resp.headers["X-Request-Id"] = "req-42"
    resp.headers["X-Internal"] = "secret"
    return resp


def _add_cors(req: Request, resp: Response, origin: str) -> Response:
    """The hand-written CORS layer: allowlist of one origin, credentials, a fixed preflight answer."""
    if req.headers.get("Origin") == origin:
        resp.headers["Access-Control-Allow-Origin"] = origin
        resp.headers["Access-Control-Allow-Credentials"] = "true"
        resp.headers["Access-Control-Expose-Headers"] = "X-Request-Id"
        if req.method == "OPTIONS":
            resp.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE"
            resp.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, X-Requested-With"
            resp.headers["Access-Control-Max-Age"] = "600"
    resp.vary.add("Origin")
    return resp


def werkzeug_routed_app(origin: str, *, slash_rule: bool) -> WsgiApp:
    """Routing first, CORS in the endpoint: routing errors (404, the strict-slash 308) and a crash
    turned into a 500 by the error handler go out without any CORS header."""
    rules = [Rule("/api/items/" if slash_rule else "/api/items", endpoint="items"),
             Rule("/api/boom", endpoint="boom")]
    url_map = Map(rules)

    @Request.application
    def app(req: Request) -> Response:
        adapter = url_map.bind_to_environ(req.environ)
        try:
            endpoint, _ = adapter.match()
            if endpoint == "boom":
                raise RuntimeError("database is down")
            if req.method == "OPTIONS":
                resp = Response(status=204)
            else:
                resp = _items_response(req)
            return _add_cors(req, resp, origin)
        except HTTPException as exc:        # NotFound, RequestRedirect (308), MethodNotAllowed
            return exc.get_response(req.environ)
        except Exception:
            return Response("internal error", status=500, content_type="text/plain")

    return app


def werkzeug_auth_first_app(origin: str) -> WsgiApp:
    """CORS decorates every response, but authentication answers before any handler: an OPTIONS
    preflight (which never carries Authorization) gets a 401 -- with all the CORS headers."""

    @Request.application
    def app(req: Request) -> Response:
        if req.headers.get("Authorization") != "Bearer t0ken":
            resp = Response(json.dumps({"error": "unauthorized"}), status=401, content_type="application/json")
            resp.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        elif req.path != "/api/items":
            resp = NotFound().get_response(req.environ)
        else:
            resp = _items_response(req)
        return _add_cors(req, resp, origin)

    return app


def werkzeug_moved_app(origin: str, bases: Dict[str, str], moves: Dict[str, Tuple[int, str]]) -> WsgiApp:
    """An API that moved to another host: ``moves`` maps a path to (status, app name); the redirect
    (with this app's CORS headers, so browsers follow it) points at that app's live base URL,
    looked up in ``bases`` at request time (servers get their ports after the apps are built)."""

    @Request.application
    def app(req: Request) -> Response:
        if req.method == "OPTIONS":
            resp = Response(status=204)
        elif req.path in moves:
            status, target = moves[req.path]
            query = req.query_string.decode("latin-1")
            resp = Response(status=status)
            resp.headers["Location"] = f"{bases[target]}/api/items" + (f"?{query}" if query else "")
        else:
            resp = NotFound().get_response(req.environ)
        return _add_cors(req, resp, origin)

    return app


def double_acao_proxy(inner: WsgiApp, value: str = "*") -> WsgiApp:
    """A reverse proxy (think nginx ``add_header Access-Control-Allow-Origin *``) in front of an app
    that already does CORS: every response leaves with a second ACAO line."""

    def proxy(environ, start_response):
        def sr(status, headers, exc_info=None):
            return start_response(status, list(headers) + [("Access-Control-Allow-Origin", value)], exc_info)

        return inner(environ, sr)

    return proxy


# ------------------------------------------------------------------------------------ the catalogue

def S(id: str, path: str = "/api/items", method: str = "GET", headers: Headers = (), credentials: bool = False,
      body: Optional[str] = None, note: str = "") -> FetchSpec:
    return FetchSpec(id, path, method, tuple(headers), credentials, body, note)


def post_json(id: str, path: str = "/api/items", method: str = "POST", credentials: bool = False, extra: Headers = (),
              note: str = "") -> FetchSpec:
    return S(id, path, method, JSON + tuple(extra), credentials, JSON_BODY, note)


def build_apps(page_origin: str, bases: Optional[Dict[str, str]] = None) -> List[RealApp]:
    """Every app, configured for the page at ``page_origin``; names are unique.

    ``bases`` (app name -> live base URL) is filled in by the harness once the servers run;
    apps that redirect to another app read it at request time."""
    bases = {} if bases is None else bases
    P = page_origin
    apps: List[RealApp] = []

    def add(name: str, family: str, setup: str, wsgi: WsgiApp, *specs: FetchSpec) -> None:
        apps.append(RealApp(name, family, setup, wsgi, list(specs)))

    # ---------------------------------------------------------------- Flask + flask-cors
    add("flask-allowlist", "flask",
        "CORS(app, origins=[PAGE], supports_credentials=True, expose_headers=['X-Request-Id', 'Set-Cookie'], max_age=600)",
        flask_app("flask-allowlist", origins=[P], supports_credentials=True,
                  expose_headers=["X-Request-Id", "Set-Cookie"], max_age=600),
        S("get", note="simple GET; X-Request-Id exposed, X-Internal not"),
        S("get-credentials", credentials=True),
        post_json("post-json-credentials", credentials=True, note="preflighted (application/json)"),
        S("delete-csrf-credentials", method="DELETE", headers=(("X-CSRF-Token", "t"),), credentials=True),
        S("login-set-cookie", path="/api/login", method="POST", credentials=True, body="user=ada",
          note="Set-Cookie listed in expose_headers: never readable"),
        S("get-404-credentials", path="/api/missing", credentials=True, note="Flask 404 goes through flask-cors"),
        post_json("post-json-303-credentials", path="/api/items/new", credentials=True,
                  note="Post/Redirect/Get: preflighted POST answered with 303 -> GET /api/items"))

    add("flask-default", "flask", "CORS(app)  # origins='*', send_wildcard=False: reflects the Origin, no credentials",
        flask_app("flask-default"),
        S("get"),
        S("get-credentials", credentials=True, note="reflected origin but no Allow-Credentials"),
        post_json("put-json", method="PUT"),
        S("get-500", path="/api/boom", note="abort(500): flask-cors still adds headers"))

    add("flask-send-wildcard", "flask", "CORS(app, send_wildcard=True)  # Access-Control-Allow-Origin: *",
        flask_app("flask-send-wildcard", send_wildcard=True),
        S("get-credentials", credentials=True, note="* with credentials"),
        post_json("patch-json", method="PATCH"))

    add("flask-expose-star", "flask",
        "CORS(app, origins=[PAGE], supports_credentials=True, expose_headers='*')",
        flask_app("flask-expose-star", origins=[P], supports_credentials=True, expose_headers="*"),
        S("get", note="'*' exposes every header, the server's Date and Server too"),
        S("get-latin1-header", path="/api/profile",
          note="non-ASCII header bytes: X-Display-Name: Zo<EB> (latin-1), X-Display-Name-Utf8: Zo<C3 AB>"),
        S("get-credentials", credentials=True, note="with credentials '*' is just a header name"))

    add("flask-credentials-any-origin", "flask",
        "CORS(app, supports_credentials=True)  # default origins: reflects ANY origin with credentials",
        flask_app("flask-credentials-any-origin", supports_credentials=True),
        S("get-credentials", credentials=True),
        post_json("post-json-credentials", credentials=True))

    add("flask-regex-unanchored", "flask", r"CORS(app, origins=[r'http://127\.0\.0\.1:\d+'])  # no $ anchor",
        flask_app("flask-regex-unanchored", origins=[r"http://127\.0\.0\.1:\d+"]),
        S("get"),
        S("put-token", method="PUT", headers=(("X-Token", "abc"),)))

    add("flask-allow-headers", "flask", "CORS(app, origins=[PAGE], allow_headers=['Content-Type'])",
        flask_app("flask-allow-headers", origins=[P], allow_headers=["Content-Type"]),
        post_json("post-json"),
        S("get-authorization", headers=(("Authorization", "Bearer t0ken"),), note="Authorization not allowed"),
        post_json("post-json-api-key", extra=(("X-Api-Key", "k"),), note="only content-type echoed back"))

    add("flask-methods", "flask", "CORS(app, origins=[PAGE], methods=['GET', 'POST'])",
        flask_app("flask-methods", origins=[P], methods=["GET", "POST"]),
        post_json("post-json"),
        S("delete", method="DELETE", note="flask-cors sends ACAO but no Allow-Methods"),
        post_json("put-json", method="PUT"))

    # ---------------------------------------------------------------- Django + django-cors-headers
    add("django-allowlist-credentials", "django",
        "CORS_ALLOWED_ORIGINS=[PAGE], CORS_ALLOW_CREDENTIALS=True, CORS_EXPOSE_HEADERS=['X-Request-Id']",
        DjangoApp([CORS_MW], CORS_ALLOWED_ORIGINS=[P], CORS_ALLOW_CREDENTIALS=True,
                  CORS_EXPOSE_HEADERS=["X-Request-Id"]),
        S("get-credentials", credentials=True),
        post_json("patch-json-credentials", method="PATCH", credentials=True),
        S("put-api-key", method="PUT", headers=(("X-Api-Key", "k"),), note="not in default CORS_ALLOW_HEADERS"),
        post_json("patch-lowercase-json", method="patch", credentials=True,
                  note="fetch() does not uppercase 'patch'; Allow-Methods lists PATCH"),
        S("get-404-credentials", path="/api/missing", credentials=True))

    apps.append(RealApp(
        "django-asgi-allowlist-credentials", "django-asgi",
        "get_asgi_application(); CORS_ALLOWED_ORIGINS=[PAGE], CORS_ALLOW_CREDENTIALS=True, CORS_EXPOSE_HEADERS=['X-Request-Id']",
        DjangoAsgiApp([CORS_MW], CORS_ALLOWED_ORIGINS=[P], CORS_ALLOW_CREDENTIALS=True, CORS_EXPOSE_HEADERS=["X-Request-Id"]),
        [S("get-credentials", credentials=True),
         post_json("patch-json-credentials", method="PATCH", credentials=True),
         S("put-api-key", method="PUT", headers=(("X-Api-Key", "k"),), note="not in default CORS_ALLOW_HEADERS"),
         S("get-evil-404", path="/api/missing", credentials=True)],
        asgi=True))
    apps.append(RealApp(
        "django-asgi-allow-all", "django-asgi", "get_asgi_application(); CORS_ALLOW_ALL_ORIGINS=True",
        DjangoAsgiApp([CORS_MW], CORS_ALLOW_ALL_ORIGINS=True),
        [S("get"), S("get-credentials", credentials=True),
         S("delete-authorization", method="DELETE", headers=(("Authorization", "Bearer t0ken"),))],
        asgi=True))

    add("django-allow-all", "django", "CORS_ALLOW_ALL_ORIGINS=True  # Access-Control-Allow-Origin: *",
        DjangoApp([CORS_MW], CORS_ALLOW_ALL_ORIGINS=True),
        S("get"),
        S("get-credentials", credentials=True),
        S("delete-authorization", method="DELETE", headers=(("Authorization", "Bearer t0ken"),)))

    add("django-origin-regex", "django",
        r"CORS_ALLOWED_ORIGIN_REGEXES=[r'^http://127\.0\.0\.1:\d+$'], CORS_ALLOW_CREDENTIALS=True",
        DjangoApp([CORS_MW], CORS_ALLOWED_ORIGIN_REGEXES=[r"^http://127\.0\.0\.1:\d+$"], CORS_ALLOW_CREDENTIALS=True),
        post_json("post-json-credentials", credentials=True))

    add("django-urls-regex", "django", r"CORS_ALLOW_ALL_ORIGINS=True, CORS_URLS_REGEX=r'^/api/.*$'",
        DjangoApp([CORS_MW], CORS_ALLOW_ALL_ORIGINS=True, CORS_URLS_REGEX=r"^/api/.*$"),
        S("get-api"),
        S("get-public", path="/public/ping", note="outside CORS_URLS_REGEX"),
        post_json("post-json-public", path="/public/ping", note="preflight reaches the view: 405"))

    add("django-append-slash", "django",
        "MIDDLEWARE=[CorsMiddleware, CommonMiddleware], APPEND_SLASH, CORS_ALLOWED_ORIGINS=[PAGE], credentials",
        DjangoApp([CORS_MW, COMMON_MW], CORS_ALLOWED_ORIGINS=[P], CORS_ALLOW_CREDENTIALS=True),
        S("get-no-slash-credentials", path="/api/orders", credentials=True, note="301 to /api/orders/ with CORS headers"),
        post_json("post-json-no-slash", path="/api/orders", note="preflight answered; POST 301 -> GET"),
        post_json("put-json-no-slash", path="/api/orders", method="PUT",
                  note="PUT survives the 301: a second preflight for /api/orders/"))

    add("django-append-slash-cors-last", "django",
        "MIDDLEWARE=[CommonMiddleware, CorsMiddleware]  # CORS listed too late, APPEND_SLASH",
        DjangoApp([COMMON_MW, CORS_MW], CORS_ALLOWED_ORIGINS=[P]),
        S("get-no-slash", path="/api/orders", note="CommonMiddleware swaps the 404 for a 301 after CORS ran"),
        post_json("post-json-no-slash", path="/api/orders",
                  note="preflight answered by CORS; the POST's 301 has no CORS headers"))

    # ---------------------------------------------------------------- werkzeug, hand-written CORS
    add("werkzeug-errors-without-cors", "werkzeug", "routing + error handler outside the CORS layer",
        werkzeug_routed_app(P, slash_rule=False),
        S("get-credentials", credentials=True),
        S("get-404", path="/api/missing"),
        S("get-500-credentials", path="/api/boom", credentials=True))

    add("werkzeug-auth-before-cors", "werkzeug", "auth answers 401 before any handler; CORS decorates everything",
        werkzeug_auth_first_app(P),
        S("get-no-auth-credentials", credentials=True, note="401 with CORS headers: readable"),
        S("get-bearer-credentials", headers=(("Authorization", "Bearer t0ken"),), credentials=True,
          note="the preflight gets the 401"))

    add("werkzeug-trailing-slash", "werkzeug", "Rule('/api/items/'): /api/items -> 308 before CORS",
        werkzeug_routed_app(P, slash_rule=True),
        S("get-no-slash", path="/api/items"),
        S("get-slash-credentials", path="/api/items/", credentials=True),
        post_json("put-json-no-slash", path="/api/items", method="PUT", note="the preflight gets the 308"))

    add("werkzeug-proxy-double-acao", "werkzeug",
        "flask-cors allowlist app behind a proxy adding 'Access-Control-Allow-Origin: *'",
        double_acao_proxy(flask_app("proxied", origins=[P], expose_headers=["X-Request-Id"])),
        S("get"),
        post_json("post-json"))

    add("werkzeug-moved-api", "werkzeug",
        "hand-written CORS allowlist; old paths redirect to the API's new host (another app)",
        werkzeug_moved_app(P, bases, {"/api/v1/items": (307, "flask-default"),
                                      "/api/v2/items": (302, "flask-credentials-any-origin"),
                                      "/api/legacy/items": (301, "django-allowlist-credentials")}),
        S("get-moved-to-reflecting", path="/api/v1/items",
          note="307 to flask-default: Origin becomes null there, and flask-cors reflects 'null'"),
        post_json("post-json-moved-to-reflecting", path="/api/v1/items",
                  note="preflight, POST 307 to another origin, preflight again there"),
        S("get-credentials-moved-to-any-origin", path="/api/v2/items", credentials=True,
          note="302 to an app reflecting any Origin with credentials: it reflects 'null'"),
        S("get-credentials-moved-to-allowlist", path="/api/legacy/items", credentials=True,
          note="301 to django allowlist: Origin null is not on it"))

    # ---------------------------------------------------------------- ASGI: FastAPI, Starlette, Falcon
    from .real_asgi_apps import add_asgi_apps

    def add_asgi(name: str, family: str, setup: str, app: object, *specs: FetchSpec) -> None:
        apps.append(RealApp(name, family, setup, app, list(specs), asgi=True))

    add_asgi_apps(P, add_asgi, S, post_json)

    names = [a.name for a in apps]
    assert len(names) == len(set(names)), names
    for a in apps:
        ids = [s.id for s in a.specs]
        assert len(ids) == len(set(ids)), (a.name, ids)
    return apps
