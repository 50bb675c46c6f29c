"""A live URL as a target: real HTTP(S) with one ``requests.Session`` per run."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from typing import Dict, Optional, Union
from urllib.parse import urlsplit

import requests
import urllib3

from .. import __version__
from ..exchange import HttpRequest, HttpResponse
from ..origins import serialize_url_origin
from ..safelist import join_repeated_headers
from . import TransportError

BODY_READ_LIMIT = 1 << 20
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
#: Faults that mean "nothing is listening there": later requests fail at once.
UNREACHABLE_KINDS = frozenset({"connection-refused", "dns-failure", "tls-error", "connect-timeout"})

_TLS_HINT = (
    "pass --cors-ca-bundle PATH to trust a private CA, or --cors-insecure to skip "
    "certificate verification for a test server"
)


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__ or (exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None)  # type: ignore[assignment]
        reason = getattr(exc, "reason", None)
        if isinstance(reason, BaseException):
            yield reason


def classify_fault(exc: BaseException, url: str, timeout: float) -> TransportError:
    """Name a requests/urllib3 exception the way an operator would describe it."""
    chain = list(_chain(exc))
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return TransportError("connect-timeout", url, f"timed out after {timeout:g} s while connecting")
    if isinstance(exc, requests.exceptions.ReadTimeout) or any(isinstance(e, socket.timeout) for e in chain):
        return TransportError("timeout", url, f"timed out after {timeout:g} s waiting for the response")
    if isinstance(exc, requests.exceptions.SSLError) or any(isinstance(e, ssl.SSLError) for e in chain):
        detail = next((str(e) for e in chain if isinstance(e, ssl.SSLError)), str(exc))
        return TransportError("tls-error", url, f"TLS handshake failed: {detail}", _TLS_HINT)
    if any(isinstance(e, urllib3.exceptions.NameResolutionError) or isinstance(e, socket.gaierror) for e in chain):
        host = urlsplit(url).hostname
        return TransportError("dns-failure", url, f"the host name {host!r} could not be resolved")
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "Connection refused" in str(exc):
        return TransportError("connection-refused", url, "connection refused (is the server running on that port?)")
    if any(isinstance(e, ConnectionResetError) for e in chain) or "reset by peer" in str(exc):
        return TransportError("connection-reset", url, "the server reset the connection")
    if any(isinstance(e, (http.client.RemoteDisconnected,)) for e in chain) or "RemoteDisconnected" in str(exc):
        return TransportError("connection-closed", url, "the server closed the connection without answering")
    if any(isinstance(e, (http.client.BadStatusLine, http.client.LineTooLong, http.client.HTTPException)) for e in chain) or isinstance(
        exc, (requests.exceptions.InvalidHeader, requests.exceptions.ChunkedEncodingError, urllib3.exceptions.ProtocolError)
    ):
        return TransportError("malformed-http", url, f"the server's answer is not valid HTTP: {exc}")
    if isinstance(exc, requests.exceptions.InvalidURL) or isinstance(exc, requests.exceptions.MissingSchema):
        return TransportError("invalid-url", url, str(exc))
    return TransportError("network-error", url, f"{type(exc).__name__}: {exc}")


class LiveTransport:
    """Talks to a real server. TLS is verified unless ``verify=False``; ``verify`` may be a CA bundle path."""

    def __init__(
        self,
        base_url: str = "",
        *,
        timeout: float = 10.0,
        verify: Union[bool, str] = True,
        retries: int = 0,
        backoff: float = 0.2,
        session: Optional[requests.Session] = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self.origin = serialize_url_origin(base_url) if base_url else ""
        self.timeout = timeout
        self.verify = verify
        self.retries = max(0, retries)
        self.backoff = backoff
        self.session = session or requests.Session()
        self.session.headers.clear()
        self.session.headers["User-Agent"] = f"pytest-cors/{__version__}"
        self.session.trust_env = False
        self._unreachable: Dict[str, TransportError] = {}

    def base_url(self) -> str:
        return self._base

    def describe(self) -> str:
        return f"live URL {self._base}"

    def send(self, request: HttpRequest) -> HttpResponse:
        target = serialize_url_origin(request.url)
        earlier = self._unreachable.get(target)
        if earlier is not None:
            raise TransportError(
                earlier.kind, request.url, f"{earlier.cause} (failed earlier in this run; not retried)", earlier.hint
            )
        attempts = 1 + (self.retries if request.method.upper() in IDEMPOTENT else 0)
        for attempt in range(attempts):
            try:
                return self._send_once(request)
            except TransportError as fault:
                retryable = fault.kind in UNREACHABLE_KINDS or fault.kind in ("connection-reset", "connection-closed")
                if attempt + 1 < attempts and retryable and fault.kind != "tls-error":
                    time.sleep(self.backoff * (2**attempt))
                    continue
                if fault.kind in UNREACHABLE_KINDS:
                    self._unreachable[target] = fault
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_once(self, request: HttpRequest) -> HttpResponse:
        try:
            prepared = self.session.prepare_request(
                requests.Request(
                    request.method,
                    request.url,
                    headers=dict(join_repeated_headers(request.headers)),
                    data=request.body,
                )
            )
            prepared.method = request.method  # requests uppercases; browsers send `patch` as written
            response = self.session.send(
                prepared,
                allow_redirects=False,
                timeout=self.timeout,
                verify=self.verify,
                stream=True,
            )
        except requests.exceptions.RequestException as exc:
            raise classify_fault(exc, request.url, self.timeout) from None
        except (http.client.HTTPException, OSError, ValueError) as exc:
            raise classify_fault(exc, request.url, self.timeout) from None
        try:
            raw_headers = tuple((str(k), str(v)) for k, v in response.raw.headers.items())
            read = 0
            try:
                for chunk in response.iter_content(65536):
                    read += len(chunk)
                    if read > BODY_READ_LIMIT:
                        break
            except requests.exceptions.RequestException:
                pass  # the headers decide CORS; a broken body does not
            return HttpResponse(response.status_code, raw_headers, response.reason or "")
        finally:
            response.close()

    def close(self) -> None:
        self.session.close()
