"""The -v header's conventions: pytest-flask's ``app`` fixture and pytest-django's project, announced only when active.

An in-process ``pytest.Config`` with the real pytest-flask / pytest-django plugin modules registered
under the names their entry points give them (``flask``, ``django``), as pytest registers them.
The targets themselves are checked end to end in tests/plugin/test_framework_defaults.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_cors.plugin.framework_defaults import announced_defaults

from .conftest import build_config

FLASK = "Flask app of the `app` fixture (pytest-flask), in tests that have one"


def config_with(folder: Path, *plugins: str) -> pytest.Config:
    config = build_config(folder, ())
    for name in plugins:
        module = pytest.importorskip(f"pytest_{name}.plugin")
        config.pluginmanager.register(module, name)
    return config


@pytest.mark.parametrize(
    ("plugins", "settings", "lines"),
    [
        ((), "shop.settings", []),
        (("flask",), None, [FLASK]),
        (("django",), "shop.settings", ["Django project shop.settings (pytest-django)"]),
        (("django",), "", []),  # pytest-django without a settings module: a hand-configured Django, not a project
        (("django",), None, []),
        (("flask", "django"), "shop.settings", [FLASK, "Django project shop.settings (pytest-django)"]),
    ],
    ids=["neither-plugin", "flask", "django", "django-empty-settings", "django-no-settings", "both"],
)
def test_each_active_convention_is_announced(tmp_path, monkeypatch, plugins, settings, lines):
    if settings is None:
        monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    else:
        monkeypatch.setenv("DJANGO_SETTINGS_MODULE", settings)
    assert announced_defaults(config_with(tmp_path, *plugins)) == lines
