"""${VAR} in YAML contract files, secret redaction of every env-derived value, cookie key errors, cors_cookies."""

import pytest

from pytest_cors.contract.environment import EnvironmentReferenceError, expand_text

QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--cors-audit", "off")
TOKEN = "tok-ENV-SECRET-31337"
KEY = "key-ENV-SECRET-8080"

APP = f"""
def app(environ, start_response):
    origin = environ.get("HTTP_ORIGIN", "")
    headers = [("Content-Type", "text/plain"), ("Vary", "Origin")]
    if environ.get("HTTP_X_CLIENT") == "{KEY}" and origin == "https://app.example.com":
        headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true"),
                    ("Access-Control-Allow-Headers", "x-client"), ("Access-Control-Allow-Methods", "GET")]
    elif environ["REQUEST_METHOD"] == "OPTIONS":
        headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true"),
                    ("Access-Control-Allow-Headers", "x-client")]
    start_response("200 OK", headers)
    return [environ.get("PATH_INFO", "").encode()]
"""

YAML = """
target: envapp:app
defaults:
  credentials: true
contracts:
  - name: tokens
    path: /api/${API_TOKEN}/items?x=${MISSING_WITH_DEFAULT:-fallback}
    origins: ["${PAGE_ORIGIN:-https://app.example.com}"]
    request_headers: {X-Client: "${CLIENT_KEY}"}
"""


@pytest.fixture
def project(pytester, monkeypatch):
    monkeypatch.setenv("API_TOKEN", TOKEN)
    monkeypatch.setenv("CLIENT_KEY", KEY)
    monkeypatch.delenv("MISSING_WITH_DEFAULT", raising=False)
    monkeypatch.delenv("PAGE_ORIGIN", raising=False)
    pytester.makepyfile(envapp=APP)
    pytester.syspathinsert()
    return pytester


def test_set_and_default_values_are_used(project):
    project.makefile(".yaml", cors_env=YAML)
    result = project.runpytest(*QUIET, "-v")
    result.assert_outcomes(passed=1)  # the app only allows the right X-Client value
    assert "tokens[GET-https://app.example.com] PASSED" in result.stdout.str()


def test_unset_variable_is_a_collection_error_with_file_line_column(project, monkeypatch):
    monkeypatch.delenv("CLIENT_KEY")
    project.makefile(".yaml", cors_env=YAML)
    result = project.runpytest(*QUIET)
    assert result.ret == 2
    result.stdout.fnmatch_lines([
        "*cors_env.yaml:8:33: environment variable CLIENT_KEY is not set (used as ${CLIENT_KEY}); set it, or give a "
        "default: ${CLIENT_KEY:-value}*"
    ])
    assert "Traceback" not in result.stdout.str()


def test_env_values_are_redacted_in_reports_curl_and_junit(project, monkeypatch):
    monkeypatch.setenv("CLIENT_KEY", "key-ENV-SECRET-wrong")  # the app refuses it: the contract fails
    project.makefile(".yaml", cors_env=YAML.replace("origins:", "deny_origins: [https://evil.example.net]\n    origins:"))
    xml = project.path / "junit.xml"
    result = project.runpytest(*QUIET, f"--junitxml={xml}", "-o", "junit_logging=all", "-rA", "-vv")
    assert result.ret == 1
    out = result.stdout.str()
    assert "curl -i" in out and "<redacted>" in out
    for secret in (TOKEN, "key-ENV-SECRET-wrong"):
        assert secret not in out
        assert secret not in xml.read_text()
    assert "/api/<redacted>/items?x=fallback" in out


def test_the_audit_never_shows_env_values(project):
    project.makefile(".yaml", cors_env=YAML)
    result = project.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--cors-audit", "warn", "-rA", "-vv")
    assert TOKEN not in result.stdout.str() and KEY not in result.stdout.str()


def test_expand_text_rules():
    found = set()
    assert expand_text("a${X}b$${Y}", {"X": "1"}, "f:1:1", found) == "a1b${Y}"
    assert expand_text("${E:-d}", {"E": ""}, "f:1:1", found) == "d"
    with pytest.raises(EnvironmentReferenceError, match=r"f:2:3: \$\{1X\} is not a variable reference"):
        expand_text("${1X}", {}, "f:2:3", found)
    assert found == {"1"}


@pytest.mark.parametrize(
    "cookies,message",
    [
        ("{sid: {value: x, samesite: lacks}}", "cors_c.yaml:6:41: cookies: sid.samesite must be Strict, Lax or None, got 'lacks'"),
        ("{sid: {value: x, secur: true}}", "cors_c.yaml:6:*: cookies: unknown attribute 'secur' of cookie 'sid'; did you mean 'secure'?*"),
        ("{sid: {value: x, partitioned: true}}", "cors_c.yaml:6:*: cookies: cookie 'sid' is partitioned but not secure*"),
        ("{sid: 'a;b'}", "cors_c.yaml:6:*: cookies: the value of cookie 'sid' has characters a cookie value cannot hold*"),
        ("[sid]", "cors_c.yaml:6:14: cookies must be a mapping of cookie name to value*got list"),
    ],
)
def test_cookie_key_errors_point_at_the_value(pytester, cookies, message):
    pytester.makefile(".yaml", cors_c=f"""
target: http://127.0.0.1:9
contracts:
  - path: /api
    origins: [https://app.example.com]
    credentials: true
    cookies: {cookies}
""")
    result = pytester.runpytest(*QUIET)
    assert result.ret == 2
    result.stdout.fnmatch_lines(["*" + message])


def test_cookies_without_credentials_is_an_error_but_defaults_skip_non_credentialed(pytester):
    pytester.makefile(".yaml", cors_c="""
target: http://127.0.0.1:9
contracts:
  - path: /api
    origins: [https://app.example.com]
    cookies: {sid: abc}
""")
    result = pytester.runpytest(*QUIET, "--collect-only")
    result.stdout.fnmatch_lines(["*cors_c.yaml:5:14: cookies are given but credentials is false*set credentials: true*"])
    pytester.makefile(".yaml", cors_c="""
target: http://127.0.0.1:9
defaults: {cookies: {sid: abc}}
contracts:
  - {path: /public, origins: [https://app.example.com]}
  - {path: /private, origins: [https://app.example.com], credentials: true}
""")
    result = pytester.runpytest(*QUIET, "--collect-only", "-q")
    assert result.ret == 0


def test_a_bad_cors_cookies_fixture_is_an_error_naming_it(pytester):
    pytester.makeconftest("""
import pytest

@pytest.fixture(scope="session")
def cors_cookies():
    return {"sid": {"value": "x", "samesite": "sometimes"}}

@pytest.fixture
def cors_app():
    def app(environ, start_response):
        start_response("200 OK", [])
        return [b""]
    return app
""")
    pytester.makepyfile("""
import pytest

@pytest.mark.cors(path="/api", origins=["https://app.example.com"], credentials=True)
def test_x():
    pass
""")
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*the cors_cookies fixture (cookie 'sid'): cookies: sid.samesite must be Strict, Lax or None*"])


def test_markers_reading_os_environ_have_those_values_redacted(pytester, monkeypatch):
    monkeypatch.setenv("MARKER_API_KEY", "mk-ENV-SECRET-2718")
    pytester.makeconftest("""
import pytest

@pytest.fixture
def cors_app():
    def app(environ, start_response):
        headers = [("Vary", "Origin")]
        if environ["REQUEST_METHOD"] == "OPTIONS":  # the preflight passes, the actual response lacks CORS headers
            headers += [("Access-Control-Allow-Origin", "https://app.example.com"),
                        ("Access-Control-Allow-Headers", "x-client")]
        start_response("200 OK", headers)
        return [b""]
    return app
""")
    pytester.makepyfile("""
import os
import pytest

@pytest.mark.cors(path="/api", origins=["https://app.example.com"],
                  request_headers={"X-Client": os.environ["MARKER_API_KEY"]})
def test_x():
    pass
""")
    result = pytester.runpytest(*QUIET, "-vv")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "X-Client: <redacted>" in out and "mk-ENV-SECRET-2718" not in out
