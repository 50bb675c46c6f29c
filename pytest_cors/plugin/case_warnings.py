"""The warnings of a passing case: what holds in browsers but deserves a look.

One place decides how a case result becomes warnings, for marker tests and YAML
items alike; the warning points at the user's test or YAML contract, not at the
plugin's code.
"""

from __future__ import annotations

import warnings
from typing import Iterable

import pytest

from pytest_cors.check.case import CaseResult


class CorsSpecWarning(pytest.PytestWarning):
    """Allowed by every selected browser, but the Fetch standard would block it."""


class CorsResponseWarning(pytest.PytestWarning):
    """The contract holds, but the page would trip over the response (its body broke off)."""


def warn_case_results(results: Iterable[CaseResult], path: str, lineno: int) -> None:
    """Warn once per finding of each case, at ``path``:``lineno`` (1-based)."""
    for result in results:
        if result.spec_warning:
            warnings.warn_explicit(CorsSpecWarning(result.spec_warning), CorsSpecWarning, path, lineno)
        for text in result.response_warnings:
            warnings.warn_explicit(CorsResponseWarning(text), CorsResponseWarning, path, lineno)
