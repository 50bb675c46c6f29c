"""Edges a new user runs into (issue 7): each one a clear message or an honest report, never a
plugin traceback and never a silently passing test.

Live-mode edges run against real servers on 127.0.0.1 (``servers.py``); plugin behaviour runs
through pytester.
"""

from __future__ import annotations

import pytest

from pytest_cors.browser.exchange import HttpRequest
from pytest_cors.transport.live import LiveTransport

from .conftest import yaml_contract
from .servers import FaultServer, Request, cors_headers, cors_reply, raw_reply

APP = "https://app.example.com"

#: A WSGI app that answers CORS for APP and, on /id, exposes X-Id (sent only when ``send`` is true).
EXPOSING_APP = '''
SEND_ID = {send!r}

def app(environ, start_response):
    headers = [("Content-Type", "text/plain")]
    origin = environ.get("HTTP_ORIGIN")
    if origin == "https://app.example.com":
        headers += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin"),
                    ("Access-Control-Expose-Headers", "X-Id")]
    if SEND_ID:
        headers.append(("X-Id", "42"))
    start_response("200 OK", headers)
    return [b"ok"]
'''


def no_plugin_frames(result: pytest.RunResult) -> None:
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*INTERNALERROR*")
    result.stdout.no_fnmatch_line("*pytest_cors/*.py:*")


# --- targets -----------------------------------------------------------------------------------


def test_a_yaml_target_without_scheme_suggests_the_url(pytester, run):
    pytester.makefile(".yaml", cors_api=yaml_contract("localhost:8000"))
    result = run("--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "cors_api.yaml:1:9: target: 'localhost:8000' looks like a URL without a scheme, not module:attribute; "
            "did you mean 'http://localhost:8000'?"
        ]
    )
    result.stdout.no_fnmatch_line("*cannot import module*")
    no_plugin_frames(result)


def test_a_module_attribute_target_is_still_imported(pytester, run):
    pytester.makepyfile(exposing=EXPOSING_APP.format(send=True))
    pytester.syspathinsert()
    pytester.makefile(".yaml", cors_api=yaml_contract("exposing:app", path="/id"))
    run().assert_outcomes(passed=1)


@pytest.mark.parametrize(
    "args, ini, source",
    [
        (("--cors-url", "http://"), "", "--cors-url"),
        (("--cors-url", "https://:8443"), "", "--cors-url"),
        ((), "cors_url = http://", "ini cors_url"),
    ],
)
def test_a_url_without_host_is_a_usage_error_before_collection(pytester, run, args, ini, source):
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(test_a="def test_a():\n    pass\n")
    result = run(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    out = result.stderr if result.stderr.lines else result.stdout
    out.fnmatch_lines([f"*pytest-cors: {source}: * has no valid host (e.g. http://localhost:8000*"])
    result.stdout.no_fnmatch_line("*invalid-url*")


def test_cors_app_and_cors_url_together_are_refused(pytester, run):
    pytester.makepyfile(exposing=EXPOSING_APP.format(send=True), test_a="def test_a():\n    pass\n")
    pytester.syspathinsert()
    result = run("--cors-app", "exposing:app", "--cors-url", "http://127.0.0.1:9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    (result.stderr if result.stderr.lines else result.stdout).fnmatch_lines(
        ["*pytest-cors: --cors-url and --cors-app are both given: pass one target*"]
    )


def test_the_command_line_target_wins_over_the_ini_one(pytester, run):
    # different levels are not ambiguous: the documented precedence applies
    pytester.makeini("[pytest]\ncors_url = http://127.0.0.1:9\n")
    pytester.makepyfile(exposing=EXPOSING_APP.format(send=True))
    pytester.syspathinsert()
    pytester.makefile(".yaml", cors_api="contracts:\n  - {name: c, path: /id, origins: [https://app.example.com]}\n")
    run("--cors-app", "exposing:app").assert_outcomes(passed=1)


def test_a_wsgi_app_returning_none_is_named_in_one_line(pytester, run):
    pytester.makepyfile(
        broken="def app(environ, start_response):\n    return None\n",
        test_a=(
            "import pytest\n\n"
            "@pytest.mark.cors('/x', origins=['https://app.example.com'])\n"
            "def test_a():\n    pass\n"
        ),
    )
    pytester.syspathinsert()
    result = run("--cors-app", "broken:app")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "the app under test failed: app-error",
            "*target: WSGI app broken:app served as http://testserver",
            "*cause: the app returned None without calling "
            "start_response(); a WSGI app must call start_response(status, headers) and return an iterable*",
        ]
    )
    result.stdout.no_fnmatch_line("*hint:*")
    no_plugin_frames(result)


# --- YAML errors name the value and the contract --------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("just a string\n", "cors_api.yaml:1:1: the top level must be a mapping with a 'contracts:' list, got string 'just a string'"),
        ("# contracts for the API\n42\n", "cors_api.yaml:2:1: the top level must be a mapping with a 'contracts:' list, got integer 42"),
        (
            "contracts:\n  - path: /a\n    origins: [https://app.example.com]\n  - /b\n",
            "cors_api.yaml:4:5: each contract must be a mapping (path:, origins:, ...); contract #2 is string '/b'",
        ),
        (
            "contracts:\n  - name: users\n    origins: [https://app.example.com]\n",
            "cors_api.yaml:2:5: contract 'users' is missing the required key 'path' (e.g. path: /api/users)",
        ),
    ],
    ids=["scalar-top", "number-top-after-a-comment", "bare-string-contract", "missing-path"],
)
def test_yaml_errors_name_the_line_and_the_offending_value(pytester, run, text, message):
    pytester.makefile(".yaml", cors_api=text)
    result = run("--collect-only", "-q")
    result.stdout.fnmatch_lines([message])
    no_plugin_frames(result)


# --- exposed but not sent ----------------------------------------------------------------------


def test_an_exposed_header_the_response_does_not_send_fails(pytester, run):
    pytester.makepyfile(exposing=EXPOSING_APP.format(send=False))
    pytester.syspathinsert()
    pytester.makefile(".yaml", cors_api=yaml_contract("exposing:app", path="/id", extra="    expose_headers: [X-Id]\n"))
    result = run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*problem:  response header 'X-Id' is exposed but not sent: Access-Control-Expose-Headers lists it, "
            "the response has no X-Id header, so JavaScript reads null",
            "*Hint: the server exposes the header but does not send it on this response*",
        ]
    )


def test_an_exposed_header_that_is_sent_passes(pytester, run):
    pytester.makepyfile(exposing=EXPOSING_APP.format(send=True))
    pytester.syspathinsert()
    pytester.makefile(".yaml", cors_api=yaml_contract("exposing:app", path="/id", extra="    expose_headers: [X-Id]\n"))
    run().assert_outcomes(passed=1)


# --- a body cut short --------------------------------------------------------------------------


def truncated(request: Request, server: FaultServer) -> bytes:
    head = [b"HTTP/1.1 200 OK"] + [f"{n}: {v}".encode("latin-1") for n, v in cors_headers(request)]
    return b"\r\n".join(head + [b"Content-Length: 100", b"Connection: close", b"", b""]) + b"only ten b"


def truncating_server(fault_server) -> FaultServer:
    def handler(conn, server):
        from .servers import read_request

        request = read_request(conn)
        if request is None:
            return
        server.record(request)
        conn.sendall(truncated(request, server))

    return fault_server(handler)


def test_the_live_transport_reports_a_body_cut_short(fault_server):
    server = truncating_server(fault_server)
    transport = LiveTransport(server.url, timeout=5)
    try:
        response = transport.send(HttpRequest("GET", server.url + "/api", (("Origin", APP),)))
    finally:
        transport.close()
    assert response.status == 200
    assert response.body_error == "the body ended after 10 of the 100 bytes its Content-Length announced"


def test_a_complete_body_has_no_body_error(fault_server):
    server = fault_server(cors_reply())
    transport = LiveTransport(server.url, timeout=5)
    try:
        assert transport.send(HttpRequest("GET", server.url + "/api", (("Origin", APP),))).body_error is None
    finally:
        transport.close()


def test_a_truncated_body_is_a_warning_of_a_passing_item(fault_server, pytester, run):
    server = truncating_server(fault_server)
    pytester.makefile(".yaml", cors_api=yaml_contract(server.url))
    result = run()
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*CorsResponseWarning: api [[]GET https://app.example.com[]]: the actual response to GET "
            f"{server.url}/api is broken: the body ended after 10 of the 100 bytes its Content-Length announced. "
            "fetch() resolves with the headers, but reading the body*fails in the page with a TypeError*"
        ]
    )


def test_a_truncated_body_is_a_note_in_a_failure_report(fault_server, pytester, run):
    server = truncating_server(fault_server)
    pytester.makefile(
        ".yaml", cors_api=yaml_contract(server.url, extra="    credentials: true\n")  # no ACAC: blocked
    )
    result = run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["Note: api [[]GET https://app.example.com[]]: the actual response to GET * is broken: *"])


def test_a_body_sent_in_full_gives_no_warning(fault_server, pytester, run):
    server = fault_server(raw_reply(b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"))
    pytester.makefile(".yaml", cors_api=yaml_contract(server.url, extra="    vary: false\n"))
    result = run()
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*CorsResponseWarning*")
