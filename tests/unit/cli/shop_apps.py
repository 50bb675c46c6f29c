"""Flask + flask-cors shops to record, and the same shops deliberately changed (an origin removed, a header refused).

Every app serves ``GET/POST /api/users`` (with an ``X-Total-Count`` header) and ``GET/PUT /api/orders/<id>``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from flask_cors import CORS
from werkzeug.wrappers import Request, Response

TRUSTED = ["https://app.example.com", "https://admin.example.com"]


def make_shop(origins=TRUSTED, allow_headers=("Authorization", "Content-Type"), **extra) -> Flask:
    app = Flask(__name__)

    @app.route("/api/users", methods=["GET", "POST"])
    def users():
        response = jsonify([{"id": 1}])
        response.headers["X-Total-Count"] = "1"
        return response

    @app.route("/api/orders/<int:order_id>", methods=["GET", "PUT"])
    def orders(order_id: int):
        return jsonify({"id": order_id})

    options = dict(
        origins=list(origins),
        supports_credentials=True,
        expose_headers=["X-Total-Count"],
        allow_headers=list(allow_headers),
        max_age=600,
    )
    options.update(extra)
    CORS(app, **options)
    return app


shop = make_shop()
shop_origin_removed = make_shop(origins=TRUSTED[:1])
shop_header_refused = make_shop(allow_headers=("Content-Type",))
#: flask-cors' default origins='*' with credentials: reflects every Origin with Access-Control-Allow-Credentials.
reflecting = make_shop(origins="*")
#: No credentials and only Content-Type allowed: a frontend sending Authorization with cookies is refused.
no_credentials = make_shop(origins=TRUSTED[:1], allow_headers=("Content-Type",), supports_credentials=False)
#: flask-cors defaults without credentials: every origin may read (reflected), i.e. public in fact.
public = make_shop(origins="*", supports_credentials=False)


@Request.application
def wildcard_headers(request: Request) -> Response:
    """``Access-Control-Allow-Headers: *``: covers Authorization in browsers (a deprecation), not in the Fetch standard."""
    response = Response("[]", content_type="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Headers"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET"
    return response


def make_starlette_shop(origins=TRUSTED) -> Any:
    """The shop as an ASGI app: Starlette with its CORSMiddleware (which answers a refused header with 400)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def users(request: Any) -> JSONResponse:
        return JSONResponse([{"id": 1}], headers={"X-Total-Count": "1"})

    return Starlette(
        routes=[Route("/api/users", users, methods=["GET", "POST"])],
        middleware=[
            Middleware(
                CORSMiddleware, allow_origins=list(origins), allow_credentials=True, allow_methods=["GET", "POST"],
                allow_headers=["Content-Type"], expose_headers=["X-Total-Count"], max_age=600,
            )
        ],
    )


starlette_shop = make_starlette_shop()
starlette_shop_origin_removed = make_starlette_shop(TRUSTED[:1])


@Request.application
def denylist(request: Request) -> Response:
    """Reflects every Origin except those under pytest-cors.test: public-looking, but not public."""
    response = Response("[]", content_type="application/json")
    origin = request.headers.get("Origin", "")
    if origin and not origin.endswith(".pytest-cors.test"):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
    return response
#: One more exposed header: every recorded contract still holds, the lockfile sees a loosened policy.
shop_more_exposed = make_shop(expose_headers=["X-Total-Count", "X-Request-Id"])
