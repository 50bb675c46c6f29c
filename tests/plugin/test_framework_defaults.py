"""Targets by convention: pytest-flask's ``app`` fixture and pytest-django's project, announced in the header."""

from __future__ import annotations

import pytest

MARKED = """
import pytest


@pytest.mark.cors(path="/api/users", origins=["https://app.example.com"], deny_origins=["https://evil.example.net"],
                  methods=["GET", "PUT"], request_headers=["Authorization"])
def test_users():
    pass
"""

FLASK_CONFTEST = """
import pytest
from flask import Flask
from flask_cors import CORS


@pytest.fixture
def app():
    app = Flask("shop")

    @app.route("/api/users", methods=["GET", "PUT"])
    def users():
        return {"users": []}

    CORS(app, origins=["https://app.example.com", "https://admin.example.com"], allow_headers=["Authorization"])
    return app
"""


@pytest.fixture(autouse=True)
def _fresh_modules(monkeypatch):
    monkeypatch.setattr("sys.dont_write_bytecode", True)


def test_pytest_flask_app_fixture_is_the_target(pytester):
    pytester.makeconftest(FLASK_CONFTEST)
    pytester.makepyfile(test_users=MARKED)
    result = pytester.runpytest("-p", "no:cacheprovider", "--cors-audit", "off", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([
        "cors target: Flask app of the `app` fixture (pytest-flask), in tests that have one served as "
        "http://testserver, where no cors_app fixture is given"
    ])


def test_the_flask_default_really_checks_the_app(pytester):
    pytester.makeconftest(FLASK_CONFTEST.replace('allow_headers=["Authorization"]', 'allow_headers=["X-Other"]'))
    pytester.makepyfile(test_users=MARKED)
    result = pytester.runpytest("-p", "no:cacheprovider", "--cors-audit", "off")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*PUT http://testserver/api/users*"])
    result.stdout.fnmatch_lines(["Target:   WSGI app Flask app from the `app` fixture (pytest-flask) served as http://testserver"])


def test_a_cors_app_fixture_wins_over_the_flask_convention(pytester):
    pytester.makeconftest(FLASK_CONFTEST + """

@pytest.fixture
def cors_app():
    def refuses(environ, start_response):
        start_response("403 Forbidden", [])
        return [b""]
    return refuses
""")
    pytester.makepyfile(test_users=MARKED)
    pytester.runpytest("-p", "no:cacheprovider", "--cors-audit", "off").assert_outcomes(failed=1)


def test_pytest_flask_without_an_app_fixture_is_the_no_target_error(pytester):
    pytester.makepyfile(test_users=MARKED)
    result = pytester.runpytest("-p", "no:cacheprovider", "--cors-audit", "off")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["no target to check CORS contracts against. Give one of:",
                                 "*with pytest-flask: the Flask app of your `app` fixture is used*"])


DJANGO_SETTINGS = """
SECRET_KEY = "shop"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]
ROOT_URLCONF = "shop_urls"
INSTALLED_APPS = ["corsheaders"]
MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", "django.middleware.common.CommonMiddleware"]
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
CORS_ALLOW_HEADERS = ["authorization"]
USE_TZ = True
"""

DJANGO_URLS = """
from django.http import JsonResponse
from django.urls import path


def users(request):
    return JsonResponse({"users": []})


urlpatterns = [path("api/users", users)]
"""


def test_pytest_django_project_is_the_target(pytester):
    """In a subprocess: the project's settings module must not leak into this process's Django."""
    pytester.makepyfile(shop_settings=DJANGO_SETTINGS, shop_urls=DJANGO_URLS, test_users=MARKED)
    pytester.makeini("[pytest]\nDJANGO_SETTINGS_MODULE = shop_settings\npythonpath = .\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--cors-audit", "off", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([
        "cors target: Django project shop_settings (pytest-django) served as http://testserver, "
        "where no cors_app fixture is given"
    ])
    # and it is really that project: a setting change shows in the verdict
    pytester.makepyfile(shop_settings=DJANGO_SETTINGS.replace('["authorization"]', '["x-other"]'))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--cors-audit", "off")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["Target:   WSGI app Django project shop_settings (pytest-django) served as http://testserver"])
