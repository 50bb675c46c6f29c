"""Each misconfiguration of the issue, reproduced with a real app in-process, and caught.

flask-cors, django-cors-headers and hand-written werkzeug middleware; the correct
configuration of each yields no finding at the default severity (medium).
"""

from __future__ import annotations

import pytest

from pytest_cors.report.findings import format_findings

from .apps import (
    allowlist_policy,
    endswith_policy,
    flask_app,
    private_network_policy,
    single_literal_origin_policy,
    werkzeug_app,
    wildcard_with_credentials_policy,
)
from .conftest import USERS_CONTRACT, failing, run_audit
from .django_app import django_app

TRUSTED = ["https://app.example.com", "https://admin.example.com"]


def finding(findings, probe, origin=None):
    matches = [f for f in findings if f.probe == probe and (origin is None or f.origin == origin)]
    assert matches, f"no {probe} finding for {origin}: {[(f.probe, f.origin) for f in findings]}"
    return matches[0]


# --- the misconfigurations -----------------------------------------------------------------------


def test_flask_cors_supports_credentials_with_default_origins_reflects_any_origin():
    findings = run_audit(flask_app(supports_credentials=True))
    hit = finding(findings, "reflect-any-origin", "https://evil.invalid")
    assert hit.severity == "critical"
    assert "with the user's credentials" in hit.summary
    actual = hit.evidence[-1]
    assert actual.request.header("Origin") == "https://evil.invalid"
    assert actual.response.header("Access-Control-Allow-Origin") == "https://evil.invalid"
    assert actual.response.header("Access-Control-Allow-Credentials") == "true"
    assert finding(findings, "null-origin").severity == "critical"


def test_django_allow_all_origins_with_credentials_reflects_any_origin():
    with django_app(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True) as app:
        findings = run_audit(app)
    assert finding(findings, "reflect-any-origin", "https://evil.invalid").severity == "critical"
    assert finding(findings, "null-origin", "null").severity == "critical"


@pytest.mark.parametrize("library", ["flask-cors", "django-cors-headers"])
def test_origin_regex_without_end_anchor_lets_prefix_lookalikes_in(library):
    regexes = [r"^https://app\.example\.com", r"^https://admin\.example\.com$"]
    if library == "flask-cors":
        findings = run_audit(flask_app(origins=regexes, supports_credentials=True))
    else:
        with django_app(CORS_ALLOWED_ORIGIN_REGEXES=regexes, CORS_ALLOW_CREDENTIALS=True) as app:
            findings = run_audit(app)
    hit = finding(findings, "prefix-lookalike", "https://app.example.com.evil.invalid")
    assert hit.severity == "critical"
    assert "anchor" in hit.fix
    assert finding(findings, "special-characters", "https://app.example.com_.evil.invalid").severity == "critical"
    # the anchored regex is fine, and nothing unrelated is let in
    assert not [f for f in findings if f.origin and "admin.example.com." in f.origin]
    assert not [f for f in findings if f.probe == "reflect-any-origin"]


def test_origin_regex_with_unescaped_dot():
    findings = run_audit(flask_app(origins=[r"^https://app.example.com$", r"^https://admin\.example\.com$"], supports_credentials=True))
    assert failing(findings) == [("unescaped-dot", "critical", "https://appxexample.com")]
    assert "escape" in finding(findings, "unescaped-dot").fix


def test_null_in_the_allowlist():
    with django_app(CORS_ALLOWED_ORIGINS=TRUSTED + ["null"], CORS_ALLOW_CREDENTIALS=True) as app:
        findings = run_audit(app)
    assert failing(findings) == [("null-origin", "critical", "null")]


def test_null_readable_without_credentials_is_medium():
    with django_app(CORS_ALLOWED_ORIGINS=TRUSTED + ["null"]) as app:
        findings = run_audit(app, credentials=False)
    assert failing(findings) == [("null-origin", "medium", "null")]


def test_hand_written_endswith_check():
    findings = run_audit(werkzeug_app(endswith_policy))
    assert finding(findings, "suffix-lookalike", "https://evil-example.com").severity == "critical"
    assert finding(findings, "suffix-lookalike", "https://evilapp.example.com").severity == "critical"
    assert finding(findings, "untrusted-subdomain", "https://evil.app.example.com").severity == "critical"
    assert not [f for f in findings if f.probe in ("reflect-any-origin", "null-origin", "prefix-lookalike")]


def test_http_allowed_next_to_https():
    findings = run_audit(flask_app(origins=TRUSTED + ["http://app.example.com"], supports_credentials=True))
    assert failing(findings) == [("scheme-downgrade", "critical", "http://app.example.com")]


def test_wildcard_with_credentials():
    findings = run_audit(werkzeug_app(wildcard_with_credentials_policy), origins=["*"], credentials=False)
    assert failing(findings) == [("wildcard-with-credentials", "medium", "https://any-origin.pytest-cors.test")]
    evidence = finding(findings, "wildcard-with-credentials").evidence[0].response
    assert evidence.header("Access-Control-Allow-Origin") == "*"
    assert evidence.header("Access-Control-Allow-Credentials") == "true"


@pytest.mark.parametrize("library", ["flask-cors", "werkzeug"])
def test_single_literal_origin_without_vary(library):
    if library == "flask-cors":  # flask-cors adds Vary: Origin only with several origins or a regex
        app = flask_app(origins="https://app.example.com", supports_credentials=True)
    else:
        app = werkzeug_app(single_literal_origin_policy)
    findings = run_audit(app, origins=["https://app.example.com"])
    assert failing(findings) == [("missing-vary", "medium", "https://app.example.com")]
    assert "Vary" in finding(findings, "missing-vary").fix


def test_private_network_answered_to_any_origin_flask_cors():
    # CVE-2024-6221: flask-cors answered Access-Control-Allow-Private-Network: true to every allowed origin
    findings = run_audit(flask_app(allow_private_network=True), credentials=False)
    hit = finding(findings, "private-network", "https://evil.invalid")
    assert hit.severity == "high"
    preflight = hit.evidence[0]
    assert preflight.request.method == "OPTIONS"
    assert preflight.request.header("Access-Control-Request-Private-Network") == "true"
    assert preflight.response.header("Access-Control-Allow-Private-Network") == "true"
    assert finding(findings, "reflect-any-origin").severity == "high"  # '*' on a non-public endpoint


def test_private_network_answered_to_any_origin_hand_written():
    findings = run_audit(werkzeug_app(private_network_policy))
    assert failing(findings) == [("private-network", "high", "https://evil.invalid")]


def test_private_network_for_trusted_origins_only_is_fine():
    with django_app(CORS_ALLOWED_ORIGINS=TRUSTED, CORS_ALLOW_CREDENTIALS=True, CORS_ALLOW_PRIVATE_NETWORK=True) as app:
        findings = run_audit(app)
    assert not [f for f in findings if f.probe == "private-network"]


def test_reflection_without_credentials_is_high_on_a_private_endpoint_and_fine_on_a_public_one():
    from .apps import reflect_without_credentials_policy

    app = werkzeug_app(reflect_without_credentials_policy)
    private = run_audit(app, credentials=False)
    assert finding(private, "reflect-any-origin").severity == "high"
    assert "without credentials" in finding(private, "reflect-any-origin").summary
    public = run_audit(app, origins=["*"], credentials=False, methods=["GET"])
    assert failing(public, "info") == []


def test_public_endpoint_readable_with_credentials_is_critical():
    findings = run_audit(flask_app(supports_credentials=True), origins=["*"], credentials=False, methods=["GET"])
    assert finding(findings, "reflect-any-origin").severity == "critical"
    assert finding(findings, "null-origin").severity == "critical"


# --- correct configurations: no finding at the default severity ---------------------------------


def test_correct_flask_cors():
    findings = run_audit(flask_app(origins=TRUSTED, supports_credentials=True, max_age=600))
    assert failing(findings) == []


def test_correct_django_cors_headers():
    with django_app(CORS_ALLOWED_ORIGINS=TRUSTED, CORS_ALLOW_CREDENTIALS=True) as app:
        findings = run_audit(app, request_headers=["Authorization"], methods=["GET", "POST", "DELETE"])
    assert failing(findings) == []
    # django-cors-headers' default CORS_PREFLIGHT_MAX_AGE (86400) is over Chromium's and Safari's caps: low
    capped = finding(findings, "max-age-over-cap")
    assert capped.severity == "low"
    assert "Chrome 7200 s" in capped.summary and "Safari 600 s" in capped.summary


def test_correct_django_cors_headers_with_regex():
    with django_app(CORS_ALLOWED_ORIGIN_REGEXES=[r"^https://(app|admin)\.example\.com$"], CORS_ALLOW_CREDENTIALS=True) as app:
        findings = run_audit(app)
    assert failing(findings) == []


def test_correct_hand_written_allowlist():
    findings = run_audit(werkzeug_app(allowlist_policy()), request_headers=["Authorization"])
    assert failing(findings, "low") == []


def test_correct_subdomain_pattern_contract():
    policy = endswith_policy  # trusts every *.example.com ... and evil-example.com
    findings = run_audit(werkzeug_app(policy), origins=["https://*.example.com"])
    assert [f.origin for f in findings if f.probe == "suffix-lookalike"] == ["https://evil-example.com"]
    assert not [f for f in findings if f.probe == "untrusted-subdomain"]


def test_the_example_api_has_no_finding_at_the_default_severity():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[2] / "example_contracts"))
    try:
        from example_api import app
    finally:
        sys.path.pop(0)
    findings = run_audit(app, request_headers=["Authorization"], expose_headers=["X-Total-Count"], max_age=600)
    assert failing(findings) == []
    assert [f.probe for f in findings] == ["csrf-exposure"]


# --- header-level findings with hand-written servers -------------------------------------------


def test_max_age_missing_and_over_cap():
    missing = run_audit(werkzeug_app(allowlist_policy(max_age=None)), request_headers=["Authorization"])
    assert finding(missing, "missing-max-age").severity == "low"
    over = run_audit(werkzeug_app(allowlist_policy(max_age="86400")), request_headers=["Authorization"])
    hit = finding(over, "max-age-over-cap")
    assert "Chrome 7200 s" in hit.summary and "Safari 600 s" in hit.summary and "Firefox" not in hit.summary
    only_safari = run_audit(werkzeug_app(allowlist_policy(max_age="3600")), request_headers=["Authorization"], browsers="chrome,firefox")
    assert not [f for f in only_safari if f.probe == "max-age-over-cap"]


@pytest.mark.parametrize("expose", ["Authorization", "Set-Cookie, X-Total-Count", "*"])
def test_sensitive_exposed_header_with_credentials(expose):
    findings = run_audit(werkzeug_app(allowlist_policy(expose=expose)))
    hit = finding(findings, "sensitive-exposed-header")
    assert hit.severity == "medium"
    assert expose.split(",")[0] in hit.summary


def test_credentials_on_refused_origin_is_low():
    findings = run_audit(werkzeug_app(allowlist_policy(credentials_always=True)))
    hit = finding(findings, "credentials-on-refused-origin", "https://evil.invalid")
    assert hit.severity == "low"
    assert failing(findings) == []


def test_vary_only_on_allowed_responses_is_a_low_gap():
    def vary_when_allowed(req, response, preflight):
        allowlist_policy(vary=False)(req, response, preflight)
        if response.headers.get("Access-Control-Allow-Origin"):
            response.vary.add("Origin")

    findings = run_audit(werkzeug_app(vary_when_allowed))
    gaps = [f for f in findings if f.probe == "missing-vary"]
    assert gaps and {f.severity for f in gaps} == {"low"}
    assert None in {f.origin for f in gaps}  # the Origin-less response is one of them
    assert failing(findings) == []


def test_csrf_exposure_is_info_and_names_csrf_defences():
    findings = run_audit(werkzeug_app(allowlist_policy()))
    hit = finding(findings, "csrf-exposure")
    assert hit.severity == "info"
    assert "CSRF" in hit.fix and "SameSite" in hit.fix
    assert "not CSRF protection" in hit.why
    request = hit.evidence[0].request
    assert request.method == "POST" and request.header("Content-Type") == "application/x-www-form-urlencoded"


def test_no_csrf_finding_when_the_refused_request_is_rejected():
    def reject_foreign_posts(req, response, preflight):
        allowlist_policy()(req, response, preflight)
        if req.method == "POST" and req.headers.get("Origin") not in TRUSTED:
            response.status_code = 403

    findings = run_audit(werkzeug_app(reject_foreign_posts))
    assert not [f for f in findings if f.probe == "csrf-exposure"]


def test_findings_text_has_evidence_why_and_fix():
    findings = run_audit(flask_app(supports_credentials=True))
    text = format_findings(findings, threshold="medium")
    assert text.startswith("CORS audit of 'users': ")
    assert "CRITICAL reflect-any-origin: https://evil.invalid can read" in text
    assert "curl -i http://testserver/api/users -H 'Origin: https://evil.invalid'" in text
    assert "Access-Control-Allow-Origin: https://evil.invalid" in text
    assert "why: " in text and "fix: " in text and "flask-cors" in text
    # the lookalikes have the same cause: grouped under the reflection, with its one fix
    assert "covers 42 more findings of the same cause (worst critical)" in text
    assert "special-characters (28 origins)" in text and "CRITICAL null-origin" not in text
    assert "audit: {skip: [" in text


def test_skipped_probes_are_not_run():
    findings = run_audit(flask_app(supports_credentials=True), audit={"skip": ["reflect-any-origin", "special-characters"]})
    probes = {f.probe for f in findings}
    assert "reflect-any-origin" not in probes and "special-characters" not in probes
    assert "null-origin" in probes


def test_only_selected_browsers_decide():
    # 'null' reflected without credentials: every engine lets it read, in any selection
    with django_app(CORS_ALLOWED_ORIGINS=TRUSTED + ["null"]) as app:
        findings = run_audit(app, credentials=False, browsers="firefox")
    assert finding(findings, "null-origin").profiles == ("firefox",)


def test_evidence_redacts_secrets():
    findings = run_audit(flask_app(supports_credentials=True), request_headers={"Authorization": "Bearer s3cret-token"})
    text = format_findings(findings)
    assert "s3cret-token" not in text
    assert "-H 'Authorization: <redacted>'" in text


# --- one root cause, one finding (ContractAudit.covered_by) ----------------------------------------


def audit_of(app, **contract):
    from pytest_cors.audit.runner import ContractAudit
    from pytest_cors.browser.profiles import select_profiles
    from pytest_cors.check.run import CorsRun
    from pytest_cors.contract.schema import parse_contract
    from pytest_cors.report.case_failure import Redactor

    run = CorsRun(profiles=select_profiles("all"), redactor=Redactor())
    return ContractAudit(parse_contract({**USERS_CONTRACT, **contract}), run, run.app(app))


NARROW = ("null-origin", "prefix-lookalike", "suffix-lookalike", "unescaped-dot", "untrusted-subdomain",
          "scheme-downgrade", "port-confusion", "special-characters")


def test_reflection_covers_every_lookalike():
    audit = audit_of(flask_app(supports_credentials=True))
    assert audit.covered_by("reflect-any-origin") is None
    assert {p: audit.covered_by(p) for p in NARROW} == {p: "reflect-any-origin" for p in NARROW}
    reported = audit.reported_findings("reflect-any-origin")
    assert {f.probe for f in reported if f.covered_by == "reflect-any-origin"} == set(NARROW)
    # nothing is dropped: every narrow finding is still there, marked with its cause
    everything = audit.all_findings()
    assert sum(1 for f in everything if f.covered_by == "reflect-any-origin") == sum(len(audit.findings(p)) for p in NARROW)


def test_wildcard_covers_the_reflection_and_through_it_the_lookalikes():
    audit = audit_of(werkzeug_app(wildcard_with_credentials_policy))
    assert audit.findings("reflect-any-origin")[0].severity == "high"  # read without credentials
    assert audit.covered_by("reflect-any-origin") == "wildcard-with-credentials"
    assert {audit.covered_by(p) for p in NARROW} == {"wildcard-with-credentials"}


def test_an_accepted_broad_risk_covers_nothing():
    audit = audit_of(flask_app(supports_credentials=True), audit={"skip": ["reflect-any-origin"]})
    assert all(audit.covered_by(p) is None for p in NARROW)
    assert audit.findings("null-origin")


def test_a_loose_allowlist_is_not_covered():
    audit = audit_of(werkzeug_app(endswith_policy))
    assert not audit.findings("reflect-any-origin")
    assert audit.findings("suffix-lookalike") and audit.covered_by("suffix-lookalike") is None


def test_a_narrower_finding_worse_than_the_broad_one_is_not_covered():
    # any origin reads without credentials (high), but null reads with them (critical): two causes
    def policy(req, response, preflight):
        origin = req.headers.get("Origin")
        response.vary.add("Origin")
        if origin:
            response.headers["Access-Control-Allow-Origin"] = origin
        if origin == "null":
            response.headers["Access-Control-Allow-Credentials"] = "true"

    audit = audit_of(werkzeug_app(policy))
    assert audit.findings("reflect-any-origin")[0].severity == "high"
    assert audit.findings("null-origin")[0].severity == "critical"
    assert audit.covered_by("null-origin") is None
    assert audit.covered_by("prefix-lookalike") == "reflect-any-origin"


def test_grouping_never_hides_a_finding_whose_cause_was_filtered_out():
    findings = audit_of(flask_app(supports_credentials=True)).all_findings()
    without_cause = [f for f in findings if f.probe != "reflect-any-origin"]
    text = format_findings(without_cause, threshold="medium")
    assert "CRITICAL null-origin" in text and "covers" not in text
