"""The whole failure report of a case, line by line: title, problems, which browsers block, each
browser's console, hints, each request as curl with expected vs actual headers, notes, target.

The apps are plain WSGI callables sending the wrong headers, checked in-process.
"""

from __future__ import annotations

import dataclasses

from pytest_cors.report.case_failure import format_case_failure

from .apps import app, report, result_of, section

APP = "https://app.example.com"
ACAO = [("Access-Control-Allow-Origin", APP)]
GET = {"path": "/api", "origins": [APP]}


def test_a_get_without_cors_headers_reads_like_a_bug_report():
    assert report(app(), GET) == [
        "CORS contract 'api' violated: GET http://testserver/api from origin https://app.example.com",
        "  expected: allowed",
        "  problem:  blocked by Chrome, Firefox, Safari",
        "  blocks:   Chrome, Firefox, Safari",
        "",
        "Chrome console:",
        "  Access to fetch at 'http://testserver/api' from origin 'https://app.example.com' has been blocked by "
        "CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        "Firefox console:",
        "  Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
        "http://testserver/api. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.",
        "Safari console:",
        "  Origin https://app.example.com is not allowed by Access-Control-Allow-Origin. Status code: 200",
        "  Fetch API cannot load http://testserver/api due to access control checks.",
        "",
        "Hint: the server does not send Access-Control-Allow-Origin for https://app.example.com: add it to the "
        "allowed origins",
        "",
        "Actual request:",
        "  curl -i http://testserver/api -H 'Origin: https://app.example.com'",
        "  -> 200 OK",
        "    header                       expected                            actual",
        "    Access-Control-Allow-Origin  https://app.example.com or *        (missing)",
        "    Vary                         includes Origin (unless ACAO is *)  (missing)",
    ]


def test_a_preflighted_request_that_one_profile_blocks():
    preflight = ACAO + [("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "*")]
    contract = {**GET, "methods": ["PUT"], "request_headers": {"Authorization": "Bearer s3cret-token"}}
    lines = report(app(preflight, ACAO + [("Vary", "Origin")]), contract, profiles=("chrome", "spec", "firefox"))
    assert lines == [
        "CORS contract 'api' violated: PUT http://testserver/api from origin https://app.example.com",
        "  expected: allowed",
        "  problem:  blocked by Fetch standard",
        "  blocks:   Fetch standard   allows: Chrome, Firefox",
        "",
        "Fetch standard console:",
        "  Access to fetch at 'http://testserver/api' from origin 'https://app.example.com' has been blocked by "
        "CORS policy: Request header field authorization is not allowed by Access-Control-Allow-Headers in "
        "preflight response.",
        "",
        "Hint: list Authorization in the server's allowed headers (Access-Control-Allow-Headers)",
        "",
        "Preflight request:",
        "  curl -i -X OPTIONS http://testserver/api -H 'Accept: */*' -H 'Origin: https://app.example.com' "
        "-H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: authorization'",
        "  -> 204 No Content",
        "    header                        expected                       actual",
        "    status                        2xx                            204 No Content",
        "    Access-Control-Allow-Origin   https://app.example.com or *   https://app.example.com",
        "    Access-Control-Allow-Methods  includes PUT (or *)            PUT",
        "    Access-Control-Allow-Headers  includes authorization (or *)  *",
        "    preflight cached: Chrome 5 s, Fetch standard 5 s, Firefox 5 s (Access-Control-Max-Age absent)",
        "",
        "Actual request:",
        "  curl -i -X PUT http://testserver/api -H 'Origin: https://app.example.com' -H 'Authorization: <redacted>'",
        "  -> 200 OK",
        "    header                       expected                            actual",
        "    Access-Control-Allow-Origin  https://app.example.com or *        https://app.example.com",
        "    Vary                         includes Origin (unless ACAO is *)  Origin",
    ]


def test_a_denied_origin_that_can_read_expects_it_blocked():
    evil = [("Access-Control-Allow-Origin", "https://evil.example")]
    wsgi = app(evil + [("Access-Control-Allow-Methods", "DELETE")], evil + [("Vary", "Origin")])
    contract = {**GET, "deny_origins": ["https://evil.example"], "methods": ["DELETE"]}
    assert report(wsgi, contract, case=1, profiles=("firefox", "chrome")) == [
        "CORS contract 'api' violated: DELETE http://testserver/api from origin https://evil.example",
        "  expected: blocked",
        "  problem:  origin https://evil.example can read the response in Firefox, Chrome, but the contract says "
        "it must be blocked",
        "  blocks:   none   allows: Firefox, Chrome",
        "",
        "Hint: the server lets an origin read that it should refuse: check for an origin reflected without an "
        "allowlist, an unanchored regex or an endswith() check",
        "",
        "Preflight request:",
        "  curl -i -X OPTIONS http://testserver/api -H 'Accept: */*' -H 'Origin: https://evil.example' "
        "-H 'Access-Control-Request-Method: DELETE'",
        "  -> 204 No Content",
        "    header                        expected                             actual",
        "    Access-Control-Allow-Origin   absent, or not https://evil.example  https://evil.example",
        "    Access-Control-Allow-Methods                                       DELETE",
        "    preflight cached: Firefox 5 s, Chrome 5 s (Access-Control-Max-Age absent)",
        "",
        "Actual request:",
        "  curl -i -X DELETE http://testserver/api -H 'Origin: https://evil.example'",
        "  -> 200 OK",
        "    header                       expected                             actual",
        "    Access-Control-Allow-Origin  absent, or not https://evil.example  https://evil.example",
        "    Vary                                                              Origin",
    ]


def _preflight_table(lines):
    return section(lines, "Preflight request:")[3:]


def test_the_preflight_table_of_a_credentialed_request_with_headers_and_a_max_age_range():
    contract = {**GET, "methods": ["PUT"], "credentials": True, "request_headers": {"X-Token": "t", "X-Trace": "1"},
                "max_age": {"min": 60, "max": 600}}
    assert _preflight_table(report(app(), contract, profiles=("chrome",))) == [
        "    header                            expected                  actual",
        "    status                            2xx                       204 No Content",
        "    Access-Control-Allow-Origin       https://app.example.com   (missing)",
        "    Access-Control-Allow-Credentials  true                      (missing)",
        "    Access-Control-Allow-Methods      includes PUT              (missing)",
        "    Access-Control-Allow-Headers      includes x-token,x-trace  (missing)",
        "    Access-Control-Max-Age            between 60 and 600        (missing)",
        "    preflight cached: Chrome 5 s (Access-Control-Max-Age absent)",
    ]


def test_a_preflighted_post_expects_no_allow_methods_and_shows_repeated_max_age_lines():
    wsgi = app([("Access-Control-Max-Age", "600"), ("Access-Control-Max-Age", "60")])
    contract = {**GET, "methods": ["POST", "HEAD"], "request_headers": {"X-Token": "t"}, "max_age": 600}
    assert _preflight_table(report(wsgi, contract, profiles=("chrome",))) == [
        "    header                        expected                      actual",
        "    status                        2xx                           204 No Content",
        "    Access-Control-Allow-Origin   https://app.example.com or *  (missing)",
        "    Access-Control-Allow-Headers  includes x-token (or *)       (missing)",
        "    Access-Control-Max-Age        600                           600 | 60  (2 lines)",
        "    preflight cached: Chrome 5 s (Access-Control-Max-Age '600, 60')",
    ]


def test_a_preflighted_head_expects_no_allow_methods_and_each_browser_caps_max_age():
    contract = {**GET, "methods": ["POST", "HEAD"], "request_headers": {"X-Token": "t"}}
    assert _preflight_table(report(app([("Access-Control-Max-Age", "86400")]), contract, case=1)) == [
        "    header                        expected                      actual",
        "    status                        2xx                           204 No Content",
        "    Access-Control-Allow-Origin   https://app.example.com or *  (missing)",
        "    Access-Control-Allow-Headers  includes x-token (or *)       (missing)",
        "    Access-Control-Max-Age                                      86400",
        "    preflight cached: Chrome 7200 s, Firefox 86400 s, Safari 600 s (Access-Control-Max-Age '86400')",
    ]


def test_a_max_age_of_zero_is_not_cached_and_the_console_of_each_blocking_browser_follows_in_order():
    lines = report(app([("Access-Control-Max-Age", "0")]), {**GET, "methods": ["PUT"]}, profiles=("safari", "firefox"))
    assert lines[5:12] == [
        "Safari console:",
        "  Origin https://app.example.com is not allowed by Access-Control-Allow-Origin. Status code: 204",
        "  Fetch API cannot load http://testserver/api due to access control checks.",
        "Firefox console:",
        "  Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at "
        "http://testserver/api. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 204.",
        "",
        "Hint: the preflight response has no Access-Control-Allow-Origin: add https://app.example.com to the "
        "server's allowed origins",
    ]
    assert _preflight_table(lines)[-2:] == [
        "    Access-Control-Max-Age                                      0",
        "    preflight cached: Safari not cached, Firefox not cached (Access-Control-Max-Age '0')",
    ]


def test_the_actual_table_of_a_credentialed_request_that_needs_no_vary_and_chrome_console_first():
    contract = {**GET, "credentials": True, "expose_headers": ["X-Total", "X-Page"], "vary": False}
    lines = report(app(actual=[("Vary", "Accept")]), contract, profiles=("safari", "firefox", "chrome"),
                   where="tests/test_api.py:12")
    assert [line for line in lines if line.endswith("console:")] == ["Chrome console:", "Safari console:", "Firefox console:"]
    assert section(lines, "Actual request:")[3:] + lines[-2:] == [
        "    header                            expected                  actual",
        "    Access-Control-Allow-Origin       https://app.example.com   (missing)",
        "    Access-Control-Allow-Credentials  true                      (missing)",
        "    Access-Control-Expose-Headers     includes X-Total, X-Page  (missing)",
        "    Vary                                                        Accept",
        "",
        "Contract: tests/test_api.py:12",
    ]


def test_notes_and_the_target_close_the_report():
    result = result_of(app(), {**GET, "max_age": 60}, profiles=("chrome",))
    text = format_case_failure(dataclasses.replace(result, target="WSGI app tests.app served as http://testserver"))
    assert text.endswith(
        "    Vary                         includes Origin (unless ACAO is *)  (missing)\n"
        "\n"
        "Note: max_age not checked: this request needs no preflight, so no preflight response exists\n"
        "\n"
        "Target:   WSGI app tests.app served as http://testserver"
    )


def test_a_report_without_target_or_contract_location_ends_with_the_last_table():
    assert report(app(), GET, profiles=("chrome",))[-1] == (
        "    Vary                         includes Origin (unless ACAO is *)  (missing)"
    )


def test_values_that_would_read_wrong_are_quoted_and_long_ones_clipped():
    headers = [("Access-Control-Allow-Origin", APP), ("Vary", ""), ("Access-Control-Expose-Headers", "X-Total\tX-Page"),
               ("Access-Control-Allow-Methods", "x" * 201)]
    lines = report(app(actual=headers), {**GET, "credentials": True}, profiles=("safari",))
    assert section(lines, "Actual request:")[3:] == [
        "    header                            expected                            actual",
        "    Access-Control-Allow-Origin       https://app.example.com             https://app.example.com",
        "    Access-Control-Allow-Credentials  true                                (missing)",
        "    Vary                              includes Origin (unless ACAO is *)  ''",
        "    Access-Control-Allow-Methods                                          " + "x" * 200 + "… (201 chars)",
        "    Access-Control-Expose-Headers                                         'X-Total\\tX-Page'",
    ]


def _redirecting(environ, start_response):
    """/old answers 307 to /api with CORS headers; /api answers without them."""
    if environ["PATH_INFO"] == "/old":
        start_response("307 Temporary Redirect", ACAO + [("Location", "http://testserver/api"), ("Vary", "Origin")])
    else:
        start_response("200 OK", [])
    return [b""]


def test_each_redirect_hop_is_a_section_of_its_own():
    lines = report(_redirecting, {**GET, "path": "/old"}, profiles=("chrome",))
    assert [line for line in lines if line.startswith(("Actual request", "  curl", "  -> "))] == [
        "Actual request (redirect hop):",
        "  curl -i http://testserver/old -H 'Origin: https://app.example.com'",
        "  -> 307 Temporary Redirect",
        "Actual request:",
        "  curl -i http://testserver/api -H 'Origin: https://app.example.com'",
        "  -> 200 OK",
    ]
    assert section(lines, "Actual request (redirect hop):")[-1] == (
        "    Location                                                         http://testserver/api"
    )
