"""--cors-scan against a real server on 127.0.0.1 (a werkzeug server thread on port 0)."""

from __future__ import annotations

import threading
from typing import Callable, Iterator

import pytest
from werkzeug.serving import make_server

from .apps import allowlist_policy, flask_app, werkzeug_app
from .test_plugin_audit import esc


@pytest.fixture
def serve() -> Iterator[Callable[[Callable], str]]:
    servers = []

    def start(app: Callable) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server, thread in servers:
        server.shutdown()
        thread.join(5)
        server.server_close()


def scan(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:benchmark", *args)


def test_scan_finds_reflection_and_exits_non_zero(pytester, serve):
    base = serve(flask_app(supports_credentials=True))
    pytester.makepyfile(test_unrelated="def test_not_collected():\n    raise AssertionError('the scan runs nothing else')\n")
    result = scan(pytester, "--cors-scan", f"{base}/api/users", "--cors-scan-origin", "https://app.example.com")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = result.stdout.str()
    assert "test_not_collected" not in out
    result.stdout.fnmatch_lines(
        [
            "*= CORS audit findings =*",
            "severity  probe *origin *contract *summary",
            f"critical  reflect-any-origin *https://evil.invalid *{base}/api/users *",
        ]
    )
    # one root cause, one finding: every lookalike is read because any origin is; they are grouped under it
    result.stdout.fnmatch_lines(
        [
            "*covers 22 more findings of the same cause (worst critical): "
            "null-origin (null), prefix-lookalike (https://app.example.com.evil.invalid), suffix-lookalike (2 origins),"
            "*special-characters (14 origins)",
        ]
    )
    assert "critical  null-origin" not in out and "critical  special-characters" not in out
    result.stdout.fnmatch_lines(["24 finding(s), 23 at or above medium *; 22 grouped under the broader finding that covers them"])
    result.assert_outcomes(failed=1, skipped=8, passed=5)
    result.stdout.fnmatch_lines([esc(f"FAILED cors-scan::{base}/api/users[audit:reflect-any-origin]*")])
    result.stdout.fnmatch_lines([f"    curl -i {base}/api/users -H 'Origin: https://evil.invalid'*"])
    skips = scan(pytester, "--cors-scan", f"{base}/api/users", "--cors-scan-origin", "https://app.example.com", "-rs")
    skips.stdout.fnmatch_lines(
        [esc("SKIPPED [8] cors-scan*: covered by reflect-any-origin (the same cause: its findings are reported under [audit:reflect-any-origin])")]
    )


def test_scan_of_a_correct_server_passes_and_prints_an_empty_table(pytester, serve):
    base = serve(werkzeug_app(allowlist_policy()))
    result = scan(pytester, "--cors-scan", f"{base}/api/users", "--cors-scan-origin", "https://app.example.com", "-v")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [esc(f"cors-scan::{base}/api/users[audit:reflect-any-origin] PASSED*"), "*= CORS audit findings =*", "no findings"]
    )


def test_scan_without_a_trusted_origin_still_probes_reflection(pytester, serve):
    base = serve(flask_app(supports_credentials=True))
    result = scan(pytester, "--cors-scan", f"{base}/api/users", "--collect-only", "-q")
    out = result.stdout.str()
    assert "[audit:reflect-any-origin]" in out and "[audit:null-origin]" in out
    assert "[audit:prefix-lookalike]" not in out
    result = scan(pytester, "--cors-scan", f"{base}/api/users")
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_scan_severity_threshold_sets_the_exit_code(pytester, serve):
    # reflecting without credentials: high findings; --cors-audit-severity critical lets the scan pass
    def reflect(req, response, preflight):
        origin = req.headers.get("Origin")
        response.vary.add("Origin")
        if origin:
            response.headers["Access-Control-Allow-Origin"] = origin

    base = serve(werkzeug_app(reflect))
    args = ("--cors-scan", f"{base}/api/users", "--cors-scan-origin", "https://app.example.com")
    assert scan(pytester, *args).ret == pytest.ExitCode.TESTS_FAILED
    result = scan(pytester, *args, "--cors-audit-severity", "critical")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["high      reflect-any-origin *"])


def test_scan_of_an_unreachable_url_is_an_error(pytester):
    # the requests go out in setup, as for every other item: a network fault is an error, never a finding
    result = scan(pytester, "--cors-scan", "http://127.0.0.1:9/api", "-k", "reflect-any-origin")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ERROR at setup of *reflect-any-origin*", "*cannot reach the target: connection-refused*"])
    result.stdout.fnmatch_lines([esc("ERROR cors-scan::http://127.0.0.1:9/api[audit:reflect-any-origin]*")])


def test_scan_rejects_a_bad_url(pytester):
    result = scan(pytester, "--cors-scan", "staging.example.com/api")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--cors-scan: 'staging.example.com/api' is not an http(s) URL*"])
