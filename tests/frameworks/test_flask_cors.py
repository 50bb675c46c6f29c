"""Flask + flask-cors in-process: a correct configuration and the usual mistakes."""

import pytest

from pytest_cors import parse_contract, select_profiles
from pytest_cors.check.run import CorsRun
from pytest_cors.report.redaction import Redactor

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
EVIL = "https://evil.example.net"

CONFTEST = """
import flask
import pytest
from flask_cors import CORS


def create_app():
    app = flask.Flask("api")

    @app.route("/api/users", methods=["GET", "POST", "PUT"])
    def users():
        response = flask.jsonify([{{"id": 1}}])
        response.headers["X-Total-Count"] = "1"
        return response

    CORS(app, **{kwargs!r})
    return app


@pytest.fixture
def cors_app():
    return create_app()
"""

CONTRACT = """
import pytest


@pytest.mark.cors(
    path="/api/users",
    origins=["https://app.example.com", "https://admin.example.com"],
    deny_origins=["https://evil.example.net"],
    methods=["GET", "PUT"],
    request_headers=["Authorization"],
    credentials=True,
    expose_headers=["X-Total-Count"],
    max_age=600,
)
def test_users():
    pass
"""

CORRECT = dict(
    origins=[APP, ADMIN],
    supports_credentials=True,
    expose_headers=["X-Total-Count"],
    max_age=600,
)


def flask_run(pytester, run, *args, **kwargs):
    pytester.makeconftest(CONFTEST.format(kwargs=kwargs))
    pytester.makepyfile(test_users=CONTRACT)
    return run(*args)


def test_correct_configuration_passes(pytester, run):
    flask_run(pytester, run, **CORRECT).assert_outcomes(passed=1)


def test_methods_without_put(pytester, run):
    result = flask_run(pytester, run, **{**CORRECT, "methods": ["GET", "POST"]})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "2 of 6 CORS cases failed",
            "",
            f"[[]1[]] CORS contract 'test_users' violated: PUT http://testserver/api/users from origin {APP} with credentials",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(["*Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."])
    # flask-cors sends no Access-Control-Allow-Methods at all when the requested method is not allowed
    result.stdout.fnmatch_lines(["    Access-Control-Allow-Methods      includes PUT             (missing)"])


def test_allow_headers_without_authorization(pytester, run):
    result = flask_run(pytester, run, **{**CORRECT, "allow_headers": ["Content-Type"]})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["4 of 6 CORS cases failed"])
    result.stdout.fnmatch_lines(
        ["*Request header field [Aa]uthorization is not allowed by Access-Control-Allow-Headers in preflight response."]
    )
    result.stdout.fnmatch_lines(["Hint: list [Aa]uthorization in the server's allowed headers (Access-Control-Allow-Headers)"])


def test_credentials_not_supported(pytester, run):
    kwargs = {**CORRECT}
    del kwargs["supports_credentials"]
    result = flask_run(pytester, run, **kwargs)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["4 of 6 CORS cases failed"])
    result.stdout.fnmatch_lines(
        [
            "*Response to preflight request doesn't pass access control check: The value of the "
            "'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's "
            "credentials mode is 'include'.",
        ]
    )
    result.stdout.fnmatch_lines(["Hint: send 'Access-Control-Allow-Credentials: true' (exactly, lowercase): flask-cors supports_credentials=True*"])


def test_single_origin_sends_no_vary(pytester, run):
    """flask-cors adds Vary: Origin only when several origins are configured."""
    result = flask_run(pytester, run, **{**CORRECT, "origins": [APP]})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"*CORS contract 'test_users' violated: GET http://testserver/api/users from origin {APP} with credentials",
            "  expected: allowed",
            "  problem:  the response allows 'https://app.example.com' but its Vary header does not list Origin*",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        [f"*CORS contract 'test_users' violated: GET http://testserver/api/users from origin {ADMIN} with credentials"]
    )


def test_trailing_slash_in_the_configured_origin(pytester, run):
    result = flask_run(pytester, run, **{**CORRECT, "origins": [APP + "/", ADMIN]})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["2 of 6 CORS cases failed"])
    result.stdout.fnmatch_lines(
        [f"*from origin '{APP}' has been blocked by CORS policy: Response to preflight request doesn't pass access "
         "control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."]
    )


def test_default_origins_reflect_everyone_with_credentials(pytester, run):
    """origins defaults to '*', which flask-cors answers by echoing any Origin: with credentials that trusts every site."""
    kwargs = {**CORRECT}
    del kwargs["origins"]
    result = flask_run(pytester, run, **kwargs)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["2 of 6 CORS cases failed"])
    result.stdout.fnmatch_lines(
        [
            f"*CORS contract 'test_users' violated: GET http://testserver/api/users from origin {EVIL} with credentials",
            "  expected: blocked",
            f"  problem:  origin {EVIL} can read the response in Chrome, Firefox, Safari, but the contract says it must be blocked",
        ],
        consecutive=True,
    )


def test_max_age_report_shows_each_browsers_cache(pytester, run):
    result = flask_run(pytester, run, **{**CORRECT, "max_age": 86400})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  problem:  Access-Control-Max-Age is '86400', expected 600",
        ]
    )
    result.stdout.fnmatch_lines(
        ["    preflight cached: Chrome 7200 s, Firefox 86400 s, Safari 600 s (Access-Control-Max-Age '86400')"]
    )


# --- directly through the runtime API ------------------------------------------------------------


def make_flask_app(**kwargs):
    import flask
    from flask_cors import CORS

    app = flask.Flask("api")

    @app.route("/api/users", methods=["GET", "PUT"])
    def users():
        response = flask.jsonify([])
        response.headers["X-Total-Count"] = "0"
        return response

    CORS(app, **kwargs)
    return app


@pytest.fixture
def cors_run():
    run = CorsRun(profiles=select_profiles("all"), redactor=Redactor())
    yield run
    run.close()


def test_runtime_api_with_flask(cors_run):
    app = make_flask_app(**CORRECT)
    contract = parse_contract(
        {"name": "users", "path": "/api/users", "origins": [APP, ADMIN], "deny_origins": [EVIL], "methods": ["GET", "PUT"],
         "request_headers": {"Authorization": "Bearer t"}, "credentials": True, "expose_headers": ["X-Total-Count"],
         "max_age": 600}
    )
    results = cors_run.run_contract(contract, cors_run.app(app))
    assert [(r.case.id, r.passed) for r in results] == [
        (f"GET {APP}", True),
        (f"PUT {APP}", True),
        (f"GET {ADMIN}", True),
        (f"PUT {ADMIN}", True),
        (f"deny:GET {EVIL}", True),
        (f"deny:PUT {EVIL}", True),
    ]
    put = results[1]
    assert [e.kind for e in put.exchanges] == ["preflight", "actual"]
    preflight = put.exchanges[0]
    assert preflight.request.header("Access-Control-Request-Headers") == "authorization"
    assert preflight.response.header("Access-Control-Allow-Headers") == "authorization"
    assert preflight.response.header("Access-Control-Max-Age") == "600"
    assert cors_run.failure_text(results) is None


def test_runtime_api_reports_a_flask_mistake(cors_run):
    app = make_flask_app(origins=[APP, ADMIN], methods=["GET"])
    contract = parse_contract({"name": "users", "path": "/api/users", "origins": [APP], "methods": ["PUT"]})
    (result,) = cors_run.run_contract(contract, cors_run.app(app))
    assert not result.passed
    assert result.blocking_profiles == ("chrome", "firefox", "safari")
    assert {v.reason for v in result.verdicts} == {"method-not-allowed"}
    text = cors_run.failure_text([result])
    assert text.startswith(f"CORS contract 'users' violated: PUT http://testserver/api/users from origin {APP}\n")
    assert "Hint: add PUT to the server's allowed methods (Access-Control-Allow-Methods)" in text
