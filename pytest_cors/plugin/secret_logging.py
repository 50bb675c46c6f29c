"""Secrets stay out of captured logs too: urllib3 logs every request line at DEBUG.

With ``log_level=DEBUG`` (and ``junit_logging=all``) pytest captures urllib3's
``"GET /api/<path> HTTP/1.1"`` lines into reports and JUnit XML; a path or query
built from ``${VAR}`` would leak there. A filter on urllib3's loggers passes every
record through the run's redactor before any handler sees it.
"""

from __future__ import annotations

import logging
from typing import Tuple

from pytest_cors.report.redaction import Redactor

#: The loggers through which requests' transport writes URLs.
URL_LOGGERS: Tuple[str, ...] = ("urllib3.connectionpool", "urllib3.connection", "urllib3.poolmanager", "urllib3.util.retry")


class RedactingFilter(logging.Filter):
    """Rewrites a log record's message with the redactor (never drops a record)."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the message by its redacted text (arguments already merged in)."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to logging's own error path
            return True
        redacted = self.redactor.text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def install(redactor: Redactor) -> RedactingFilter:
    """Attach one filter to every URL-logging logger; :func:`uninstall` removes it."""
    redacting = RedactingFilter(redactor)
    for name in URL_LOGGERS:
        logging.getLogger(name).addFilter(redacting)
    return redacting


def uninstall(redacting: RedactingFilter) -> None:
    """Detach the filter (at the end of the run, so in-process pytester runs do not pile them up)."""
    for name in URL_LOGGERS:
        logging.getLogger(name).removeFilter(redacting)
