"""The audit in pytest: items and ids, -k, modes, severity threshold, per-contract opt-outs, markers, JUnit."""

from __future__ import annotations

import re
import textwrap

import pytest


def esc(pattern: str) -> str:
    """fnmatch treats [ and ] as a character class: match them literally."""
    return re.sub(r"[\[\]]", lambda m: "[" + m.group() + "]", pattern)

APPS = '''
from werkzeug.wrappers import Request, Response

TRUSTED = {"https://app.example.com", "https://admin.example.com"}


def make(reflect_any=False, credentials=True, vary=True):
    @Request.application
    def app(request):
        origin = request.headers.get("Origin")
        preflight = request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
        response = Response(status=204) if preflight else Response('[]', content_type="application/json")
        if vary:
            response.vary.add("Origin")
        if origin and (reflect_any or origin in TRUSTED):
            response.headers["Access-Control-Allow-Origin"] = origin
            if credentials:
                response.headers["Access-Control-Allow-Credentials"] = "true"
            if preflight:
                response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE"
                response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
                response.headers["Access-Control-Max-Age"] = "600"
        return response
    return app


correct = make()
reflecting = make(reflect_any=True)
reflecting_without_credentials = make(reflect_any=True, credentials=False)


@Request.application
def wildcard_with_credentials(request):
    """'*' for everyone, with credentials: browsers refuse the credentialed reads, anyone reads without."""
    preflight = request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
    response = Response(status=204) if preflight else Response('[]', content_type="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Credentials"] = "true"
    return response


@Request.application
def loose_prefix(request):
    """A merely loose allowlist: origin.startswith(trusted), so only lookalikes that start with it get in."""
    origin = request.headers.get("Origin")
    response = Response('[]', content_type="application/json")
    response.vary.add("Origin")
    if origin and any(origin.startswith(t) for t in TRUSTED):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
    return response
'''

CONTRACTS = """
contracts:
  - name: users
    path: /api/users
    origins: [https://app.example.com, https://admin.example.com]
    credentials: true
"""


def project(pytester: pytest.Pytester, app: str = "correct", contracts: str = CONTRACTS, ini: str = "") -> None:
    pytester.makepyfile(apps_under_test=APPS)
    pytester.makeconftest(
        f"""
        import pytest
        import apps_under_test

        @pytest.fixture
        def cors_app():
            return apps_under_test.{app}
        """
    )
    pytester.path.joinpath("cors_api.yaml").write_text(textwrap.dedent(contracts))
    if ini:
        pytester.makeini(ini)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:benchmark", *args)


def test_each_probe_is_an_item_named_after_the_contract(pytester):
    project(pytester)
    result = run(pytester, "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            esc("cors_api.yaml::users[GET-https://app.example.com]"),
            esc("cors_api.yaml::users[GET-https://admin.example.com]"),
            esc("cors_api.yaml::users[audit:reflect-any-origin]"),
            esc("cors_api.yaml::users[audit:null-origin]"),
            esc("cors_api.yaml::users[audit:prefix-lookalike]"),
            esc("cors_api.yaml::users[audit:suffix-lookalike]"),
            esc("cors_api.yaml::users[audit:unescaped-dot]"),
            esc("cors_api.yaml::users[audit:untrusted-subdomain]"),
            esc("cors_api.yaml::users[audit:scheme-downgrade]"),
            esc("cors_api.yaml::users[audit:port-confusion]"),
            esc("cors_api.yaml::users[audit:special-characters]"),
            esc("cors_api.yaml::users[audit:wildcard-with-credentials]"),
            esc("cors_api.yaml::users[audit:missing-vary]"),
            esc("cors_api.yaml::users[audit:credentials-on-refused-origin]"),
            esc("cors_api.yaml::users[audit:private-network]"),
            esc("cors_api.yaml::users[audit:sensitive-exposed-header]"),
        ],
        consecutive=True,
    )


def test_correct_app_passes_quietly(pytester):
    project(pytester)
    result = run(pytester)
    result.assert_outcomes(passed=16)
    assert "CORS audit findings" not in result.stdout.str()
    assert "warning" not in result.stdout.str().lower()


def test_reflecting_app_fails_the_broad_probe_with_a_report(pytester):
    project(pytester, app="reflecting")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    # one root cause, one finding: the other origin probes are covered by the reflection
    result.assert_outcomes(failed=1, skipped=8, passed=7)
    result.stdout.fnmatch_lines(
        [
            "*cors audit: users*audit:reflect-any-origin*",
            "CORS audit of 'users': 1 finding at or above medium, grouping 42 more of the same cause",
            "CRITICAL reflect-any-origin: https://evil.invalid can read GET http://testserver/api/users with the user's credentials (cookies) in Chrome, Firefox, Safari",
            "  why: any website the user visits can read this response*",
            "  fix: set an explicit allowlist instead of reflecting the Origin header*",
            "  actual request:",
            "    curl -i http://testserver/api/users -H 'Origin: https://evil.invalid'",
            "    -> 200 OK",
            "       Access-Control-Allow-Origin: https://evil.invalid",
            "       Access-Control-Allow-Credentials: true",
        ]
    )
    result.stdout.fnmatch_lines(["*To accept a known, documented risk: audit: {skip: [[]reflect-any-origin[]]} in the contract (cors_api.yaml:*"])
    assert "Traceback" not in result.stdout.str()
    result.stdout.fnmatch_lines([esc("FAILED cors_api.yaml::users[audit:reflect-any-origin]*")])


def test_k_selects_one_probe(pytester):
    project(pytester, app="loose_prefix")
    result = run(pytester, "-k", "prefix-lookalike", "-v")
    result.assert_outcomes(failed=1, deselected=15)
    result.stdout.fnmatch_lines([esc("cors_api.yaml::users[audit:prefix-lookalike] FAILED*")])
    # a covered probe selected alone says where its finding is reported
    project(pytester, app="reflecting")
    result = run(pytester, "-k", "null-origin", "-rs")
    result.assert_outcomes(skipped=1, deselected=15)
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] cors_api.yaml:*: covered by reflect-any-origin *"])


def test_warn_mode_warns_instead_of_failing(pytester):
    project(pytester, app="reflecting")
    result = run(pytester, "--cors-audit", "warn")
    result.assert_outcomes(passed=8, skipped=8, warnings=1)
    result.stdout.fnmatch_lines(["*/cors_api.yaml:3: CorsAuditWarning: CORS audit of 'users': 1 finding at or above medium*"])
    assert "pytest_cors" not in result.stdout.str()  # the warning points at the contract, not at the plugin's code


def test_off_mode_generates_no_audit_items(pytester):
    project(pytester, app="reflecting")
    result = run(pytester, "--cors-audit", "off", "--collect-only", "-q")
    assert "audit:" not in result.stdout.str()
    result.stdout.fnmatch_lines(["2 tests collected*"])


def test_ini_cors_audit_off(pytester):
    project(pytester, app="reflecting", ini="[pytest]\ncors_audit = off\n")
    run(pytester).assert_outcomes(passed=2)


def test_severity_threshold(pytester):
    # reflecting without credentials: high findings (grouped under the reflection); they fail at medium and high,
    # not at critical
    project(pytester, app="reflecting_without_credentials", contracts=CONTRACTS.replace("credentials: true", "credentials: false"))
    assert run(pytester).parseoutcomes()["failed"] == 1
    result = run(pytester, "--cors-audit-severity", "high")
    result.assert_outcomes(failed=1, skipped=8, passed=7)
    result.stdout.fnmatch_lines(["*covers 42 more findings of the same cause (worst high)*"])
    # null readable without credentials is medium: alone (the reflection accepted as a risk) it does not fail at high
    accepted = CONTRACTS.replace("credentials: true", "credentials: false") + "    audit: {skip: [reflect-any-origin]}\n"
    project(pytester, app="reflecting_without_credentials", contracts=accepted)
    assert run(pytester, "--cors-audit-severity", "high").parseoutcomes()["failed"] == 7
    assert run(pytester).parseoutcomes()["failed"] == 8
    project(pytester, app="reflecting_without_credentials", contracts=CONTRACTS.replace("credentials: true", "credentials: false"))
    result = run(pytester, "--cors-audit-severity", "critical", "-v")
    result.assert_outcomes(passed=8, skipped=8)
    # below the threshold: shown in the summary at -v, not failed
    result.stdout.fnmatch_lines(
        [
            "*= CORS audit findings =*",
            "severity  probe *",
            "high      reflect-any-origin *https://evil.invalid *",
            "*finding(s), 0 at or above critical (--cors-audit-severity)*",
        ]
    )


def test_ini_severity_and_info_findings(pytester):
    contracts = CONTRACTS + "    methods: [GET, POST]\n"
    project(pytester, contracts=contracts, ini="[pytest]\ncors_audit_severity = info\n")
    result = run(pytester)
    result.assert_outcomes(passed=18, failed=1)
    result.stdout.fnmatch_lines(["INFO csrf-exposure: a form-encoded POST from refused origin https://evil.invalid*"])
    result.stdout.fnmatch_lines([esc("FAILED cors_api.yaml::users[audit:csrf-exposure]*")])
    # at the default severity csrf-exposure is shown at -v and never fails
    pytester.path.joinpath("tox.ini").unlink()
    result = run(pytester, "-v")
    result.assert_outcomes(passed=19)
    result.stdout.fnmatch_lines(["info      csrf-exposure *"])


def test_audit_false_in_a_contract(pytester):
    project(pytester, app="reflecting", contracts=CONTRACTS + "    audit: false\n")
    run(pytester).assert_outcomes(passed=2)


def test_audit_skip_accepts_a_documented_risk(pytester):
    contracts = CONTRACTS + "    audit: {skip: [reflect-any-origin, null-origin]}\n"
    project(pytester, app="reflecting", contracts=contracts)
    result = run(pytester, "-rs")
    result.assert_outcomes(passed=7, failed=7, skipped=2)
    result.stdout.fnmatch_lines(["SKIPPED [[]2[]] cors_api.yaml*: accepted risk (audit: skip in the contract)"])


def test_audit_skip_with_an_unknown_probe_is_a_collection_error(pytester):
    project(pytester, contracts=CONTRACTS + "    audit: {skip: [null-orign]}\n")
    result = run(pytester)
    result.stdout.fnmatch_lines(["*audit.skip: unknown probe 'null-orign'; did you mean 'null-origin'?*"])
    assert result.ret == pytest.ExitCode.INTERRUPTED


def test_deny_only_contract_gets_header_items_but_no_probes(pytester):
    contracts = """
    contracts:
      - name: admin
        path: /api/users
        deny_origins: [https://evil.example.net]
    """
    project(pytester, contracts=contracts)
    result = run(pytester, "--collect-only", "-q")
    out = result.stdout.str()
    assert "admin[audit:missing-vary]" in out and "admin[audit:private-network]" in out
    assert "admin[audit:reflect-any-origin]" not in out


def test_marker_test_reports_its_findings(pytester):
    project(pytester, app="reflecting")
    pytester.makepyfile(
        test_api="""
        import pytest

        @pytest.mark.cors(path="/api/users", origins=["https://app.example.com"], credentials=True)
        def test_users():
            pass

        @pytest.mark.cors(path="/api/users", origins=["https://app.example.com"], credentials=True, audit=False)
        def test_users_unaudited():
            pass

        @pytest.mark.cors(path="/api/users", origins=["https://app.example.com"], credentials=True,
                          audit={"skip": ["reflect-any-origin", "null-origin", "prefix-lookalike", "suffix-lookalike",
                                          "unescaped-dot", "untrusted-subdomain", "scheme-downgrade", "port-confusion",
                                          "special-characters"]})
        def test_users_accepted():
            pass
        """
    )
    result = run(pytester, "test_api.py")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_users _*",
            "CORS audit of 'test_users': 1 finding at or above medium, grouping * more of the same cause",
            "CRITICAL reflect-any-origin: *",
            "*  covers * more findings of the same cause (worst critical)*null-origin (null)*",
        ]
    )


def test_marker_contract_failure_and_findings_are_reported_together(pytester):
    project(pytester, app="reflecting")
    pytester.makepyfile(
        test_api="""
        import pytest

        @pytest.mark.cors(path="/api/users", origins=["https://app.example.com"], deny_origins=["https://evil.example.net"], credentials=True)
        def test_users():
            pass
        """
    )
    result = run(pytester, "test_api.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["CORS contract 'test_users' violated*", "*CORS audit of 'test_users'*"])


def test_marker_on_correct_app_passes(pytester):
    project(pytester)
    pytester.makepyfile(
        test_api="""
        import pytest

        @pytest.mark.cors(path="/api/users", origins=["https://app.example.com"], methods=["GET", "PUT"],
                          request_headers=["Authorization"], credentials=True)
        def test_users():
            pass
        """
    )
    run(pytester, "test_api.py").assert_outcomes(passed=1)


def test_marker_audit_off(pytester):
    project(pytester, app="reflecting")
    pytester.makepyfile(
        test_api="""
        import pytest

        @pytest.mark.cors(path="/api/users", origins=["https://app.example.com"], credentials=True)
        def test_users():
            pass
        """
    )
    run(pytester, "test_api.py", "--cors-audit", "off").assert_outcomes(passed=1)
    result = run(pytester, "test_api.py", "--cors-audit", "warn")
    result.assert_outcomes(passed=1, warnings=1)


def test_junit_lists_audit_items(pytester):
    project(pytester, app="reflecting")
    run(pytester, "--junitxml=report.xml")
    xml = pytester.path.joinpath("report.xml").read_text()
    assert 'name="users[audit:null-origin]"' in xml
    assert "covered by reflect-any-origin" in xml
    assert "CRITICAL reflect-any-origin" in xml


def test_network_fault_in_an_audit_item_is_an_error_not_a_finding(pytester):
    contracts = "target: http://127.0.0.1:9\n" + CONTRACTS
    project(pytester, contracts=contracts)
    result = run(pytester, "-k", "audit and null-origin")
    result.assert_outcomes(errors=1, deselected=15)
    result.stdout.fnmatch_lines(["*cannot reach the target: connection-refused*"])


# --- one root cause, one finding ----------------------------------------------------------------


def test_wildcard_with_credentials_is_one_finding_covering_the_origin_probes(pytester):
    project(pytester, app="wildcard_with_credentials")
    result = run(pytester, "-rfs")
    # the two credentialed contract cases fail ('*' with credentials is refused); the wildcard is one finding,
    # and the nine origin probes it answers are skipped under it
    result.assert_outcomes(failed=3, skipped=9, passed=4)
    result.stdout.fnmatch_lines([esc("FAILED cors_api.yaml::users[audit:wildcard-with-credentials]*")])
    result.stdout.fnmatch_lines(["SKIPPED [[]9[]] cors_api.yaml:*: covered by wildcard-with-credentials *"])
    out = result.stdout.str()
    assert "FAILED cors_api.yaml::users[audit:reflect-any-origin]" not in out
    # its report fails as badly as what it covers: anyone reads without credentials (high)
    result.stdout.fnmatch_lines(
        [
            "CORS audit of 'users': 1 finding at or above medium, grouping * more of the same cause",
            "MEDIUM wildcard-with-credentials: *",
            "*  covers * more findings of the same cause (worst high)*: reflect-any-origin (https://evil.invalid), null-origin (null)*",
        ]
    )
    # nothing is hidden: at a threshold above the wildcard's own severity the covered reads still fail it
    assert run(pytester, "--cors-audit-severity", "high").parseoutcomes()["failed"] == 3


def test_a_merely_loose_allowlist_reports_the_narrow_probes_on_their_own(pytester):
    project(pytester, app="loose_prefix")
    result = run(pytester, "-v")
    result.assert_outcomes(failed=3, passed=13)
    for probe in ("prefix-lookalike", "port-confusion", "special-characters"):
        result.stdout.fnmatch_lines([esc(f"cors_api.yaml::users[audit:{probe}] FAILED*")])
    result.stdout.fnmatch_lines([esc("cors_api.yaml::users[audit:reflect-any-origin] PASSED*")])
    assert "covered by" not in result.stdout.str() and "covers" not in result.stdout.str()
