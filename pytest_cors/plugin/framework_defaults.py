"""Targets found by convention, so that most projects write no ``cors_app`` fixture at all.

* pytest-flask active and an ``app`` fixture for the test: that Flask app (pytest-flask's
  own convention: the project's ``app`` fixture *is* the app under test).
* pytest-django active with the project's settings module (``--ds``, the ini key or the
  ``DJANGO_SETTINGS_MODULE`` environment variable): the project's WSGI application,
  ``django.core.wsgi.get_wsgi_application()``. A Django configured by hand with
  ``settings.configure()`` is not "the project": nothing is guessed for it.

Each default is announced in the ``-v`` report header, so nobody wonders what was checked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, List, Optional

import pytest


@dataclass(frozen=True)
class DefaultApp:
    """An app found by convention and how reports name it."""

    app: Any
    label: str


def _django_settings_module(config: pytest.Config) -> Optional[str]:
    if not config.pluginmanager.has_plugin("django"):
        return None
    return os.environ.get("DJANGO_SETTINGS_MODULE") or None


def _flask_active(config: pytest.Config) -> bool:
    return config.pluginmanager.has_plugin("flask")


def framework_default(request: pytest.FixtureRequest) -> Optional[DefaultApp]:
    """The conventional app for this test, or None when no framework plugin offers one."""
    if _flask_active(request.config):
        try:
            app = request.getfixturevalue("app")
        except pytest.FixtureLookupError:
            app = None
        if app is not None:
            return DefaultApp(app, "Flask app from the `app` fixture (pytest-flask)")
    settings_module = _django_settings_module(request.config)
    if settings_module:
        from django.core.wsgi import get_wsgi_application

        return DefaultApp(get_wsgi_application(), f"Django project {settings_module} (pytest-django)")
    return None


def announced_defaults(config: pytest.Config) -> List[str]:
    """Header lines for the conventions that apply where no cors_app fixture is given."""
    lines = []
    if _flask_active(config):
        lines.append("Flask app of the `app` fixture (pytest-flask), in tests that have one")
    settings_module = _django_settings_module(config)
    if settings_module:
        lines.append(f"Django project {settings_module} (pytest-django)")
    return lines
