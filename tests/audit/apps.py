"""Real apps with real CORS libraries, misconfigured the way people misconfigure them.

Every app serves ``/api/users`` (GET returns JSON, POST creates: 201) so that the
same contracts apply to all of them.
"""

from __future__ import annotations

import json
from typing import Callable, Optional
from urllib.parse import urlsplit

from flask import Flask, jsonify, request
from flask_cors import CORS
from werkzeug.wrappers import Request, Response

USERS = [{"id": 1, "name": "Ada"}]


def flask_app(**cors_options) -> Flask:
    """A Flask app with flask-cors configured by ``cors_options``."""
    app = Flask(f"flask_cors_app_{id(cors_options)}")

    @app.route("/api/users", methods=["GET", "POST", "PUT", "DELETE"])
    def users():
        if request.method == "POST":
            return jsonify({"id": 2}), 201
        return jsonify(USERS)

    CORS(app, **cors_options)
    return app


Policy = Callable[[Request, Response, bool], None]


def werkzeug_app(policy: Policy) -> Callable:
    """A plain werkzeug app whose hand-written CORS layer is ``policy(request, response, is_preflight)``."""

    @Request.application
    def app(req: Request) -> Response:
        preflight = req.method == "OPTIONS" and "Access-Control-Request-Method" in req.headers
        if preflight:
            response = Response(status=204)
        elif req.path != "/api/users":
            response = Response("not found", status=404)
        elif req.method == "POST":
            response = Response(json.dumps({"id": 2}), status=201, content_type="application/json")
        else:
            response = Response(json.dumps(USERS), content_type="application/json")
        policy(req, response, preflight)
        return response

    return app


def _preflight_headers(response: Response, max_age: Optional[str] = "600") -> None:
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE"
    response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
    if max_age is not None:
        response.headers["Access-Control-Max-Age"] = max_age


def allowlist_policy(
    trusted=("https://app.example.com", "https://admin.example.com"),
    *,
    max_age: Optional[str] = "600",
    expose: Optional[str] = None,
    credentials_always: bool = False,
    vary: bool = True,
) -> Policy:
    """The right way: echo the origin only when it is on the allowlist, always send Vary: Origin."""

    def policy(req: Request, response: Response, preflight: bool) -> None:
        origin = req.headers.get("Origin")
        if vary:
            response.vary.add("Origin")
        if credentials_always:
            response.headers["Access-Control-Allow-Credentials"] = "true"
        if origin in trusted:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            if expose:
                response.headers["Access-Control-Expose-Headers"] = expose
            if preflight:
                _preflight_headers(response, max_age)

    return policy


def endswith_policy(req: Request, response: Response, preflight: bool) -> None:
    """The classic hand-written bug: ``hostname.endswith("example.com")``."""
    origin = req.headers.get("Origin") or ""
    response.vary.add("Origin")
    host = urlsplit(origin).hostname or ""
    if host.endswith("example.com"):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        if preflight:
            _preflight_headers(response)


def wildcard_with_credentials_policy(req: Request, response: Response, preflight: bool) -> None:
    """'*' plus credentials: browsers refuse it, and it shows a policy meant to share sessions with everyone."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Credentials"] = "true"
    if preflight:
        _preflight_headers(response)


def single_literal_origin_policy(req: Request, response: Response, preflight: bool) -> None:
    """Always the same literal origin, no Vary (what flask-cors does with one origin string)."""
    response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
    response.headers["Access-Control-Allow-Credentials"] = "true"
    if preflight:
        _preflight_headers(response)


def private_network_policy(req: Request, response: Response, preflight: bool) -> None:
    """Allowlisted CORS, but Access-Control-Allow-Private-Network: true for whoever asks."""
    allowlist_policy()(req, response, preflight)
    if req.headers.get("Access-Control-Request-Private-Network") == "true":
        response.headers["Access-Control-Allow-Private-Network"] = "true"
        response.headers["Access-Control-Allow-Origin"] = req.headers.get("Origin", "")
        response.headers["Access-Control-Allow-Methods"] = "GET"


def reflect_without_credentials_policy(req: Request, response: Response, preflight: bool) -> None:
    """Reflects any origin without credentials, with Vary: fine for a public endpoint only."""
    response.vary.add("Origin")
    origin = req.headers.get("Origin")
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        if preflight:
            _preflight_headers(response)


