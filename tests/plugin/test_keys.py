"""Every contract key, as a marker keyword and as a YAML key, against an app that keeps
the contract and one that breaks it; failures assert the specific text."""

import pytest
import yaml

APP = "https://app.example.com"
EVIL = "https://evil.example.net"

STYLES = ("marker", "yaml")


def write_contract(project, style, contract, body="pass"):
    """Write ``contract`` (a dict of contract keys, named ``c``) as a marker or a YAML file."""
    contract = {"name": "c", **contract}
    if style == "marker":
        kwargs = ", ".join(f"{k}={v!r}" for k, v in contract.items())
        project.pytester.makepyfile(
            test_contract=f"import pytest\n\n\n@pytest.mark.cors({kwargs})\ndef test_c():\n    {body}\n"
        )
    else:
        project.pytester.makefile(".yaml", cors_contract=yaml.safe_dump({"contracts": [contract]}, sort_keys=False))


def expect(result, style, passed=0, failed=0):
    """YAML has one item per case; a marked test is one item that fails if any case fails."""
    if style == "marker":
        result.assert_outcomes(passed=0 if failed else 1, failed=1 if failed else 0)
    else:
        result.assert_outcomes(passed=passed, failed=failed)


@pytest.fixture(params=STYLES)
def style(request):
    return request.param


# --- name, path ---------------------------------------------------------------------------


def test_name_appears_in_report_and_yaml_ids(project, style):
    project.app({"origins": [APP]})
    write_contract(project, style, {"name": "users-list", "path": "/api/users", "origins": [EVIL]})
    result = project.run("-v")
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines([f"*CORS contract 'users-list' violated: GET http://testserver/api/users from origin {EVIL}"])
    if style == "yaml":
        result.stdout.fnmatch_lines([f"cors_contract.yaml::users-list[[]GET-{EVIL}[]] FAILED*"])


def test_path_is_requested_and_a_404_without_headers_is_explained(project, style):
    project.app({"origins": [APP], "paths": ["/api/"]})
    write_contract(project, style, {"path": "/api/users?page=2", "origins": [APP]})
    result = project.run()
    expect(result, style, passed=1)
    write_contract(project, style, {"path": "/v1/users", "origins": [APP]})
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*GET http://testserver/v1/users from origin https://app.example.com",
            "Hint: the 404 response lacks the CORS headers: error handlers and proxies*",
        ]
    )


def test_path_query_reaches_the_app(project):
    project.app({"origins": [APP]})
    write_contract(
        project,
        "marker",
        {"path": "/api/users?page=2", "origins": [APP]},
        body="import myapp; assert [(m, p) for m, p, *_ in myapp.app.log] == [('GET', '/api/users?page=2')]",
    )
    project.run().assert_outcomes(passed=1)


# --- origins / origin ------------------------------------------------------------------------


def test_origins_allowed_pass_and_unlisted_fail(project, style):
    project.app({"origins": [APP, "https://admin.example.com"]})
    write_contract(project, style, {"path": "/api", "origins": [APP, "https://admin.example.com"]})
    expect(project.run(), style, passed=2)
    write_contract(project, style, {"path": "/api", "origins": [APP, "https://other.example.com"]})
    result = project.run()
    expect(result, style, passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "Chrome console:",
            "  Access to fetch at 'http://testserver/api' from origin 'https://other.example.com' has been blocked "
            "by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        ],
        consecutive=True,
    )


def test_origins_are_normalised_like_a_browser_serialises_them(project, style):
    project.app({"origins": [APP]})
    write_contract(project, style, {"path": "/api", "origins": ["HTTPS://App.Example.COM:443"]})
    result = project.run("-v")
    expect(result, style, passed=1)
    if style == "yaml":
        result.stdout.fnmatch_lines(["cors_contract.yaml::c[[]GET-https://app.example.com[]] PASSED*"])


@pytest.mark.parametrize(
    "bad, problem",
    [
        ("https://app.example.com/login", "it contains a path '/login'"),
        ("https://app.example.com/", "trailing slash"),
        ("https://app.example.com?next=1", "it contains a query"),
        ("https://user:pw@app.example.com", "it contains userinfo"),
        ("app.example.com", "missing scheme"),
    ],
)
def test_an_origin_that_is_not_an_origin_is_an_error_showing_what_was_meant(project, style, bad, problem):
    project.app({"origins": [APP]})
    write_contract(project, style, {"path": "/api", "origins": [bad]})
    result = project.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*invalid origin {bad!r}: {problem}*did you mean 'https://app.example.com'?*"])
    result.stdout.no_fnmatch_line("*Traceback*")


def test_a_bad_scheme_is_an_error(project, style):
    project.app({"origins": [APP]})
    write_contract(project, style, {"path": "/api", "origins": ["ftp://app.example.com"]})
    result = project.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*invalid origin 'ftp://app.example.com': unsupported scheme 'ftp'*; did you mean 'https://app.example.com'?"])


def test_null_origin_allowed_and_denied(project, style):
    project.app({"origins": ["null"]})
    write_contract(project, style, {"path": "/api", "origins": ["null"]})
    result = project.run("-v")
    expect(result, style, passed=1)
    if style == "yaml":
        result.stdout.fnmatch_lines(["cors_contract.yaml::c[[]GET-null[]] PASSED*"])
    project.app({"origins": [APP, "null"]})
    write_contract(project, style, {"path": "/api", "origins": [APP], "deny_origins": ["null"]})
    result = project.run()
    expect(result, style, passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*origin null can read the response in Chrome, Firefox, Safari, but the contract says it must be blocked"]
    )


def test_origin_alias_takes_a_single_string(project, style):
    project.app({"origins": [APP]})
    write_contract(project, style, {"path": "/api", "origin": APP})
    expect(project.run(), style, passed=1)
    write_contract(project, style, {"path": "/api", "origin": EVIL})
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines([f"*from origin {EVIL}"])


def test_origins_and_origin_together_are_an_error(project, style):
    project.app()
    write_contract(project, style, {"path": "/api", "origin": APP, "origins": [APP]})
    result = project.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*'origin' and 'origins' given together; use 'origins' only*"])


# --- deny_origins ---------------------------------------------------------------------------


def test_deny_origins_pass_when_every_browser_blocks(project, style):
    project.app({"origins": [APP]})
    write_contract(project, style, {"path": "/api", "origins": [APP], "deny_origins": [EVIL]})
    result = project.run("-v")
    expect(result, style, passed=2)
    if style == "yaml":
        result.stdout.fnmatch_lines([f"cors_contract.yaml::c[[]deny:GET-{EVIL}[]] PASSED*"])


def test_deny_origins_fail_when_the_server_reflects_any_origin(project, style):
    project.app({"origins": "reflect"})
    write_contract(project, style, {"path": "/api", "deny_origins": [EVIL]})
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines(
        [
            f"CORS contract 'c' violated: GET http://testserver/api from origin {EVIL}",
            "  expected: blocked",
            f"  problem:  origin {EVIL} can read the response in Chrome, Firefox, Safari, but the contract says it must be blocked",
            "  blocks:   none   allows: Chrome, Firefox, Safari",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(["Hint: the server lets an origin read that it should refuse*"])


# --- methods / method --------------------------------------------------------------------------


def test_methods_default_to_get(project, style):
    project.app({"origins": [APP], "methods": "POST"})
    write_contract(project, style, {"path": "/api", "origins": [APP]})
    result = project.run("-v")
    expect(result, style, passed=1)
    if style == "yaml":
        result.stdout.fnmatch_lines(["cors_contract.yaml::c[[]GET-https://app.example.com[]] PASSED*"])


def test_method_missing_from_allow_methods_fails(project, style):
    project.app({"origins": [APP], "methods": "GET, POST"})
    write_contract(project, style, {"path": "/api", "origins": [APP], "methods": ["GET", "PUT"]})
    result = project.run()
    expect(result, style, passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "  Access to fetch at 'http://testserver/api' from origin 'https://app.example.com' has been blocked by "
            "CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.",
        ]
    )
    result.stdout.fnmatch_lines(["Hint: add PUT to the server's allowed methods (Access-Control-Allow-Methods)"])


def test_only_the_six_fetch_methods_are_uppercased(project, style):
    # fetch() uppercases delete/get/head/options/post/put; `patch` goes on the wire as written
    project.app({"origins": [APP], "methods": "GET, DELETE, PATCH"})
    write_contract(project, style, {"path": "/api", "origins": [APP], "methods": ["delete", "patch"]})
    result = project.run("-v")
    expect(result, style, passed=1, failed=1)
    if style == "yaml":
        result.stdout.fnmatch_lines(
            [
                "cors_contract.yaml::c[[]DELETE-https://app.example.com[]] PASSED*",
                "cors_contract.yaml::c[[]patch-https://app.example.com[]] FAILED*",
            ]
        )
    result.stdout.fnmatch_lines(
        [
            "*Method patch is not allowed by Access-Control-Allow-Methods in preflight response.",
            "*-H 'Access-Control-Request-Method: patch'",
        ]
    )
    result.stdout.fnmatch_lines(["Hint: add patch to the server's allowed methods*case-sensitive*"])


def test_method_alias(project, style):
    project.app({"origins": [APP], "methods": "PUT"})
    write_contract(project, style, {"path": "/api", "origins": [APP], "method": "put"})
    result = project.run("-v")
    expect(result, style, passed=1)
    if style == "yaml":
        result.stdout.fnmatch_lines(["cors_contract.yaml::c[[]PUT-https://app.example.com[]] PASSED*"])


# --- request_headers -----------------------------------------------------------------------------


def test_request_header_names_are_sent_with_a_never_safelisted_value(project, style):
    project.app({"origins": [APP], "headers": "Content-Type"})
    write_contract(project, style, {"path": "/api", "origins": [APP], "request_headers": ["Authorization", "Accept"]})
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*has been blocked by CORS policy: Request header field [aA]ccept is not allowed by "
            "Access-Control-Allow-Headers in preflight response.",
        ]
    )
    result.stdout.fnmatch_lines(
        ["  curl -i -X OPTIONS http://testserver/api *-H 'Access-Control-Request-Headers: accept,authorization'"]
    )
    # Accept is safelisted for ordinary values; the plugin sends one that is not
    project.app({"origins": [APP], "headers": "Accept, Authorization"})
    expect(project.run(), style, passed=1)


def test_request_header_mapping_uses_the_real_value_to_decide_safelisting(project, style):
    # the app rejects every preflight: only requests that need none can pass
    project.app({"origins": [APP], "answer_options": False})
    write_contract(
        project, style, {"path": "/api", "origins": [APP], "methods": ["POST"], "request_headers": {"Content-Type": "text/plain"}}
    )
    expect(project.run(), style, passed=1)
    write_contract(
        project,
        style,
        {"path": "/api", "origins": [APP], "methods": ["POST"], "request_headers": {"Content-Type": "application/json"}},
    )
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*blocked by CORS policy: Response to preflight request doesn't pass access control check: "
            "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        ]
    )
    result.stdout.fnmatch_lines(["Hint: the preflight got 405: nothing answers OPTIONS on this route*"])
    result.stdout.fnmatch_lines(["*-H 'Access-Control-Request-Headers: content-type'"])


def test_request_header_values_are_redacted_in_the_report(project, style):
    project.app({"origins": [APP], "headers": "Content-Type"})
    write_contract(
        project, style, {"path": "/api", "origins": [APP], "request_headers": {"Authorization": "Bearer s3cr3t-token"}}
    )
    result = project.run()
    expect(result, style, failed=1)
    assert "s3cr3t-token" not in result.stdout.str()


# --- credentials ---------------------------------------------------------------------------------


def test_credentials_need_allow_credentials_true(project, style):
    project.app({"origins": [APP], "credentials": True})
    write_contract(project, style, {"path": "/api", "origins": [APP], "credentials": True})
    expect(project.run(), style, passed=1)
    project.app({"origins": [APP]})
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines(
        [
            f"CORS contract 'c' violated: GET http://testserver/api from origin {APP} with credentials",
            "*The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' "
            "when the request's credentials mode is 'include'.",
        ]
    )
    result.stdout.fnmatch_lines(["Hint: send 'Access-Control-Allow-Credentials: true' (exactly, lowercase)*"])


def test_credentials_refuse_a_wildcard_origin(project, style):
    project.app({"origins": "*", "credentials": True})
    write_contract(project, style, {"path": "/api", "origins": [APP], "credentials": True})
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' "
            "when the request's credentials mode is 'include'.",
        ]
    )
    write_contract(project, style, {"path": "/api", "origins": [APP], "credentials": False})
    expect(project.run(), style, passed=1)


# --- expose_headers -----------------------------------------------------------------------------------


def test_expose_headers_must_be_readable(project, style):
    project.app({"origins": [APP], "expose": "X-Request-Id"})
    write_contract(project, style, {"path": "/api", "origins": [APP], "expose_headers": ["X-Total-Count"]})
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines(
        [
            "  problem:  JavaScript cannot read response header 'X-Total-Count' (it is not exposed)",
            "  blocks:   none   allows: Chrome, Firefox, Safari",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        [
            "    Access-Control-Expose-Headers  includes X-Total-Count * X-Request-Id",
        ]
    )
    project.app({"origins": [APP], "expose": "X-Request-Id, x-total-count"})
    expect(project.run(), style, passed=1)


def test_wildcard_expose_does_not_work_with_credentials(project, style):
    project.app({"origins": [APP], "credentials": True, "expose": "*"})
    write_contract(project, style, {"path": "/api", "origins": [APP], "credentials": True, "expose_headers": ["X-Total-Count"]})
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines(["Hint: list the header by name in Access-Control-Expose-Headers ('*' does not expose*"])
    write_contract(project, style, {"path": "/api", "origins": [APP], "expose_headers": ["X-Total-Count"]})
    project.app({"origins": [APP], "expose": "*"})
    expect(project.run(), style, passed=1)


# --- max_age --------------------------------------------------------------------------------------------


def test_max_age_exact(project, style):
    project.app({"origins": [APP], "max_age": 600})
    write_contract(project, style, {"path": "/api", "origins": [APP], "methods": ["PUT"], "max_age": 600})
    expect(project.run(), style, passed=1)
    project.app({"origins": [APP], "max_age": 300})
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines(
        [
            "  problem:  Access-Control-Max-Age is '300', expected 600",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "    Access-Control-Max-Age        600 * 300",
            "    preflight cached: Chrome 300 s, Firefox 300 s, Safari 300 s (Access-Control-Max-Age '300')",
        ]
    )


def test_max_age_range_and_each_browsers_cap(project, style):
    project.app({"origins": [APP], "max_age": 86400})
    write_contract(project, style, {"path": "/api", "origins": [APP], "methods": ["PUT"], "max_age": {"min": 60, "max": 7200}})
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines(
        [
            "  problem:  Access-Control-Max-Age is '86400', expected between 60 and 7200",
        ]
    )
    result.stdout.fnmatch_lines(
        ["    preflight cached: Chrome 7200 s, Firefox 86400 s, Safari 600 s (Access-Control-Max-Age '86400')"]
    )
    project.app({"origins": [APP], "max_age": 7200})
    expect(project.run(), style, passed=1)


def test_max_age_missing_means_five_seconds(project, style):
    project.app({"origins": [APP]})
    write_contract(project, style, {"path": "/api", "origins": [APP], "methods": ["PUT"], "max_age": {"min": 60}})
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines(
        [
            "  problem:  Access-Control-Max-Age is missing, expected between 60 and any",
        ]
    )
    result.stdout.fnmatch_lines(
        ["    preflight cached: Chrome 5 s, Firefox 5 s, Safari 5 s (Access-Control-Max-Age absent)"]
    )
    result.stdout.fnmatch_lines(["Hint: set Access-Control-Max-Age on the preflight response*"])


def test_invalid_max_age_is_cached_differently_per_browser(project, style):
    project.app({"origins": [APP], "max_age": "1e3"})
    write_contract(project, style, {"path": "/api", "origins": [APP], "methods": ["PUT"], "max_age": 600})
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines(
        ["    preflight cached: Chrome 5 s, Firefox not cached, Safari 5 s (Access-Control-Max-Age '1e3')"]
    )


# --- vary --------------------------------------------------------------------------------------------------


def test_vary_origin_is_required_when_the_origin_is_echoed(project, style):
    project.app({"origins": [APP], "vary": False})
    write_contract(project, style, {"path": "/api", "origins": [APP]})
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines(
        [
            "  problem:  the response allows 'https://app.example.com' but its Vary header does not list Origin "
            "(a shared cache can serve this origin's answer to another)",
        ]
    )
    result.stdout.fnmatch_lines(["    Vary                         includes Origin (unless ACAO is *)  (missing)"])
    result.stdout.fnmatch_lines(["Hint: add 'Vary: Origin' to every response*"])
    write_contract(project, style, {"path": "/api", "origins": [APP], "vary": False})
    expect(project.run(), style, passed=1)


def test_vary_is_not_required_for_a_wildcard(project, style):
    project.app({"origins": "*"})
    write_contract(project, style, {"path": "/api", "origins": ["*"]})
    result = project.run("-v")
    expect(result, style, passed=1)
    if style == "yaml":
        result.stdout.fnmatch_lines(["cors_contract.yaml::c[[]GET-https://any-origin.pytest-cors.test[]] PASSED*"])


# --- body ----------------------------------------------------------------------------------------------------


def test_body_is_sent_and_a_string_body_needs_no_preflight(project):
    project.app({"origins": [APP], "answer_options": False})
    write_contract(
        project,
        "marker",
        {"path": "/api", "origins": [APP], "methods": ["POST"], "body": {"name": "Ada"}},
        body=(
            "import myapp; (m, p, h, b), = myapp.app.log; "
            "assert (m, b, h['Content-Type']) == ('POST', '{\"name\":\"Ada\"}', 'text/plain;charset=UTF-8')"
        ),
    )
    project.run().assert_outcomes(passed=1)


def test_body_with_a_json_content_type_needs_a_preflight(project, style):
    project.app({"origins": [APP], "answer_options": False})
    write_contract(
        project,
        style,
        {
            "path": "/api",
            "origins": [APP],
            "methods": ["POST"],
            "body": '{"name": "Ada"}',
            "request_headers": {"Content-Type": "application/json"},
        },
    )
    result = project.run()
    expect(result, style, failed=1)
    result.stdout.fnmatch_lines(["*-H 'Access-Control-Request-Method: POST' -H 'Access-Control-Request-Headers: content-type'"])


def test_unknown_key_is_an_error_with_a_suggestion(project, style):
    project.app()
    write_contract(project, style, {"path": "/api", "origins": [APP], "expose_header": ["X"]})
    result = project.run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown key 'expose_header'; did you mean 'expose_headers'?*"])
    result.stdout.no_fnmatch_line("*Traceback*")
