"""The urllib3 log filter: request lines lose their secrets, other records pass untouched."""

import logging

from pytest_cors.plugin.secret_logging import URL_LOGGERS, install, uninstall
from pytest_cors.report.redaction import Redactor


def test_records_are_redacted_then_the_filter_goes(caplog):
    redactor = Redactor()
    redactor.values.add(["tok-SECRET-99"])
    logger = logging.getLogger(URL_LOGGERS[0])
    installed = install(redactor)
    try:
        with caplog.at_level(logging.DEBUG, logger=URL_LOGGERS[0]):
            logger.debug('%s "%s %s HTTP/1.1" %s', "http://h:1", "GET", "/a?k=tok-SECRET-99", 200)
            logger.debug("plain %s", "line")
    finally:
        uninstall(installed)
    assert [r.getMessage() for r in caplog.records] == ['http://h:1 "GET /a?k=<redacted> HTTP/1.1" 200', "plain line"]
    assert installed not in logger.filters


class _Kept(logging.Handler):
    """Keeps every record it is given, unformatted."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_malformed_record_still_reaches_the_handlers_unchanged():
    """A record whose arguments do not fit its message is left to logging's own error report, not dropped."""
    logger = logging.getLogger(URL_LOGGERS[1])
    kept, level = _Kept(), logger.level
    logger.addHandler(kept)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # pytest's own capture handlers would raise on the bad arguments
    installed = install(Redactor())
    try:
        logger.debug("%s %s", "only-one")
    finally:
        uninstall(installed)
        logger.removeHandler(kept)
        logger.setLevel(level)
        logger.propagate = True
    assert [(r.msg, r.args) for r in kept.records] == [("%s %s", ("only-one",))]
