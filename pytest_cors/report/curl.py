"""Copy-pasteable curl lines: how a reader reproduces one exchange by hand."""

from __future__ import annotations

import shlex

from pytest_cors.browser.exchange import HttpRequest
from pytest_cors.report.redaction import Redactor

#: Longest request body shown in a curl line.
CURL_BODY_LIMIT = 2000


def curl_command(request: HttpRequest, redactor: Redactor = Redactor()) -> str:
    """A copy-pasteable curl line that sends exactly this request (secrets redacted)."""
    parts = ["curl", "-i"]
    if request.method == "HEAD":
        parts.append("-I")
    elif request.method != "GET" or request.body is not None:
        parts += ["-X", request.method]
    parts.append(redactor.url(request.url))
    for name, value in request.headers:
        parts += ["-H", f"{name}: {redactor.header(name, value)}"]
    if request.body is not None:
        body = request.body.decode("utf-8", "replace")
        parts += ["--data-binary", body if len(body) <= CURL_BODY_LIMIT else body[:CURL_BODY_LIMIT] + "…"]
    return " ".join(shlex.quote(p) for p in parts)
