"""The tiny URLconf of the Django apps in ``real_apps`` (ROOT_URLCONF points here).

* ``/api/items``   JSON; every method; ``X-Request-Id`` / ``X-Internal`` headers
* ``/api/orders/`` the same, declared *with* a trailing slash (APPEND_SLASH apps fetch ``/api/orders``)
* ``/public/ping`` GET only (405 otherwise); outside ``CORS_URLS_REGEX = ^/api/``
"""

from __future__ import annotations

import json

from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import path


def items(request):
    status = 201 if request.method == "POST" else 200
    payload = {"items": [{"id": 1, "name": "Ada"}], "method": request.method}
    response = HttpResponse(json.dumps(payload), status=status, content_type="application/json")
    response["X-Request-Id"] = "req-42"
    response["X-Internal"] = "secret"
    return response


def ping(request):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return HttpResponse("pong", content_type="text/plain")


urlpatterns = [
    path("api/items", items),
    path("api/orders/", items),
    path("public/ping", ping),
]
