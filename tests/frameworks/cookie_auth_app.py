"""Apps whose authentication runs before CORS, as in many real deployments.

Without the session cookie the API answers 401 *without* CORS headers (the
browser then shows a CORS error, not the 401). A preflight never carries
cookies in a browser, so the server refuses one that does (400) and logs every
request's cookie to ``COOKIE_AUTH_LOG`` when that variable is set.
"""

import os
from http.cookies import SimpleCookie

SESSION = "session-Sx9-SECRET-77"


def _log(method, cookie):
    path = os.environ.get("COOKIE_AUTH_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{method} {'cookie' if cookie else 'no-cookie'}\n")


def _session_ok(cookie_header):
    jar = SimpleCookie()
    jar.load(cookie_header or "")
    return "session" in jar and jar["session"].value == SESSION


class AuthFirst:
    """WSGI middleware in front of the CORS layer."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        cookie = environ.get("HTTP_COOKIE")
        _log(environ["REQUEST_METHOD"], cookie)
        if environ["REQUEST_METHOD"] == "OPTIONS":
            if cookie:
                start_response("400 Bad Request", [("Content-Type", "text/plain")])
                return [b"a preflight carried a cookie"]
            return self.app(environ, start_response)
        if not _session_ok(cookie):
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"login required"]
        return self.app(environ, start_response)


def make_flask(origin):
    from flask import Flask, jsonify
    from flask_cors import CORS

    app = Flask("cookie_auth_flask")
    CORS(app, origins=[origin, "https://admin.example.com"], supports_credentials=True, methods=["GET", "PUT"])

    @app.route("/api/me", methods=["GET", "PUT"])
    def me():
        return jsonify(user="ada")

    return AuthFirst(app)


# --- Django: the same auth as a middleware listed before CorsMiddleware -------------------------


def django_auth_first(get_response):
    from django.http import HttpResponse

    def middleware(request):
        cookie = request.META.get("HTTP_COOKIE")
        _log(request.method, cookie)
        if request.method == "OPTIONS":
            if cookie:
                return HttpResponse("a preflight carried a cookie", status=400)
        elif not _session_ok(cookie):
            return HttpResponse("login required", status=401)
        return get_response(request)

    return middleware


def _me(request):
    from django.http import JsonResponse

    return JsonResponse({"user": "ada"})


def _urlpatterns():
    from django.urls import path

    return [path("api/me", _me)]


def django_settings(origin):
    return dict(
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[f"{__name__}.django_auth_first", "corsheaders.middleware.CorsMiddleware"],
        CORS_ALLOWED_ORIGINS=[origin, "https://admin.example.com"],
        CORS_ALLOW_CREDENTIALS=True,
        CORS_ALLOW_METHODS=["GET", "PUT", "OPTIONS"],
    )


def __getattr__(name):  # urlpatterns built lazily: Django is configured by the test first
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)
