"""A small API with a correct CORS policy, built on werkzeug only.

It is the target of the example contracts: `pytest example_contracts` checks
it in-process, with no server and no network.
"""

from __future__ import annotations

import json

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

#: Origins of the web apps allowed to call the API with the user's session.
TRUSTED_ORIGINS = frozenset({"https://app.example.com", "https://admin.example.com"})
ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE"
ALLOWED_HEADERS = "Authorization, Content-Type, X-Request-Id"
EXPOSED_HEADERS = "X-Total-Count, X-Request-Id"
PREFLIGHT_MAX_AGE = "600"

USERS = {1: {"id": 1, "name": "Ada"}, 2: {"id": 2, "name": "Grace"}}

url_map = Map(
    [
        Rule("/api/users", endpoint="users"),
        Rule("/api/users/<int:user_id>", endpoint="user"),
        Rule("/api/me", endpoint="me"),
        Rule("/api/public/status", endpoint="status"),
    ]
)


def json_response(data: object, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")


def handle(request: Request) -> Response:
    adapter = url_map.bind_to_environ(request.environ)
    endpoint, args = adapter.match()
    if endpoint == "status":
        return json_response({"status": "ok"})
    if endpoint == "users":
        if request.method == "POST":
            response = json_response({"id": 3}, status=201)
            response.headers["X-Total-Count"] = str(len(USERS) + 1)  # the page reads it after creating too
            return response
        response = json_response(list(USERS.values()))
        response.headers["X-Total-Count"] = str(len(USERS))
        return response
    if endpoint == "user":
        if args["user_id"] not in USERS:
            raise NotFound()
        if request.method == "DELETE":
            return Response(status=204)
        return json_response(USERS[args["user_id"]])
    if endpoint == "me":
        if "Authorization" not in request.headers and "session" not in request.cookies:
            return json_response({"error": "login required"}, status=401)
        return json_response(USERS[1])
    raise NotFound()  # pragma: no cover


def add_cors_headers(request: Request, response: Response) -> Response:
    """Echo the origin only when it is on the allowlist; public status is open to everyone."""
    origin = request.headers.get("Origin")
    if request.path == "/api/public/status":
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response
    response.vary.add("Origin")
    if origin in TRUSTED_ORIGINS:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


@Request.application
def app(request: Request) -> Response:
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        # Preflights are answered before routing and authentication, as they must be.
        response = Response(status=204)
        origin = request.headers.get("Origin")
        response.vary.add("Origin")
        if request.path == "/api/public/status":
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Allow-Methods"] = "GET"
            response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        elif origin in TRUSTED_ORIGINS:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        return response
    try:
        response = handle(request)
    except HTTPException as error:
        response = json_response({"error": error.name}, status=error.code or 500)
    return add_cors_headers(request, response)
