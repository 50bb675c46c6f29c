"""ASGI apps as in-process targets through the plugin: detection, forcing, lifespan, faults, the three styles."""

from __future__ import annotations

import pytest

from .asgi_project import APP_SOURCE

MARKED = """
import pytest


@pytest.mark.cors(path="/api", origins=["https://app.example.com"], methods=["GET", "PUT"],
                  request_headers=["Authorization"])
def test_api():
    pass
"""

YAML = """contracts:
  - name: api
    path: /api
    origins: [https://app.example.com]
    deny_origins: [https://evil.example.net]
    methods: [GET, PUT]
    request_headers: [Authorization]
"""

FIXTURE_STYLE = """
def test_checks(cors):
    cors.check("/api", origin="https://app.example.com", method="PUT",
               headers={"Authorization": "Bearer t"}).assert_allowed()
    cors.check("/api", origin="https://evil.example.net").assert_blocked()
"""


def serve(pytester: pytest.Pytester, attribute: str) -> None:
    pytester.makepyfile(asgiapp=APP_SOURCE)
    pytester.makeconftest(f"import pytest\nimport asgiapp\n\n@pytest.fixture\ndef cors_app():\n    return asgiapp.{attribute}\n")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", "--cors-audit", "off", *args)


@pytest.fixture(autouse=True)
def _fresh_modules(monkeypatch):
    monkeypatch.setattr("sys.dont_write_bytecode", True)


def test_marker_yaml_and_fixture_styles_with_an_asgi_cors_app(pytester):
    serve(pytester, "fastapi_app")
    pytester.makepyfile(test_marked=MARKED, test_fixture=FIXTURE_STYLE)
    pytester.makefile(".yaml", cors_api=YAML)
    result = run(pytester)
    result.assert_outcomes(passed=2 + 4)  # marker + fixture, and 2 origins x 2 methods of YAML


def test_a_yaml_target_can_name_an_asgi_app(pytester):
    pytester.makepyfile(asgiapp=APP_SOURCE)
    pytester.makefile(".yaml", cors_api="target: asgiapp:starlette_app\n" + YAML)
    pytester.makeini("[pytest]\npythonpath = .\n")
    result = run(pytester, "-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*cors_api.yaml::api*PUT-https://app.example.com* PASSED*"])


def test_an_asgi_app_breaking_its_contract_fails_with_a_verdict(pytester):
    serve(pytester, "fastapi_app")
    pytester.makepyfile(test_marked=MARKED.replace('methods=["GET", "PUT"]', 'methods=["GET", "DELETE"]'))
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*DELETE*", "*Access-Control-Allow-Methods*"])
    result.stdout.fnmatch_lines(["*allow_methods=*"])  # the Starlette hint names the real fix
    result.stdout.fnmatch_lines(["Target:   ASGI app fastapi.applications.FastAPI instance served as http://testserver",
                                 "Contract: test_marked.py::test_api: @pytest.mark.cors"], consecutive=True)


def test_a_failure_report_names_the_app_given_as_module_attribute(pytester):
    pytester.makepyfile(asgiapp=APP_SOURCE, test_fixture="""
def test_checks(cors):
    cors.check("/api", origin="https://evil.example.net").assert_allowed()
""")
    result = run(pytester, "--cors-app", "asgiapp:fastapi_app")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["Target:   ASGI app asgiapp:fastapi_app served as http://testserver"])


@pytest.mark.parametrize("how", ["option", "ini"])
def test_cors_app_option_detects_asgi_and_the_header_names_it(pytester, how):
    pytester.makepyfile(asgiapp=APP_SOURCE, test_marked=MARKED)
    if how == "option":
        result = run(pytester, "-v", "--cors-app", "asgiapp:fastapi_app")
        source = "--cors-app"
    else:
        pytester.makeini("[pytest]\ncors_app = asgiapp:fastapi_app\n")
        result = run(pytester, "-v")
        source = "ini cors_app"
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"cors: ASGI app asgiapp:fastapi_app served as http://testserver (from {source})"])


def test_wsgi_apps_are_still_named_wsgi(pytester):
    pytester.makepyfile(wsgiapp="def app(environ, start_response):\n    start_response('200 OK', [])\n    return [b'']\n")
    result = run(pytester, "-v", "--cors-app", "wsgiapp:app", "--collect-only")
    result.stdout.fnmatch_lines(["cors: WSGI app wsgiapp:app served as http://testserver (from --cors-app)"])


def test_forcing_the_interface(pytester):
    pytester.makepyfile(asgiapp=APP_SOURCE, test_marked=MARKED.replace(', "PUT"]', "]").replace(
        ',\n                  request_headers=["Authorization"]', ""))
    # detected as WSGI (a plain function): the WSGI call fails, and says it was WSGI
    result = run(pytester, "--cors-app", "asgiapp:sync_wrapper")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["the app under test failed: app-error", "*WSGI app asgiapp:sync_wrapper*"])
    result = run(pytester, "--cors-app", "asgiapp:sync_wrapper", "--cors-app-interface", "asgi")
    result.assert_outcomes(passed=1)
    pytester.makeini("[pytest]\ncors_app_interface = asgi\n")
    result = run(pytester, "--cors-app", "asgiapp:sync_wrapper")
    result.assert_outcomes(passed=1)


def test_an_asgi_app_forced_to_wsgi_is_a_one_line_error(pytester):
    """A new user's likely slip: no WSGI TypeError and no plugin frames, but what to change."""
    pytester.makepyfile(asgiapp=APP_SOURCE, test_marked=MARKED)
    result = run(pytester, "--cors-app", "asgiapp:fastapi_app", "--cors-app-interface", "wsgi")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([
        "--cors-app-interface: wsgi was forced, but asgiapp:fastapi_app is an ASGI app "
        "(its call is async def); use --cors-app-interface asgi, or auto to detect it",
    ])
    result.stdout.no_fnmatch_line("*pytest_cors/transport*")
    result.stdout.no_fnmatch_line("*Traceback*")


def test_a_bad_interface_value_is_a_usage_error(pytester):
    result = run(pytester, "--cors-app-interface", "asgi3")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--cors-app-interface: 'asgi3' is not one of auto, wsgi, asgi*"])


def test_lifespan_state_set_at_startup_is_there(pytester):
    serve(pytester, "starlette_app")
    pytester.makepyfile(test_fixture="""
def test_state(cors):
    result = cors.check("/api", origin="https://app.example.com")
    result.assert_allowed()
    assert result.actual.response.header("x-greeting") == "ready"
""", test_marked=MARKED)
    run(pytester).assert_outcomes(passed=2)


def test_an_app_without_lifespan_is_used_without_it(pytester):
    serve(pytester, "no_lifespan")
    pytester.makepyfile(test_marked=MARKED.replace(', "PUT"]', "]").replace(
        ',\n                  request_headers=["Authorization"]', ""))
    result = run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*ASGI lifespan*")
    result.stdout.no_fnmatch_line("*lifespan*failed*")


@pytest.mark.parametrize(
    "attribute, cause",
    [
        ("failed_startup", "*the ASGI app's lifespan startup failed: lifespan.startup.failed: missing SECRET_KEY*"),
        ("raising_startup", "*the ASGI app's lifespan startup failed: raised ConnectionError: cannot reach the database at db:5432*"),
    ],
)
def test_a_failing_startup_errors_the_tests_and_is_reported_once(pytester, attribute, cause):
    serve(pytester, attribute)
    pytester.makepyfile(test_marked=MARKED, test_two=MARKED.replace("test_api", "test_other"))
    result = run(pytester)
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["the app under test failed: app-lifespan-error", cause])
    result.stdout.fnmatch_lines(["*= pytest-cors: ASGI lifespan =*", "ASGI app asgiapp.* served as http://testserver: " + cause.lstrip("*")])
    assert result.stdout.str().count("= pytest-cors: ASGI lifespan =") == 1
    result.stdout.no_fnmatch_line("*pytest_cors/*.py*")


def test_a_failing_shutdown_is_reported_at_the_end(pytester):
    serve(pytester, "failing_shutdown")
    pytester.makepyfile(test_marked=MARKED.replace(', "PUT"]', "]").replace(
        ',\n                  request_headers=["Authorization"]', ""))
    result = run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*= pytest-cors: ASGI lifespan =*",
                                 "*lifespan shutdown failed: lifespan.shutdown.failed: could not flush the queue"])


SIMPLE = MARKED.replace(', "PUT"]', "]").replace(',\n                  request_headers=["Authorization"]', "")


@pytest.mark.parametrize(
    "attribute, kind, lines",
    [
        ("raises", "app-error", ["  cause: the ASGI app raised KeyError: 'user 7 not found'", "*asgiapp.py*in raises*",
                                 "*asgiapp.py*in load_user*"]),
        ("never_starts", "app-protocol-error", ["  cause: the ASGI app returned without sending http.response.start"]),
        ("out_of_order", "app-protocol-error",
         ["  cause: the ASGI app sent http.response.body before http.response.start", "*asgiapp.py*in out_of_order*"]),
        ("hangs", "app-timeout", ["  cause: the ASGI app did not complete its response within 0.5 s"]),
    ],
)
def test_faults_are_errors_naming_the_kind_with_the_apps_frames_only(pytester, attribute, kind, lines):
    serve(pytester, attribute)
    pytester.makepyfile(test_marked=SIMPLE)
    result = run(pytester, "--cors-timeout", "0.5")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"the app under test failed: {kind}", "  URL:   http://testserver/api",
                                 f"  target: ASGI app asgiapp.{attribute} served as http://testserver"],
                                consecutive=True)
    result.stdout.fnmatch_lines(lines)
    result.stdout.fnmatch_lines(["This is a fault of the app, not a CORS verdict: no browser decision was made."])
    result.stdout.no_fnmatch_line("*pytest_cors/*")
    result.stdout.no_fnmatch_line("*asyncio/*")
    result.stdout.no_fnmatch_line("*network fault*")


def test_the_audit_probes_an_asgi_app_in_process(pytester):
    serve(pytester, "regex_app")
    pytester.makepyfile(test_marked="""
import pytest


@pytest.mark.cors(path="/api", origins=["https://app.example.com"], credentials=True)
def test_api():
    pass
""")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    # the loose regex (no dot before "example", any subdomain) trusts look-alike hosts: found by probing
    # the app in-process
    result.stdout.fnmatch_lines(["CORS audit of 'test_api': * findings at or above medium*"])
    result.stdout.fnmatch_lines(["*suffix-lookalike*"])
