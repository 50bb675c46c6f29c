"""How the live transport reads an answer: the head with a browser's limits, the body, and each fault named.

Real servers on 127.0.0.1 (servers.py) send the bytes; ``classify_fault`` is also called directly
for the errors no server can provoke in the head (they arise while a body is read).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time

import pytest
import requests
import urllib3

from pytest_cors.browser.exchange import HttpRequest, HttpResponse
from pytest_cors.transport import BODY_READ_LIMIT, TransportError
from pytest_cors.transport.live import HEADER_BYTES_LIMIT, LiveTransport, classify_fault

from .servers import FaultServer, cors_headers, huge_body, raw_reply, read_request

URL = "http://127.0.0.1:9/api"
TOO_BIG = (
    "the server's answer is not valid HTTP: the response headers are larger than 256 KiB; browsers refuse such "
    "a response (Chromium: ERR_RESPONSE_HEADERS_TOO_BIG)"
)


def answer(fault_server, data: bytes, **kwargs) -> HttpResponse:
    server = fault_server(raw_reply(data))
    return LiveTransport(server.url, **kwargs).send(HttpRequest("GET", server.url + "/api"))


def answer_fault(fault_server, data: bytes, **kwargs) -> TransportError:
    with pytest.raises(TransportError) as info:
        answer(fault_server, data, **kwargs)
    return info.value


# --- the head -----------------------------------------------------------------------------------


def head_of(total: int) -> bytes:
    """A response head of exactly ``total`` bytes, blank line included."""
    start, end = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Pad: ", b"\r\n\r\n"
    return start + b"a" * (total - len(start) - len(end)) + end


def test_a_head_of_256_kib_is_read_and_one_byte_more_is_refused(fault_server):
    assert answer(fault_server, head_of(HEADER_BYTES_LIMIT)).status == 200
    assert HEADER_BYTES_LIMIT == 256 * 1024
    error = answer_fault(fault_server, head_of(HEADER_BYTES_LIMIT + 1))
    assert (error.kind, error.cause) == ("malformed-http", TOO_BIG)


def test_many_headers_and_long_lines_are_read_as_browsers_read_them(fault_server):
    """http.client alone stops at 100 headers and 65,536-byte lines; browsers do not, and nor do we."""
    lines = b"".join(b"Access-Control-Allow-Origin: https://app.example.com\r\n" for _ in range(150))
    response = answer(fault_server, b"HTTP/1.1 200 OK\r\n" + lines + b"X-Long: " + b"v" * 70_000 + b"\r\n\r\n")
    assert response.header_lines("access-control-allow-origin") == ["https://app.example.com"] * 150
    assert response.header("x-long") == "v" * 70_000
    assert (http.client._MAXLINE, http.client._MAXHEADERS) == (65536, 100)  # raised for our parsing only


def test_as_many_headers_as_fit_in_256_kib_are_read(fault_server):
    """Browsers count bytes, not headers: 70,000 three-byte lines (LF line ends) are a head of 210,000 bytes."""
    response = answer(fault_server, b"HTTP/1.1 200 OK\r\n" + b"a:\n" * 70_000 + b"Content-Length: 0\r\n\r\n")
    assert (response.status, len(response.headers)) == (200, 70_001)


def test_a_header_line_that_never_ends_is_refused_at_256_kib_not_waited_for(fault_server):
    def endless_line(conn, server):
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * (HEADER_BYTES_LIMIT + 1024))
        server.wait(5)  # the connection stays open: the line has no end to read up to

    server = fault_server(endless_line)
    with pytest.raises(TransportError) as info:
        LiveTransport(server.url, timeout=2).send(HttpRequest("GET", server.url + "/api"))
    assert (info.value.kind, info.value.cause) == ("malformed-http", TOO_BIG)


def test_a_malformed_header_line_is_skipped_and_the_lines_after_it_kept(fault_server):
    head = (
        b"HTTP/1.1 200 OK\r\nX-Before: 1\r\nNot a header line\r\n"
        b"Access-Control-Allow-Origin: \t https://app.example.com \t\r\n"
        b" X-Indented: skipped\r\nX-\xc3\xbc: skipped\r\nX\x7f: skipped\r\n: skipped\r\nNo-Colon\r\n"
        b"X-After:2\r\n!#$%&'*+-.^_`|~09AZaz: aX\r\nX-Controls: \x0bvertical\x1ctab\x0c\r\nContent-Length: 0\r\n\r\n"
    )
    response = answer(fault_server, head)
    assert response.headers == (
        ("X-Before", "1"),
        ("Access-Control-Allow-Origin", "https://app.example.com"),
        ("X-After", "2"),
        ("!#$%&'*+-.^_`|~09AZaz", "aX"),  # every token character a name may hold
        ("X-Controls", "\x0bvertical\x1ctab\x0c"),  # only spaces and tabs are trimmed; one line ends at LF only
        ("Content-Length", "0"),
    )


@pytest.mark.parametrize(
    "data, cause",
    [
        (b"HTTP/2.0 200 OK\r\n\r\n", "unknown protocol version 'HTTP/2.0'"),
        (b"Q" * 100 + b"\r\n\r\n", "the status line '" + "Q" * 80 + "…' is not 'HTTP/1.x <code> <reason>'"),
        (b"Q" * 78 + b"\r\n\r\n", "the status line '" + "Q" * 78 + "\\r\\n' is not 'HTTP/1.x <code> <reason>'"),
        (b"Q" * 79 + b"\r\n\r\n", "the status line '" + "Q" * 79 + "\\r…' is not 'HTTP/1.x <code> <reason>'"),
    ],
    ids=["http2", "long-garbage", "80-chars", "81-chars"],
)
def test_an_answer_that_is_not_http_is_named_malformed(fault_server, data, cause):
    error = answer_fault(fault_server, data)
    assert (error.kind, error.cause, error.hint) == ("malformed-http", f"the server's answer is not valid HTTP: {cause}", None)


# --- the body -----------------------------------------------------------------------------------


def test_a_huge_body_is_read_up_to_the_limit_then_dropped(fault_server):
    server = fault_server(huge_body(64 * BODY_READ_LIMIT))
    response = LiveTransport(server.url).send(HttpRequest("GET", server.url + "/api"))
    assert (response.status, response.body_error) == (200, None)
    assert server.wait_until(lambda s: s.sent_bytes > 0)
    assert server.sent_bytes < 16 * BODY_READ_LIMIT  # the transport hung up long before the end


def test_a_compressed_body_is_not_decompressed(fault_server):
    """A gzip bomb is read as the bytes on the wire: a body that is not gzip at all reads without error."""
    data = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\n\r\nnot gzip!"
    assert answer(fault_server, data).body_error is None


def test_a_body_cut_right_after_the_read_limit_is_reported(fault_server):
    """A body of up to BODY_READ_LIMIT bytes is read to its end: one that stops there, short of its length, is broken."""
    total = BODY_READ_LIMIT + 1
    response = answer(fault_server, b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % total + b"x" * BODY_READ_LIMIT)
    assert response.body_error == f"the body ended after {BODY_READ_LIMIT} of the {total} bytes its Content-Length announced"


def test_a_body_shorter_than_announced_is_reported(fault_server):
    response = answer(fault_server, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 10)
    assert response.status == 200
    assert response.body_error == "the body ended after 10 of the 100 bytes its Content-Length announced"


def test_a_broken_chunked_body_is_reported(fault_server):
    """One 70,000-byte chunk, then a chunk size that is not hex: the first 64 KiB read, the next read fails."""
    data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n11170\r\n" + b"x" * 70_000 + b"\r\nzz\r\n"
    assert answer(fault_server, data).body_error == (
        "the body broke off after 65536 bytes (ProtocolError: ('Connection broken: IncompleteRead(4464 bytes read)', "
        "IncompleteRead(4464 bytes read)))"
    )


def stalled_body(conn: socket.socket, server: FaultServer) -> None:
    """Announce 100 bytes, send 5, then nothing (until the server stops)."""
    request = read_request(conn)
    if request is not None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello")
        server.wait(5)


def test_a_body_that_stalls_is_not_an_error(fault_server):
    """A page reading a slow body waits; the headers decided CORS already."""
    server = fault_server(stalled_body)
    response = LiveTransport(server.url, timeout=0.2).send(HttpRequest("GET", server.url + "/api"))
    assert (response.status, response.body_error) == (200, None)


def slow_endless_body(conn: socket.socket, server: FaultServer) -> None:
    """A body that never ends, 64 KiB every 0.2 s: the transport stops reading at its deadline (before 1 MiB)."""
    request = read_request(conn)
    if request is None:
        return
    head = b"HTTP/1.1 200 OK\r\n" + b"".join(f"{n}: {v}\r\n".encode() for n, v in cors_headers(request))
    conn.sendall(head + b"Content-Length: 1000000000\r\n\r\n")
    try:
        while not server.stopping:
            conn.sendall(b"x" * 65536)
            server.wait(0.2)
    except OSError:
        pass


def test_a_slow_endless_body_is_given_up_after_two_seconds(fault_server):
    server = fault_server(slow_endless_body)
    started = time.monotonic()
    response = LiveTransport(server.url, timeout=5).send(HttpRequest("GET", server.url + "/api"))
    elapsed = time.monotonic() - started
    assert (response.status, response.body_error) == (200, None)
    assert 1.9 < elapsed < 2.9  # BODY_READ_SECONDS; the timeout (5 s) was never reached


# --- faults named from the exception ------------------------------------------------------------


def test_http_errors_raised_while_reading_are_named():
    assert classify_fault(http.client.LineTooLong("header line"), URL, 1).cause == (
        "the server's answer is not valid HTTP: a line of the response is too long (got more than 65536 bytes when "
        "reading header line)"
    )
    assert classify_fault(http.client.IncompleteRead(b"abc", 7), URL, 1).cause == (
        "the server's answer is not valid HTTP: the body ended early (IncompleteRead(3 bytes read, 7 more expected))"
    )
    assert classify_fault(http.client.HTTPException(), URL, 1).cause == "the server's answer is not valid HTTP: HTTPException"
    assert classify_fault(http.client.BadStatusLine(""), URL, 1).cause == (  # http.client shows an empty line as ''
        "the server's answer is not valid HTTP: the status line \"''\" is not 'HTTP/1.x <code> <reason>'"
    )


def test_the_innermost_http_error_is_the_one_named():
    try:
        try:
            raise http.client.UnknownProtocol("HTTP/3")
        except http.client.HTTPException as inner:
            raise urllib3.exceptions.ProtocolError("Connection aborted.", inner) from None
    except urllib3.exceptions.ProtocolError as outer:
        wrapped = requests.exceptions.ConnectionError(outer)
    fault = classify_fault(wrapped, URL, 1)
    assert (fault.kind, fault.cause) == ("malformed-http", "the server's answer is not valid HTTP: unknown protocol version 'HTTP/3'")


def test_a_protocol_error_without_an_http_error_inside_is_named_by_its_text():
    fault = classify_fault(urllib3.exceptions.ProtocolError("Response ended prematurely"), URL, 1)
    assert (fault.kind, fault.url, fault.cause, fault.hint) == (
        "malformed-http", URL, "the server's answer is not valid HTTP: Response ended prematurely", None
    )


@pytest.mark.parametrize(
    "exc, detail",
    [
        (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"), "[SSL: WRONG_VERSION_NUMBER] wrong version number"),
        (requests.exceptions.SSLError("certificate verify failed"), "certificate verify failed"),
        (requests.exceptions.SSLError(ssl.SSLCertVerificationError(1, "self-signed certificate")), "self-signed certificate"),
    ],
    ids=["raw-ssl-error", "requests-ssl-error-alone", "requests-ssl-error-around-one"],
)
def test_a_tls_fault_says_how_to_fix_it(exc, detail):
    fault = classify_fault(exc, URL, 1)
    assert (fault.kind, fault.url, fault.cause) == ("tls-error", URL, f"TLS handshake failed: {detail}")
    assert fault.hint == (
        "pass --cors-ca-bundle PATH to trust a private CA, or --cors-insecure to skip "
        "certificate verification for a test server"
    )


@pytest.mark.parametrize(
    "exc, kind, cause",
    [
        (requests.exceptions.ConnectionError("Connection refused by the proxy"), "connection-refused",
         "connection refused (is the server running on that port?)"),
        (requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('closed'))"), "connection-closed",
         "the server closed the connection without answering"),
        (requests.exceptions.ConnectionError("[Errno 104] Connection reset by peer"), "connection-reset",
         "the server reset the connection (TCP RST)"),
        (requests.exceptions.MissingSchema("No scheme supplied"), "invalid-url", "No scheme supplied"),
        (requests.exceptions.InvalidURL("Failed to parse"), "invalid-url", "Failed to parse"),
        (requests.exceptions.ConnectTimeout("connect"), "connect-timeout", "timed out after 1.5 s while connecting"),
        (requests.exceptions.ReadTimeout("read"), "timeout", "timed out after 1.5 s waiting for the response"),
        (socket.timeout("timed out"), "timeout", "timed out after 1.5 s waiting for the response"),
        (socket.gaierror(-2, "Name or service not known"), "dns-failure", "the host name '127.0.0.1' could not be resolved"),
        (OSError("no route"), "network-error", "OSError: no route"),
    ],
    ids=["refused-text", "closed-text", "reset-text", "missing-schema", "invalid-url", "connect-timeout",
         "read-timeout", "socket-timeout", "gaierror", "other"],
)
def test_each_exception_is_named(exc, kind, cause):
    fault = classify_fault(exc, URL, 1.5)
    assert (fault.kind, fault.url, fault.cause) == (kind, URL, cause)


def test_the_cause_chain_is_followed_through_reasons_and_arguments_and_ends_on_a_cycle():
    # requests -> (argument) urllib3's MaxRetryError -> (its reason) the name resolution error
    reason = urllib3.exceptions.NameResolutionError("db.example.com", None, socket.gaierror(-2, "unknown"))  # type: ignore[arg-type]
    wrapped = requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, URL, reason))  # type: ignore[arg-type]
    fault = classify_fault(wrapped, "http://db.example.com/api", 1)
    assert (fault.kind, fault.cause) == ("dns-failure", "the host name 'db.example.com' could not be resolved")
    first, second = ValueError("first"), ValueError("second")
    first.__context__, second.__context__ = second, first
    assert classify_fault(first, URL, 1).cause == "ValueError: first"
    reset = ConnectionResetError(104, "reset")
    assert classify_fault(RuntimeError(reset), URL, 1).kind == "connection-reset"
