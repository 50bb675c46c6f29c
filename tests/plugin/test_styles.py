"""The three styles: markers (function, class, module, stacked), YAML files, the cors fixture."""

import xml.etree.ElementTree as ET

import pytest

APP = "https://app.example.com"


# --- markers ----------------------------------------------------------------------------------


def test_marker_on_a_class_applies_to_each_test(project):
    project.app({"origins": [APP], "methods": "GET"})
    project.pytester.makepyfile(
        test_api="""
        import pytest

        @pytest.mark.cors(path="/api", origins=["https://app.example.com"], methods=["GET", "PUT"])
        class TestApi:
            def test_one(self):
                pass

            def test_two(self):
                pass

        def test_unmarked():
            pass
        """
    )
    result = project.run()
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "CORS contract 'test_one' violated: PUT http://testserver/api from origin https://app.example.com",
            "CORS contract 'test_two' violated: PUT http://testserver/api from origin https://app.example.com",
        ]
    )


def test_marker_on_a_module_applies_to_each_test(project):
    project.app({"origins": [APP]})
    project.pytester.makepyfile(
        test_api="""
        import pytest

        pytestmark = pytest.mark.cors(path="/api", origins=["https://app.example.com"], deny_origins=["https://evil.example.net"])

        def test_one():
            pass

        def test_two():
            pass
        """
    )
    project.run().assert_outcomes(passed=2)
    project.app({"origins": "reflect"})
    result = project.run()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["  expected: blocked"])


def test_stacked_markers_are_several_contracts(project):
    project.app({"origins": [APP, "https://admin.example.com"], "methods": "GET, DELETE"})
    project.pytester.makepyfile(
        test_api="""
        import pytest

        @pytest.mark.cors(path="/api/users", origins=["https://app.example.com"])
        @pytest.mark.cors(path="/api/users/1", origins=["https://admin.example.com"], methods=["DELETE", "PUT"])
        @pytest.mark.cors(path="/api/status", origins=["https://other.example.com"])
        def test_api():
            pass
        """
    )
    result = project.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "2 of 4 CORS cases failed",
            "",
            "[[]1[]] CORS contract 'test_api#2' violated: PUT http://testserver/api/users/1 from origin https://admin.example.com",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        ["[[]2[]] CORS contract 'test_api#3' violated: GET http://testserver/api/status from origin https://other.example.com"]
    )
    result.stdout.fnmatch_lines(["FAILED test_api.py::test_api - 2 of 4 CORS cases failed*"])


def test_marker_path_may_be_positional(project):
    project.app({"origins": [APP]})
    project.pytester.makepyfile(
        test_api='import pytest\n\n@pytest.mark.cors("/api", origins=["https://app.example.com"])\ndef test_api():\n    pass\n'
    )
    project.run().assert_outcomes(passed=1)


def test_a_bad_marker_is_a_collection_error_without_traceback(project):
    project.app()
    project.pytester.makepyfile(
        test_api="""
        import pytest

        @pytest.mark.cors(path="/api", origins=["https://app.example.com"], methods=["GET"], credentials="yes")
        def test_api():
            pass
        """
    )
    result = project.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["test_api.py::test_api: @pytest.mark.cors argument 'credentials': credentials must be true or false, got string 'yes'"]
    )
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*pytest_cors*")


def test_the_test_body_runs_and_may_use_the_cors_fixture(project):
    project.app({"origins": [APP], "methods": "GET"})
    project.pytester.makepyfile(
        test_api="""
        import pytest
        import myapp

        @pytest.mark.cors(path="/api", origins=["https://app.example.com"])
        def test_api(cors):
            # the contract's exchange ran during setup
            assert [(m, p) for m, p, *_ in myapp.app.log] == [("GET", "/api")]
            result = cors.check("/api", origin="https://app.example.com", method="DELETE")
            assert not result.allowed

        @pytest.mark.cors(path="/api", origins=["https://app.example.com"])
        def test_body_failure_is_reported_as_such():
            assert 1 == 2
        """
    )
    result = project.run()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["E       assert 1 == 2"])


def test_strict_markers_clean(project):
    project.app({"origins": [APP]})
    project.pytester.makepyfile(
        test_api='import pytest\n\n@pytest.mark.cors(path="/api", origins=["https://app.example.com"])\ndef test_api():\n    pass\n'
    )
    result = project.run("--strict-markers", "-W", "error::pytest.PytestUnknownMarkWarning")
    result.assert_outcomes(passed=1)
    result = project.pytester.runpytest("--markers", "-p", "no:hypothesispytest")
    result.stdout.fnmatch_lines(["@pytest.mark.cors(path=None, *, origins=(), deny_origins=(), methods=('GET',)*"])


# --- YAML -------------------------------------------------------------------------------------------

CONTRACTS = """
defaults:
  credentials: true
  request_headers: [Authorization]
contracts:
  - name: users
    path: /api/users
    origins: [https://app.example.com, https://admin.example.com]
    deny_origins: [https://evil.example.net]
    methods: [GET, PUT]
  - name: status
    path: /api/status
    origins: "*"
    credentials: false
    request_headers: []
"""


def test_yaml_items_one_per_origin_and_method_and_deny_origin(project):
    project.app({"origins": [APP], "credentials": True, "methods": "GET"})
    project.pytester.makefile(".yaml", cors_api=CONTRACTS)
    result = project.run("-v")
    result.assert_outcomes(passed=3, failed=4)
    result.stdout.fnmatch_lines(
        [
            "cors_api.yaml::users[[]GET-https://app.example.com[]] PASSED*",
            "cors_api.yaml::users[[]PUT-https://app.example.com[]] FAILED*",
            "cors_api.yaml::users[[]GET-https://admin.example.com[]] FAILED*",
            "cors_api.yaml::users[[]PUT-https://admin.example.com[]] FAILED*",
            "cors_api.yaml::users[[]deny:GET-https://evil.example.net[]] PASSED*",
            "cors_api.yaml::users[[]deny:PUT-https://evil.example.net[]] PASSED*",
            "cors_api.yaml::status[[]GET-https://any-origin.pytest-cors.test[]] FAILED*",
        ]
    )


def test_yaml_defaults_are_merged_and_overridden(project):
    # the status contract overrides credentials and request_headers: with them it would need a preflight
    project.app({"origins": "*", "answer_options": False})
    project.pytester.makefile(".yaml", cors_api=CONTRACTS)
    result = project.run("-v", "-k", "status")
    result.assert_outcomes(passed=1)


def test_k_selects_yaml_cases(project):
    project.app({"origins": [APP], "credentials": True, "methods": "GET"})
    project.pytester.makefile(".yaml", cors_api=CONTRACTS)
    result = project.run("-v", "-k", "users and PUT and app.example")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["cors_api.yaml::users[[]PUT-https://app.example.com[]] FAILED*"])
    result = project.run("-k", "deny")
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize("filename", ["cors_api.yaml", "cors_api.yml", "api.cors.yaml", "api.cors.yml"])
def test_yaml_file_names_that_are_collected(project, filename):
    project.app({"origins": [APP]})
    (project.pytester.path / filename).write_text("contracts:\n  - {name: c, path: /api, origins: [https://app.example.com]}\n")
    project.pytester.makefile(".yaml", other="contracts:\n  - {name: d, path: /api, origins: [https://app.example.com]}\n")
    result = project.run("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"{filename}::c[[]GET-https://app.example.com[]] PASSED*"])


def test_yaml_errors_point_at_file_line_column(project):
    project.app()
    project.pytester.makefile(
        ".yaml",
        cors_api="contracts:\n  - name: c\n    path: /api\n    origins: [https://app.example.com]\n    methods: [GET, 'PU T']\n",
    )
    result = project.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["cors_api.yaml:5:20: methods: 'PU T' is not a valid HTTP method token"])
    result.stdout.no_fnmatch_line("*Traceback*")


def test_junit_xml_shows_the_failing_case(project):
    project.app({"origins": [APP], "credentials": True, "methods": "GET"})
    project.pytester.makefile(".yaml", cors_api=CONTRACTS)
    result = project.run("--junitxml=report.xml", "-k", "users")
    result.assert_outcomes(passed=3, failed=3)
    root = ET.parse(project.pytester.path / "report.xml").getroot()
    cases = {tc.get("name"): tc for tc in root.iter("testcase")}
    assert set(cases) == {
        "users[GET-https://app.example.com]",
        "users[PUT-https://app.example.com]",
        "users[GET-https://admin.example.com]",
        "users[PUT-https://admin.example.com]",
        "users[deny:GET-https://evil.example.net]",
        "users[deny:PUT-https://evil.example.net]",
    }
    failure = cases["users[PUT-https://app.example.com]"].find("failure")
    assert failure is not None
    assert failure.get("message").startswith(
        "CORS contract 'users' violated: PUT http://testserver/api/users from origin https://app.example.com with credentials"
    )
    assert "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response." in failure.text
    assert "curl -i -X OPTIONS http://testserver/api/users" in failure.text
    assert "Traceback" not in failure.text
    assert cases["users[GET-https://app.example.com]"].find("failure") is None
    assert cases["users[GET-https://app.example.com]"].get("classname") == "cors_api.yaml"


# --- the cors fixture ------------------------------------------------------------------------------------


def test_cors_fixture_api(project):
    project.app({"origins": [APP], "credentials": True, "expose": "X-Total-Count", "methods": "GET, POST"})
    project.pytester.makepyfile(
        test_fixture="""
        import pytest
        from pytest_cors.errors import CorsContractFailure

        def test_allowed(cors):
            result = cors.check("/api", origin="https://app.example.com", credentials=True)
            assert result.allowed is True
            assert result.reason == "ok"
            assert result.console_message == ""
            assert result.blocked_by == ()
            assert result.preflight is None
            assert result.actual.request.header("Origin") == "https://app.example.com"
            assert result.actual.response.header("Access-Control-Allow-Origin") == "https://app.example.com"
            assert result.readable_headers["x-total-count"] == "2"
            assert "x-request-id" not in result.readable_headers
            assert set(result.verdicts) == {"chrome", "firefox", "safari"}
            assert result.assert_allowed() is result
            with pytest.raises(CorsContractFailure):
                result.assert_blocked()

        def test_blocked(cors):
            result = cors.check("/api", origin="https://evil.example.net", method="put",
                                headers={"Content-Type": "application/json"})
            assert result.allowed is False
            assert result.reason == "preflight-acao-missing"
            assert result.blocked_by == ("chrome", "firefox", "safari")
            assert result.console_message == (
                "Access to fetch at 'http://testserver/api' from origin 'https://evil.example.net' has been blocked "
                "by CORS policy: Response to preflight request doesn't pass access control check: No "
                "'Access-Control-Allow-Origin' header is present on the requested resource."
            )
            assert result.preflight.request.method == "OPTIONS"
            assert result.preflight.request.header("Access-Control-Request-Method") == "PUT"
            assert result.preflight.request.header("Access-Control-Request-Headers") == "content-type"
            assert result.actual is None
            result.assert_blocked()

        def test_safelisted_value_needs_no_preflight(cors):
            result = cors.check("/api", origin="https://app.example.com", method="POST",
                                headers={"Content-Type": "text/plain"}, body="hi")
            assert result.preflight is None and result.allowed

        def test_header_names_get_a_worst_case_value(cors):
            result = cors.check("/api", origin="https://app.example.com", headers=["Accept"])
            assert result.preflight.request.header("Access-Control-Request-Headers") == "accept"

        def test_assert_allowed_fails_with_the_report(cors):
            cors.check("/api", origin="https://evil.example.net", credentials=True).assert_allowed()

        def test_bad_arguments(cors):
            cors.check("/api", origin="https://evil.example.net/", method="GET")
        """
    )
    result = project.run()
    result.assert_outcomes(passed=4, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ test_assert_allowed_fails_with_the_report _*",
            "CORS contract 'cors.check(\"/api\")' violated: GET http://testserver/api from origin https://evil.example.net with credentials",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_bad_arguments _*",
            "cors.check(): origins: invalid origin 'https://evil.example.net/': trailing slash*did you mean 'https://evil.example.net'?",
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")


def test_cors_fixture_check_contract(project):
    project.app({"origins": [APP], "methods": "GET"})
    project.pytester.makepyfile(
        test_fixture="""
        def test_contract(cors):
            cors.check_contract(name="users", path="/api", origins=["https://app.example.com"], methods=["GET", "PUT"])
        """
    )
    result = project.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["CORS contract 'users' violated: PUT http://testserver/api from origin https://app.example.com"])


def test_cors_target_fixture(project):
    project.app()
    project.pytester.makepyfile(
        test_t="def test_t(cors_target):\n    assert cors_target.describe().endswith('served as http://testserver')\n"
    )
    project.run().assert_outcomes(passed=1)
