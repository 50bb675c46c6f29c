"""Fixtures shared by the option tests of this folder."""

from __future__ import annotations

from typing import Callable

import pytest

from pytest_cors.plugin.options import CorsSettings, load_settings


@pytest.fixture
def settings_from(pytester: pytest.Pytester) -> Callable[..., CorsSettings]:
    """Load the plugin's settings from command-line arguments and, optionally, an ini body."""

    def load(*args: str, ini: str = "") -> CorsSettings:
        if ini:
            pytester.makeini("[pytest]\n" + ini + "\n")
        return load_settings(pytester.parseconfig(*args))

    return load
