"""Header-level checks against real misconfigured apps in-process: each finding asserted exactly.

Probe, severity, origin and the summary a user reads, plus the exchange that shows it. The
servers are the hand-written middlewares people write (tests/audit/apps.py) and small variations.
"""

from __future__ import annotations

import pytest

from pytest_cors.audit.catalogue import ORIGIN_PROBES
from pytest_cors.report.findings import format_findings

from .apps import allowlist_policy, private_network_policy, single_literal_origin_policy, werkzeug_app
from .conftest import run_audit

URL = "http://testserver/api/users"
EVIL = "https://evil.invalid"
CSRF = (
    f"a form-encoded POST from refused origin {EVIL} (a simple request: no preflight) reached the handler and got "
    "{status}; the browser hides the response, but the side effect happened"
)


def rows(findings, *probes):
    """(probe, severity, origin, summary) of the findings of ``probes``."""
    return [(f.probe, f.severity, f.origin, f.summary) for f in findings if f.probe in probes]


def echo_origin_or_star(req, response, preflight):
    """A classic: ``Access-Control-Allow-Origin: request.headers.get('Origin', '*')``, credentials always."""
    response.vary.add("Origin")
    response.headers["Access-Control-Allow-Origin"] = req.headers.get("Origin", "*")
    response.headers["Access-Control-Allow-Credentials"] = "true"


def test_wildcard_with_credentials_for_requests_without_origin():
    findings = run_audit(werkzeug_app(echo_origin_or_star), methods=["GET"])
    assert rows(findings, "wildcard-with-credentials") == [(
        "wildcard-with-credentials", "medium", None,
        "actual response to a request without Origin has 'Access-Control-Allow-Origin: *' with "
        "'Access-Control-Allow-Credentials: true'",
    )]
    (evidence,) = [f for f in findings if f.probe == "wildcard-with-credentials"][0].evidence
    assert evidence.request.header("Origin") is None and evidence.request.method == "GET"
    assert rows(findings, "credentials-on-refused-origin") == []  # every origin is allowed


def test_credentials_on_refused_origins_one_finding_per_kind_of_response():
    findings = run_audit(werkzeug_app(allowlist_policy(credentials_always=True)), request_headers=["Authorization"])
    assert rows(findings, "credentials-on-refused-origin") == [
        ("credentials-on-refused-origin", "low", EVIL,
         f"{kind} response to refused origin {EVIL} has 'Access-Control-Allow-Credentials: true' (no Access-Control-Allow-Origin)")
        for kind in ("preflight", "actual")
    ]


def test_credentials_on_a_refused_origin_answered_with_another_origin():
    findings = run_audit(werkzeug_app(single_literal_origin_policy))
    assert rows(findings, "credentials-on-refused-origin", "missing-vary") == [
        ("missing-vary", "medium", "https://app.example.com",
         "the response to https://app.example.com allows 'https://app.example.com' but its Vary header does not list Origin"),
        ("credentials-on-refused-origin", "low", "https://admin.example.com",
         "actual response to refused origin https://admin.example.com has 'Access-Control-Allow-Credentials: true' "
         "(Access-Control-Allow-Origin 'https://app.example.com')"),
    ]


def test_wildcard_answers_are_not_credentials_on_refused_origins():
    def star_with_credentials(req, response, preflight):
        response.headers["Access-Control-Allow-Origin"] = "*" if req.headers.get("Origin") == EVIL else req.headers.get("Origin", "")
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.vary.add("Origin")

    findings = run_audit(werkzeug_app(star_with_credentials), methods=["GET"])
    assert rows(findings, "credentials-on-refused-origin") == []
    assert rows(findings, "wildcard-with-credentials") == [(
        "wildcard-with-credentials", "medium", EVIL,
        f"actual response to {EVIL} has 'Access-Control-Allow-Origin: *' with 'Access-Control-Allow-Credentials: true'",
    )]


@pytest.mark.parametrize(
    "expose, shown",
    [("Authorization, set-cookie, X-Total-Count", "Authorization, set-cookie"), (" * ", "*"), ("X-Total-Count,,SET-COOKIE", "SET-COOKIE")],
)
def test_sensitive_headers_exposed_on_credentialed_responses(expose, shown):
    findings = run_audit(werkzeug_app(allowlist_policy(expose=expose)))
    assert rows(findings, "sensitive-exposed-header") == [(
        "sensitive-exposed-header", "medium", "https://app.example.com",
        f"credentialed response exposes {shown} (Access-Control-Expose-Headers: {expose.strip()})",
    )]


def test_exposing_authorization_without_credentials_is_no_finding():
    def expose_without_credentials(req, response, preflight):
        origin = req.headers.get("Origin")
        response.vary.add("Origin")
        if origin == "https://app.example.com":
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = "Authorization"

    findings = run_audit(werkzeug_app(expose_without_credentials), credentials=False, methods=["GET"], origins=["https://app.example.com"])
    assert rows(findings, "sensitive-exposed-header") == []


def test_vary_only_on_allowed_responses_two_low_gaps():
    def vary_when_allowed(req, response, preflight):
        allowlist_policy(vary=False)(req, response, preflight)
        if response.headers.get("Access-Control-Allow-Origin"):
            response.vary.add("Origin")

    gap = (
        "CORS headers differ between origins, but the response to {} has no 'Vary: Origin' "
        "(a cache can serve it to a trusted origin, or the trusted answer to others)"
    )
    findings = run_audit(werkzeug_app(vary_when_allowed))
    assert rows(findings, "missing-vary") == [
        ("missing-vary", "low", EVIL, gap.format(f"refused origin {EVIL}")),
        ("missing-vary", "low", None, gap.format("a request without Origin")),
    ]


def test_the_same_answer_for_every_origin_needs_no_vary():
    def wildcard(req, response, preflight):
        response.headers["Access-Control-Allow-Origin"] = "*"

    assert rows(run_audit(werkzeug_app(wildcard), credentials=False, methods=["GET"]), "missing-vary") == []


def test_private_network_access_granted_to_any_origin():
    def private_network_for_all(req, response, preflight):
        private_network_policy(req, response, preflight)
        if req.headers.get("Access-Control-Request-Private-Network") == "true":
            response.headers["Access-Control-Allow-Methods"] = "PUT, GET"
            response.headers["Access-Control-Allow-Headers"] = "Authorization"

    findings = run_audit(werkzeug_app(private_network_for_all), request_headers=["Authorization"], methods=["PUT", "GET"])
    assert rows(findings, "private-network") == [(
        "private-network", "high", EVIL,
        f"the private-network preflight from {EVIL} gets 'Access-Control-Allow-Private-Network: true' and passes "
        "(Chrome, Firefox, Safari): any website can reach this server from inside the user's network",
    )]
    (hit,) = [f for f in findings if f.probe == "private-network"]
    assert hit.profiles == ("chrome", "firefox", "safari")
    (preflight,) = hit.evidence
    request = preflight.request
    assert (preflight.kind, request.method, request.url) == ("preflight", "OPTIONS", URL)
    assert request.header("Origin") == EVIL
    assert request.header("Access-Control-Request-Method") == "PUT"  # the contract's first method
    assert request.header("Access-Control-Request-Headers") == "authorization"
    assert request.header("Access-Control-Request-Private-Network") == "true"


@pytest.mark.parametrize("value", ["true", " TRUE "])
def test_private_network_granted_on_a_failing_preflight_is_low(value):
    def private_network_only(req, response, preflight):
        allowlist_policy()(req, response, preflight)
        if req.headers.get("Access-Control-Request-Private-Network") == "true":
            response.headers["Access-Control-Allow-Private-Network"] = value

    findings = run_audit(werkzeug_app(private_network_only))
    assert rows(findings, "private-network") == [(
        "private-network", "low", EVIL,
        f"the private-network preflight from refused origin {EVIL} gets 'Access-Control-Allow-Private-Network: true' "
        "(unusable only because the rest of the preflight fails)",
    )]


def test_private_network_refused_is_no_finding():
    def refuses(req, response, preflight):
        allowlist_policy()(req, response, preflight)
        response.headers["Access-Control-Allow-Private-Network"] = "false"

    assert rows(run_audit(werkzeug_app(refuses)), "private-network") == []


@pytest.mark.parametrize("status, found", [(200, True), (299, True), (300, False), (403, False)])
def test_csrf_exposure_when_the_refused_post_succeeds(status, found):
    def answers(req, response, preflight):
        allowlist_policy()(req, response, preflight)
        if req.method == "POST":
            response.status_code = status

    findings = run_audit(werkzeug_app(answers))
    expected = [("csrf-exposure", "info", EVIL, CSRF.format(status=status))] if found else []
    assert rows(findings, "csrf-exposure") == expected
    if found:
        (post,) = [f for f in findings if f.probe == "csrf-exposure"][0].evidence
        assert (post.request.method, post.request.body) == ("POST", b"pytest-cors=csrf-probe")
        assert post.request.header("Origin") == EVIL
        # the curl line of the report: the request a browser's form POST makes, header names as browsers send them
        assert (
            f"curl -i -X POST {URL} -H 'Origin: {EVIL}' -H 'Content-Type: application/x-www-form-urlencoded' "
            "--data-binary pytest-cors=csrf-probe\n"
        ) in format_findings(findings, threshold="info")


def test_no_csrf_finding_when_the_origin_may_read_anyway():
    # a POST from an origin the server lets read is no hidden side effect (reflect-any-origin reports it)
    findings = run_audit(werkzeug_app(echo_origin_or_star))
    assert rows(findings, "csrf-exposure") == []


def preflight_answer(status=204, max_age=None, acao=True):
    """Allowlisted CORS on actual responses; preflights answered with ``status``, Max-Age ``max_age``."""

    def policy(req, response, preflight):
        allowlist_policy(max_age=max_age)(req, response, preflight)
        if preflight:
            response.status_code = status
            if not acao:
                del response.headers["Access-Control-Allow-Origin"]

    return werkzeug_app(policy)


MISSING_MAX_AGE = (
    "missing-max-age", "low", "https://app.example.com",
    "the preflight answer to https://app.example.com has no Access-Control-Max-Age: browsers repeat the preflight every 5 s",
)


@pytest.mark.parametrize("status, found", [(200, True), (299, True), (300, False), (403, False)])
def test_missing_max_age_on_successful_trusted_preflights_only(status, found):
    findings = run_audit(preflight_answer(status), request_headers=["Authorization"])
    assert rows(findings, "missing-max-age") == ([MISSING_MAX_AGE] if found else [])


def test_a_preflight_that_does_not_allow_the_origin_needs_no_max_age():
    findings = run_audit(preflight_answer(acao=False), request_headers=["Authorization"])
    assert rows(findings, "missing-max-age") == []


def test_missing_max_age_after_a_simple_method():
    # GET is simple (no preflight); PUT is preflighted: its preflight is checked too
    findings = run_audit(preflight_answer(), methods=["GET", "PUT"])
    assert rows(findings, "missing-max-age") == [MISSING_MAX_AGE]


def test_untrusted_preflights_are_not_checked_for_max_age():
    def max_age_for_trusted_only(req, response, preflight):
        origin = req.headers.get("Origin")
        response.vary.add("Origin")
        response.headers["Access-Control-Allow-Origin"] = origin or ""
        if preflight:
            response.headers["Access-Control-Allow-Methods"] = "PUT"
            if origin in ("https://app.example.com", "https://admin.example.com"):
                response.headers["Access-Control-Max-Age"] = "600"

    findings = run_audit(werkzeug_app(max_age_for_trusted_only), methods=["PUT"], credentials=False)
    assert rows(findings, "missing-max-age", "max-age-over-cap") == []
    assert rows(findings, "reflect-any-origin")  # the reflection itself is found


@pytest.mark.parametrize(
    "declared, browsers, capped",
    [("86400", "all", "Chrome 7200 s, Safari 600 s"), ("601", "all", "Safari 600 s"), ("7201", "chrome,firefox", "Chrome 7200 s"),
     ("600", "all", None), ("86401", "firefox", "Firefox 86400 s"), ("86400", "spec", None)],
)
def test_max_age_over_a_browser_cap(declared, browsers, capped):
    findings = run_audit(preflight_answer(max_age=declared), request_headers=["Authorization"], browsers=browsers)
    expected = [(
        "max-age-over-cap", "low", "https://app.example.com",
        f"Access-Control-Max-Age: {declared} is capped by browsers: effectively {capped}",
    )]
    assert rows(findings, "max-age-over-cap") == (expected if capped else [])


def test_an_unparsable_max_age_is_not_capped():
    assert rows(run_audit(preflight_answer(max_age="abc"), request_headers=["Authorization"]), "max-age-over-cap") == []


@pytest.mark.parametrize("credentials, severity, reads", [(True, "high", "with the user's credentials (cookies)"), (False, "medium", "without credentials")])
def test_a_pattern_over_a_hosting_domain(credentials, severity, reads):
    app = werkzeug_app(allowlist_policy(trusted=("https://app.example.com", "https://cors-check.github.io")))
    findings = run_audit(app, origins=["https://app.example.com", "https://*.github.io"], credentials=credentials, methods=["GET"])
    assert rows(findings, "registrable-by-anyone") == [(
        "registrable-by-anyone", severity, "https://*.github.io",
        "the contract trusts https://*.github.io: github.io is a hosting domain from the Public Suffix List's private "
        f"section: anyone can register a name under it; a page there reads {URL} {reads}",
    )]
    (hit,) = [f for f in findings if f.probe == "registrable-by-anyone"]
    assert [e.request.header("Origin") for e in hit.evidence] == ["https://cors-check.github.io"]


def test_an_exact_origin_on_a_hosting_domain_shows_its_own_exchange():
    app = werkzeug_app(allowlist_policy(trusted=("https://app.example.com", "https://myapp.herokuapp.com")))
    findings = run_audit(app, origins=["https://app.example.com", "https://myapp.herokuapp.com"], methods=["GET"])
    (hit,) = [f for f in findings if f.probe == "registrable-by-anyone"]
    assert hit.origin == "https://myapp.herokuapp.com"
    assert [e.request.header("Origin") for e in hit.evidence] == ["https://myapp.herokuapp.com"]


def test_a_wildcard_preflight_answer_needs_a_max_age_too():
    def public(req, response, preflight):
        response.headers["Access-Control-Allow-Origin"] = "*"
        if preflight:
            response.headers["Access-Control-Allow-Methods"] = "PUT"

    findings = run_audit(werkzeug_app(public), credentials=False, methods=["PUT"], origins=["https://app.example.com"])
    assert rows(findings, "missing-max-age") == [MISSING_MAX_AGE]


def test_the_origin_less_replay_prefers_a_get():
    def vary_when_allowed(req, response, preflight):
        allowlist_policy(vary=False)(req, response, preflight)
        if response.headers.get("Access-Control-Allow-Origin"):
            response.vary.add("Origin")

    findings = run_audit(werkzeug_app(vary_when_allowed), methods=["POST", "GET"])
    (gap,) = [f for f in findings if f.probe == "missing-vary" and f.origin is None]
    (replay,) = gap.evidence
    assert (replay.request.method, replay.request.url, replay.request.body) == ("GET", URL, None)
    assert replay.request.header("Origin") is None
    # HEAD is safe too; a POST is replayed with its body
    findings = run_audit(werkzeug_app(vary_when_allowed), methods=["POST", "HEAD"])
    assert [f.evidence[0].request.method for f in findings if f.probe == "missing-vary" and f.origin is None] == ["HEAD"]
    findings = run_audit(werkzeug_app(vary_when_allowed), methods=["POST"], body="name=Ada")
    (gap,) = [f for f in findings if f.probe == "missing-vary" and f.origin is None]
    assert (gap.evidence[0].request.method, gap.evidence[0].request.body) == ("POST", b"name=Ada")
    # a preflighted method alone: its actual request is replayed, never its preflight
    findings = run_audit(werkzeug_app(vary_when_allowed), methods=["PUT"], request_headers=["Authorization"])
    (gap,) = [f for f in findings if f.probe == "missing-vary" and f.origin is None]
    assert [(e.kind, e.request.method, e.request.header("Origin")) for e in gap.evidence] == [("actual", "PUT", None)]


def test_the_form_post_of_a_refused_origin_is_checked_for_vary_too():
    # with every origin probe an accepted risk, the form POST is the only refused request the audit sends
    def vary_when_allowed(req, response, preflight):
        allowlist_policy(vary=False)(req, response, preflight)
        if response.headers.get("Access-Control-Allow-Origin"):
            response.vary.add("Origin")

    findings = run_audit(werkzeug_app(vary_when_allowed), methods=["POST"], audit={"skip": list(ORIGIN_PROBES)})
    gaps = [f for f in findings if f.probe == "missing-vary"]
    assert [(f.severity, f.origin) for f in gaps] == [("low", None), ("low", EVIL)]
    assert gaps[1].evidence[0].request.body == b"pytest-cors=csrf-probe"


def header_values(acao=None, acac=None):
    """Sends these Access-Control-Allow-Origin / -Credentials values (as written) to every request."""

    def policy(req, response, preflight):
        response.vary.add("Origin")
        if acao is not None:
            response.headers["Access-Control-Allow-Origin"] = acao
        if acac is not None:
            response.headers["Access-Control-Allow-Credentials"] = acac

    return werkzeug_app(policy)


# Only spaces and tabs around a value are ignored, as browsers read these headers; the case of 'true' is not
# checked (a server that writes 'TRUE' means credentials, even if browsers then refuse them).
@pytest.mark.parametrize(
    "acac, credentialed",
    [("true", True), (" true\t", True), ("TRUE", True), ("true\x0b", False), ("TRUEX", False), ("false", False), ("", False)],
)
def test_which_credentials_values_count_as_true(acac, credentialed):
    findings = run_audit(header_values(acac=acac), methods=["GET"])
    app = "https://app.example.com"  # the server allows no origin: even the trusted one is refused
    expected = f"actual response to refused origin {app} has 'Access-Control-Allow-Credentials: true' (no Access-Control-Allow-Origin)"
    assert rows(findings, "credentials-on-refused-origin") == ([("credentials-on-refused-origin", "low", app, expected)] if credentialed else [])


@pytest.mark.parametrize("acao, wildcard", [("*", True), (" *\t", True), ("\x0c*", False), ("*X", False), ("**", False)])
def test_which_allow_origin_values_are_a_wildcard(acao, wildcard):
    findings = run_audit(header_values(acao=acao, acac="true"), methods=["GET"])
    assert bool(rows(findings, "wildcard-with-credentials")) is wildcard
