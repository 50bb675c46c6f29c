"""Django + django-cors-headers in-process: settings are configured once, each app overrides them."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import django
from django.conf import settings
from django.http import JsonResponse
from django.urls import path
from frameworks.django_cors_defaults import CORS_HEADERS_DEFAULTS


def users(request):
    if request.method == "POST":
        return JsonResponse({"id": 2}, status=201)
    return JsonResponse([{"id": 1, "name": "Ada"}], safe=False)


urlpatterns = [path("api/users", users)]


def ensure_configured() -> None:
    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="pytest-cors-audit-tests",
            ALLOWED_HOSTS=["*"],
            ROOT_URLCONF=__name__,
            MIDDLEWARE=["corsheaders.middleware.CorsMiddleware"],
            INSTALLED_APPS=[],
            USE_TZ=True,
        )
        django.setup()


@contextmanager
def django_app(**cors_settings) -> Iterator[object]:
    """A fresh WSGI handler for /api/users with django-cors-headers configured by ``cors_settings``."""
    ensure_configured()
    from django.core.wsgi import get_wsgi_application
    from django.test.utils import override_settings

    overrides = {
        "ROOT_URLCONF": __name__,
        "ALLOWED_HOSTS": ["*"],
        "MIDDLEWARE": ["corsheaders.middleware.CorsMiddleware"],
        **CORS_HEADERS_DEFAULTS,
        **cors_settings,
    }
    with override_settings(**overrides):
        yield get_wsgi_application()
