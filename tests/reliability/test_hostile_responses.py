"""Hostile responses get the browser's verdict and a readable report, never a crash.

Each response is written byte for byte by a raw socket server on 127.0.0.1.
"""

from __future__ import annotations

import tracemalloc

import pytest

from .conftest import yaml_contract
from .servers import FaultServer, Request, cors_headers, cors_reply, huge_body, raw_reply

APP = "https://app.example.com"


def raw_cors(*header_lines: bytes, status: bytes = b"200 OK") -> bytes:
    return b"HTTP/1.1 " + status + b"\r\n" + b"".join(line + b"\r\n" for line in header_lines) + b"Content-Length: 2\r\nConnection: close\r\n\r\nok"


def check(pytester, run, server: FaultServer, *args: str, extra: str = "") -> pytest.RunResult:
    pytester.makefile(".yaml", cors_api=yaml_contract(server.url, extra=extra))
    result = run(*args)
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*INTERNALERROR*")
    return result


def test_non_latin1_bytes_in_acao_are_a_mismatch_shown_readably(fault_server, pytester, run):
    server = fault_server(raw_reply(raw_cors("Access-Control-Allow-Origin: https://äpp.example.com".encode(), b"Vary: Origin")))
    result = check(pytester, run, server)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*The 'Access-Control-Allow-Origin' header has a value 'https://*pp.example.com' that is not equal to the supplied origin.*",
        ]
    )


@pytest.mark.parametrize("value", [b"https://app.example.com\x01", b"https://app.example.com\x7f", b"\x00https://app.example.com"])
def test_control_bytes_in_acao_block_and_are_escaped_in_the_report(fault_server, pytester, run, value):
    server = fault_server(raw_reply(raw_cors(b"Access-Control-Allow-Origin: " + value, b"Vary: Origin")))
    result = check(pytester, run, server)
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert "\x01" not in text and "\x7f" not in text and "\x00" not in text
    result.stdout.fnmatch_lines(["*Access-Control-Allow-Origin*\\x*"])


def test_a_64_kib_header_value_is_accepted_like_a_browser_does(fault_server, pytester, run):
    big = b"X-Padding: " + b"p" * 65536
    server = fault_server(raw_reply(raw_cors(big, b"Access-Control-Allow-Origin: " + APP.encode(), b"Vary: Origin")))
    check(pytester, run, server).assert_outcomes(passed=1)


def test_a_64_kib_acao_is_blocked_and_the_report_shortens_it(fault_server, pytester, run):
    server = fault_server(raw_reply(raw_cors(b"Access-Control-Allow-Origin: " + b"h" * 65536, b"Vary: Origin")))
    result = check(pytester, run, server)
    result.assert_outcomes(failed=1)
    assert max(len(line) for line in result.stdout.lines) < 2000
    result.stdout.fnmatch_lines(["*(65536 chars)*"])


def test_dozens_of_acao_lines_are_multiple_values(fault_server, pytester, run):
    lines = [b"Access-Control-Allow-Origin: " + APP.encode()] * 40
    server = fault_server(raw_reply(raw_cors(*lines, b"Vary: Origin")))
    result = check(pytester, run, server)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*The 'Access-Control-Allow-Origin' header contains multiple values*but only one is allowed.*",
            "*Hint: Access-Control-Allow-Origin arrived with several values*",
            "*(40 lines)*",
        ]
    )
    assert max(len(line) for line in result.stdout.lines) < 2000


def test_a_malformed_header_line_is_skipped_like_a_browser_does(fault_server, pytester, run):
    """http.client stops at a line without a colon; browsers skip just that line."""
    server = fault_server(raw_reply(raw_cors(b"this line has no colon", b"Access-Control-Allow-Origin: " + APP.encode(), b"Vary: Origin")))
    check(pytester, run, server).assert_outcomes(passed=1)


def loop(request: Request, server: FaultServer):
    hop = int(server.state.get("hops", 0))  # type: ignore[arg-type]
    server.state["hops"] = hop + 1
    return 302, cors_headers(request) + [("Location", f"/api/hop{hop + 1}")], b""


def test_a_redirect_loop_stops_at_20_hops_and_says_so(fault_server, pytester, run):
    server = fault_server(cors_reply(loop))
    result = check(pytester, run, server, "--cors-browser", "chrome")
    result.assert_outcomes(failed=1)
    assert len(server.requests) == 21  # the first request and 20 redirects; the 21st redirect is refused
    result.stdout.fnmatch_lines(["*Hint: the request was redirected more than 20 times (a redirect loop?)*"])


def test_a_redirected_preflight_is_blocked_with_the_reason(fault_server, pytester, run):
    def respond(request, server):
        if request.method == "OPTIONS":
            return 301, cors_headers(request) + [("Location", "/api/")], b""
        return 200, cors_headers(request), b"ok"

    server = fault_server(cors_reply(respond))
    result = check(pytester, run, server, "--cors-send-unsafe", extra="    methods: [PUT]\n")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Redirect is not allowed for a preflight request.*", "*Hint: preflights never follow redirects*"])
    assert [r.method for r in server.requests] == ["OPTIONS"]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_5xx_preflight_is_blocked_with_its_status(fault_server, pytester, run, status):
    def respond(request, server):
        if request.method == "OPTIONS":
            return status, cors_headers(request), b"upstream down"
        return 200, cors_headers(request), b"ok"

    server = fault_server(cors_reply(respond))
    result = check(pytester, run, server, extra="    methods: [DELETE]\n")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Response to preflight request doesn't pass access control check: It does not have HTTP ok status.*", f"*-> {status} X*"])


def test_a_huge_body_is_streamed_and_discarded_not_read(fault_server, pytester, run):
    total = 200 * 1024 * 1024
    server = fault_server(huge_body(total))
    tracemalloc.start()
    try:
        result = check(pytester, run, server)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    result.assert_outcomes(passed=1)
    server.close()
    assert server.sent_bytes < 64 * 1024 * 1024, server.sent_bytes  # we hung up long before the end
    assert peak < 32 * 1024 * 1024, peak


def test_a_compressed_body_is_never_decompressed(fault_server, pytester, run):
    import gzip

    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))
    head = [b"Access-Control-Allow-Origin: " + APP.encode(), b"Vary: Origin", b"Content-Encoding: gzip"]
    data = b"HTTP/1.1 200 OK\r\n" + b"".join(h + b"\r\n" for h in head) + f"Content-Length: {len(bomb)}\r\n\r\n".encode() + bomb
    server = fault_server(raw_reply(data))
    tracemalloc.start()
    try:
        result = check(pytester, run, server)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    result.assert_outcomes(passed=1)
    assert peak < 16 * 1024 * 1024, peak
