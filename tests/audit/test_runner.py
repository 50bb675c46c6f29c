"""ContractAudit and AuditRegistry: what runs, what is reused, what is reported where (real apps in-process)."""

from __future__ import annotations

import pytest

from pytest_cors.audit.runner import AuditRegistry, ContractAudit, by_severity
from pytest_cors.browser.profiles import select_profiles
from pytest_cors.check.run import CorsRun
from pytest_cors.contract.model import Location
from pytest_cors.contract.schema import parse_contract
from pytest_cors.report.findings import format_findings
from pytest_cors.report.redaction import Redactor

from .apps import allowlist_policy, flask_app, werkzeug_app
from .conftest import USERS_CONTRACT


def new_run() -> CorsRun:
    return CorsRun(profiles=select_profiles("all"), redactor=Redactor())


def counting(app):
    """``app`` that records (method, Origin) of every request it answers."""
    seen = []

    def wrapper(environ, start_response):
        seen.append((environ["REQUEST_METHOD"], environ.get("HTTP_ORIGIN")))
        return app(environ, start_response)

    return wrapper, seen


def test_a_finding_names_the_contract_the_url_and_where_the_contract_was_written():
    run = new_run()
    contract = parse_contract(USERS_CONTRACT, where=Location("cors_api.yaml", 12))
    (hit,) = ContractAudit(contract, run, run.app(flask_app(supports_credentials=True))).findings("reflect-any-origin")
    assert (hit.contract, hit.url, hit.where) == ("users", "http://testserver/api/users", "cors_api.yaml:12")
    assert "in the contract (cors_api.yaml:12)" in format_findings([hit])


def test_recorded_case_results_are_not_sent_again():
    run = new_run()
    app, seen = counting(werkzeug_app(allowlist_policy()))
    transport = run.app(app)
    contract = parse_contract(USERS_CONTRACT)
    audit = ContractAudit(contract, run, transport)
    for case in contract.cases():
        audit.record(run.run_case(case, transport))
    sent_by_cases = len(seen)
    audit.findings("missing-vary")
    assert ("GET", "https://app.example.com") not in seen[sent_by_cases:]
    assert ("POST", "https://admin.example.com") not in seen[sent_by_cases:]


def test_results_of_another_contract_are_not_reused():
    run = new_run()
    app, seen = counting(werkzeug_app(allowlist_policy()))
    transport = run.app(app)
    other = parse_contract({**USERS_CONTRACT, "name": "other", "path": "/api/other"})
    audit = ContractAudit(parse_contract(USERS_CONTRACT), run, transport)
    for case in other.cases():
        audit.record(run.run_case(case, transport))
    assert [r.case.contract.name for r in audit.case_results()] == ["users"] * len(other.cases())


def test_an_unknown_probe_is_refused():
    run = new_run()
    audit = ContractAudit(parse_contract(USERS_CONTRACT), run, run.app(werkzeug_app(allowlist_policy())))
    with pytest.raises(ValueError, match="^unknown probe 'no-such-probe'$"):
        audit.findings("no-such-probe")


def test_the_targets_own_origin_is_never_probed():
    # http://testserver is the in-process app's own origin: a same-origin request never uses CORS
    run = new_run()
    contract = parse_contract({**USERS_CONTRACT, "origins": ["https://testserver", "https://app.example.com"]})
    audit = ContractAudit(contract, run, run.app(flask_app(supports_credentials=True)))
    assert [p.origin for p in audit.probes if p.id == "scheme-downgrade"] == ["http://testserver", "http://app.example.com"]
    assert [f.origin for f in audit.findings("scheme-downgrade")] == ["http://app.example.com"]
    assert [f.origin for f in audit.findings("prefix-lookalike")] == ["https://testserver.evil.invalid", "https://app.example.com.evil.invalid"]


def test_null_is_probed_even_when_the_target_is_opaque_to_itself():
    run = new_run()
    audit = ContractAudit(parse_contract(USERS_CONTRACT), run, run.app(flask_app(supports_credentials=True)))
    assert [f.origin for f in audit.findings("null-origin")] == ["null"]


def test_skipped_probes_are_neither_reported_nor_covered():
    run = new_run()
    audit = ContractAudit(
        parse_contract({**USERS_CONTRACT, "audit": {"skip": ["null-origin"]}}), run, run.app(flask_app(supports_credentials=True))
    )
    reported = audit.reported_findings("reflect-any-origin")
    assert reported[0].probe == "reflect-any-origin" and reported[0].covered_by is None
    assert "null-origin" not in {f.probe for f in reported}
    assert {f.covered_by for f in reported[1:]} == {"reflect-any-origin"}
    everything = audit.all_findings(skip=["special-characters"])
    assert not {"null-origin", "special-characters"} & {f.probe for f in everything}
    assert "prefix-lookalike" in {f.probe for f in everything}


def test_all_findings_most_severe_first_then_in_catalogue_order():
    run = new_run()
    app = werkzeug_app(allowlist_policy(credentials_always=True, max_age=None, expose="Authorization"))
    audit = ContractAudit(parse_contract({**USERS_CONTRACT, "request_headers": ["Authorization"]}), run, run.app(app))
    assert [(f.probe, f.severity) for f in audit.all_findings()] == [
        ("sensitive-exposed-header", "medium"),
        ("credentials-on-refused-origin", "low"),  # the preflight's
        ("credentials-on-refused-origin", "low"),  # the actual response's
        ("missing-max-age", "low"),
        ("csrf-exposure", "info"),
    ]
    assert [f.probe for f in by_severity(reversed(audit.all_findings()))] == [
        "sensitive-exposed-header", "missing-max-age", "credentials-on-refused-origin", "credentials-on-refused-origin", "csrf-exposure",
    ]


def test_the_registry_keeps_one_audit_per_contract_and_target():
    run = new_run()
    registry = AuditRegistry(run)
    contract = parse_contract(USERS_CONTRACT)
    other = parse_contract({**USERS_CONTRACT, "name": "other"})
    one, two = run.app(werkzeug_app(allowlist_policy())), run.app(werkzeug_app(allowlist_policy()))
    audit = registry.get(contract, one)
    assert registry.get(contract, one) is audit
    assert (audit.contract, audit.transport, audit.run) == (contract, one, run)
    on_two = registry.get(contract, two)
    assert on_two is not audit and on_two.transport is two
    other_on_one = registry.get(other, one)
    assert (other_on_one.contract, other_on_one.transport) == (other, one)
    # each stays: asking again in any order gives the same audit (and its exchanges)
    assert (registry.get(contract, one), registry.get(contract, two), registry.get(other, one)) == (audit, on_two, other_on_one)
    probes = audit.probes[:1]
    assert registry.get(other, two, probes=probes).probes == probes


def test_header_checks_read_the_origin_probes_exchanges_even_when_asked_first():
    # the preflights of the attacker origins show the credentials grant; reflect-any-origin is an accepted risk,
    # so the first origin probe that runs is null-origin's
    run = new_run()
    contract = parse_contract({**USERS_CONTRACT, "request_headers": ["Authorization"], "methods": ["GET"], "audit": {"skip": ["reflect-any-origin"]}})
    audit = ContractAudit(contract, run, run.app(werkzeug_app(allowlist_policy(credentials_always=True))))
    assert [(f.origin, f.summary) for f in audit.findings("credentials-on-refused-origin")] == [
        ("null", "preflight response to refused origin null has 'Access-Control-Allow-Credentials: true' (no Access-Control-Allow-Origin)")
    ]


def test_a_skipped_broader_probe_leaves_the_next_one_to_cover():
    from .apps import wildcard_with_credentials_policy

    run = new_run()
    contract = parse_contract({**USERS_CONTRACT, "audit": {"skip": ["reflect-any-origin"]}})
    audit = ContractAudit(contract, run, run.app(werkzeug_app(wildcard_with_credentials_policy)))
    assert audit.covered_by("prefix-lookalike") == "wildcard-with-credentials"


def test_a_network_fault_is_an_error_with_the_redacted_url_not_a_finding():
    import socket

    from pytest_cors.errors import CorsNetworkError

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run = new_run()
    audit = ContractAudit(parse_contract(USERS_CONTRACT), run, run.live(f"http://ops:hunter2@127.0.0.1:{port}"))
    with pytest.raises(CorsNetworkError) as error:
        audit.findings("reflect-any-origin")
    assert str(error.value) == (
        "cannot reach the target: connection-refused\n"
        f"  URL:   http://ops:<redacted>@127.0.0.1:{port}/api/users\n"
        "  cause: connection refused (is the server running on that port?)\n"
        "This is a network fault, not a CORS verdict: no browser decision was made."
    )
