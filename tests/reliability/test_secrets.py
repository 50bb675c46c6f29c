"""Secrets are sent but never shown: failure reports, curl lines, JUnit XML (with logs), summaries."""

from __future__ import annotations

import base64
import logging

import pytest

from pytest_cors.browser.exchange import HttpRequest
from pytest_cors.report.curl import curl_command
from pytest_cors.report.redaction import REDACTED, Redactor

from .servers import FaultServer, Request, cors_reply

TOKEN = "tok-AUTH-SECRET-1234"
API_KEY = "key-CUSTOM-SECRET-5678"
COOKIE = "session=SETCOOKIE-SECRET-9012"
PASSWORD = "URL-SECRET-3456"
SECRETS = (TOKEN, API_KEY, "SETCOOKIE-SECRET-9012", PASSWORD)


def reflecting(request: Request, server: FaultServer):
    """Reflects any origin with credentials, sets a cookie: breaks a deny contract, leaks in audits."""
    origin = request.header("origin") or "*"
    headers = [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Credentials", "true"),
        ("Set-Cookie", COOKIE),
        ("Vary", "Origin"),
    ]
    if request.method == "OPTIONS":
        headers += [
            ("Access-Control-Allow-Methods", "GET, POST"),
            ("Access-Control-Allow-Headers", request.header("access-control-request-headers") or ""),
        ]
    return 200, headers, b"{}"


CONTRACT = f"""
target: {{url}}
defaults:
  credentials: true
  request_headers:
    Authorization: Bearer {TOKEN}
    X-Api-Key: {API_KEY}
contracts:
  - name: users
    path: /api/users
    origins: [https://app.example.com]
    deny_origins: [https://evil.example.net]
    expose_headers: [X-Total-Count]
"""


def assert_no_secret(text: str, *, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked into {where}"
    assert base64.b64encode(f"user:{PASSWORD}".encode()).decode() not in text


@pytest.fixture
def leaky(fault_server, pytester):
    server = fault_server(cors_reply(reflecting))
    pytester.makefile(".yaml", cors_api=CONTRACT.format(url=server.url))
    return server


def test_reports_curl_and_junit_xml_never_show_secrets_but_they_are_sent(leaky, pytester, run):
    logging.getLogger("urllib3").setLevel(logging.DEBUG)
    xml = pytester.path / "junit.xml"
    result = run(
        "--cors-redact", "X-Api-Key",
        "--cors-audit", "fail",
        f"--junitxml={xml}",
        "-o", "junit_logging=all",
        "-o", "log_level=DEBUG",
        "-rA", "-vv", "-l",
    )
    assert result.ret == 1
    out = result.stdout.str()
    assert "Authorization: <redacted>" in out  # in the curl lines
    assert "X-Api-Key: <redacted>" in out
    assert_no_secret(out, where="the terminal report")
    assert_no_secret(result.stderr.str(), where="stderr")
    report = xml.read_text(encoding="utf-8")
    assert "<failure" in report and "&lt;redacted&gt;" in report
    assert "system-out" in report or "system-err" in report
    assert_no_secret(report, where="the JUnit XML")
    # ... while the server received every real value
    sent = [r for r in leaky.requests if r.method != "OPTIONS"]
    assert sent and all(r.header("authorization") == f"Bearer {TOKEN}" for r in sent)
    assert all(r.header("x-api-key") == API_KEY for r in sent)


def test_ini_cors_redact_is_honoured(leaky, pytester, run):
    pytester.makeini("[pytest]\ncors_redact = x-api-key\n")
    result = run()
    result.stdout.fnmatch_lines(["*X-Api-Key: <redacted>*"])
    assert_no_secret(result.stdout.str(), where="the terminal report")


def test_without_cors_redact_a_custom_header_is_shown(leaky, run):
    result = run()
    assert API_KEY in result.stdout.str()
    assert TOKEN not in result.stdout.str()


def test_a_url_password_is_sent_but_never_shown(fault_server, pytester, run):
    server = fault_server(cors_reply(lambda request, srv: (200, [("Vary", "Origin")], b"")))
    url = f"http://user:{PASSWORD}@127.0.0.1:{server.port}"
    pytester.makefile(".yaml", cors_api=f"target: {url}\ncontracts:\n  - path: /api\n    origins: [https://app.example.com]\n")
    xml = pytester.path / "junit.xml"
    result = run("-v", f"--junitxml={xml}", "-o", "junit_logging=all")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"CORS contract '/api' violated: GET http://user:<redacted>@127.0.0.1:{server.port}/api from origin *"])
    assert_no_secret(result.stdout.str(), where="the terminal report")
    assert_no_secret(xml.read_text(encoding="utf-8"), where="the JUnit XML")
    expected = "Basic " + base64.b64encode(f"user:{PASSWORD}".encode()).decode()
    assert server.requests[0].header("authorization") == expected


def test_a_url_password_is_hidden_in_fault_reports_and_the_header(pytester, run):
    from .servers import closed_port

    url = f"http://user:{PASSWORD}@127.0.0.1:{closed_port()}"
    pytester.makepyfile(test_m='import pytest\n\n@pytest.mark.cors("/api", origins=["https://app.example.com"])\ndef test_m():\n    pass\n')
    result = run("--cors-url", url, "-v")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["cors: live URL http://user:<redacted>@127.0.0.1:*", "*URL:   http://user:<redacted>@127.0.0.1:*/api"])
    assert_no_secret(result.stdout.str(), where="the terminal report")


def test_a_failed_assertion_on_a_check_result_shows_no_header_values(fault_server, pytester, run, monkeypatch):
    server = fault_server(cors_reply(lambda request, srv: (200, [("Vary", "Origin")], b"")))
    monkeypatch.setenv("API_TOKEN", TOKEN)  # as CI would: the secret is not in the source
    pytester.makepyfile(
        test_f="""
        import os

        def test_f(cors):
            result = cors.check("/api", origin="https://app.example.com", headers={"Authorization": "Bearer " + os.environ["API_TOKEN"]})
            assert result.allowed
        """
    )
    result = run("--cors-url", server.url, "-vv")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*<CheckResult GET http://127.0.0.1:*/api from https://app.example.com: blocked by chrome, firefox, safari>*"])
    assert_no_secret(result.stdout.str(), where="an assertion message")


@pytest.mark.parametrize("name", ["Authorization", "authorization", "Cookie", "Proxy-Authorization", "Set-Cookie", "X-Api-Key"])
def test_redactor_hides_always_secret_headers_and_listed_ones(name):
    redactor = Redactor.with_names(["x-api-key"])
    assert redactor.header(name, "s3cret") == REDACTED
    assert redactor.header("Accept", "s3cret") == "s3cret"
    line = curl_command(HttpRequest("GET", f"https://u:{PASSWORD}@api.example.com/x", ((name, "s3cret-value"),)), redactor)
    assert "s3cret-value" not in line and PASSWORD not in line
    assert f"{name}: <redacted>" in line and "u:<redacted>@api.example.com" in line
