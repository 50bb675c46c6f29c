"""The live transport on the wire: what it sends, what it retries, when it gives a target up.

Every request goes to a real server on 127.0.0.1 (servers.py) through ``LiveTransport`` itself;
the plugin-level runs of the same behaviours are in test_network_faults.py and test_retries_by_method.py.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import threading
from typing import List

import pytest

from pytest_cors import __version__
from pytest_cors.browser.exchange import HttpRequest, HttpResponse
from pytest_cors.transport import TransportError
from pytest_cors.transport.live import FaultRegistry, LiveTransport

from .conftest import record_transport_pauses
from .servers import (
    FullBacklog,
    closed_port,
    cors_reply,
    flaky,
    hang_up,
    raw_reply,
    reset,
    silent,
)

ORIGIN = (("Origin", "https://app.example.com"),)


def send(transport: LiveTransport, url: str, method: str = "GET", headers=ORIGIN, body=None) -> HttpResponse:
    return transport.send(HttpRequest(method, url, headers, body))


def fault(transport: LiveTransport, url: str, method: str = "GET") -> TransportError:
    with pytest.raises(TransportError) as info:
        send(transport, url, method)
    return info.value


# --- what goes on the wire ----------------------------------------------------------------------


def test_a_request_goes_on_the_wire_exactly_as_given(fault_server):
    server = fault_server(cors_reply())
    transport = LiveTransport(server.url + "/")
    headers = ORIGIN + (("X-Tag", "one"), ("x-tag", "two"), ("Content-Type", "text/plain"))
    response = send(transport, server.url + "/api/x?q=1&q=2", "patch", headers, b"hello")
    assert server.requests[0].raw == (
        b"patch /api/x?q=1&q=2 HTTP/1.1\r\n"  # the method exactly as written, as browsers send it
        + f"Host: 127.0.0.1:{server.port}\r\n".encode()
        + b"Accept-Encoding: identity\r\n"
        + f"User-Agent: pytest-cors/{__version__}\r\n".encode()
        + b"Origin: https://app.example.com\r\n"
        + b"X-Tag: one, two\r\n"  # headers.append() twice: one line, as fetch() sends it
        + b"Content-Type: text/plain\r\n"
        + b"Content-Length: 5\r\n\r\nhello"
    )
    assert response == HttpResponse(
        200,
        (("Access-Control-Allow-Origin", "https://app.example.com"), ("Vary", "Origin"),
         ("Content-Length", "2"), ("Connection", "close")),
        "X",
    )


def test_a_preflight_goes_on_the_wire_exactly_as_a_browser_sends_it(fault_server):
    server = fault_server(cors_reply())
    transport = LiveTransport(server.url)
    headers = (("Accept", "*/*"),) + ORIGIN + (("Access-Control-Request-Method", "PUT"), ("Access-Control-Request-Headers", "x-trace"))
    response = send(transport, server.url + "/api", "OPTIONS", headers)
    assert server.requests[0].raw == (
        b"OPTIONS /api HTTP/1.1\r\n"
        + f"Host: 127.0.0.1:{server.port}\r\n".encode()
        + b"Accept-Encoding: identity\r\n"
        + f"User-Agent: pytest-cors/{__version__}\r\n".encode()
        + b"Accept: */*\r\n"
        + b"Origin: https://app.example.com\r\n"
        + b"Access-Control-Request-Method: PUT\r\n"
        + b"Access-Control-Request-Headers: x-trace\r\n\r\n"  # no Content-Length: a preflight has no body
    )
    assert response.header("access-control-allow-methods") == "PUT"


@pytest.mark.parametrize(
    "method, length",
    [("DELETE", None), ("GET", None), ("HEAD", None), ("OPTIONS", None), ("POST", "0"), ("PUT", "0"), ("post", "0")],
)
def test_a_request_without_a_body_has_a_content_length_only_where_fetch_sends_one(fault_server, method, length):
    """Fetch: a null body gets ``Content-Length: 0`` for POST and PUT, no Content-Length for the others."""
    server = fault_server(cors_reply())
    send(LiveTransport(server.url), server.url + "/api", method)
    assert server.requests[0].header("content-length") == length


def test_proxy_settings_of_the_environment_are_ignored(fault_server, monkeypatch):
    """The target is what the contract names: an HTTP(S)_PROXY of the machine is not used."""
    server = fault_server(cors_reply())
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{closed_port()}")
    assert send(LiveTransport(server.url), server.url + "/api").status == 200
    assert len(server.requests) == 1


def test_a_redirect_is_returned_not_followed(fault_server):
    server = fault_server(cors_reply(lambda request, _: (302, [("Location", "/elsewhere")], b"")))
    response = send(LiveTransport(server.url), server.url + "/api")
    assert (response.status, response.header("location")) == (302, "/elsewhere")
    assert [r.path for r in server.requests] == ["/api"]


def test_an_empty_reason_phrase_stays_empty(fault_server):
    server = fault_server(raw_reply(b"HTTP/1.1 204\r\nContent-Length: 0\r\n\r\n"))
    response = send(LiveTransport(server.url), server.url + "/api")
    assert (response.status, response.reason, response.headers) == (204, "", (("Content-Length", "0"),))


def test_the_url_is_named_without_its_password():
    transport = LiveTransport("https://deploy:s3cret-token@staging.example.com:8443/v2/X//")
    assert transport.base_url() == "https://deploy:s3cret-token@staging.example.com:8443/v2/X"  # trailing slashes only
    assert transport.origin == "https://staging.example.com:8443"
    assert transport.describe() == "live URL https://deploy:<redacted>@staging.example.com:8443/v2/X"
    assert transport.is_live is True


# --- TLS ----------------------------------------------------------------------------------------


TLS_HINT = (
    "pass --cors-ca-bundle PATH to trust a private CA, or --cors-insecure to skip "
    "certificate verification for a test server"
)


def test_tls_is_verified_by_default_and_the_fault_says_how_to_fix_it(fault_server, certificate):
    server = fault_server(cors_reply(), tls=certificate.context())
    transport = LiveTransport(server.url, retries=2, backoff=0.01)
    error = fault(transport, server.url + "/api")
    assert (error.kind, error.url, error.hint) == ("tls-error", server.url + "/api", TLS_HINT)
    assert error.cause.startswith("TLS handshake failed: [SSL: CERTIFICATE_VERIFY_FAILED]")
    assert server.connections == 1  # a certificate does not change on a retry: sent once
    later = fault(transport, server.url + "/other")  # given up: the same fault, and the same way to fix it
    assert (later.kind, later.url, later.hint) == ("tls-error", server.url + "/other", TLS_HINT)
    assert later.cause == f"{error.cause} (first seen on {server.url}/api; {server.url} is not tried again in this run)"
    assert server.connections == 1


def test_a_fault_after_a_retry_keeps_its_hint(certificate, monkeypatch):
    """Refused at first, then up with a certificate the client does not trust: the TLS fault still says how to fix it."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))  # bound, not listening yet: connections are refused
    url = f"https://127.0.0.1:{listener.getsockname()[1]}"

    def serve_tls() -> None:
        conn, _ = listener.accept()
        try:
            certificate.context().wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            pass  # the client refused the certificate
        finally:
            conn.close()

    server = threading.Thread(target=serve_tls, daemon=True)

    def come_up(_: float) -> None:  # the pause before the retry: the server starts
        listener.listen(1)
        server.start()

    record_transport_pauses(monkeypatch, come_up)
    try:
        error = fault(LiveTransport(url, retries=3), url + "/api")
    finally:
        server.join(5)
        listener.close()
    assert (error.kind, error.hint) == ("tls-error", TLS_HINT)
    assert error.cause.startswith("TLS handshake failed: [SSL: CERTIFICATE_VERIFY_FAILED]")
    assert error.cause.endswith(" (2 attempts)")


@pytest.mark.parametrize("verify", ["bundle", False], ids=["ca-bundle", "insecure"])
def test_a_ca_bundle_or_no_verification_reaches_a_self_signed_server(fault_server, certificate, verify):
    server = fault_server(cors_reply(), tls=certificate.context())
    transport = LiveTransport(server.url, verify=certificate.cert_file if verify == "bundle" else False)
    response = send(transport, server.url + "/api")
    assert response.header("access-control-allow-origin") == "https://app.example.com"


def test_a_tls_response_head_is_read_with_a_browsers_limits(fault_server, certificate):
    """Over https as over http: a 70,000-byte header line is accepted (http.client alone refuses 65,536)."""
    long_value = "v" * 70_000
    server = fault_server(cors_reply(lambda request, _: (200, [("X-Long", long_value)], b"")), tls=certificate.context())
    response = send(LiveTransport(server.url, verify=False), server.url + "/api")
    assert response.header("x-long") == long_value


# --- timeouts -----------------------------------------------------------------------------------


def test_a_server_that_never_answers_times_out_is_not_retried_and_is_given_up(fault_server):
    server = fault_server(silent)
    transport = LiveTransport(server.url, timeout=0.3, retries=2, backoff=0.01)
    first = fault(transport, server.url + "/api", "OPTIONS")
    assert (first.kind, first.cause) == ("timeout", "timed out after 0.3 s waiting for the response")
    assert len(server.requests) == 1  # the server may be working on it: a read timeout is not retried
    later = fault(transport, server.url + "/other")
    assert (later.kind, later.url, later.hint) == ("timeout", server.url + "/other", None)
    assert later.cause == (
        f"timed out after 0.3 s waiting for the response (first seen on {server.url}/api; "
        f"{server.url} is not tried again in this run)"
    )
    fault(transport, server.url + "/third")
    assert len(server.requests) == 1
    assert transport.unreachable_targets() == {server.url: (first, 2)}


def test_a_listener_that_never_accepts_is_a_connect_timeout_retried_then_given_up():
    backlog = FullBacklog()
    try:
        transport = LiveTransport(backlog.url, timeout=0.3, retries=1, backoff=0.01)
        error = fault(transport, backlog.url + "/api")
    finally:
        backlog.close()
    assert (error.kind, error.cause) == ("connect-timeout", "timed out after 0.3 s while connecting (2 attempts)")
    assert transport.unreachable_targets() == {backlog.url: (error, 0)}


# --- retries ------------------------------------------------------------------------------------


def test_a_refused_connection_is_retried_with_a_doubling_pause_then_given_up(transport_pauses):
    url = f"http://127.0.0.1:{closed_port()}"
    transport = LiveTransport(url, retries=3, backoff=0.25)
    error = fault(transport, url + "/api", "OPTIONS")
    assert (error.kind, error.url, error.hint) == ("connection-refused", url + "/api", None)
    assert error.cause == "connection refused (is the server running on that port?) (4 attempts)"
    assert transport_pauses == [0.25, 0.5, 1.0]
    again = fault(transport, url + "/api")
    assert again.cause.startswith("connection refused (is the server running on that port?) (4 attempts) (first seen on")
    assert transport_pauses == [0.25, 0.5, 1.0]  # given up: no new attempts, no new pauses


def test_without_retries_a_fault_says_nothing_of_attempts():
    url = f"http://127.0.0.1:{closed_port()}"
    error = fault(LiveTransport(url), url + "/api", "PUT")
    assert error.cause == "connection refused (is the server running on that port?)"


@pytest.mark.parametrize("method", ["get", "put", "delete", "options", "head"])
def test_idempotent_methods_in_any_case_are_retried(fault_server, method):
    server = fault_server(flaky(1, reset))
    response = send(LiveTransport(server.url, retries=1, backoff=0.01), server.url + "/api", method)
    assert response.status == 200
    assert [r.method for r in server.requests] == [method, method]


def test_a_connection_closed_without_answer_is_retried(fault_server):
    server = fault_server(flaky(1, hang_up))
    transport = LiveTransport(server.url, retries=1, backoff=0.01)
    assert send(transport, server.url + "/api", "OPTIONS").status == 200
    assert server.state["flaky"] == 2


def test_a_connection_fault_that_is_not_retried_does_not_give_the_target_up(fault_server):
    server = fault_server(flaky(1, reset))
    transport = LiveTransport(server.url)
    error = fault(transport, server.url + "/api")
    assert (error.kind, error.cause) == ("connection-reset", "the server reset the connection (TCP RST)")
    assert send(transport, server.url + "/api").status == 200  # the next request is sent, and answered
    assert transport.unreachable_targets() == {}


def test_a_malformed_answer_is_not_retried(fault_server):
    server = fault_server(raw_reply(b"garbage\r\n\r\n"))
    error = fault(LiveTransport(server.url, retries=3, backoff=0.01), server.url + "/api")
    assert error.kind == "malformed-http"
    assert len(server.requests) == 1


def test_retries_pause_a_fifth_of_a_second_at_first_by_default(transport_pauses):
    url = f"http://127.0.0.1:{closed_port()}"
    fault(LiveTransport(url, retries=2), url + "/api")
    assert transport_pauses == [0.2, 0.4]


def test_transports_sharing_a_registry_give_a_target_up_together():
    url = f"http://127.0.0.1:{closed_port()}"
    faults = FaultRegistry()
    first = fault(LiveTransport(url + "/v1", faults=faults), url + "/v1/api")
    second = fault(LiveTransport(url + "/v2/X/", faults=faults), url + "/v2/api")
    assert second.cause == f"{first.cause} (first seen on {url}/v1/api; {url} is not tried again in this run)"
    assert faults.unreachable_targets() == {url: (first, 1)}


def test_without_a_base_url_a_transport_sends_to_any_url(fault_server):
    """The browser and framework harnesses send to servers on several ports through one transport."""
    servers = [fault_server(cors_reply()), fault_server(cors_reply())]
    transport = LiveTransport()
    assert (transport.base_url(), transport.origin) == ("", "")
    assert [send(transport, server.url + "/api").status for server in servers] == [200, 200]


def test_negative_retries_mean_none():
    url = f"http://127.0.0.1:{closed_port()}"
    transport = LiveTransport(url, retries=-2)
    assert transport.retries == 0
    assert fault(transport, url + "/api").cause == "connection refused (is the server running on that port?)"


# --- names --------------------------------------------------------------------------------------


@pytest.fixture
def resolver(monkeypatch) -> List[str]:
    """The host names the transport's own look-up asks for (not urllib3's when it connects).

    ``*.example.test`` resolve to 127.0.0.1, addresses and over-long labels go to the real resolver
    (which answers those without the network), any other name does not resolve.
    """
    asked: List[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if threading.current_thread().name.startswith("pytest-cors-resolve-"):
            asked.append(host)
        if str(host).endswith(".example.test"):
            return real("127.0.0.1", port, *args, **kwargs)
        if str(host) in ("127.0.0.1", "localhost") or any(len(label) > 63 for label in str(host).split(".")):
            return real(host, port, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_host_name_is_resolved_once_per_run(fault_server, resolver):
    server = fault_server(cors_reply())
    url = f"http://api.example.test:{server.port}"
    transport = LiveTransport(url)
    for path in ("/a", "/b"):
        assert send(transport, url + path).status == 200
    assert resolver == ["api.example.test"]
    assert server.requests[0].header("host") == f"api.example.test:{server.port}"
    assert transport.faults.resolved == {"api.example.test": None}


def test_a_name_that_does_not_resolve_is_a_dns_failure_asked_again_on_a_retry(resolver, transport_pauses):
    transport = LiveTransport("http://db.internal", retries=2, backoff=0.1)
    error = fault(transport, "http://db.internal/api")
    assert (error.kind, error.url) == ("dns-failure", "http://db.internal/api")
    assert error.cause == (
        "the host name 'db.internal' could not be resolved ([Errno -2] Name or service not known) (3 attempts)"
    )
    assert resolver == ["db.internal"] * 3 and transport_pauses == [0.1, 0.2]
    assert "db.internal" not in transport.faults.resolved


@pytest.mark.parametrize("host", ["invalid", "staging.invalid", "API.Staging.INVALID", "staging.invalid."])
def test_names_under_invalid_never_resolve_and_are_never_retried(resolver, transport_pauses, host):
    transport = LiveTransport(f"http://{host}", retries=3)
    error = fault(transport, f"http://{host}/api")
    assert (error.kind, error.url) == ("dns-failure", f"http://{host}/api")
    assert error.cause == f"the host name {host.lower()!r} could not be resolved (.invalid names never resolve)"
    assert resolver == [] and transport_pauses == []
    other_port = fault(transport, f"http://{host}:8080/api")  # another target on the same host: known already
    assert (other_port.kind, other_port.url, other_port.cause) == ("dns-failure", f"http://{host}:8080/api", error.cause)
    assert resolver == []


def test_an_invalid_looking_name_elsewhere_is_resolved(resolver):
    error = fault(LiveTransport("http://invalid.example.com"), "http://invalid.example.com/api")
    assert error.cause.startswith("the host name 'invalid.example.com' could not be resolved (")
    assert resolver == ["invalid.example.com"]


def test_a_name_the_resolver_cannot_even_encode_is_a_dns_failure(resolver):
    host = "a" * 64 + ".example.com"  # a DNS label holds at most 63 characters
    error = fault(LiveTransport(f"http://{host}"), f"http://{host}/api")
    assert error.kind == "dns-failure"
    assert error.cause.startswith(f"the host name {host!r} could not be resolved (encoding with 'idna' codec failed (")


def test_a_resolver_that_never_answers_does_not_hold_up_the_end_of_the_run():
    """The look-up runs in a daemon thread: a process whose resolver hangs still ends when its checks end."""
    code = (
        "import socket, threading\n"
        "socket.getaddrinfo = lambda *args, **kwargs: threading.Event().wait()\n"
        "from pytest_cors.browser.exchange import HttpRequest\n"
        "from pytest_cors.transport.live import LiveTransport\n"
        "try:\n"
        "    LiveTransport('http://hung.example.test', timeout=0.1).send(HttpRequest('GET', 'http://hung.example.test/'))\n"
        "except Exception as error:\n"
        "    print(error.kind)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=15)
    assert (done.returncode, done.stdout, done.stderr) == (0, "dns-failure\n", "")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_addresses_and_localhost_are_never_looked_up(fault_server, resolver, host):
    server = fault_server(cors_reply())
    url = f"http://{host}:{server.port}"
    transport = LiveTransport(url)
    assert send(transport, url + "/api").status == 200
    assert resolver == [] and transport.faults.resolved == {}


@pytest.mark.parametrize(
    "url, cause",
    [
        ("http://[::1/x", "Failed to parse: '[::1' is not a valid host or port"),  # urlsplit itself refuses it
        ("http://staging.example.test:99999/x", "Failed to parse: http://staging.example.test:99999/x"),
        ("http:///x", "Invalid URL 'http:///x': No host supplied"),
    ],
)
def test_a_malformed_url_is_an_invalid_url_fault_not_retried(resolver, transport_pauses, url, cause):
    transport = LiveTransport("http://127.0.0.1", retries=2)
    error = fault(transport, url)
    assert (error.kind, error.url, error.cause) == ("invalid-url", url, cause)
    assert transport_pauses == [] and resolver == [] and transport.faults.resolved == {}
