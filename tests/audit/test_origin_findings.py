"""Origin probes against real misconfigured apps in-process: each finding asserted exactly.

Probe, severity, the origin probed, the summary a user reads, the browsers that let it read and
the evidence (the exchange that shows it). A weaker assertion would let a regression through:
a finding at the wrong severity, a method missing from the summary, a lookalike not tried.
"""

from __future__ import annotations

import threading
from typing import Callable, Iterator

import pytest
from werkzeug.serving import make_server

from pytest_cors.audit.runner import ContractAudit
from pytest_cors.browser.profiles import select_profiles
from pytest_cors.check.run import CorsRun
from pytest_cors.contract.schema import parse_contract
from pytest_cors.report.redaction import Redactor

from .apps import flask_app, werkzeug_app
from .conftest import USERS_CONTRACT, run_audit
from .django_app import django_app

URL = "http://testserver/api/users"
ALL = "Chrome, Firefox, Safari"
CREDENTIALED = "with the user's credentials (cookies)"
NO_VARY_WITHOUT_ORIGIN = (
    "CORS headers differ between origins, but the response to a request without Origin has no 'Vary: Origin' "
    "(a cache can serve it to a trusted origin, or the trusted answer to others)"
)


def rows(findings, probe=None):
    """(probe, severity, origin, summary) of each finding, or of one probe's."""
    return [(f.probe, f.severity, f.origin, f.summary) for f in findings if probe is None or f.probe == probe]


def reflect(methods=("GET", "POST", "PUT", "DELETE", "OPTIONS"), credentials=("GET", "POST", "PUT", "DELETE")):
    """Reflects any origin for ``methods``, with credentials for ``credentials``, answering every preflight."""

    def policy(req, response, preflight):
        origin = req.headers.get("Origin")
        response.vary.add("Origin")
        method = req.headers.get("Access-Control-Request-Method") if preflight else req.method
        if origin and method in methods:
            response.headers["Access-Control-Allow-Origin"] = origin
            if method in credentials:
                response.headers["Access-Control-Allow-Credentials"] = "true"
            if preflight:
                response.headers["Access-Control-Allow-Methods"] = method
                response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
                response.headers["Access-Control-Max-Age"] = "600"

    return werkzeug_app(policy)


def test_flask_cors_reflection_is_one_critical_finding_per_attacker_origin():
    findings = run_audit(flask_app(supports_credentials=True))
    (hit,) = [f for f in findings if f.probe == "reflect-any-origin"]
    assert (hit.severity, hit.origin, hit.covered_by) == ("critical", "https://evil.invalid", None)
    assert hit.summary == f"https://evil.invalid can read GET/POST {URL} {CREDENTIALED} in {ALL}"
    assert hit.profiles == ("chrome", "firefox", "safari")
    assert (hit.contract, hit.url) == ("users", URL)
    (actual,) = hit.evidence  # a credentialed GET is a simple request: no preflight
    assert (actual.kind, actual.request.method, actual.request.header("Origin")) == ("actual", "GET", "https://evil.invalid")
    assert actual.response.header("Access-Control-Allow-Origin") == "https://evil.invalid"
    derived = {(f.probe, f.origin): f.summary for f in findings if f.probe != "special-characters"}
    assert derived == {
        ("reflect-any-origin", "https://evil.invalid"): hit.summary,
        ("null-origin", "null"): f"null can read GET/POST {URL} {CREDENTIALED} in {ALL}",
        **{
            (probe, origin): f"{origin} can read GET/POST {URL} {CREDENTIALED} in {ALL} (derived from https://{name}.example.com)"
            for name in ("app", "admin")
            for probe, origin in [
                ("prefix-lookalike", f"https://{name}.example.com.evil.invalid"),
                ("suffix-lookalike", f"https://evil{name}.example.com"),
                ("unescaped-dot", f"https://{name}xexample.com"),
                ("untrusted-subdomain", f"https://evil.{name}.example.com"),
                ("scheme-downgrade", f"http://{name}.example.com"),
                ("port-confusion", f"https://{name}.example.com:8443"),
            ]
        },
        ("suffix-lookalike", "https://evil-example.com"): (
            f"https://evil-example.com can read GET/POST {URL} {CREDENTIALED} in {ALL} (derived from https://app.example.com)"
        ),
        ("missing-vary", None): NO_VARY_WITHOUT_ORIGIN,
    }
    assert len([f for f in findings if f.probe == "special-characters"]) == 28  # 14 characters after each trusted name


def test_django_reflection_without_credentials_is_high():
    with django_app(CORS_ALLOW_ALL_ORIGINS=True) as app:
        findings = run_audit(app, credentials=False, methods=["GET"])
    assert rows(findings, "reflect-any-origin") == [
        ("reflect-any-origin", "high", "https://evil.invalid", f"https://evil.invalid can read GET {URL} without credentials in {ALL}")
    ]
    assert rows(findings, "null-origin") == [("null-origin", "medium", "null", f"null can read GET {URL} without credentials in {ALL}")]


def test_a_public_endpoint_is_a_finding_only_when_read_with_credentials():
    findings = run_audit(flask_app(supports_credentials=True), origins=["*"], credentials=False, methods=["GET"])
    assert rows(findings) == [
        ("reflect-any-origin", "critical", "https://evil.invalid", f"https://evil.invalid can read GET {URL} {CREDENTIALED} in {ALL}"),
        ("null-origin", "critical", "null", f"null can read GET {URL} {CREDENTIALED} in {ALL}"),
        ("missing-vary", "low", None, NO_VARY_WITHOUT_ORIGIN),
    ]


def test_the_summary_lists_only_the_methods_the_origin_can_read():
    findings = run_audit(reflect(methods=("POST",)), methods=["GET", "POST"])
    assert rows(findings, "reflect-any-origin") == [
        ("reflect-any-origin", "critical", "https://evil.invalid", f"https://evil.invalid can read POST {URL} {CREDENTIALED} in {ALL}")
    ]


@pytest.mark.parametrize("credentialed", ["GET", "PUT"])
def test_the_worst_read_over_the_methods_is_the_finding(credentialed):
    # one method is read with credentials, the other only without: critical, whichever comes first
    findings = run_audit(reflect(credentials=(credentialed,)), methods=["GET", "PUT"])
    (hit,) = [f for f in findings if f.probe == "reflect-any-origin"]
    assert (hit.severity, hit.summary) == ("critical", f"https://evil.invalid can read GET/PUT {URL} {CREDENTIALED} in {ALL}")
    assert hit.evidence[-1].request.method == credentialed
    assert hit.evidence[-1].response.header("Access-Control-Allow-Credentials") == "true"


def test_the_evidence_of_a_preflighted_read_is_the_preflight_and_the_actual_request():
    findings = run_audit(reflect(), methods=["PUT"])
    (hit,) = [f for f in findings if f.probe == "reflect-any-origin"]
    assert [(e.kind, e.request.method) for e in hit.evidence] == [("preflight", "OPTIONS"), ("actual", "PUT")]
    assert hit.evidence[0].request.header("Access-Control-Request-Method") == "PUT"


def test_only_the_browsers_that_let_the_origin_read_are_named():
    # Authorization under 'Access-Control-Allow-Headers: *': browsers accept it, the Fetch standard does not
    def policy(req, response, preflight):
        response.vary.add("Origin")
        response.headers["Access-Control-Allow-Origin"] = req.headers.get("Origin", "")
        if preflight:
            response.headers["Access-Control-Allow-Methods"] = "GET"
            response.headers["Access-Control-Allow-Headers"] = "*"

    findings = run_audit(werkzeug_app(policy), browsers="spec,chrome", credentials=False, methods=["GET"], request_headers=["Authorization"])
    (hit,) = [f for f in findings if f.probe == "reflect-any-origin"]
    assert hit.profiles == ("chrome",)
    assert hit.summary == f"https://evil.invalid can read GET {URL} without credentials in Chrome"
    # the evidence is what the browser that reads saw (the standard stopped at the preflight)
    assert [(e.kind, e.request.method) for e in hit.evidence] == [("preflight", "OPTIONS"), ("actual", "GET")]


def test_a_merely_loose_check_is_found_by_the_narrow_probe_alone():
    def starts_with_trusted(req, response, preflight):
        origin = req.headers.get("Origin") or ""
        response.vary.add("Origin")
        if origin.startswith("https://app.example.com"):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"

    findings = run_audit(werkzeug_app(starts_with_trusted), methods=["GET"])
    origins = {f.origin for f in findings}
    assert rows(findings, "prefix-lookalike") == [
        ("prefix-lookalike", "critical", "https://app.example.com.evil.invalid",
         f"https://app.example.com.evil.invalid can read GET {URL} {CREDENTIALED} in {ALL} (derived from https://app.example.com)")
    ]
    assert "https://app.example.com:8443" in origins  # the port is after the prefix: port-confusion
    assert {f.probe for f in findings} == {"prefix-lookalike", "port-confusion", "special-characters"}
    assert all(f.covered_by is None for f in findings)


@pytest.fixture
def serve() -> Iterator[Callable[[Callable], str]]:
    servers = []

    def start(app: Callable) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_live_url_read_judged_on_the_preflight_alone_says_so(serve):
    # without --cors-send-unsafe a PUT is never sent to a live URL: the finding rests on the preflight
    base = serve(reflect())
    run = CorsRun(profiles=select_profiles("all"), redactor=Redactor())
    audit = ContractAudit(parse_contract({**USERS_CONTRACT, "methods": ["PUT"]}), run, run.live(base))
    (hit,) = audit.findings("reflect-any-origin")
    assert hit.summary == (
        f"https://evil.invalid can read PUT {base}/api/users {CREDENTIALED} in {ALL} "
        "(the preflight allows it; the actual request was not sent to the live URL)"
    )
    assert [e.kind for e in hit.evidence] == ["preflight"]


def test_an_audit_of_a_live_url_never_sends_an_unsafe_request(serve):
    # no Origin-less replay of the POST and no form POST from the attacker: a live server holds real data
    from .apps import allowlist_policy

    methods_seen = []
    app = werkzeug_app(allowlist_policy(vary=False))

    def logging_app(environ, start_response):
        methods_seen.append(environ["REQUEST_METHOD"])
        return app(environ, start_response)

    base = serve(logging_app)
    run = CorsRun(profiles=select_profiles("all"), redactor=Redactor())
    audit = ContractAudit(parse_contract({**USERS_CONTRACT, "methods": ["POST"]}), run, run.live(base))
    findings = audit.all_findings()
    assert set(methods_seen) == {"OPTIONS"}
    assert not [f for f in findings if f.probe in ("csrf-exposure", "missing-vary")]
