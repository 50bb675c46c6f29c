"""Real frameworks in-process: Flask + flask-cors and Django + django-cors-headers.

Django is configured once per process (settings.configure can only run once); each test
changes the CORS settings it needs with ``override_settings``, which django-cors-headers
reads on every request.
"""

import sys
import types

import django
import flask  # noqa: F401  (imported here so in-process pytester runs reuse the modules)
import flask_cors  # noqa: F401
import pytest
from django.conf import settings

QUIET_PLUGINS = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:benchmark")
URLCONF = "pytest_cors_django_test_urls"


def _urls_module() -> types.ModuleType:
    from django.http import JsonResponse
    from django.urls import path

    def users(request):
        response = JsonResponse([{"id": 1, "name": "Ada"}], safe=False)
        response["X-Total-Count"] = "1"
        response["X-Request-Id"] = "req-1"
        return response

    def user(request, user_id):
        if request.method == "DELETE":
            return JsonResponse({}, status=204)
        return JsonResponse({"id": user_id})

    module = types.ModuleType(URLCONF)
    module.urlpatterns = [path("api/users", users), path("api/users/<int:user_id>", user)]
    return module


def configure_django() -> None:
    if URLCONF not in sys.modules and settings.configured:
        sys.modules[URLCONF] = _urls_module()  # another module configured Django first: tests name URLCONF
    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        SECRET_KEY="pytest-cors-tests",
        ALLOWED_HOSTS=["testserver", "api.example.com", "127.0.0.1"],
        ROOT_URLCONF=URLCONF,
        INSTALLED_APPS=["corsheaders"],
        MIDDLEWARE=["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"],
        USE_TZ=True,
        CORS_ALLOWED_ORIGINS=[],
    )
    django.setup()
    sys.modules[URLCONF] = _urls_module()


@pytest.fixture(scope="session")
def django_app():
    configure_django()
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


@pytest.fixture
def run(pytester):
    def run(*args):
        return pytester.runpytest(*QUIET_PLUGINS, "--cors-audit", "off", *args)

    return run
