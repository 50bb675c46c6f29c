"""Live-URL mode against a real server on 127.0.0.1: what is sent, the session, timeouts."""

from pathlib import Path

import pytest

POLICY_APP_PATH = Path(__file__).parent.parent / "plugin" / "policy_app.py"
APP = "https://app.example.com"

MARKED = """
import pytest


@pytest.mark.cors(path="/api/users", origins=["https://app.example.com"], methods=["GET", "PUT", "DELETE"],
                  request_headers=["Authorization"], max_age=600)
def test_users():
    pass
"""


def test_unsafe_actual_requests_are_not_sent_without_the_flag(pytester, policy_server, run):
    server = policy_server({"origins": [APP], "max_age": 600})
    pytester.makepyfile(test_users=MARKED)
    result = run("--cors-url", server.url)
    result.assert_outcomes(passed=1)
    assert server.requests() == [
        ("OPTIONS", "/api/users"),
        ("GET", "/api/users"),
        ("OPTIONS", "/api/users"),
        ("OPTIONS", "/api/users"),
    ]
    methods_announced = [h["Access-Control-Request-Method"] for m, _, h, _ in server.log if m == "OPTIONS"]
    assert methods_announced == ["GET", "PUT", "DELETE"]
    assert "actual requests not sent" not in result.stdout.str()  # quiet by default
    verbose = run("--cors-url", server.url, "-v")
    verbose.stdout.fnmatch_lines(
        [
            "*= pytest-cors: actual requests not sent =*",
            "2 actual request(s) to the live URL were not sent (their method can change data); only their "
            "preflight was checked. Pass --cors-send-unsafe to send them.",
            f"  PUT {server.url}/api/users (test_users)",
            f"  DELETE {server.url}/api/users (test_users)",
        ],
        consecutive=True,
    )


def test_the_report_says_the_actual_request_was_not_sent(pytester, policy_server, run):
    server = policy_server({"origins": [APP], "max_age": 300})
    pytester.makepyfile(test_users=MARKED)
    result = run("--cors-url", server.url)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"[[]2[]] CORS contract 'test_users' violated: PUT {server.url}/api/users from origin https://app.example.com",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "Note: the actual PUT request was not sent to the live URL (it could change data); only the preflight "
            "was checked. Pass --cors-send-unsafe to send it.",
        ]
    )
    result.stdout.fnmatch_lines(["Note: the actual DELETE request was not sent to the live URL*"])
    assert "Note: the actual GET" not in result.stdout.str()
    assert ("PUT", "/api/users") not in server.requests()


def test_a_deny_case_whose_preflight_allows_fails_and_says_what_was_not_sent(pytester, policy_server, run):
    server = policy_server({"origins": "reflect"})
    pytester.makepyfile(
        test_d='import pytest\n\n@pytest.mark.cors(path="/x", deny_origins=["https://evil.example.net"], methods=["DELETE"])\n'
        "def test_d():\n    pass\n"
    )
    result = run("--cors-url", server.url)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  problem:  the preflight allows origin https://evil.example.net, which the contract says must be blocked "
            "(the actual request was not sent: pass --cors-send-unsafe to send it)",
        ]
    )
    assert server.requests() == [("OPTIONS", "/x")]


@pytest.mark.parametrize("how", ["option", "ini"])
def test_send_unsafe_sends_them(pytester, policy_server, run, how):
    server = policy_server({"origins": [APP], "max_age": 600})
    pytester.makepyfile(test_users=MARKED)
    if how == "ini":
        pytester.makeini(f"[pytest]\ncors_url = {server.url}\ncors_send_unsafe = true\n")
        result = run()
    else:
        result = run("--cors-url", server.url, "--cors-send-unsafe")
    result.assert_outcomes(passed=1)
    assert server.requests() == [
        ("OPTIONS", "/api/users"),
        ("GET", "/api/users"),
        ("OPTIONS", "/api/users"),
        ("PUT", "/api/users"),
        ("OPTIONS", "/api/users"),
        ("DELETE", "/api/users"),
    ]
    put = next(h for m, _, h, _ in server.log if m == "PUT")
    assert put["Origin"] == APP
    assert put["Authorization"] == "pytest-cors"


def test_in_process_everything_is_sent(pytester, run):
    pytester.syspathinsert(str(pytester.path))
    pytester.makepyfile(
        myapp=f"import importlib.util\nspec = importlib.util.spec_from_file_location('p', {str(POLICY_APP_PATH)!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\napp = m.make_app({'max_age': 600})\n",
        test_users=MARKED + "\n\ndef test_log():\n    import myapp\n    assert [m for m, *_ in myapp.app.log] == "
        "['OPTIONS', 'GET', 'OPTIONS', 'PUT', 'OPTIONS', 'DELETE']\n",
    )
    run("--cors-app", "myapp:app").assert_outcomes(passed=2)


def test_patch_goes_on_the_wire_as_written(pytester, policy_server, run):
    server = policy_server({"origins": [APP], "methods": "GET, patch"})
    pytester.makepyfile(
        test_p='import pytest\n\n@pytest.mark.cors(path="/p", origins=["https://app.example.com"], methods=["patch"])\n'
        "def test_p():\n    pass\n"
    )
    run("--cors-url", server.url, "--cors-send-unsafe").assert_outcomes(passed=1)
    assert server.requests() == [("OPTIONS", "/p"), ("patch", "/p")]
    assert server.log[0][2]["Access-Control-Request-Method"] == "patch"


def test_yaml_target_and_precedence(pytester, policy_server, run):
    good = policy_server({"origins": [APP]})
    bad = policy_server({"origins": []})
    pytester.makefile(
        ".yaml",
        cors_api=f"target: {good.url}\ncontracts:\n  - {{name: c, path: /api, origins: [{APP}]}}\n",
    )
    run().assert_outcomes(passed=1)
    assert good.requests() == [("GET", "/api")]
    # ini cors_url loses to the file's target:
    pytester.makeini(f"[pytest]\ncors_url = {bad.url}\n")
    run().assert_outcomes(passed=1)
    assert bad.requests() == []
    # --cors-url on the command line wins over target:
    result = run("--cors-url", bad.url)
    result.assert_outcomes(failed=1)
    assert bad.requests() == [("GET", "/api")]
    result.stdout.fnmatch_lines([f"CORS contract 'c' violated: GET {bad.url}/api from origin {APP}"])


def test_ini_cors_url_beats_the_cors_app_fixture(pytester, policy_server, run):
    server = policy_server({"origins": [APP]})
    pytester.makeconftest("import pytest\n\n@pytest.fixture\ndef cors_app():\n    raise AssertionError('not used')\n")
    pytester.makepyfile(test_a='import pytest\n\n@pytest.mark.cors(path="/a", origins=["https://app.example.com"])\ndef test_a():\n    pass\n')
    pytester.makeini(f"[pytest]\ncors_url = {server.url}\n")
    result = run("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"cors: live URL {server.url} (from ini cors_url)"])
    assert server.requests() == [("GET", "/a")]


def test_werkzeug_server_closes_each_connection(pytester, policy_server, run):
    """The control for the next test: werkzeug's dev server closes every connection."""
    server = policy_server({"origins": [APP]})
    pytester.makepyfile(test_users=MARKED)
    run("--cors-url", server.url).assert_outcomes(failed=1)
    assert server.connections == len(server.log) == 4


def test_one_session_reuses_connections(pytester, policy_server, run):
    server = policy_server({"origins": [APP, "https://admin.example.com"], "max_age": 600}, keepalive=True)
    pytester.makepyfile(test_users=MARKED)
    pytester.makefile(
        ".yaml",
        cors_api="contracts:\n  - {name: c, path: /api, origins: [https://app.example.com, https://admin.example.com],"
        " methods: [GET, POST]}\n",
    )
    result = run("--cors-url", server.url, "--cors-send-unsafe")
    result.assert_outcomes(passed=5)
    assert len(server.log) == 10
    assert server.connections == 1


def test_same_origin_as_the_live_url_is_an_error(pytester, policy_server, run):
    server = policy_server({"origins": "reflect"})
    pytester.makepyfile(
        test_a=f'import pytest\n\n@pytest.mark.cors(path="/a", origins=["{server.url}"])\ndef test_a():\n    pass\n'
    )
    result = run("--cors-url", server.url + "/")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"*origin '{server.url}' is the target's own origin (live URL {server.url}). Same-origin requests never use CORS*"]
    )
    assert server.requests() == []


@pytest.mark.parametrize("how", ["option", "ini"])
def test_timeout_applies(pytester, policy_server, run, how):
    server = policy_server({"origins": [APP]}, slow_seconds=1.0)
    pytester.makepyfile(
        test_s='import pytest\n\n@pytest.mark.cors(path="/slow", origins=["https://app.example.com"])\ndef test_s():\n    pass\n'
    )
    if how == "ini":
        pytester.makeini("[pytest]\ncors_timeout = 0.2\n")
        result = run("--cors-url", server.url)
    else:
        result = run("--cors-url", server.url, "--cors-timeout", "0.2")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "cannot reach the target: timeout",
            f"  URL:   {server.url}/slow",
            "  cause: timed out after 0.2 s waiting for the response",
            "This is a network fault, not a CORS verdict: no browser decision was made.",
        ],
        consecutive=True,
    )
    result.stdout.no_fnmatch_line("*Traceback*")
    # without the short timeout the same server answers
    server.slow_seconds = 0.3
    pytester.makeini("[pytest]\n")
    run("--cors-url", server.url).assert_outcomes(passed=1)


def test_connection_refused_is_an_error_not_a_verdict(pytester, policy_server, run):
    server = policy_server()
    url = server.url
    server.stop()
    pytester.makepyfile(test_a='import pytest\n\n@pytest.mark.cors(path="/a", origins=["https://app.example.com"])\ndef test_a():\n    pass\n')
    result = run("--cors-url", url)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["cannot reach the target: connection-refused", f"  URL:   {url}/a"], consecutive=True)


def test_cors_fixture_against_a_live_url(pytester, policy_server, run):
    server = policy_server({"origins": [APP], "expose": "X-Total-Count"})
    pytester.makepyfile(
        test_f="""
        def test_f(cors):
            result = cors.check("/api", origin="https://app.example.com")
            assert result.allowed and result.readable_headers["x-total-count"] == "2"
            withheld = cors.check("/api", origin="https://app.example.com", method="DELETE")
            assert withheld.allowed and withheld.actual is None
            assert withheld.preflight.request.header("Access-Control-Request-Method") == "DELETE"
        """
    )
    run("--cors-url", server.url).assert_outcomes(passed=1)
    assert server.requests() == [("GET", "/api"), ("OPTIONS", "/api")]
