"""The one warning for cases every selected browser allows but the Fetch standard blocks."""

from __future__ import annotations

import warnings
from typing import Iterable

import pytest

from pytest_cors.check.case import CaseResult


class CorsSpecWarning(pytest.PytestWarning):
    """Allowed by every selected browser, but the Fetch standard would block it."""


def warn_spec_deviations(results: Iterable[CaseResult], path: str, lineno: int) -> None:
    """Warn once per deviating case, pointing at the user's test or YAML contract (1-based ``lineno``)."""
    for result in results:
        if result.spec_warning:
            warnings.warn_explicit(CorsSpecWarning(result.spec_warning), CorsSpecWarning, path, lineno)
