"""The fixtures users see: ``cors_app`` (override it), ``cors_target`` and ``cors``."""

from __future__ import annotations

import copy
import sys
from typing import Any, Callable, Dict, Optional, Tuple

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
from pytest_cors.plugin.framework_defaults import framework_default
from pytest_cors.plugin.options import CorsSettings, target_problem
from pytest_cors.transport import Transport
from pytest_cors.transport.app_import import import_app
from pytest_cors.transport.app_interface import choose_interface

RUN_KEY = pytest.StashKey[CorsRun]()
SETTINGS_KEY = pytest.StashKey[CorsSettings]()
#: Per run: each session-scoped cors_cookies fixture's value, a copy of it, and the cookies parsed from it.
_COOKIES_KEY = pytest.StashKey[Dict[Any, Tuple[Any, Any, Tuple[Cookie, ...]]]]()
#: Per parent node: the session-scoped fixture definitions its items see (None: look the value up per item).
_SESSION_DEFS_KEY = pytest.StashKey[Dict[str, Any]]()

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
    return run.app(import_app(text, source), name=text)


def resolve_target(request: pytest.FixtureRequest, yaml_target: YamlTarget = None) -> Transport:
    """Pick the target. The command line wins, then a YAML file's target:, then the ini file, then the fixture.

    Order: --cors-url, --cors-app, YAML target:, ini cors_url, ini cors_app, the cors_app fixture, then the
    conventions of pytest-flask (its ``app`` fixture) and pytest-django (the project's WSGI application).
    """
    settings = get_settings(request.config)
    run = get_run(request.config)
    if settings.url.value and settings.url.source.startswith("--"):
        return run.live(str(settings.url.value))
    if settings.app.value and settings.app.source.startswith("--"):
        return _named_app(run, str(settings.app.value), settings.app.source)
    if yaml_target is not None:
        return _target_from_text(run, *yaml_target)
    if settings.url.value:
        return run.live(str(settings.url.value))
    if settings.app.value:
        return _named_app(run, str(settings.app.value), settings.app.source)
    app = request.getfixturevalue("cors_app")
    if app is not None:
        if not callable(app):
            raise CorsConfigurationError(
                f"the cors_app fixture returned {type(app).__name__}, not a WSGI or ASGI app; return the app object "
                "itself (for Flask: app, for FastAPI/Starlette: app, for Django: "
                "django.core.wsgi.get_wsgi_application() or django.core.asgi.get_asgi_application())"
            )
        return run.app(app)
    default = framework_default(request)
    if default is not None:
        return run.app(default.app, name=default.label)
    raise CorsConfigurationError(NO_TARGET_MESSAGE)


def configured_app_header(config: pytest.Config, settings: CorsSettings) -> str:
    """``WSGI app x:y served as ...`` or ``ASGI app ...`` for the -v header (importing the app to tell).

    The header comes before collection puts the project's directory on ``sys.path``, so the
    root and invocation directories are tried too, for this import only.
    """
    spec = str(settings.app.value)
    extra = [str(p) for p in dict.fromkeys((config.rootpath, config.invocation_params.dir)) if str(p) not in sys.path]
    sys.path[:0] = extra
    try:
        app = import_app(spec, settings.app.source)
        interface = choose_interface(app, settings.app_interface, "--cors-app-interface").value.upper()
    except CorsConfigurationError:
        return f"in-process app {spec} served as {settings.app_origin} (not importable yet: the first test says why)"
    finally:
        for path in extra:
            sys.path.remove(path)
    return f"{interface} app {spec} served as {settings.app_origin}"


def _named_app(run: CorsRun, spec: str, source: str) -> Transport:
    return run.app(import_app(spec, source), name=spec)


@pytest.fixture
def cors_app() -> Any:
    """The in-process WSGI or ASGI app under test. Override it in conftest.py to return your app."""
    return None


@pytest.fixture(scope="session")
def cors_cookies() -> Any:
    """Cookies for the whole run (``{name: value}`` or ``{name: {value, samesite, secure, partitioned}}``).

    Override it in conftest.py, e.g. to log in once against staging; each
    credentialed contract gets these under its own ``cookies`` (the contract wins by name).
    """
    return {}


def session_cookies(request: pytest.FixtureRequest) -> Tuple[Cookie, ...]:
    """The validated ``cors_cookies`` value; its values join the run's secrets.

    A session-scoped ``cors_cookies`` (the plugin's own, or an override that keeps its
    scope) has one value for the whole run: it is looked up and validated once, not
    for every item. The value is compared with a copy of itself each time, so a test
    that changes the mapping in place is still seen.
    """
    fixturedef = _session_fixturedef(request, "cors_cookies")
    cached = request.config.stash.setdefault(_COOKIES_KEY, {}).get(fixturedef) if fixturedef is not None else None
    if cached is not None and cached[0] == cached[1]:
        return cached[2]
    value = request.getfixturevalue("cors_cookies")

    def error(path: Tuple[Any, ...], message: str) -> CorsConfigurationError:
        where = "the cors_cookies fixture" + (f" (cookie {path[1]!r})" if len(path) > 1 else "")
        return CorsConfigurationError(f"{where}: {message}")

    cookies = parse_cookies(value, error, key="cors_cookies")
    get_run(request.config).redactor.values.add(cookie.value for cookie in cookies)
    if fixturedef is not None:
        try:
            request.config.stash[_COOKIES_KEY][fixturedef] = (value, copy.deepcopy(value), cookies)
        except Exception:  # noqa: BLE001 - a value that cannot be copied is looked up every time
            pass
    return cookies


def _session_fixturedef(request: pytest.FixtureRequest, name: str) -> Any:
    """The session-scoped, unparametrized fixture ``name`` the item sees, or None (then it is looked up per item).

    What an item sees depends only on where it is (its parent's chain of conftests,
    modules and classes), so the answer is kept per parent node.
    """
    parent = getattr(request.node, "parent", None)
    if parent is None:
        return None
    known = parent.stash.setdefault(_SESSION_DEFS_KEY, {})
    if name not in known:
        known[name] = None
        try:
            fixturedefs = request._fixturemanager.getfixturedefs(name, request.node)
        except Exception:  # noqa: BLE001 - pytest's fixture manager is not public API: then look it up per item
            fixturedefs = None
        if fixturedefs and fixturedefs[-1].scope == "session" and not fixturedefs[-1].params:
            known[name] = fixturedefs[-1]
    return known[name]


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
