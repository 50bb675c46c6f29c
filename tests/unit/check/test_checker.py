"""The ``cors`` fixture's object (CorsChecker / CheckResult) and the run's state (CorsRun), in-process.

Real WSGI apps served by the run's own transports, and a real HTTP server on 127.0.0.1 for what
only a live URL does (withheld unsafe requests, one connection pool per run, unreachable targets).
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, Iterator, List

import pytest
from werkzeug.serving import make_server

from pytest_cors.browser.cookies import Cookie
from pytest_cors.browser.profiles import select_profiles
from pytest_cors.check.run import CorsChecker, CorsRun, contract_with_jar, in_process_label
from pytest_cors.contract.schema import parse_contract
from pytest_cors.errors import CorsConfigurationError, CorsContractFailure, CorsNetworkError
from pytest_cors.report.redaction import Redactor

APP = "https://app.example.com"
EVIL = "https://evil.example"


def policy_app(seen: List[str]) -> Callable[..., List[bytes]]:
    """Allows APP for GET/PUT and the X-Token header, exposes X-Total; logs 'METHOD path'."""

    def wsgi(environ: Dict[str, Any], start_response: Callable[..., Any]) -> List[bytes]:
        seen.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
        allowed = environ.get("HTTP_ORIGIN") == APP
        headers = [("Vary", "Origin")] + ([("Access-Control-Allow-Origin", APP)] if allowed else [])
        if environ["REQUEST_METHOD"] == "OPTIONS":
            headers += [("Access-Control-Allow-Methods", "GET, PUT"), ("Access-Control-Allow-Headers", "X-Token")]
            start_response("204 No Content", headers)
            return [b""]
        start_response("200 OK", headers + [("X-Total", "5"), ("X-Page", "1"), ("Access-Control-Expose-Headers", "X-Total")])
        return [b"{}"]

    return wsgi


@pytest.fixture
def seen() -> List[str]:
    return []


@pytest.fixture
def run() -> Iterator[CorsRun]:
    run = CorsRun(profiles=select_profiles("all"), redactor=Redactor())
    yield run
    run.close()


@pytest.fixture
def cors(run: CorsRun, seen: List[str]) -> CorsChecker:
    return CorsChecker(run, lambda: run.app(policy_app(seen), name="tests.app:app"))


@pytest.fixture
def live_url(seen: List[str]) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, policy_app(seen), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_an_allowed_check_reads_like_a_browser(cors, seen):
    result = cors.check("/api", origin=APP)
    assert (result.allowed, result.blocked_by, result.reason, result.console_message) == (True, (), "ok", "")
    assert sorted(result.verdicts) == ["chrome", "firefox", "safari"]
    assert (result.preflight, result.actual.request.method, len(result.exchanges)) == (None, "GET", 1)
    assert result.readable_headers == {"x-total": "5"}  # exposed; X-Page is not
    assert repr(result) == f"<CheckResult GET http://testserver/api from {APP}: allowed>"
    assert result.assert_allowed() is result
    assert seen == ["GET /api"]


def test_a_preflighted_check_shows_both_exchanges(cors, seen):
    result = cors.check("/api", origin=APP, method="PUT", headers={"X-Token": "1"}, body="{}")
    assert (result.allowed, result.preflight.request.method, result.actual.request.method) == (True, "OPTIONS", "PUT")
    assert (result.actual.request.body, result.actual.request.header("X-Token")) == (b"{}", "1")
    assert seen == ["OPTIONS /api", "PUT /api"]
    listed = cors.check("/api", origin=APP, method="PUT", headers=["X-Token"])
    assert listed.preflight.request.header("Access-Control-Request-Headers") == "x-token"


def test_a_blocked_check_names_the_browsers_and_chromes_message(cors):
    result = cors.check("/api", origin=APP, method="DELETE")
    assert (result.allowed, result.blocked_by, result.reason) == (False, ("chrome", "firefox", "safari"), result.verdicts["chrome"].reason)
    assert result.console_message == result.verdicts["chrome"].message
    assert result.console_message.startswith("Access to fetch at 'http://testserver/api' from origin 'https://app.example.com'")
    assert repr(result) == f"<CheckResult DELETE http://testserver/api from {APP}: blocked by chrome, firefox, safari>"
    assert result.assert_blocked() is result
    with pytest.raises(CorsContractFailure) as failure:
        result.assert_allowed()
    assert str(failure.value).startswith(f"CORS contract 'cors.check(\"/api\")' violated: DELETE http://testserver/api from origin {APP}")
    assert "Target:   WSGI app tests.app:app served as http://testserver" in str(failure.value)


def test_assert_blocked_of_an_allowed_read_fails_with_the_report(cors):
    with pytest.raises(CorsContractFailure) as failure:
        cors.check("/api", origin=APP).assert_blocked()
    text = str(failure.value)
    assert text.startswith(f"CORS contract 'cors.check(\"/api\")' violated: GET http://testserver/api from origin {APP}\n")
    assert f"origin {APP} can read the response in Chrome, Firefox, Safari, but the contract says it must be blocked" in text
    assert "Target:   WSGI app tests.app:app served as http://testserver" in text


def test_an_exposed_header_check(cors):
    cors.check("/api", origin=APP, expose_headers=["X-Total"]).assert_allowed()
    with pytest.raises(CorsContractFailure, match="JavaScript cannot read response header 'X-Page' \\(it is not exposed\\)"):
        cors.check("/api", origin=APP, expose_headers=["X-Page"]).assert_allowed()


def test_readable_headers_are_what_every_selected_browser_can_read(run, seen):
    def app(environ, start_response):
        start_response("200 OK", [("Access-Control-Allow-Origin", APP), ("Vary", "Origin"), ("X-A", "1"), ("X-B", "2"),
                                  ("Access-Control-Expose-Headers", "X-A, X-B")])
        return [b""]

    assert CorsChecker(run, lambda: run.app(app)).check("/x", origin=APP).readable_headers == {"x-a": "1", "x-b": "2"}


def test_bad_arguments_are_configuration_errors_naming_the_call(cors):
    with pytest.raises(CorsConfigurationError) as error:
        cors.check("/api", origin="app.example.com")
    assert str(error.value).startswith("cors.check(): ")
    assert "'app.example.com'" in str(error.value)
    with pytest.raises(CorsConfigurationError) as whole:
        cors.check_contract(path="/api", origins=[APP], methods=["FETCH ME"])
    assert str(whole.value).startswith("cors.check_contract(): ")


def test_the_apps_own_origin_is_refused_with_the_reason(cors, seen):
    with pytest.raises(CorsConfigurationError) as error:
        cors.check("/api", origin="http://testserver")
    assert str(error.value) == (
        "cors.check: origin 'http://testserver' is the target's own origin (WSGI app tests.app:app served as "
        "http://testserver). Same-origin requests never use CORS, so this contract would check nothing. Use the "
        "origin of the page that calls the API (a dev proxy that serves the page and the API together hides CORS "
        "until staging)."
    )
    assert seen == []
    with pytest.raises(CorsConfigurationError, match="^cors.check: origin 'http://testserver' is the target's own origin"):
        cors.check_contract(name="users", path="/api", origins=["http://testserver"])


def test_check_contract_returns_every_case_or_fails_with_each_failure_numbered(cors):
    results = cors.check_contract(name="users", path="/api", origins=[APP], methods=["GET", "PUT"], deny_origins=[EVIL])
    assert [(r.case.method, r.case.origin, r.passed) for r in results] == [("GET", APP, True), ("PUT", APP, True), ("GET", EVIL, True), ("PUT", EVIL, True)]
    with pytest.raises(CorsContractFailure) as failure:
        cors.check_contract(name="users", path="/api", origins=[APP, "https://other.example"], methods=["GET", "DELETE"])
    text = str(failure.value)
    assert text.startswith("3 of 4 CORS cases failed\n\n[1] CORS contract 'users' violated: DELETE http://testserver/api")
    assert "\n\n[2] CORS contract 'users' violated: GET http://testserver/api from origin https://other.example" in text
    assert "\n\n[3] " in text and "[4]" not in text


def test_one_failing_case_is_reported_alone_and_two_are_numbered(cors):
    with pytest.raises(CorsContractFailure) as failure:
        cors.check_contract(name="users", path="/api", origins=[APP], methods=["GET", "DELETE"])
    assert str(failure.value).startswith("CORS contract 'users' violated: DELETE http://testserver/api")
    with pytest.raises(CorsContractFailure) as two:
        cors.check_contract(path="/api", origins=[APP], methods=["GET", "DELETE", "PATCH"])  # unnamed: named after its path
    text = str(two.value)
    assert text.startswith("2 of 3 CORS cases failed\n\n[1] CORS contract '/api' violated: DELETE http://testserver/api")
    assert "\n\n[2] CORS contract '/api' violated: PATCH http://testserver/api" in text


def test_the_transport_is_made_once_and_the_profiles_are_the_runs(run, seen):
    made = []
    checker = CorsChecker(run, lambda: made.append(1) or run.app(policy_app(seen)))
    checker.check("/a", origin=APP)
    checker.check("/b", origin=APP)
    assert made == [1]
    assert checker.profiles == ("chrome", "firefox", "safari")


def test_an_app_that_raises_is_a_fault_report_naming_the_app(run):
    def broken(environ, start_response):
        raise RuntimeError("database is down")

    with pytest.raises(CorsNetworkError) as error:
        CorsChecker(run, lambda: run.app(broken, name="tests.broken:app")).check("/api", origin=APP)
    lines = str(error.value).splitlines()
    assert lines[:3] == ["the app under test failed: app-error", "  URL:   http://testserver/api",
                         "  target: WSGI app tests.broken:app served as http://testserver"]
    with pytest.raises(CorsNetworkError) as again:
        contract = parse_contract({"name": "c", "path": "/api", "origins": [APP]})
        run.run_contract(contract, run.app(broken, name="tests.broken:app"))
    assert str(again.value).splitlines()[:3] == lines[:3]


def test_a_run_keeps_one_transport_per_app_and_per_live_url(run, seen):
    app = policy_app(seen)
    assert run.app(app) is run.app(app)
    assert run.app(app) is not run.app(policy_app(seen))
    first = run.live("https://api.example.com/")
    assert run.live("https://api.example.com") is first
    other = run.live("https://other.example.com")
    assert other is not first and other.session is first.session  # one connection pool per run
    assert (in_process_label(first), in_process_label(run.app(app))) == ("", "WSGI app " + run.app(app).describe()[9:])
    run.close()
    assert run.live("https://api.example.com") is not first


def test_unsafe_requests_are_withheld_from_a_live_url_unless_asked(live_url, seen):
    contract = parse_contract({"name": "users", "path": "/api", "origins": [APP], "methods": ["PUT"]})
    run = CorsRun(profiles=select_profiles("chrome"), redactor=Redactor())
    results = run.run_contract(contract, run.live(live_url))
    assert (seen, results[0].passed, results[0].target) == (["OPTIONS /api"], True, "")
    assert run.withheld == [f"PUT {live_url}/api (users)"]
    assert (run.withholds_unsafe(run.live(live_url)), run.withholds_unsafe(run.app(policy_app(seen)))) == (True, False)
    run.close()
    sending = CorsRun(profiles=select_profiles("chrome"), redactor=Redactor(), send_unsafe=True)
    sending.run_contract(contract, sending.live(live_url))
    assert (seen[1:], sending.withheld) == (["OPTIONS /api", "PUT /api"], [])
    sending.close()


def test_a_failed_case_names_its_target_and_every_case_reaches_the_observers(run, seen):
    observed = []
    run.case_observers.append(observed.append)
    contract = parse_contract({"name": "users", "path": "/api", "origins": [APP], "methods": ["GET", "DELETE"]})
    results = run.run_contract(contract, run.app(policy_app(seen), name="tests.app:app"))
    assert [(r.case.method, r.target) for r in results] == [("GET", ""), ("DELETE", "WSGI app tests.app:app served as http://testserver")]
    assert observed == results
    assert run.failure_text(results[:1]) is None


def test_an_unreachable_live_url_is_remembered_for_the_end_of_run_summary():
    run = CorsRun(profiles=select_profiles("chrome"), redactor=Redactor(), timeout=2)
    assert run.unreachable_targets() == {}
    contract = parse_contract({"name": "users", "path": "/api", "origins": [APP]})
    with pytest.raises(CorsNetworkError, match="^cannot reach the target: "):
        run.run_contract(contract, run.live("http://127.0.0.1:9"))
    assert list(run.unreachable_targets()) == ["http://127.0.0.1:9"]
    run.close()


def test_the_run_wide_cookie_jar_goes_under_a_credentialed_contracts_own_cookies():
    jar = (Cookie("sid", "run"), Cookie("theme", "dark"))
    credentialed = parse_contract({"name": "c", "path": "/", "origins": [APP], "credentials": True, "cookies": {"sid": "own"}})
    assert [(c.name, c.value) for c in contract_with_jar(credentialed, jar).cookies] == [("sid", "own"), ("theme", "dark")]
    plain = parse_contract({"name": "c", "path": "/", "origins": [APP]})
    assert contract_with_jar(plain, jar) is plain
    assert contract_with_jar(credentialed, ()) is credentialed


def test_the_cookie_values_of_a_check_are_secrets_of_the_run(run, seen):
    checker = CorsChecker(run, lambda: run.app(policy_app(seen)), jar=(Cookie("sid", "s3cret-run"),))
    checker.check("/api", origin=APP, credentials=True, cookies={"own": "s3cret-own"})
    assert run.redactor.text("sid=s3cret-run; own=s3cret-own") == "sid=<redacted>; own=<redacted>"


def test_failure_reports_hide_the_runs_secret_headers(seen):
    run = CorsRun(profiles=select_profiles("all"), redactor=Redactor.with_names(["X-Token"]))
    cors = CorsChecker(run, lambda: run.app(policy_app(seen)))
    token = {"X-Token": "s3cret-token"}
    reports = []
    hidden = ["X-Page"]  # the actual request is sent (with the token), then the contract fails
    for call in (lambda: cors.check("/api", origin=APP, method="PUT", headers=token, expose_headers=hidden).assert_allowed(),
                 lambda: cors.check("/api", origin=APP, method="PUT", headers=token).assert_blocked(),
                 lambda: cors.check_contract(path="/api", origins=[APP], methods=["PUT"], request_headers=token,
                                             expose_headers=hidden)):
        with pytest.raises(CorsContractFailure) as failure:
            call()
        reports.append(str(failure.value))
    assert ["-H 'X-Token: <redacted>'" in r and "s3cret" not in r for r in reports] == [True, True, True]


def shown_frames(excinfo: Any) -> List[str]:
    """The functions pytest prints in a failure's traceback (it leaves out frames that set __tracebackhide__).

    Under mutation testing mutmut's own trampoline frames sit between the test and the plugin: not counted.
    """
    return [entry.name for entry in excinfo.traceback.filter(excinfo) if "trampoline" not in entry.name]


def test_a_failure_points_at_the_users_line_not_into_the_plugin(cors, request):
    with pytest.raises(CorsContractFailure) as allowed:
        cors.check("/api", origin=APP, method="DELETE").assert_allowed()
    with pytest.raises(CorsContractFailure) as blocked:
        cors.check("/api", origin=APP).assert_blocked()
    with pytest.raises(CorsConfigurationError) as bad:
        cors.check("/api", origin="app.example.com")
    with pytest.raises(CorsContractFailure) as contract:
        cors.check_contract(path="/api", origins=[APP], methods=["DELETE"])
    assert [shown_frames(e) for e in (allowed, blocked, bad, contract)] == [[request.node.name]] * 4


def test_a_check_is_one_fetch_not_a_contract_so_a_missing_vary_is_no_failure(run):
    def reflects(environ, start_response):
        start_response("200 OK", [("Access-Control-Allow-Origin", environ["HTTP_ORIGIN"])])
        return [b""]

    result = CorsChecker(run, lambda: run.app(reflects)).check("/api", origin=APP)
    assert (result.assert_allowed() is result, result.result.problems) == (True, ())


def test_a_check_warns_where_the_fetch_standard_disagrees_with_every_browser(run):
    def wildcard(environ, start_response):
        headers = [("Access-Control-Allow-Origin", "*")]
        start_response("204 No Content" if environ["REQUEST_METHOD"] == "OPTIONS" else "200 OK",
                       headers + [("Access-Control-Allow-Headers", "*")] * (environ["REQUEST_METHOD"] == "OPTIONS"))
        return [b""]

    result = CorsChecker(run, lambda: run.app(wildcard)).check("/api", origin=APP, headers={"Authorization": "Bearer t0ken"})
    assert result.allowed
    assert result.result.spec_warning == (
        "cors.check(\"/api\") [GET https://app.example.com]: allowed by every selected browser, but the Fetch standard "
        "blocks it: Authorization is covered by 'Access-Control-Allow-Headers: *' only by a browser deprecation; list "
        "Authorization explicitly (use --cors-browser spec to make this fail)"
    )


def test_a_check_withholds_an_unsafe_request_from_a_live_url(live_url, seen):
    run = CorsRun(profiles=select_profiles("chrome"), redactor=Redactor())
    result = CorsChecker(run, lambda: run.live(live_url)).check("/api", origin=APP, method="PUT")
    assert (seen, result.allowed, result.actual) == (["OPTIONS /api"], True, None)
    assert result.result.notes == (
        "the actual PUT request was not sent to the live URL (it could change data); only the preflight was checked. "
        "Pass --cors-send-unsafe to send it.",
    )
    run.close()
