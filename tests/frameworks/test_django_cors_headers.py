"""Django + django-cors-headers in-process: a correct configuration and the usual mistakes."""

import pytest
from django.test.utils import override_settings

from pytest_cors import parse_contract, select_profiles
from pytest_cors.check.run import CorsRun
from pytest_cors.report.redaction import Redactor

from .conftest import URLCONF

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
EVIL = "https://evil.example.net"

CORRECT = dict(
    # Django is configured once per process, maybe by another test module with its own URLs:
    # name this module's, or /api/users can be a 404 that only looks right (its CORS headers are there)
    ROOT_URLCONF=URLCONF,
    CORS_ALLOWED_ORIGINS=[APP, ADMIN],
    CORS_ALLOW_CREDENTIALS=True,
    CORS_EXPOSE_HEADERS=["X-Total-Count"],
    CORS_PREFLIGHT_MAX_AGE=600,
)

CONFTEST = """
import pytest
from django.core.wsgi import get_wsgi_application
from django.test.utils import override_settings


@pytest.fixture
def cors_app():
    with override_settings(**{settings!r}):
        yield get_wsgi_application()
"""

CONTRACT = """
import pytest


@pytest.mark.cors(
    path="/api/users",
    origins=["https://app.example.com", "https://admin.example.com"],
    deny_origins=["https://evil.example.net"],
    methods=["GET", "PUT"],
    request_headers={{"Authorization": "Bearer t", "Content-Type": "application/json"}},
    credentials=True,
    expose_headers=["X-Total-Count"],
    max_age={max_age!r},
)
def test_users():
    pass
"""


@pytest.fixture
def django_run(django_app, pytester, run):
    def django_run(settings, *args, max_age=600, contract=None):
        pytester.makeconftest(CONFTEST.format(settings=settings))
        pytester.makepyfile(test_users=contract or CONTRACT.format(max_age=max_age))
        return run(*args)

    return django_run


def test_correct_configuration_passes(django_run):
    django_run(CORRECT).assert_outcomes(passed=1)


def test_yaml_contract_against_django(django_app, pytester, run):
    pytester.makeconftest(CONFTEST.format(settings=CORRECT))
    pytester.makefile(
        ".yaml",
        cors_users="""
defaults:
  credentials: true
contracts:
  - name: users
    path: /api/users
    origins: [https://app.example.com, https://admin.example.com]
    deny_origins: [https://evil.example.net, "null"]
    methods: [GET, PUT]
    request_headers: {Authorization: Bearer t}
    expose_headers: [X-Total-Count]
    max_age: 600
  - name: user-delete
    path: /api/users/1
    origins: https://admin.example.com
    methods: delete
""",
    )
    result = run("-v")
    result.assert_outcomes(passed=9)
    result.stdout.fnmatch_lines(["cors_users.yaml::user-delete[[]DELETE-https://admin.example.com[]] PASSED*"])


def test_origin_missing_from_allowed_origins(django_run):
    result = django_run({**CORRECT, "CORS_ALLOWED_ORIGINS": [APP]})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["2 of 6 CORS cases failed"])
    result.stdout.fnmatch_lines(
        [
            f"[[]1[]] CORS contract 'test_users' violated: GET http://testserver/api/users from origin {ADMIN} with credentials",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            f"  Access to fetch at 'http://testserver/api/users' from origin '{ADMIN}' has been blocked by CORS policy: "
            "Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is "
            "present on the requested resource.",
        ]
    )
    result.stdout.fnmatch_lines([f"Hint: the preflight response has no Access-Control-Allow-Origin: add {ADMIN} to the server's allowed origins"])


def test_origin_regex_that_misses_a_port(django_run):
    settings = {**CORRECT, "CORS_ALLOWED_ORIGINS": [], "CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.example\.com$"]}
    contract = """
import pytest

@pytest.mark.cors(path="/api/users", origins=["https://app.example.com", "https://app.example.com:8443"], credentials=True)
def test_users():
    pass
"""
    result = django_run(settings, contract=contract)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "CORS contract 'test_users' violated: GET http://testserver/api/users from origin https://app.example.com:8443 with credentials",
            "  expected: allowed",
            "  problem:  blocked by Chrome, Firefox, Safari",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(["*No 'Access-Control-Allow-Origin' header is present on the requested resource."])


def test_unanchored_origin_regex_lets_lookalikes_in(django_run):
    settings = {**CORRECT, "CORS_ALLOWED_ORIGINS": [], "CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://.*example\.com"]}
    contract = """
import pytest

@pytest.mark.cors(path="/api/users", origins=["https://app.example.com"],
                  deny_origins=["https://evil-example.com", "https://app.example.com.evil.net"], credentials=True)
def test_users():
    pass
"""
    result = django_run(settings, contract=contract)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["2 of 3 CORS cases failed"])
    result.stdout.fnmatch_lines(
        [
            "  problem:  origin https://evil-example.com can read the response in Chrome, Firefox, Safari, but the contract says it must be blocked",
        ]
    )
    result.stdout.fnmatch_lines(["  problem:  origin https://app.example.com.evil.net can read the response*"])


def test_default_preflight_max_age_is_a_day(django_run):
    settings = {k: v for k, v in CORRECT.items() if k != "CORS_PREFLIGHT_MAX_AGE"}
    result = django_run(settings, max_age={"max": 7200})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  problem:  Access-Control-Max-Age is '86400', expected between 0 and 7200"])
    result.stdout.fnmatch_lines(
        ["    preflight cached: Chrome 7200 s, Firefox 86400 s, Safari 600 s (Access-Control-Max-Age '86400')"]
    )
    result.stdout.fnmatch_lines(["Hint: set Access-Control-Max-Age on the preflight response (flask-cors max_age, django-cors-headers CORS_PREFLIGHT_MAX_AGE)"])


def test_expose_headers_missing(django_run):
    result = django_run({**CORRECT, "CORS_EXPOSE_HEADERS": []})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["4 of 6 CORS cases failed"])
    result.stdout.fnmatch_lines(["  problem:  JavaScript cannot read response header 'X-Total-Count' (it is not exposed)"])


def test_allow_all_origins_with_credentials_reflects_everyone(django_run):
    result = django_run({**CORRECT, "CORS_ALLOWED_ORIGINS": [], "CORS_ALLOW_ALL_ORIGINS": True})
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["2 of 6 CORS cases failed"])
    result.stdout.fnmatch_lines([f"  problem:  origin {EVIL} can read the response in Chrome, Firefox, Safari*"])


def test_custom_header_not_in_allow_headers(django_run):
    contract = """
import pytest

@pytest.mark.cors(path="/api/users", origins=["https://app.example.com"], request_headers=["X-Request-Id"], credentials=True)
def test_users():
    pass
"""
    result = django_run(CORRECT, contract=contract)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*Request header field [xX]-[rR]equest-[iI]d is not allowed by Access-Control-Allow-Headers in preflight response."]
    )
    result.stdout.fnmatch_lines(
        ["    Access-Control-Allow-Headers      includes x-request-id    accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with"]
    )


# --- directly through the runtime API ------------------------------------------------------------


def test_runtime_api_with_django(django_app):
    run = CorsRun(profiles=select_profiles("chrome,spec"), redactor=Redactor(), app_origin="https://api.example.com")
    contract = parse_contract(
        {"name": "users", "path": "/api/users", "origins": [APP], "deny_origins": [EVIL], "methods": ["PUT"],
         "credentials": True, "request_headers": ["Authorization"]}
    )
    with override_settings(**CORRECT):
        results = run.run_contract(contract, run.app(django_app))
    assert [(r.case.id, r.passed) for r in results] == [(f"PUT {APP}", True), (f"deny:PUT {EVIL}", True)]
    allowed, denied = results
    assert allowed.url == "https://api.example.com/api/users"
    assert [v.profile for v in allowed.verdicts] == ["chrome", "spec"]
    assert allowed.exchanges[0].response.header("Vary") == "origin"
    assert denied.exchanges[0].response.status == 200  # corsheaders answers every preflight 200, without ACAO
    assert denied.exchanges[0].response.header("Access-Control-Allow-Origin") is None
    assert {v.reason for v in denied.verdicts} == {"preflight-acao-missing"}
    with override_settings(**{**CORRECT, "CORS_ALLOWED_ORIGINS": []}):
        (failed,) = run.run_contract(parse_contract({"path": "/api/users", "origins": [APP]}), run.app(django_app))
    assert not failed.passed and failed.blocking_profiles == ("chrome", "spec")
