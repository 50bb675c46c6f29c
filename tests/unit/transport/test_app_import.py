"""``--cors-app module:attribute`` (and ``pytest-cors record --app``): importing the app, and each mistake named."""

from __future__ import annotations

import sys
import textwrap

import pytest

from pytest_cors.errors import CorsConfigurationError
from pytest_cors.transport.app_import import import_app

MODULE = """
def app(environ, start_response):
    start_response("200 OK", [])
    return [b""]

def create_app():
    return app

def make_value():
    return 42

class Factory:
    @staticmethod
    def build():
        return app

VALUE = 42

ROUTER_MUX = app
"""


@pytest.fixture
def module(tmp_path, monkeypatch):
    """Write ``name.py`` into a directory on sys.path; forgotten from sys.modules after the test."""

    def write(name: str, text: str = MODULE) -> str:
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(text))
        monkeypatch.delitem(sys.modules, name, raising=False)
        return name

    monkeypatch.syspath_prepend(str(tmp_path))
    yield write
    for name in [n for n in sys.modules if n.startswith("cors_probe_")]:
        del sys.modules[name]


def problem(spec: str) -> str:
    with pytest.raises(CorsConfigurationError) as info:
        import_app(spec, "--cors-app")
    assert info.value.__cause__ is None
    return str(info.value)


def test_an_attribute_a_dotted_attribute_and_factories(module):
    name = module("cors_probe_app")
    app = sys.modules.get(name) or __import__(name)
    assert import_app(f"{name}:app", "--cors-app") is app.app
    assert import_app(f"{name}:create_app()", "--cors-app") is app.app
    assert import_app(f"{name}:Factory.build()", "--cors-app") is app.app
    assert import_app(f"{name}:Factory.build", "--cors-app") is app.Factory.build  # not called without ()


def test_the_module_ends_at_the_first_colon_and_names_may_end_in_x(module):
    name = module("cors_probe_colons")
    assert import_app(f"{name}:ROUTER_MUX", "--cors-app") is sys.modules[name].app
    assert problem(f"{name}:app:extra") == f"--cors-app: module {name!r} has no attribute 'app:extra'"
    assert problem(f"{name}:NO_MUX") == f"--cors-app: module {name!r} has no attribute 'NO_MUX'"


def test_a_spec_without_a_colon():
    assert problem("myproject.wsgi") == "--cors-app: 'myproject.wsgi' must be module:attribute, e.g. myproject.wsgi:application"


def test_a_module_that_does_not_exist(module):
    assert problem("cors_probe_missing:app") == (
        "--cors-app: cannot import module 'cors_probe_missing': ModuleNotFoundError: No module named "
        "'cors_probe_missing' (is it on sys.path? set pythonpath in the ini file or install the project)"
    )


def test_a_module_that_fails_to_import(module):
    name = module("cors_probe_broken", "raise RuntimeError('no DATABASE_URL')\n")
    with pytest.raises(CorsConfigurationError) as info:
        import_app(f"{name}:app", "--cors-app")
    assert str(info.value) == (
        f"--cors-app: cannot import module {name!r}: RuntimeError: no DATABASE_URL "
        "(is it on sys.path? set pythonpath in the ini file or install the project)"
    )
    assert info.value.__suppress_context__  # the message says it all: no chained traceback of the import


@pytest.mark.parametrize(
    "attr, shown",
    [("nothing", "nothing"), ("nothing()", "nothing"), ("Factory.missing", "Factory.missing"), ("Factory.missing()", "Factory.missing")],
)
def test_an_attribute_that_does_not_exist(module, attr, shown):
    name = module("cors_probe_attrs")
    assert problem(f"{name}:{attr}") == f"--cors-app: module {name!r} has no attribute {shown!r}"


@pytest.mark.parametrize("attr", ["VALUE", "make_value()"])
def test_something_that_is_not_callable(module, attr):
    name = module("cors_probe_values")
    assert problem(f"{name}:{attr}") == f"--cors-app: '{name}:{attr}' is not a WSGI or ASGI app (not callable)"


def test_the_source_names_where_the_spec_came_from():
    with pytest.raises(CorsConfigurationError, match=r"^cors_app \(ini\): 'x' must be module:attribute"):
        import_app("x", "cors_app (ini)")
