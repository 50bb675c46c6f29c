"""A live URL as a target: real HTTP(S) with one ``requests.Session`` per run."""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple, Union
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from pytest_cors import __version__
from pytest_cors.browser.exchange import HttpRequest, HttpResponse
from pytest_cors.browser.origins import default_port, is_ip_address, serialize_url_origin
from pytest_cors.browser.safelist import join_repeated_headers
from pytest_cors.transport import BODY_READ_LIMIT, TransportError

#: The most time spent reading (and discarding) one response body.
BODY_READ_SECONDS = 2.0
#: Browsers accept response headers up to 256 KiB in total (Chromium's ERR_RESPONSE_HEADERS_TOO_BIG).
HEADER_BYTES_LIMIT = 256 * 1024
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
#: Faults that mean "this target does not answer": later requests to it in this run fail at once.
UNREACHABLE_KINDS = frozenset({"connection-refused", "dns-failure", "tls-error", "connect-timeout", "timeout"})
#: Faults of the connection itself: idempotent requests are retried on these (``--cors-retries``).
RETRYABLE_KINDS = frozenset({"connection-refused", "dns-failure", "connect-timeout", "connection-reset", "connection-closed"})
#: Longest single pause between two retries.
MAX_BACKOFF = 2.0

_TLS_HINT = (
    "pass --cors-ca-bundle PATH to trust a private CA, or --cors-insecure to skip "
    "certificate verification for a test server"
)


class _LimitedHeaderReader:
    """Wraps a response's file while its head is read: counts bytes like a browser's header buffer."""

    def __init__(self, fp: Any, limit: int) -> None:
        self._fp = fp
        self._left = limit

    def readline(self, limit: int = -1) -> bytes:
        line: bytes = self._fp.readline(limit)
        self._left -= len(line)
        if self._left < 0:
            raise http.client.HTTPException(
                f"the response headers are larger than {HEADER_BYTES_LIMIT // 1024} KiB; browsers refuse such "
                "a response (Chromium: ERR_RESPONSE_HEADERS_TOO_BIG)"
            )
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fp, name)


_LIMITS_LOCK = threading.Lock()


class _BrowserLimitsResponse(http.client.HTTPResponse):
    """Reads the head with a browser's limits instead of http.client's (65,536-byte lines, 100 headers).

    http.client reads its limits from module globals while parsing; they are raised
    only for the duration of parsing one of our responses (more lenient, never stricter),
    and the total size of the head is capped at what browsers accept. Browsers count no
    headers: no head within the byte limit has as many lines as the count allowed here.
    """

    def begin(self) -> None:
        if self.headers is not None:
            return
        real = self.fp
        self.fp = _LimitedHeaderReader(real, HEADER_BYTES_LIMIT)
        with _LIMITS_LOCK:
            saved = http.client._MAXLINE, http.client._MAXHEADERS
            http.client._MAXLINE, http.client._MAXHEADERS = HEADER_BYTES_LIMIT, HEADER_BYTES_LIMIT
            try:
                super().begin()
            finally:
                http.client._MAXLINE, http.client._MAXHEADERS = saved
                self.fp = real


class _Connection(HTTPConnection):
    response_class = _BrowserLimitsResponse


class _TlsConnection(HTTPSConnection):
    response_class = _BrowserLimitsResponse


class _Pool(HTTPConnectionPool):
    ConnectionCls = _Connection


class _TlsPool(HTTPSConnectionPool):
    ConnectionCls = _TlsConnection


class _BrowserAdapter(HTTPAdapter):
    """requests' adapter with connections that parse response heads like a browser (see above)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TlsPool}


def _header_lines_after_defect(raw_response: Any) -> List[Tuple[str, str]]:
    """Header lines http.client gave up on after a malformed line; browsers skip only the bad line."""
    original = getattr(raw_response, "_original_response", None)
    message = getattr(original, "msg", None)
    if message is None or not getattr(message, "defects", None):
        return []
    payload = message.get_payload()
    if not isinstance(payload, str):
        return []
    pairs: List[Tuple[str, str]] = []
    for line in payload.split("\n"):  # not splitlines(): \x0b, \x0c, \x1c... are value bytes to a browser
        name, colon, value = line.rstrip("\r").partition(":")
        if colon and name and name == name.strip() and all(33 <= ord(c) < 127 for c in name):
            pairs.append((name, value.strip(" \t")))
    return pairs


def _chain(exc: Optional[BaseException]) -> Iterator[BaseException]:
    seen: Set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__ or (exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None)
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
    if any(isinstance(e, (http.client.RemoteDisconnected,)) for e in chain) or "RemoteDisconnected" in str(exc):
        return TransportError("connection-closed", url, "the server closed the connection without answering")
    if any(isinstance(e, ConnectionResetError) for e in chain) or "reset by peer" in str(exc):
        return TransportError("connection-reset", url, "the server reset the connection (TCP RST)")
    http_errors = [e for e in chain if isinstance(e, http.client.HTTPException) and not isinstance(e, http.client.RemoteDisconnected)]
    if http_errors or isinstance(
        exc, (requests.exceptions.InvalidHeader, requests.exceptions.ChunkedEncodingError, urllib3.exceptions.ProtocolError)
    ):
        return TransportError("malformed-http", url, f"the server's answer is not valid HTTP: {_describe_http_error(http_errors[-1] if http_errors else exc)}")
    if isinstance(exc, requests.exceptions.InvalidURL) or isinstance(exc, requests.exceptions.MissingSchema):
        return TransportError("invalid-url", url, str(exc))
    return TransportError("network-error", url, f"{type(exc).__name__}: {exc}")


def _describe_http_error(error: BaseException) -> str:
    if isinstance(error, http.client.BadStatusLine):
        line = str(error)  # the status line as read (http.client shows an empty one as '')
        shown = repr(line[:80] + ("…" if len(line) > 80 else ""))
        return f"the status line {shown} is not 'HTTP/1.x <code> <reason>'"
    if isinstance(error, http.client.UnknownProtocol):
        return f"unknown protocol version {error.args[0]!r}"
    if isinstance(error, http.client.LineTooLong):
        return f"a line of the response is too long ({error})"
    if isinstance(error, http.client.IncompleteRead):
        return f"the body ended early ({error})"
    text = str(error)
    return text if text else type(error).__name__


class FaultRegistry:
    """What one run learned about its live targets, shared by all its transports.

    A target that does not answer at all (refused, unresolvable, TLS failure,
    timeout) is remembered, so later requests to it fail at once instead of
    waiting for the same timeout again; host names are resolved once.
    """

    def __init__(self) -> None:
        #: target origin -> the fault that made it unreachable
        self.unreachable: Dict[str, TransportError] = {}
        #: target origin -> how many requests were not sent because of that fault
        self.skipped: Dict[str, int] = {}
        #: host -> None when it resolved, else the fault
        self.resolved: Dict[str, Optional[TransportError]] = {}

    def unreachable_targets(self) -> Dict[str, Tuple[TransportError, int]]:
        """Every target that failed for good, with how many requests were not sent to it."""
        return {t: (fault, self.skipped.get(t, 0)) for t, fault in self.unreachable.items()}


class LiveTransport:
    """Talks to a real server. TLS is verified unless ``verify=False``; ``verify`` may be a CA bundle path.

    Faults become :class:`TransportError`. Transports of one run share one
    :class:`FaultRegistry` (and one ``requests.Session``).
    """

    is_live = True

    def __init__(
        self,
        base_url: str = "",
        *,
        timeout: float = 10.0,
        verify: Union[bool, str] = True,
        retries: int = 0,
        backoff: float = 0.2,
        session: Optional[requests.Session] = None,
        faults: Optional[FaultRegistry] = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self.origin = serialize_url_origin(base_url) if base_url else ""  # no base: a sender to any URL
        self.timeout = timeout
        self.verify = verify
        self.retries = max(0, retries)
        self.backoff = backoff
        if session is None:
            session = requests.Session()
            session.headers.clear()
            session.headers["User-Agent"] = f"pytest-cors/{__version__}"
            session.trust_env = False
            adapter = _BrowserAdapter()
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self.session = session
        self.faults = faults if faults is not None else FaultRegistry()

    def base_url(self) -> str:
        """The live base URL, without a trailing slash."""
        return self._base

    def describe(self) -> str:
        """The live URL in words, for reports (password hidden)."""
        from pytest_cors.report.redaction import Redactor

        return f"live URL {Redactor.urls(self._base)}"

    def unreachable_targets(self) -> Dict[str, Tuple[TransportError, int]]:
        """Every target that failed for good in this run, with how many requests were not sent to it."""
        return self.faults.unreachable_targets()

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` over the network, reading the response head and body with a browser's limits."""
        target = serialize_url_origin(request.url)
        earlier = self.faults.unreachable.get(target)
        if earlier is not None:
            self.faults.skipped[target] = self.faults.skipped.get(target, 0) + 1
            raise TransportError(
                earlier.kind,
                request.url,
                f"{earlier.cause} (first seen on {earlier.url}; {target} is not tried again in this run)",
                earlier.hint,
            )
        retries = self.retries if request.method.upper() in IDEMPOTENT else 0
        attempt = 0
        while True:
            try:
                self._resolve(request.url)
                return self._send_once(request)
            except TransportError as fault:
                if attempt < retries and fault.kind in RETRYABLE_KINDS and not _is_invalid_name(request.url):
                    time.sleep(min(MAX_BACKOFF, self.backoff * (2**attempt)))
                    attempt += 1
                    continue
                if attempt:
                    fault = TransportError(fault.kind, fault.url, f"{fault.cause} ({attempt + 1} attempts)", fault.hint)
                if fault.kind in UNREACHABLE_KINDS:
                    self.faults.unreachable[target] = fault
                raise fault from None

    def _resolve(self, url: str) -> None:
        """Resolve the host once per run, bounded by the timeout (getaddrinfo itself has none)."""
        try:
            parts = urlsplit(url)
            port = parts.port or default_port(parts.scheme)
        except ValueError:  # "http://[::1/x", a port out of range: requests names what is wrong (invalid-url)
            return
        host = parts.hostname or ""
        if not host or is_ip_address(host) or host == "localhost":
            return
        if host in self.faults.resolved:
            known = self.faults.resolved[host]
            if known is not None:  # only .invalid names are remembered (a failed look-up is asked again)
                raise TransportError(known.kind, url, known.cause)
            return
        if _is_invalid_name(url):
            # RFC 6761: names under .invalid never resolve; no resolver is asked.
            fault = TransportError("dns-failure", url, f"the host name {host!r} could not be resolved (.invalid names never resolve)")
            self.faults.resolved[host] = fault
            raise fault
        outcome: List[BaseException] = []

        def lookup() -> None:
            try:
                socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except BaseException as exc:  # noqa: BLE001 - reported below
                outcome.append(exc)

        worker = threading.Thread(target=lookup, name=f"pytest-cors-resolve-{host}", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            fault = TransportError("dns-failure", url, f"resolving {host!r} timed out after {self.timeout:g} s")
        elif outcome and isinstance(outcome[0], (socket.gaierror, UnicodeError)):
            fault = TransportError("dns-failure", url, f"the host name {host!r} could not be resolved ({outcome[0]})")
        else:
            self.faults.resolved[host] = None
            return
        raise fault  # not cached: a retry asks the resolver again; the run's fail-fast registry stops the rest

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
            if request.body is None:
                # requests adds Content-Length: 0 to every body-less request but GET and HEAD; Fetch sends
                # it for POST and PUT only, so a preflight goes out exactly as a browser sends it. urllib3
                # puts it back for a body-less POST and PUT (and, unlike Fetch, PATCH).
                prepared.headers.pop("Content-Length", None)
            response = self.session.send(
                prepared,
                allow_redirects=False,
                timeout=self.timeout,
                verify=self.verify,
                stream=True,
            )
        except (http.client.HTTPException, OSError, ValueError) as exc:  # requests' own exceptions are OSErrors
            raise classify_fault(exc, request.url, self.timeout) from None
        try:
            raw_headers = tuple((str(k), str(v)) for k, v in response.raw.headers.items())
            raw_headers += tuple(_header_lines_after_defect(response.raw))
            body_error = self._discard_body(response)
            return HttpResponse(response.status_code, raw_headers, response.reason or "", body_error)
        finally:
            response.close()

    @staticmethod
    def _discard_body(response: requests.Response) -> Optional[str]:
        """Read (undecoded, so no decompression bomb) and drop at most BODY_READ_LIMIT bytes of the body.

        Returns why the body could not be read to its end, as a page would find out when it
        reads it; ``None`` when it could (or when the limits stopped the reading first).
        """
        read = 0
        deadline = time.monotonic() + BODY_READ_SECONDS
        try:
            while read <= BODY_READ_LIMIT and time.monotonic() < deadline:
                chunk = response.raw.read(65536, decode_content=False)
                if not chunk:
                    break
                read += len(chunk)
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, ValueError) as exc:
            return _body_error(exc, read, response.headers.get("Content-Length"))
        return None

    def close(self) -> None:
        """Close the session's pooled connections."""
        self.session.close()


def _body_error(exc: BaseException, read: int, content_length: Optional[str]) -> Optional[str]:
    """Why a body could not be read, in the words of a bug report (``None`` for a slow body: a page waits)."""
    if any(isinstance(e, socket.timeout) for e in _chain(exc)):
        return None
    if content_length is not None and content_length.strip().isdigit() and read < int(content_length):
        return f"the body ended after {read} of the {int(content_length)} bytes its Content-Length announced"
    return f"the body broke off after {read} bytes ({type(exc).__name__}: {exc})"


def _is_invalid_name(url: str) -> bool:
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    return host == "invalid" or host.endswith(".invalid")
