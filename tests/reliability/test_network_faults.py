"""Network faults are named as faults (test errors with URL and cause), never as CORS verdicts.

Every fault is reproduced by a real server on 127.0.0.1 (see servers.py).
"""

from __future__ import annotations

import socket
import threading

import pytest

from pytest_cors.browser.exchange import HttpRequest
from pytest_cors.transport import TransportError
from pytest_cors.transport.live import LiveTransport, classify_fault

from .conftest import record_transport_pauses, yaml_contract
from .servers import closed_port, cors_reply, flaky, hang_up, raw_reply, reset, silent

GET = HttpRequest("GET", "", (("Origin", "https://app.example.com"),))
THREE_ORIGINS = "[https://a.example.com, https://b.example.com, https://c.example.com]"


def send(url: str, method: str = "GET", **kwargs) -> object:
    transport = LiveTransport(url, **kwargs)
    try:
        return transport.send(HttpRequest(method, url + "/api", (("Origin", "https://app.example.com"),)))
    finally:
        transport.close()


def fault_of(url: str, method: str = "GET", **kwargs) -> TransportError:
    with pytest.raises(TransportError) as info:
        send(url, method, **kwargs)
    return info.value


def assert_fault_report(result: pytest.RunResult, kind: str, url: str, cause: str) -> None:
    result.stdout.fnmatch_lines(
        [
            f"cannot reach the target: {kind}",
            f"  URL:   {url}",
            f"  cause: {cause}",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(["This is a network fault, not a CORS verdict: no browser decision was made."])
    result.stdout.no_fnmatch_line("*Access-Control-Allow-Origin*")
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*pytest_cors/*")


# --- each fault, named ---------------------------------------------------------------------------


def test_connection_refused_is_an_error_with_url_and_cause(pytester, run):
    url = f"http://127.0.0.1:{closed_port()}"
    pytester.makefile(".yaml", cors_api=yaml_contract(url))
    result = run()
    result.assert_outcomes(errors=1)
    assert_fault_report(result, "connection-refused", f"{url}/api", "connection refused (is the server running on that port?)")


def test_dns_failure_never_touches_the_network(pytester, run, transport_pauses):
    """Names under .invalid never resolve (RFC 6761): refused at once, no resolver is asked, nothing retried."""
    calls = []
    real = socket.getaddrinfo

    def spy(host, *args, **kwargs):
        calls.append(host)
        return real(host, *args, **kwargs)

    socket.getaddrinfo = spy
    try:
        pytester.makefile(".yaml", cors_api=yaml_contract("http://staging.pytest-cors.invalid", origins=THREE_ORIGINS))
        result = run("--cors-retries", "3")
    finally:
        socket.getaddrinfo = real
    result.assert_outcomes(errors=3)
    assert_fault_report(
        result,
        "dns-failure",
        "http://staging.pytest-cors.invalid/api",
        "the host name 'staging.pytest-cors.invalid' could not be resolved (.invalid names never resolve)",
    )
    assert not [h for h in calls if "invalid" in str(h)]
    assert transport_pauses == []  # a name that can never resolve is not retried, so no backoff is waited for
    assert result.stdout.str().count("  cause: the host name 'staging.pytest-cors.invalid' could not be resolved (.invalid names never resolve)\n") == 1
    result.stdout.fnmatch_lines(["  2 later request(s) to http://staging.pytest-cors.invalid were not sent*"])


def test_a_real_resolver_failure_is_classified_as_dns(tmp_path):
    """The resolver's own error (gaierror), obtained in a bounded thread, is named dns-failure."""
    outcome = []

    def lookup():
        try:
            socket.getaddrinfo("no-such-host.invalid", 80)
        except OSError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=lookup, daemon=True)
    worker.start()
    worker.join(3)
    if worker.is_alive() or not outcome:
        pytest.skip("this machine's resolver does not fail .invalid names quickly")
    fault = classify_fault(outcome[0], "http://no-such-host.invalid/api", 1)
    assert fault.kind == "dns-failure"
    assert "no-such-host.invalid" in fault.cause


def test_a_hung_resolver_is_bounded_by_the_timeout(monkeypatch):
    """getaddrinfo has no timeout of its own; the transport bounds it."""
    release = threading.Event()
    lookups = []
    answered = threading.Event()

    def hang(*args, **kwargs):
        lookups.append(args[0])
        release.wait(5)  # a safety bound only: the test releases it once the transport has given up
        answered.set()
        raise socket.gaierror("too late")

    monkeypatch.setattr(socket, "getaddrinfo", hang)
    try:
        fault = fault_of("http://slow-dns.example.test", timeout=0.3)
        # the transport gave up while the resolver was still blocked, instead of waiting for its answer
        resolver_still_blocked = not answered.is_set()
    finally:
        release.set()
    assert resolver_still_blocked
    assert lookups == ["slow-dns.example.test"]
    assert (fault.kind, fault.url) == ("dns-failure", "http://slow-dns.example.test/api")
    assert fault.cause == "resolving 'slow-dns.example.test' timed out after 0.3 s"


def test_timeout_says_after_how_long(fault_server, pytester, run):
    server = fault_server(silent)
    pytester.makefile(".yaml", cors_api=yaml_contract(server.url))
    result = run("--cors-timeout", "0.4")
    result.assert_outcomes(errors=1)
    assert_fault_report(result, "timeout", f"{server.url}/api", "timed out after 0.4 s waiting for the response")


def test_connection_reset(fault_server, pytester, run):
    server = fault_server(reset)
    pytester.makefile(".yaml", cors_api=yaml_contract(server.url))
    result = run()
    result.assert_outcomes(errors=1)
    assert_fault_report(result, "connection-reset", f"{server.url}/api", "the server reset the connection (TCP RST)")


def test_connection_closed_without_answer(fault_server, pytester, run):
    server = fault_server(hang_up)
    pytester.makefile(".yaml", cors_api=yaml_contract(server.url))
    result = run()
    result.assert_outcomes(errors=1)
    assert_fault_report(
        result, "connection-closed", f"{server.url}/api", "the server closed the connection without answering"
    )


@pytest.mark.parametrize(
    "data, cause",
    [
        (b"garbage\r\n\r\n", "the server's answer is not valid HTTP: the status line 'garbage\\r\\n' is not 'HTTP/1.x <code> <reason>'"),
        (b"HTTP/1.1 abc OK\r\n\r\n", "the server's answer is not valid HTTP: the status line 'HTTP/1.1 abc OK\\r\\n' is not *"),
        (b"SSH-2.0-OpenSSH_9.6\r\n", "the server's answer is not valid HTTP: the status line 'SSH-2.0-OpenSSH_9.6\\r\\n' is not *"),
        (
            b"HTTP/1.1 200 OK\r\n" + b"X-Pad: " + b"a" * 300_000 + b"\r\n\r\n",
            "the server's answer is not valid HTTP: the response headers are larger than 256 KiB; browsers refuse *",
        ),
        (
            b"HTTP/1.1 200 OK\r\n" + b"X-Pad: " + b"a" * 60_000 + b"\r\n" + (b"X-More: " + b"b" * 60_000 + b"\r\n") * 5 + b"\r\n",
            "the server's answer is not valid HTTP: the response headers are larger than 256 KiB; browsers refuse *",
        ),
    ],
    ids=["garbage", "bad-status-code", "not-http", "one-huge-header", "headers-too-big"],
)
def test_malformed_http(fault_server, pytester, run, data, cause):
    server = fault_server(raw_reply(data))
    pytester.makefile(".yaml", cors_api=yaml_contract(server.url))
    result = run()
    result.assert_outcomes(errors=1)
    assert_fault_report(result, "malformed-http", f"{server.url}/api", cause)


def test_marker_tests_get_the_same_fault_errors(fault_server, pytester, run):
    server = fault_server(reset)
    pytester.makepyfile(
        test_m='import pytest\n\n@pytest.mark.cors("/api", origins=["https://app.example.com"])\ndef test_m():\n    pass\n'
    )
    result = run("--cors-url", server.url)
    result.assert_outcomes(errors=1)
    assert_fault_report(result, "connection-reset", f"{server.url}/api", "the server reset the connection (TCP RST)")


# --- TLS -----------------------------------------------------------------------------------------


def test_tls_error_names_the_fault_and_the_fix_and_the_ca_bundle_fixes_it(fault_server, certificate, pytester, run):
    server = fault_server(cors_reply(), tls=certificate.context())
    url = f"https://127.0.0.1:{server.port}"
    pytester.makefile(".yaml", cors_api=yaml_contract(url))
    result = run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "cannot reach the target: tls-error",
            f"  URL:   {url}/api",
            "  cause: TLS handshake failed: *CERTIFICATE_VERIFY_FAILED*",
            "  hint:  pass --cors-ca-bundle PATH to trust a private CA, or --cors-insecure to skip certificate "
            "verification for a test server",
        ],
        consecutive=True,
    )
    result.stdout.no_fnmatch_line("*Access-Control-Allow-Origin*")
    # the certificate as CA bundle: verified, and the contract is checked
    run("--cors-ca-bundle", certificate.cert_file).assert_outcomes(passed=1)
    pytester.makeini(f"[pytest]\ncors_ca_bundle = {certificate.cert_file}\n")
    run().assert_outcomes(passed=1)
    pytester.makeini("[pytest]\n")
    run("--cors-insecure").assert_outcomes(passed=1)
    assert server.requests and all(r.header("origin") == "https://app.example.com" for r in server.requests)


def test_plain_http_to_a_tls_port_is_a_named_fault(fault_server, certificate):
    server = fault_server(cors_reply(), tls=certificate.context())
    fault = fault_of(f"http://127.0.0.1:{server.port}", timeout=2)
    assert fault.kind in ("connection-reset", "connection-closed", "malformed-http"), fault


# --- fail fast -----------------------------------------------------------------------------------


def test_an_unreachable_target_fails_fast_with_one_clear_message(fault_server, pytester, run):
    """Nine items against a server that never answers: one timeout, not nine."""
    server = fault_server(silent)
    pytester.makefile(
        ".yaml",
        cors_api=yaml_contract(server.url, origins=THREE_ORIGINS, extra="    methods: [GET, PUT, DELETE]\n"),
    )
    result = run("--cors-timeout", "0.5", "--cors-retries", "3")
    result.assert_outcomes(errors=9)
    # what reached the server: one connection carrying one request; the 8 other items were never sent
    server.wait_until(lambda s: s.connections >= 1 and len(s.requests) >= 1)
    assert server.connections == 1
    assert [r.method for r in server.requests] == ["GET"]
    assert result.stdout.str().count("  cause: timed out after 0.5 s waiting for the response\n") == 1
    result.stdout.fnmatch_lines(
        [
            "*= pytest-cors: unreachable targets =*",
            f"{server.url}: timeout: timed out after 0.5 s waiting for the response",
            f"  8 later request(s) to {server.url} were not sent (they fail at once instead of waiting for the same fault again)",
            "  fix: the server accepted but did not answer in time: check it is healthy, or raise --cors-timeout",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines([f"  cause: timed out after 0.5 s waiting for the response (first seen on {server.url}/api; {server.url} is not tried again in this run)"])


def test_fail_fast_is_per_target(fault_server, pytester, run):
    dead = f"http://127.0.0.1:{closed_port()}"
    alive = fault_server(cors_reply())
    pytester.makefile(".yaml", cors_dead=yaml_contract(dead, origins=THREE_ORIGINS), cors_alive=yaml_contract(alive.url, origins=THREE_ORIGINS))
    result = run()
    result.assert_outcomes(errors=3, passed=3)
    result.stdout.fnmatch_lines([f"{dead}: connection-refused: connection refused (is the server running on that port?)"])
    result.stdout.no_fnmatch_line(f"{alive.url}:*")


def test_a_healthy_run_has_no_fault_section(fault_server, pytester, run):
    server = fault_server(cors_reply())
    pytester.makefile(".yaml", cors_api=yaml_contract(server.url))
    result = run()
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*unreachable targets*")


# --- retries -------------------------------------------------------------------------------------


def test_retries_with_backoff_recover_from_a_server_that_fails_then_succeeds(fault_server, pytester, run, monkeypatch):
    server = fault_server(flaky(2, reset))
    pauses = []  # (seconds the transport waits, connections the server had seen by then)
    record_transport_pauses(monkeypatch, lambda seconds: pauses.append((seconds, server.state["flaky"])))
    pytester.makefile(".yaml", cors_api=yaml_contract(server.url))
    run("--cors-retries", "2").assert_outcomes(passed=1)
    assert server.state["flaky"] == 3  # two resets, then the answer
    assert pauses == [(0.2, 1), (0.4, 2)]  # a pause after each failed attempt, doubling: exponential backoff


def test_without_retries_the_same_server_is_an_error(fault_server, pytester, run):
    server = fault_server(flaky(1, hang_up))
    pytester.makefile(".yaml", cors_api=yaml_contract(server.url))
    result = run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["cannot reach the target: connection-closed"])
    pytester.makeini("[pytest]\ncors_retries = 1\n")
    run().assert_outcomes(passed=1)


def test_retries_that_run_out_say_how_many_attempts(pytester, run):
    url = f"http://127.0.0.1:{closed_port()}"
    pytester.makefile(".yaml", cors_api=yaml_contract(url))
    result = run("--cors-retries", "2")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["  cause: connection refused (is the server running on that port?) (3 attempts)"])


def test_non_idempotent_requests_are_never_retried(fault_server):
    server = fault_server(flaky(1, reset))
    fault = fault_of(server.url, "POST", retries=3, backoff=0.01)
    assert fault.kind == "connection-reset"
    assert server.state["flaky"] == 1
    assert send(server.url, "PUT", retries=3, backoff=0.01).status == 200  # type: ignore[attr-defined]


def test_backoff_is_capped(transport_pauses):
    fault_of(f"http://127.0.0.1:{closed_port()}", retries=10, backoff=0.2)
    assert len(transport_pauses) == 10
    assert transport_pauses[:3] == [0.2, 0.4, 0.8] and max(transport_pauses) == 2.0


def test_connect_timeout_against_a_listener_that_never_accepts(pytester, run):
    from .servers import FullBacklog

    backlog = FullBacklog()
    try:
        pytester.makefile(".yaml", cors_api=yaml_contract(backlog.url, origins=THREE_ORIGINS))
        result = run("--cors-timeout", "0.5")
    finally:
        backlog.close()
    result.assert_outcomes(errors=3)
    # the connect timeout was waited for once: the other two items fail at once, naming the first fault
    assert result.stdout.str().count("  cause: timed out after 0.5 s while connecting\n") == 1
    result.stdout.fnmatch_lines([f"  2 later request(s) to {backlog.url} were not sent*"])
    assert_fault_report(result, "connect-timeout", f"{backlog.url}/api", "timed out after 0.5 s while connecting")
    result.stdout.fnmatch_lines([f"{backlog.url}: connect-timeout: timed out after 0.5 s while connecting"])
