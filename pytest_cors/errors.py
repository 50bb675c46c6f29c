"""Exceptions the plugin reports as plain text (never with a plugin traceback)."""

from __future__ import annotations


class CorsReportedError(Exception):
    """Base for errors whose message is the whole report."""

    #: Shown as the report's title line in pytest's output.
    title = "pytest-cors"

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(text)

    def __str__(self) -> str:
        return self.text


class CorsContractFailure(CorsReportedError, AssertionError):
    """The target broke its CORS contract (a test failure)."""

    title = "CORS contract failure"


class CorsConfigurationError(CorsReportedError):
    """The plugin is mis-configured: no target, a bad option value, an unimportable app."""

    title = "pytest-cors configuration error"


class CorsNetworkError(CorsReportedError):
    """The target could not be reached or answered garbage: a fault, not a CORS verdict."""

    title = "pytest-cors network error"


class CorsAuditFailure(CorsContractFailure):
    """Audit findings at or above the failing severity (``--cors-audit-severity``)."""

    title = "CORS audit finding"
