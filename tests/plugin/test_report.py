"""The failure report, section by section, and quiet passing runs."""

import pytest

APP = "https://app.example.com"

PUT_WITH_TOKEN = """
import pytest


@pytest.mark.cors(
    path="/api/users",
    origins=["https://app.example.com"],
    methods=["PUT"],
    request_headers={"Authorization": "Bearer abcdef123"},
    credentials=True,
    max_age=600,
)
def test_users():
    pass
"""

FULL_REPORT = [
    "*_ test_users _*",
    "CORS contract 'test_users' violated: PUT http://testserver/api/users from origin https://app.example.com with credentials",
    "  expected: allowed",
    "  problem:  blocked by Chrome, Firefox, Safari",
    "  blocks:   Chrome, Firefox, Safari",
    "",
    "Chrome console:",
    "  Access to fetch at 'http://testserver/api/users' from origin 'https://app.example.com' has been blocked by CORS "
    "policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.",
    "Firefox console:",
    "  Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
    "http://testserver/api/users. (Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’).",
    "Safari console:",
    "  Method PUT is not allowed by Access-Control-Allow-Methods.",
    "  Fetch API cannot load http://testserver/api/users due to access control checks.",
    "",
    "Hint: add PUT to the server's allowed methods (Access-Control-Allow-Methods)",
    "",
    "Preflight request:",
    "  curl -i -X OPTIONS http://testserver/api/users -H 'Accept: */*' -H 'Origin: https://app.example.com' "
    "-H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: authorization'",
    "  -> 204 NO CONTENT",
    "    header                            expected                 actual",
    "    status                            2xx                      204 NO CONTENT",
    "    Access-Control-Allow-Origin       https://app.example.com  https://app.example.com",
    "    Access-Control-Allow-Credentials  true                     true",
    "    Access-Control-Allow-Methods      includes PUT             GET, POST",
    "    Access-Control-Allow-Headers      includes authorization   Authorization, Content-Type",
    "    Access-Control-Max-Age            600                      600",
    "    Vary                                                       Origin",
    "    preflight cached: Chrome 600 s, Firefox 600 s, Safari 600 s (Access-Control-Max-Age '600')",
    "",
    "Target:   WSGI app * served as http://testserver",
    "Contract: test_users.py::test_users: @pytest.mark.cors",
    "=* short test summary info =*",
    "FAILED test_users.py::test_users - CORS contract 'test_users' violated: PUT *",
]


@pytest.fixture
def failing(project):
    project.app({"origins": [APP], "credentials": True, "methods": "GET, POST", "max_age": 600})
    project.pytester.makepyfile(test_users=PUT_WITH_TOKEN)
    return project


def test_full_failure_report(failing):
    result = failing.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(FULL_REPORT, consecutive=True)


def test_report_has_no_plugin_traceback_and_no_secret(failing):
    result = failing.run()
    text = result.stdout.str()
    assert "Traceback" not in text
    assert "pytest_cors" not in text
    assert "raise CorsContractFailure" not in text
    assert "abcdef123" not in text


def test_report_is_the_same_in_yaml(project):
    project.app({"origins": [APP], "credentials": True, "methods": "GET, POST", "max_age": 600})
    project.pytester.makefile(
        ".yaml",
        cors_api="""contracts:
  - name: users
    path: /api/users
    origins: [https://app.example.com]
    methods: [PUT]
    request_headers: {Authorization: Bearer abcdef123}
    credentials: true
    max_age: 600
""",
    )
    result = project.run()
    result.assert_outcomes(failed=1)
    body = [line.replace("test_users", "users") for line in FULL_REPORT[1:-4]]
    result.stdout.fnmatch_lines(
        ["*_ cors: users[[]PUT-https://app.example.com[]] _*"]
        + body
        + ["Target:   WSGI app * served as http://testserver", "Contract: cors_api.yaml:2:5", "=* short test summary info =*"],
        consecutive=True,
    )


def test_an_allowed_request_that_breaks_vary_shows_the_actual_exchange(project):
    project.app({"origins": [APP], "vary": False})
    project.pytester.makepyfile(
        test_a='import pytest\n\n@pytest.mark.cors(path="/api", origins=["https://app.example.com"])\ndef test_a():\n    pass\n'
    )
    result = project.run()
    result.stdout.fnmatch_lines(
        [
            "CORS contract 'test_a' violated: GET http://testserver/api from origin https://app.example.com",
            "  expected: allowed",
            "  problem:  the response allows 'https://app.example.com' but its Vary header does not list Origin (a shared "
            "cache can serve this origin's answer to another)",
            "  blocks:   none   allows: Chrome, Firefox, Safari",
            "",
            "Hint: add 'Vary: Origin' to every response whose Access-Control-Allow-Origin depends on the request's Origin",
            "",
            "Actual request:",
            "  curl -i http://testserver/api -H 'Origin: https://app.example.com'",
            "  -> 200 OK",
            "    header                       expected                            actual",
            "    Access-Control-Allow-Origin  https://app.example.com or *        https://app.example.com",
            "    Vary                         includes Origin (unless ACAO is *)  (missing)",
            "",
            "Target:   WSGI app * served as http://testserver",
            "Contract: test_a.py::test_a: @pytest.mark.cors",
        ],
        consecutive=True,
    )


def test_several_failed_cases_are_numbered(project):
    project.app({"origins": [APP], "methods": "GET"})
    project.pytester.makepyfile(
        test_a="""
        import pytest

        @pytest.mark.cors(path="/api", origins=["https://app.example.com", "https://b.example.com"], methods=["GET", "DELETE"])
        def test_a():
            pass
        """
    )
    result = project.run()
    result.stdout.fnmatch_lines(
        [
            "3 of 4 CORS cases failed",
            "",
            "[[]1[]] CORS contract 'test_a' violated: DELETE http://testserver/api from origin https://app.example.com",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(["[[]2[]] CORS contract 'test_a' violated: GET http://testserver/api from origin https://b.example.com"])
    result.stdout.fnmatch_lines(["[[]3[]] CORS contract 'test_a' violated: DELETE http://testserver/api from origin https://b.example.com"])


def test_curl_lines_are_copy_pasteable(failing):
    """The curl line of the report, run through a shell parser, is the request the plugin sent."""
    import shlex

    result = failing.run()
    line = next(text for text in result.stdout.lines if text.startswith("  curl -i -X OPTIONS"))
    argv = shlex.split(line)
    assert argv[:5] == ["curl", "-i", "-X", "OPTIONS", "http://testserver/api/users"]
    headers = [argv[i + 1] for i, a in enumerate(argv) if a == "-H"]
    assert headers == [
        "Accept: */*",
        "Origin: https://app.example.com",
        "Access-Control-Request-Method: PUT",
        "Access-Control-Request-Headers: authorization",
    ]


def test_passing_runs_print_nothing_extra(project):
    project.app({"origins": [APP], "credentials": True, "methods": "GET, PUT", "max_age": 600, "expose": "X-Total-Count"})
    project.pytester.makepyfile(
        test_users="""
        import pytest

        @pytest.mark.cors(path="/api/users", origins=["https://app.example.com"], deny_origins=["https://evil.example.net"],
                          methods=["GET", "PUT"], request_headers=["Authorization"], credentials=True,
                          expose_headers=["X-Total-Count"], max_age=600)
        def test_users():
            pass

        def test_plain():
            pass
        """
    )
    project.pytester.makefile(".yaml", cors_api="contracts:\n  - {name: c, path: /api, origins: [https://app.example.com]}\n")
    marked = project.run()
    marked.assert_outcomes(passed=3)
    assert marked.ret == 0
    lines = [text for text in marked.stdout.lines if text.strip()]
    assert lines[-1].startswith("=") and "3 passed" in lines[-1]
    assert not [text for text in lines if "cors" in text.lower() and not text.startswith(("plugins:", "cors_api.yaml "))]
    assert "warning" not in marked.stdout.str().lower()
