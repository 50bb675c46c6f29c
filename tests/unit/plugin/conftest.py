"""Fixtures shared by the option tests of this folder.

The options are read from a real ``pytest.Config``, built in-process the way pytest builds its
own (a plugin manager, the ``main`` and ``helpconfig`` built-ins that own ``-c`` / ``-o``, and
pytest-cors's pytest11 entry point module registered as pytest registers it), then parsed from
the command-line arguments and an ini file. No pytester directory, no other installed plugin,
no ``PYTEST_ADDOPTS``: about 30 ms a config instead of about 170 ms for ``pytester.parseconfig``,
which matters under mutation testing (every mutant of the module re-runs these tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional, Tuple

import pytest

from pytest_cors.plugin import hooks
from pytest_cors.plugin.options import CorsSettings, load_settings


def build_config(
    folder: Path,
    args: tuple,
    ini: str = "",
    builtins: Tuple[str, ...] = ("main", "helpconfig"),
    invocation_dir: Optional[Path] = None,
) -> pytest.Config:
    """A parsed ``pytest.Config`` with pytest-cors's options, from ``args`` and ``[pytest]`` + ``ini`` in ``folder``.

    ``builtins``: pytest's own plugins to load first (``terminal`` for ``-v`` and a terminal reporter);
    ``invocation_dir``: where pytest was started (``folder``, the rootdir, unless given).
    """
    inifile = folder / "pytest.ini"
    inifile.write_text("[pytest]\n" + ini + "\n", encoding="utf-8")
    manager = pytest.PytestPluginManager()
    config = pytest.Config(
        manager, invocation_params=pytest.Config.InvocationParams(args=args, plugins=None, dir=invocation_dir or folder)
    )
    for builtin in builtins:
        manager.import_plugin(builtin)
    manager.register(hooks, "pytest_cors")
    config.parse(["--disable-plugin-autoload", "-c", str(inifile), *args], addopts=False)
    return config


@pytest.fixture
def plugin_config(tmp_path: Path) -> Callable[..., pytest.Config]:
    """A real ``pytest.Config`` with pytest-cors's options, from command-line arguments and an optional ini body."""

    def build(*args: str, ini: str = "") -> pytest.Config:
        return build_config(tmp_path, args, ini)

    return build


@pytest.fixture
def settings_from(plugin_config: Callable[..., pytest.Config]) -> Callable[..., CorsSettings]:
    """Load the plugin's settings from command-line arguments and, optionally, an ini body."""

    def load(*args: str, ini: str = "") -> CorsSettings:
        return load_settings(plugin_config(*args, ini=ini))

    return load
