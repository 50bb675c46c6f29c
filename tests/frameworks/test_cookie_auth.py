"""Session cookies end to end: real apps whose auth runs before CORS (Flask and Django, in-process and live).

Without the cookie the API answers 401 without CORS headers, so the contract must fail; with
``cookies`` (from ``${VAR}``) or the ``cors_cookies`` fixture it passes. The apps refuse a
preflight that carries a cookie and log every request's cookie, so the tests also see that no
preflight ever carried one and that the actual requests did.
"""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

APP_SOURCE = (Path(__file__).parent / "cookie_auth_app.py").read_text(encoding="utf-8")
SESSION = "session-Sx9-SECRET-77"
CLIENT_ID = "client-ID-SECRET-4242"
PAGE = "https://app.example.com"

FLASK_CONFTEST = """
import pytest
import cookie_auth_app

@pytest.fixture
def cors_app():
    return cookie_auth_app.make_flask({origin!r})
"""

DJANGO_CONFTEST = """
import pytest
import cookie_auth_app
from django.core.wsgi import get_wsgi_application
from django.test.utils import override_settings

@pytest.fixture
def cors_app():
    with override_settings(**cookie_auth_app.django_settings({origin!r})):
        yield get_wsgi_application()
"""

JAR_FIXTURE = """

@pytest.fixture(scope="session")
def cors_cookies():
    return {{"session": {{"value": cookie_auth_app.SESSION, "samesite": "Lax", "secure": {secure}}}}}
"""

YAML = """
defaults:
  credentials: true
  methods: [GET, PUT]
contracts:
  - name: me
    path: /api/me
    origins: [{origin}]
{cookies}"""

YAML_COOKIES = """    cookies:
      session: {{value: "${{SESSION_COOKIE}}", samesite: Lax, secure: {secure}}}
"""

MARKER_TEST = """
import pytest

@pytest.mark.cors(path="/api/me", origins=[{origin!r}], methods=["GET", "PUT"], credentials=True)
def test_me():
    pass
"""


def _log(path: Path):
    lines = path.read_text().split("\n") if path.exists() else []
    return [tuple(line.split()) for line in lines if line]


@pytest.fixture
def project(pytester, monkeypatch, tmp_path):
    log = tmp_path / "requests.log"
    monkeypatch.setenv("COOKIE_AUTH_LOG", str(log))
    monkeypatch.setenv("SESSION_COOKIE", SESSION)
    pytester.makepyfile(cookie_auth_app=APP_SOURCE)
    pytester.log = log
    return pytester


def _run(pytester, *args):
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--cors-audit", "off", *args)


def _assert_no_preflight_cookie(log, *, actual_with_cookie):
    entries = _log(log)
    assert ("OPTIONS", "no-cookie") in entries  # PUT was preflighted
    assert ("OPTIONS", "cookie") not in entries
    assert (("GET", "cookie") in entries) == actual_with_cookie


@pytest.mark.parametrize("framework", ["flask", "django"])
def test_in_process_contract_passes_with_cookies_from_the_environment_and_fails_without(framework, project, django_app):
    conftest = FLASK_CONFTEST if framework == "flask" else DJANGO_CONFTEST
    project.makeconftest(conftest.format(origin=PAGE))
    project.makefile(".yaml", cors_me=YAML.format(origin=PAGE, cookies=YAML_COOKIES.format(secure="true")))
    result = _run(project, "--cors-app-origin", "https://api.example.com", "-v")
    result.assert_outcomes(passed=2)
    _assert_no_preflight_cookie(project.log, actual_with_cookie=True)

    project.log.unlink()
    project.makefile(".yaml", cors_me=YAML.format(origin=PAGE, cookies=""))
    result = _run(project, "--cors-app-origin", "https://api.example.com")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*-> 401 Unauthorized*", "*Hint: the 401 response lacks the CORS headers*"])
    _assert_no_preflight_cookie(project.log, actual_with_cookie=False)


@pytest.mark.parametrize("framework", ["flask", "django"])
def test_cors_cookies_fixture_logs_in_once_for_every_marker(framework, project, django_app):
    conftest = FLASK_CONFTEST if framework == "flask" else DJANGO_CONFTEST
    project.makepyfile(test_me=MARKER_TEST.format(origin=PAGE))
    project.makeconftest(conftest.format(origin=PAGE) + JAR_FIXTURE.format(secure=True))
    result = _run(project, "--cors-app-origin", "https://api.example.com")
    result.assert_outcomes(passed=1)
    _assert_no_preflight_cookie(project.log, actual_with_cookie=True)
    assert SESSION not in result.stdout.str()

    project.makeconftest(conftest.format(origin=PAGE))  # no cors_cookies: the default jar is empty
    result = _run(project, "--cors-app-origin", "https://api.example.com")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*blocked by Chrome, Firefox, Safari*"])


def test_cross_site_page_fails_in_every_browser_with_one_line_each(project, django_app):
    project.makeconftest(FLASK_CONFTEST.format(origin="https://app.other.com"))
    project.makefile(".yaml", cors_me=YAML.format(origin="https://app.other.com", cookies=YAML_COOKIES.format(secure="true")))
    result = _run(project, "--cors-app-origin", "https://api.example.com")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines([
        "Cookies not sent:",
        "  Chrome does not send cookie 'session' (SameSite=Lax, Secure): SameSite=Lax cookies are not sent on a "
        "cross-site fetch() from https://other.com to https://example.com; fix: serve the API same-site, e.g. "
        "api.example.com for app.example.com*",
        "  Firefox does not send cookie 'session'*",
        "  Safari does not send cookie 'session'*",
        "",
        "Hint: Chrome, Firefox, Safari did not send the cookie (see 'Cookies not sent'), so the server answered "
        "without it: the missing cookie is the cause, the CORS error its symptom",
    ])
    assert SESSION not in result.stdout.str()


@pytest.fixture
def auth_server():
    servers = []

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # the test server's own access log is not pytest-cors output
            pass

    def serve(app):
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server, thread in servers:
        server.shutdown()
        thread.join(5)


@pytest.mark.parametrize("framework", ["flask", "django"])
def test_live_same_site_page_passes_with_cookies_and_fails_without(framework, project, auth_server, django_app):
    import importlib.util

    from django.core.wsgi import get_wsgi_application
    from django.test.utils import override_settings

    spec = importlib.util.spec_from_file_location("cookie_auth_app", Path(__file__).parent / "cookie_auth_app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = "http://127.0.0.1:9"  # same site as the API on 127.0.0.1, another origin
    if framework == "flask":
        url = auth_server(module.make_flask(page))
        context = None
    else:
        import sys

        sys.modules["cookie_auth_app"] = module
        context = override_settings(**module.django_settings(page))
        context.enable()
        url = auth_server(get_wsgi_application())
    try:
        # Secure would not do over http in Safari (measured on WebKit): a plain Lax cookie.
        project.makefile(".yaml", cors_me=f"target: {url}\n" + YAML.format(origin=page, cookies=YAML_COOKIES.format(secure="false")))
        result = _run(project, "--cors-send-unsafe")
        result.assert_outcomes(passed=2)
        _assert_no_preflight_cookie(project.log, actual_with_cookie=True)
        project.makefile(".yaml", cors_me=f"target: {url}\n" + YAML.format(origin=page, cookies=""))
        result = _run(project, "--cors-send-unsafe")
        result.assert_outcomes(failed=2)
    finally:
        if context is not None:
            context.disable()


def test_the_cors_fixture_sends_cookies_and_the_jar(project, django_app):
    project.makeconftest(FLASK_CONFTEST.format(origin=PAGE) + JAR_FIXTURE.format(secure=True))
    project.makepyfile(test_fixture=f"""
def test_with_the_jar(cors):
    cors.check("/api/me", origin={PAGE!r}, credentials=True).assert_allowed()

def test_own_cookie_wins_by_name(cors):
    result = cors.check("/api/me", origin={PAGE!r}, credentials=True, cookies={{"session": "wrong-value-1234"}})
    assert result.blocked_by == ("chrome", "firefox", "safari")
    assert result.actual.request.header("Cookie") == "session=wrong-value-1234"

def test_no_cookie_without_credentials(cors):
    result = cors.check("/api/me", origin={PAGE!r})
    assert result.actual.request.header("Cookie") is None and result.actual.response.status == 401
""")
    result = _run(project, "--cors-app-origin", "https://api.example.com")
    result.assert_outcomes(passed=3)


def test_live_debug_logs_in_junit_never_show_env_values(project, auth_server, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("cookie_auth_app", Path(__file__).parent / "cookie_auth_app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    url = auth_server(module.make_flask("http://127.0.0.1:9"))
    monkeypatch.setenv("API_SECRET_PATH", "path-SECRET-0451")
    project.makefile(".yaml", cors_me=f"""
target: {url}
contracts:
  - name: me
    path: /api/me?k=${{API_SECRET_PATH}}
    origins: [http://127.0.0.1:9]
    credentials: true
    cookies: {{session: "${{SESSION_COOKIE}}"}}
    request_headers: {{X-Client: "${{API_SECRET_PATH}}"}}
""")
    xml = project.path / "junit.xml"
    result = _run(project, f"--junitxml={xml}", "-o", "junit_logging=all", "-o", "log_level=DEBUG", "-rA", "-vv")
    text = result.stdout.str() + xml.read_text()
    assert '"OPTIONS /api/me?k=<redacted> HTTP/1.1"' in text  # urllib3's DEBUG line, captured and redacted
    for secret in ("path-SECRET-0451", SESSION):
        assert secret not in text


def test_cors_cookies_fixture_reaches_yaml_items_and_the_contract_wins_by_name(project, django_app):
    project.makeconftest(FLASK_CONFTEST.format(origin=PAGE) + JAR_FIXTURE.format(secure=True))
    project.makefile(".yaml", cors_me=YAML.format(origin=PAGE, cookies=""))
    result = _run(project, "--cors-app-origin", "https://api.example.com")
    result.assert_outcomes(passed=2)
    _assert_no_preflight_cookie(project.log, actual_with_cookie=True)
    project.makefile(".yaml", cors_me=YAML.format(origin=PAGE, cookies="    cookies: {session: wrong-value-5678}\n"))
    result = _run(project, "--cors-app-origin", "https://api.example.com")
    result.assert_outcomes(failed=2)
    assert "wrong-value-5678" not in result.stdout.str() and SESSION not in result.stdout.str()
