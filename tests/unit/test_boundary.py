"""The layering rule: only ``pytest_cors/plugin/`` imports pytest.

The engine (browser, contract, audit, check, report, transport, errors) must be usable
without pytest -- from a CLI, another test runner, a notebook. Two checks, in the manner of
hypothesis' ``tests/cover/test_lazy_import.py``:

* at runtime, in a fresh interpreter: importing ``pytest_cors`` and every module of an engine
  package leaves ``pytest`` and ``_pytest`` out of ``sys.modules``;
* statically: no module outside ``pytest_cors/plugin/`` has an ``import pytest`` (or
  ``_pytest``) statement anywhere, not even inside a function.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pytest_cors

PACKAGE_DIR = Path(pytest_cors.__file__).parent
#: Every top-level package and module but the pytest wiring (``__main__`` runs the CLI when imported).
ENGINE = sorted(m.name for m in pkgutil.iter_modules(pytest_cors.__path__) if m.name not in ("plugin", "__main__"))


def test_the_engine_list_is_complete():
    assert {"browser", "contract", "audit", "check", "report", "transport", "errors"} <= set(ENGINE)

IMPORT_ALL = textwrap.dedent(
    """
    import importlib, pkgutil, sys

    def pytest_loaded():
        return sorted(name for name in ("pytest", "_pytest") if name in sys.modules)

    name = sys.argv[1]
    importlib.import_module("pytest_cors")
    modules = [name]
    package = importlib.import_module(name)
    if hasattr(package, "__path__"):
        modules += [m.name for m in pkgutil.walk_packages(package.__path__, name + ".")]
    for module in modules:
        importlib.import_module(module)
        if pytest_loaded():
            print(f"importing {module} loaded {pytest_loaded()}")
            sys.exit(1)
    print(f"imported {len(modules)} modules without pytest")
    """
)


def test_the_curated_api_does_not_import_pytest():
    result = subprocess.run(
        [sys.executable, "-c", "import sys, pytest_cors; print([m for m in ('pytest', '_pytest') if m in sys.modules])"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("package", ENGINE)
def test_importing_an_engine_package_leaves_pytest_unloaded(package: str):
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, f"pytest_cors.{package}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "without pytest" in result.stdout


def test_the_plugin_does_import_pytest():
    """The runtime check can fail: the plugin package, imported the same way, loads pytest."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, "pytest_cors.plugin"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "loaded ['_pytest', 'pytest']" in result.stdout


def imported_names(tree: ast.AST):
    """Every top-level module name an import statement anywhere in ``tree`` names (with its line)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno


def engine_modules():
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "plugin" not in p.relative_to(PACKAGE_DIR).parts)


def test_the_static_check_sees_every_engine_module():
    found = {p.relative_to(PACKAGE_DIR).parts[0] for p in engine_modules()}
    assert {"browser", "contract", "audit", "check", "report", "transport", "errors.py", "__init__.py"} <= found


def test_no_module_outside_the_plugin_package_imports_pytest():
    offenders = [
        f"pytest_cors/{path.relative_to(PACKAGE_DIR)}:{line}: imports {name}"
        for path in engine_modules()
        for name, line in imported_names(ast.parse(path.read_text(encoding="utf-8")))
        if name in ("pytest", "_pytest")
    ]
    assert offenders == [], "only pytest_cors/plugin/ may import pytest:\n" + "\n".join(offenders)


def test_the_static_check_recognises_every_import_form():
    source = "import pytest\nfrom _pytest.nodes import Item\ndef f():\n    import pytest.mark as m\nfrom . import pytest\n"
    assert [name for name, _ in imported_names(ast.parse(source))] == ["pytest", "_pytest", "pytest"]
