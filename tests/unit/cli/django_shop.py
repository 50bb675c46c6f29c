"""Django + django-cors-headers shop, imported only in subprocesses (Django settings are per process).

``SHOP_VARIANT=origin-removed`` drops https://admin.example.com from CORS_ALLOWED_ORIGINS.
"""

from __future__ import annotations

import os

import django
from django.conf import settings
from django.http import JsonResponse
from django.urls import path

ORIGINS = ["https://app.example.com", "https://admin.example.com"]
if os.environ.get("SHOP_VARIANT") == "origin-removed":
    ORIGINS = ORIGINS[:1]


def users(request):
    response = JsonResponse([{"id": 1}], safe=False)
    response["X-Total-Count"] = "1"
    return response


urlpatterns = [path("api/users", users)]

settings.configure(
    DEBUG=False,
    SECRET_KEY="pytest-cors-record-tests",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["corsheaders.middleware.CorsMiddleware"],
    INSTALLED_APPS=[],
    USE_TZ=True,
    CORS_ALLOWED_ORIGINS=ORIGINS,
    CORS_ALLOW_CREDENTIALS=True,
    CORS_EXPOSE_HEADERS=["X-Total-Count"],
    CORS_PREFLIGHT_MAX_AGE=600,
    CORS_ALLOW_HEADERS=["authorization", "content-type"],
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
