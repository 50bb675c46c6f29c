"""Every option and its ini twin, target resolution, and the configuration errors."""

import pytest

APP = "https://app.example.com"

MARKED = """
import pytest


@pytest.mark.cors(path="/api", origins=["https://app.example.com"], methods=["GET", "PUT"], request_headers=["Authorization"])
def test_api():
    pass
"""


def ini(project, **values):
    lines = ["[pytest]"] + [f"{k} = {v}" for k, v in values.items()]
    project.pytester.makeini("\n".join(lines) + "\n")


# --- --cors-browser / cors_browser ---------------------------------------------------------


@pytest.fixture
def wildcard_authorization(project):
    """Authorization covered only by 'Access-Control-Allow-Headers: *': browsers allow, the standard blocks."""
    project.app({"origins": [APP], "headers": "*"})
    project.pytester.makepyfile(test_api=MARKED)
    return project


def test_default_browsers_pass_with_a_spec_warning(wildcard_authorization):
    result = wildcard_authorization.run()
    result.assert_outcomes(passed=1, warnings=2)
    result.stdout.fnmatch_lines(
        [
            "*CorsSpecWarning: test_api [[]GET https://app.example.com[]]: allowed by every selected browser, but the Fetch "
            "standard blocks it: Authorization is covered by 'Access-Control-Allow-Headers: *' only by a browser "
            "deprecation; list Authorization explicitly (use --cors-browser spec to make this fail)",
        ]
    )


def test_spec_warning_is_a_pytest_warning(wildcard_authorization):
    result = wildcard_authorization.run("-W", "error::pytest.PytestWarning")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*CorsSpecWarning: test_api*"])


@pytest.mark.parametrize("how", ["option", "ini"])
def test_spec_profile_makes_it_fail(wildcard_authorization, how):
    if how == "ini":
        ini(wildcard_authorization, cors_browser="spec")
        result = wildcard_authorization.run()
    else:
        result = wildcard_authorization.run("--cors-browser", "spec")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  problem:  blocked by Fetch standard",
            "  blocks:   Fetch standard",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(["*Request header field [Aa]uthorization is not allowed by Access-Control-Allow-Headers*"])
    result.stdout.no_fnmatch_line("*CorsSpecWarning*")


@pytest.mark.parametrize("how", ["option", "ini"])
def test_one_browser_is_reported_alone(project, how):
    project.app({"origins": [APP], "methods": "GET"})
    project.pytester.makepyfile(test_api=MARKED)
    if how == "ini":
        ini(project, cors_browser="firefox")
        result = project.run()
    else:
        result = project.run("--cors-browser", "firefox")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  problem:  blocked by Firefox",
            "  blocks:   Firefox",
            "",
            "Firefox console:",
            "  Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
            "http://testserver/api. (Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’).",
        ],
        consecutive=True,
    )
    result.stdout.no_fnmatch_line("*Chrome*")
    result.stdout.no_fnmatch_line("*Safari*")


def test_browser_list_and_all(project):
    project.app({"origins": [APP], "methods": "GET", "max_age": 86400})
    project.pytester.makepyfile(test_api=MARKED)
    result = project.run("--cors-browser", "chrome,safari")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  blocks:   Chrome, Safari", "    preflight cached: Chrome 7200 s, Safari 600 s *"])
    result = project.run("--cors-browser", "all")
    result.stdout.fnmatch_lines(["  blocks:   Chrome, Firefox, Safari"])


def test_the_command_line_beats_the_ini_value(project):
    project.app({"origins": [APP], "methods": "GET"})
    project.pytester.makepyfile(test_api=MARKED)
    ini(project, cors_browser="firefox")
    result = project.run("--cors-browser", "safari")
    result.stdout.fnmatch_lines(["  blocks:   Safari"])


@pytest.mark.parametrize(
    "args, ini_values, message",
    [
        (("--cors-browser", "edge"), {}, "ERROR: pytest-cors: --cors-browser: *edge*"),
        ((), {"cors_browser": "edge"}, "ERROR: pytest-cors: ini cors_browser: *edge*"),
        (("--cors-timeout", "soon"), {}, "ERROR: pytest-cors: --cors-timeout: 'soon' is not a number of seconds between 0 and 3600"),
        ((), {"cors_timeout": "-1"}, "ERROR: pytest-cors: ini cors_timeout: '-1' is not a number of seconds between 0 and 3600"),
        (("--cors-url", "staging.example.com"), {}, "ERROR: pytest-cors: --cors-url: 'staging.example.com' is not an http(s) URL; did you mean 'https://staging.example.com'?"),
        ((), {"cors_url": "ftp://x"}, "ERROR: pytest-cors: ini cors_url: 'ftp://x' is not an http(s) URL*"),
        (("--cors-app-origin", "https://api.example.com/v1"), {}, "ERROR: pytest-cors: --cors-app-origin: invalid origin 'https://api.example.com/v1'*did you mean 'https://api.example.com'?"),
        ((), {"cors_app_origin": "null"}, "ERROR: pytest-cors: ini cors_app_origin: the app must be served from a real origin, not null"),
    ],
)
def test_bad_option_values_name_where_they_came_from(project, args, ini_values, message):
    project.app()
    project.pytester.makepyfile(test_api=MARKED)
    if ini_values:
        ini(project, **ini_values)
    result = project.run(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


# --- targets -------------------------------------------------------------------------------------


NO_TARGET = [
    "no target to check CORS contracts against. Give one of:",
    "  - an in-process WSGI or ASGI app: override the `cors_app` fixture in conftest.py",
    "*",
    "        def cors_app():",
    "*",
    "*",
    "    or pass --cors-app module:attribute (ini: cors_app = myproject.wsgi:application or app.main:app)",
    "  - with pytest-django: the project's application is used when DJANGO_SETTINGS_MODULE is set (--ds or ini)",
    "  - with pytest-flask: the Flask app of your `app` fixture is used",
    "  - a live URL: --cors-url https://staging.example.com (ini: cors_url), or `target:` in a YAML contract file",
]


def test_no_target_is_a_clear_error_for_markers_yaml_and_the_fixture(project):
    project.pytester.makepyfile(
        test_api=MARKED,
        test_fixture="def test_f(cors):\n    cors.check('/api', origin='https://app.example.com')\n",
    )
    project.pytester.makefile(".yaml", cors_api="contracts:\n  - {name: c, path: /api, origins: [https://app.example.com]}\n")
    result = project.run()
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(NO_TARGET, consecutive=True)
    assert result.stdout.str().count("\nno target to check CORS contracts against. Give one of:\n") == 3
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*pytest_cors/*.py:*")


@pytest.mark.parametrize("how", ["option", "ini"])
def test_cors_app_option_imports_module_attribute(project, how):
    project.app({"origins": [APP], "methods": "GET, PUT"}, fixture=False)
    project.pytester.makepyfile(test_api=MARKED)
    if how == "ini":
        ini(project, cors_app="myapp:app")
        result = project.run("-v")
    else:
        result = project.run("--cors-app", "myapp:app", "-v")
    result.assert_outcomes(passed=1)
    source = "--cors-app" if how == "option" else "ini cors_app"
    result.stdout.fnmatch_lines([f"cors: WSGI app myapp:app served as http://testserver (from {source})"])


def test_cors_app_factory_call(project):
    project.pytester.makepyfile(
        factory="from policy_app import make_app\n\ndef create_app():\n    return make_app({'methods': 'GET, PUT'})\n"
    )
    project.pytester.makepyfile(test_api=MARKED)
    project.run("--cors-app", "factory:create_app()").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    "spec, message",
    [
        ("nosuchmodule:app", "--cors-app: cannot import module 'nosuchmodule': ModuleNotFoundError*"),
        ("myapp:nothing", "--cors-app: module 'myapp' has no attribute 'nothing'"),
        ("myapp:VALUE", "--cors-app: 'myapp:VALUE' is not a WSGI or ASGI app (not callable)"),
        ("myapp", "--cors-app: 'myapp' must be module:attribute, e.g. myproject.wsgi:application"),
    ],
)
def test_cors_app_errors(project, spec, message):
    project.pytester.makepyfile(myapp="VALUE = 3\n")
    project.pytester.makepyfile(test_api=MARKED)
    result = project.run("--cors-app", spec)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([message])
    result.stdout.no_fnmatch_line("*Traceback*")


def test_cors_app_fixture_returning_a_non_app(project):
    project.pytester.makeconftest("import pytest\n\n@pytest.fixture\ndef cors_app():\n    return 'myapp:app'\n")
    project.pytester.makepyfile(test_api=MARKED)
    result = project.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["the cors_app fixture returned str, not a WSGI or ASGI app; return the app object itself*"])


@pytest.mark.parametrize("how", ["option", "ini"])
def test_app_origin(project, how):
    project.app({"origins": [APP], "methods": "GET"})
    project.pytester.makepyfile(test_api=MARKED)
    if how == "ini":
        ini(project, cors_app_origin="HTTPS://API.example.com:443")
        result = project.run()
    else:
        result = project.run("--cors-app-origin", "https://api.example.com")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "CORS contract 'test_api' violated: PUT https://api.example.com/api from origin https://app.example.com",
        ]
    )
    result.stdout.fnmatch_lines(["  curl -i -X OPTIONS https://api.example.com/api -H *"])


@pytest.mark.parametrize(
    "args, ini_values, own",
    [
        ((), {}, "http://testserver"),
        (("--cors-app-origin", "https://app.example.com"), {}, "https://app.example.com"),
        ((), {"cors_app_origin": "https://app.example.com:443"}, "https://app.example.com"),
    ],
)
def test_same_origin_contract_is_an_error(project, args, ini_values, own):
    project.app({"origins": "reflect"})
    origin = own
    project.pytester.makepyfile(
        test_api=f"import pytest\n\n@pytest.mark.cors(path='/api', origins=[{origin!r}])\ndef test_api():\n    pass\n",
        test_fixture=f"def test_f(cors):\n    cors.check('/api', origin={origin!r})\n",
    )
    project.pytester.makefile(".yaml", cors_api=f"contracts:\n  - {{name: c, path: /api, deny_origins: [{origin!r}]}}\n")
    if ini_values:
        ini(project, **ini_values)
    result = project.run(*args)
    # the fixture's check() is a call in the test body: a failure; markers and YAML: setup errors
    result.assert_outcomes(errors=2, failed=1)
    assert result.stdout.str().split("short test summary info")[0].count("Use the origin of the page that calls the API") == 3
    result.stdout.fnmatch_lines(
        [
            f"*origin {origin!r} is the target's own origin (WSGI app * served as {own}). Same-origin requests "
            "never use CORS, so this contract would check nothing.*",
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")


def test_resolution_precedence_in_process(project):
    """--cors-app beats the cors_app fixture; a YAML target: beats both."""
    project.app({"origins": [APP]})  # the fixture: allows APP
    project.pytester.makepyfile(other="from policy_app import make_app\napp = make_app({'origins': []})\n")
    project.pytester.makepyfile(
        test_api="import pytest\n\n@pytest.mark.cors(path='/api', origins=['https://app.example.com'])\ndef test_api():\n    pass\n"
    )
    project.run().assert_outcomes(passed=1)
    result = project.run("--cors-app", "other:app")
    result.assert_outcomes(failed=1)
    ini(project, cors_app="other:app")
    project.run().assert_outcomes(failed=1)
    project.run("--cors-app", "myapp:app").assert_outcomes(passed=1)
    # a YAML target: beats ini cors_app, but the command line beats the YAML target:
    project.pytester.makefile(
        ".yaml", cors_api="target: myapp:app\ncontracts:\n  - {name: c, path: /api, origins: [https://app.example.com]}\n"
    )
    result = project.run()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["FAILED test_api.py::test_api*"])
    project.run("--cors-app", "other:app").assert_outcomes(failed=2)


def test_yaml_target_errors(project):
    project.app()
    project.pytester.makefile(".yaml", cors_api="target: staging.example.com\ncontracts:\n  - {name: c, path: /api, origins: [https://app.example.com]}\n")
    result = project.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["cors_api.yaml:1:9: target: 'staging.example.com' looks like a URL without a scheme, not module:attribute; "
         "did you mean 'https://staging.example.com'?"]
    )


def test_quiet_by_default_and_header_with_verbose(project):
    project.app({"origins": [APP], "methods": "GET, PUT"})
    project.pytester.makepyfile(test_api=MARKED)
    result = project.run()
    result.assert_outcomes(passed=1)
    assert "cors:" not in result.stdout.str()
    result = project.run("-v")
    result.stdout.fnmatch_lines(["cors: browsers chrome, firefox, safari (from default)"])


def test_spec_warning_points_at_the_test_and_the_yaml_contract(wildcard_authorization):
    wildcard_authorization.pytester.makefile(
        ".yaml",
        cors_api="contracts:\n  - name: c\n    path: /api\n    origins: [https://app.example.com]\n    request_headers: [Authorization]\n",
    )
    result = wildcard_authorization.run()
    result.assert_outcomes(passed=2, warnings=3)
    result.stdout.fnmatch_lines(
        [
            "test_api.py::test_api",
            "  */test_api.py:4: CorsSpecWarning: test_api [[]GET https://app.example.com[]]: allowed by every selected "
            "browser, but the Fetch standard blocks it*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "cors_api.yaml::c[[]GET-https://app.example.com[]]",
            "  */cors_api.yaml:2: CorsSpecWarning: c [[]GET https://app.example.com[]]: allowed by every selected browser*",
        ]
    )
    assert "pytest_cors" not in result.stdout.str()
