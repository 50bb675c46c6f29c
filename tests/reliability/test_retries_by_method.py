"""``--cors-retries`` applies to every idempotent request the plugin sends -- preflights first of all.

A real server on 127.0.0.1 resets the first connection of each request kind; with retries the
check passes on the second attempt of every kind, without them it is a connection-reset error.
Non-idempotent methods are never sent twice.
"""

from __future__ import annotations

import socket
import struct
from collections import Counter
from typing import Callable, List

import pytest

from pytest_cors.transport import TransportError

from .conftest import yaml_contract
from .servers import FaultServer, cors_headers, flaky, read_request, reset
from .test_network_faults import send

CONTRACT_EXTRA = "    methods: [PUT, DELETE]\n    request_headers: [X-Trace]\n"


def first_of_each_method_fails() -> Callable[[socket.socket, FaultServer], None]:
    """Reset the first connection that carries each method; answer every later one correctly."""
    def handler(conn: socket.socket, server: FaultServer) -> None:
        request = read_request(conn)
        if request is None:
            return
        server.record(request)
        with server.lock:
            seen = server.state.setdefault("failed", [])
            first = request.method not in seen  # type: ignore[operator]
            if first:
                seen.append(request.method)  # type: ignore[union-attr]
        if first:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
            return
        data = b"HTTP/1.1 200 OK\r\n" + _cors_head(request) + b"Content-Length: 2\r\nConnection: close\r\n\r\nok"
        conn.sendall(data)

    return handler


def _cors_head(request) -> bytes:
    return b"".join(f"{name}: {value}\r\n".encode("latin-1") for name, value in cors_headers(request))


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
def test_each_idempotent_method_is_sent_again_after_a_connection_reset(fault_server, method):
    server = fault_server(flaky(1, reset))
    response = send(server.url, method, retries=1, backoff=0.01)
    assert response.status == 200  # type: ignore[attr-defined]
    assert [r.method for r in server.requests] == [method, method]


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_non_idempotent_method_is_sent_once_and_its_reset_reported(fault_server, method):
    server = fault_server(flaky(1, reset))
    with pytest.raises(TransportError) as info:
        send(server.url, method, retries=3, backoff=0.01)
    assert info.value.kind == "connection-reset"
    assert [r.method for r in server.requests] == [method]


def methods_seen(server: FaultServer) -> List[str]:
    return [r.method for r in server.requests]


def test_a_preflight_is_retried_when_its_connection_is_reset(fault_server, pytester, run):
    """PUT with X-Trace: the first request of the check is the preflight, and that is what fails."""
    server = fault_server(flaky(1, reset))
    pytester.makefile(".yaml", cors_api=yaml_contract(server.url, extra=CONTRACT_EXTRA))
    run("--cors-retries", "1").assert_outcomes(passed=2)  # one item per method
    assert methods_seen(server)[:2] == ["OPTIONS", "OPTIONS"]
    assert server.requests[0].header("access-control-request-method") == "PUT"
    assert server.requests[1].header("access-control-request-method") == "PUT"


def test_without_retries_a_reset_preflight_is_a_connection_error(fault_server, pytester, run):
    server = fault_server(flaky(1, reset))
    pytester.makefile(".yaml", cors_api=yaml_contract(server.url, extra=CONTRACT_EXTRA))
    result = run()
    result.assert_outcomes(errors=1, passed=1)  # the PUT item's preflight met the reset; the DELETE item did not
    result.stdout.fnmatch_lines(["ERROR cors_api.yaml::api[[]PUT-https://app.example.com[]] - cannot reach the targ*"])
    result.stdout.fnmatch_lines(["cannot reach the target: connection-reset"])
    assert methods_seen(server)[0] == "OPTIONS"
    assert methods_seen(server).count("OPTIONS") == 2  # the PUT preflight once (not retried), the DELETE one


def test_every_request_kind_of_a_check_is_retried(fault_server, pytester, run):
    """With --cors-send-unsafe the check sends preflights and PUT/DELETE actual requests: each is retried."""
    server = fault_server(first_of_each_method_fails())
    pytester.makefile(".yaml", cors_api=yaml_contract(server.url, extra=CONTRACT_EXTRA))
    run("--cors-retries", "1", "--cors-send-unsafe").assert_outcomes(passed=2)
    counts = Counter(methods_seen(server))
    assert set(counts) == {"OPTIONS", "PUT", "DELETE"}
    assert all(count >= 2 for count in counts.values()), counts
