"""The fixtures users see: ``cors_app`` (override it), ``cors_target`` and ``cors``."""

from __future__ import annotations

from typing import Any, Callable, Optional, Tuple

import pytest

from pytest_cors.browser.cookies import Cookie
from pytest_cors.check.run import (
    NO_TARGET_MESSAGE,
    CorsChecker,
    CorsRun,
    contract_with_jar as with_session_cookies,  # noqa: F401 - re-exported for the plugin
)
from pytest_cors.contract.cookie_key import parse_cookies
from pytest_cors.errors import CorsConfigurationError
from pytest_cors.plugin.options import CorsSettings, target_problem
from pytest_cors.transport import Transport
from pytest_cors.transport.app_import import import_app

RUN_KEY = pytest.StashKey[CorsRun]()
SETTINGS_KEY = pytest.StashKey[CorsSettings]()

#: A YAML file's ``target:`` value and where it was written.
YamlTarget = Optional[Tuple[str, str]]


def get_run(config: pytest.Config) -> CorsRun:
    """The run's ``CorsRun`` (set up in ``pytest_configure``)."""
    return config.stash[RUN_KEY]


def get_settings(config: pytest.Config) -> CorsSettings:
    """The run's validated ``--cors-*`` settings."""
    return config.stash[SETTINGS_KEY]


def _target_from_text(run: CorsRun, text: str, source: str) -> Transport:
    problem = target_problem(text)
    if problem:  # collection already refuses these; kept for targets given by other means
        raise CorsConfigurationError(f"{source}: {problem}")
    if "://" in text:
        return run.live(text)
    return run.app(import_app(text, source))


def resolve_target(request: pytest.FixtureRequest, yaml_target: YamlTarget = None) -> Transport:
    """Pick the target. The command line wins, then a YAML file's target:, then the ini file, then the fixture.

    Order: --cors-url, --cors-app, YAML target:, ini cors_url, ini cors_app, the cors_app fixture.
    """
    settings = get_settings(request.config)
    run = get_run(request.config)
    if settings.url.value and settings.url.source.startswith("--"):
        return run.live(str(settings.url.value))
    if settings.app.value and settings.app.source.startswith("--"):
        return run.app(import_app(str(settings.app.value), settings.app.source))
    if yaml_target is not None:
        return _target_from_text(run, *yaml_target)
    if settings.url.value:
        return run.live(str(settings.url.value))
    if settings.app.value:
        return run.app(import_app(str(settings.app.value), settings.app.source))
    app = request.getfixturevalue("cors_app")
    if app is not None:
        if not callable(app):
            raise CorsConfigurationError(
                f"the cors_app fixture returned {type(app).__name__}, not a WSGI app; return the app object itself "
                "(for Flask: app, for Django: django.core.wsgi.get_wsgi_application())"
            )
        return run.app(app)
    raise CorsConfigurationError(NO_TARGET_MESSAGE)


@pytest.fixture
def cors_app() -> Any:
    """The in-process WSGI app under test. Override it in conftest.py to return your app."""
    return None


@pytest.fixture(scope="session")
def cors_cookies() -> Any:
    """Cookies for the whole run (``{name: value}`` or ``{name: {value, samesite, secure, partitioned}}``).

    Override it in conftest.py, e.g. to log in once against staging; each
    credentialed contract gets these under its own ``cookies`` (the contract wins by name).
    """
    return {}


def session_cookies(request: pytest.FixtureRequest) -> Tuple[Cookie, ...]:
    """The validated ``cors_cookies`` value; its values join the run's secrets."""
    value = request.getfixturevalue("cors_cookies")

    def error(path: Tuple[Any, ...], message: str) -> CorsConfigurationError:
        where = "the cors_cookies fixture" + (f" (cookie {path[1]!r})" if len(path) > 1 else "")
        return CorsConfigurationError(f"{where}: {message}")

    cookies = parse_cookies(value, error, key="cors_cookies")
    get_run(request.config).redactor.values.add(cookie.value for cookie in cookies)
    return cookies


@pytest.fixture
def cors_target(request: pytest.FixtureRequest) -> Transport:
    """The resolved target (in-process app or live URL) that contracts are checked against."""
    return resolve_target(request)


@pytest.fixture
def cors(request: pytest.FixtureRequest) -> CorsChecker:
    """Imperative CORS checks: ``cors.check("/api", origin=..., method=...).assert_allowed()``."""
    # Resolved during setup: a missing or broken target is a test error, not a failure of the test body.
    transport = resolve_target(request)
    factory: Callable[[], Transport] = lambda: transport  # noqa: E731
    return CorsChecker(get_run(request.config), factory, where=request.node.nodeid, jar=session_cookies(request))
