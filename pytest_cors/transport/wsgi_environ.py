"""The WSGI environ for one request, exactly as werkzeug's ``EnvironBuilder`` builds it, at a fraction of the cost.

A check sends two requests per contract case; building them through ``EnvironBuilder``
(``Headers`` objects, IRI re-encoding, a ``MultiDict`` for an empty query) cost more than
the app under test. :func:`wsgi_environ` builds the same dict directly for the requests a
browser sends: an ASCII path and host that werkzeug's IRI quoting leaves as they are. Any
other request (a non-ASCII or percent-encoded path, an IDNA host, a form content type
without a body) goes through werkzeug itself, imported only then, so the environ an app
sees never depends on which way it was built (tests/unit/transport/test_wsgi_environ.py
compares both for generated requests).
"""

from __future__ import annotations

import io
import re
import sys
from functools import lru_cache
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlsplit

from pytest_cors.browser.exchange import HttpRequest

#: A path werkzeug leaves untouched: its IRI quoting keeps these characters, there is no ``%`` to
#: unquote, and a leading ``//`` (which ``urlsplit`` would read as a host) is excluded.
_PLAIN_PATH = re.compile(r"/(?!/)[A-Za-z0-9\-._~!$&'()*+,/:;=@]*")
#: A host werkzeug's ``iri_to_uri`` leaves untouched: lowercase ASCII labels of 1-63 characters
#: (what the IDNA codec accepts unchanged) and a port without leading zeros.
_PLAIN_HOST = re.compile(r"(?:[a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}(?::[1-9][0-9]{0,4})?")
_NEWLINE = re.compile(r"[\r\n]")
#: Content types werkzeug turns into an encoded form body when the request has none.
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _encoding_dance(text: str) -> str:
    """PEP 3333's native string: the UTF-8 bytes read as latin-1 (werkzeug's ``_wsgi_encoding_dance``)."""
    return text.encode().decode("latin1")


@lru_cache(maxsize=256)
def _server(scheme: str, netloc: str) -> Tuple[Tuple[str, Any], ...]:
    """SERVER_NAME, SERVER_PORT and HTTP_HOST for the URL's ``scheme://netloc`` (a few distinct ones per run)."""
    host = netloc
    if not (_PLAIN_HOST.fullmatch(netloc) and int(netloc.partition(":")[2] or 0) <= 65535):
        from werkzeug.urls import iri_to_uri

        host = urlsplit(iri_to_uri(f"{scheme}://{netloc}")).netloc
    name, sep, port_text = host.partition(":")
    port = int(port_text) if sep and port_text.isdigit() else (443 if scheme == "https" else 80)
    return (("SERVER_NAME", name), ("SERVER_PORT", str(port)), ("HTTP_HOST", host))


def _path_info(path: str) -> str:
    """PATH_INFO for a request path, as a server decodes it: percent-escapes decoded, then PEP 3333's dance.

    werkzeug's ``EnvironBuilder`` quotes the path as an IRI and unquotes it again, which comes to
    the same for every path except one starting with ``//``: it reads that as ``//host/...`` (and
    drops the "host", or fails on it), where a server receiving ``GET //api/x`` keeps ``//api/x``.
    """
    if _PLAIN_PATH.fullmatch(path):
        return path
    from urllib.parse import unquote

    return _encoding_dance(unquote(path))


def _body_fields(request: HttpRequest) -> Optional[Tuple[io.BytesIO, Optional[str], Optional[str]]]:
    """wsgi.input, CONTENT_TYPE and CONTENT_LENGTH; ``None`` when werkzeug would encode a form body itself."""
    content_type = next((value for name, value in request.headers if name.lower() == "content-type"), None)
    if request.body:
        return io.BytesIO(request.body), content_type, str(len(request.body))
    if content_type is not None and content_type.partition(";")[0].strip() in _FORM_TYPES:
        return None
    # werkzeug drops a Content-Length header when there is no body to measure.
    return io.BytesIO(), content_type, None


def _header_fields(request: HttpRequest) -> Dict[str, str]:
    """HTTP_* keys: every header but Content-Type and Content-Length, repeated ones joined by ``, ``."""
    fields: Dict[str, str] = {}
    for name, value in request.headers:
        if _NEWLINE.search(value) is not None:
            raise ValueError("Header values must not contain newline characters.")
        if name.lower() in ("content-type", "content-length"):
            continue
        key = f"HTTP_{name.upper().replace('-', '_')}"
        fields[key] = f"{fields[key]}, {value}" if key in fields else value
    return fields


def _builder_environ(request: HttpRequest) -> Dict[str, Any]:
    """The environ from werkzeug's ``EnvironBuilder`` itself (the reference, and the way for unusual requests)."""
    from werkzeug.test import EnvironBuilder

    parts = urlsplit(request.url)
    builder = EnvironBuilder(
        path="/" if parts.path.startswith("//") else parts.path or "/",
        base_url=f"{parts.scheme}://{parts.netloc}",
        query_string=parts.query or None,
        method=request.method,
        headers=list(request.headers),
        data=request.body,
    )
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    if parts.path.startswith("//"):  # the builder reads //name as a host; a server keeps the path
        environ["PATH_INFO"] = _path_info(parts.path)
        environ["REQUEST_URI"] = environ["RAW_URI"] = _encoding_dance(parts.path)
    return environ


def wsgi_environ(request: HttpRequest) -> Dict[str, Any]:
    """The environ werkzeug's ``EnvironBuilder`` would build for ``request``, keys in its order."""
    parts = urlsplit(request.url)
    body = _body_fields(request)
    if body is None:
        return _builder_environ(request)
    stream, content_type, content_length = body
    headers = _header_fields(request)
    path = parts.path or "/"
    raw_uri = _encoding_dance(path)
    environ: Dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": _path_info(path),
        "QUERY_STRING": _encoding_dance(parts.query),
        "REQUEST_URI": raw_uri,
        "RAW_URI": raw_uri,
    }
    environ.update(_server(parts.scheme, parts.netloc))
    environ["SERVER_PROTOCOL"] = "HTTP/1.1"
    environ["wsgi.version"] = (1, 0)
    environ["wsgi.url_scheme"] = parts.scheme
    environ["wsgi.input"] = stream
    environ["wsgi.errors"] = sys.stderr
    environ["wsgi.multithread"] = False
    environ["wsgi.multiprocess"] = False
    environ["wsgi.run_once"] = False
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    if content_length is not None:
        environ["CONTENT_LENGTH"] = content_length
    environ.update(headers)
    return environ
