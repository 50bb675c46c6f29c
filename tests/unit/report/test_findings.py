"""Audit findings as text: one in full, an item's report, the run's table (exact lines)."""

from __future__ import annotations

from typing import Any, Dict, List

from pytest_cors.audit.catalogue import PROBES
from pytest_cors.audit.model import Finding
from pytest_cors.audit.runner import ContractAudit
from pytest_cors.browser.exchange import Exchange, HttpRequest, HttpResponse
from pytest_cors.browser.profiles import select_profiles
from pytest_cors.check.run import CorsRun
from pytest_cors.contract.schema import parse_contract
from pytest_cors.report.findings import covers_text, findings_table, format_finding, format_findings, split_covered
from pytest_cors.report.redaction import Redactor, SecretValues
from pytest_cors.transport.wsgi import WsgiTransport

from .apps import app

URL = "http://testserver/api/users"


def _reflect_with_credentials(environ: Dict[str, Any], start_response: Any) -> List[bytes]:
    origin = environ.get("HTTP_ORIGIN")
    headers = [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")] if origin else []
    start_response("200 OK", headers)
    return [b"{}"]


def _audit(wsgi: Any) -> List[Finding]:
    run = CorsRun(profiles=select_profiles("all"), redactor=Redactor())
    contract = parse_contract({"name": "users", "path": "/api/users", "origins": ["https://app.example.com"],
                               "credentials": True}, where="cors_api.yaml:3")
    return list(ContractAudit(contract, run, run.app(wsgi)).all_findings())


def _why_fix(probe: str) -> List[str]:
    return [f"  why: {PROBES[probe].why}", f"  fix: {PROBES[probe].fix}"]


def test_an_origin_reflecting_api_reads_as_one_critical_cause_covering_the_rest():
    lines = format_findings(_audit(_reflect_with_credentials)).split("\n")
    assert lines == [
        "CORS audit of 'users': 2 findings at or above medium (2 below), grouping 22 more of the same cause",
        "",
        "[1] CRITICAL reflect-any-origin: https://evil.invalid can read GET http://testserver/api/users with the "
        "user's credentials (cookies) in Chrome, Firefox, Safari",
        *_why_fix("reflect-any-origin"),
        "  covers 22 more findings of the same cause (worst critical): null-origin (null), prefix-lookalike "
        "(https://app.example.com.evil.invalid), suffix-lookalike (2 origins), unescaped-dot (https://appxexample.com), "
        "untrusted-subdomain (https://evil.app.example.com), scheme-downgrade (http://app.example.com), port-confusion "
        "(https://app.example.com:8443), special-characters (14 origins)",
        "  actual request:",
        "    curl -i http://testserver/api/users -H 'Origin: https://evil.invalid'",
        "    -> 200 OK",
        "       Access-Control-Allow-Origin: https://evil.invalid",
        "       Access-Control-Allow-Credentials: true",
        "       Vary: (missing)",
        "",
        "[2] MEDIUM missing-vary: the response to https://app.example.com allows 'https://app.example.com' but its "
        "Vary header does not list Origin",
        *_why_fix("missing-vary"),
        "  actual request:",
        "    curl -i http://testserver/api/users -H 'Origin: https://app.example.com'",
        "    -> 200 OK",
        "       Access-Control-Allow-Origin: https://app.example.com",
        "       Access-Control-Allow-Credentials: true",
        "       Vary: (missing)",
        "",
        "Also:",
        "  low      missing-vary: 2 more, from https://evil.invalid, (no Origin)",
        "",
        "To accept a known, documented risk: audit: {skip: [missing-vary, reflect-any-origin]} in the contract "
        "(cors_api.yaml:3); or --cors-audit warn / --cors-audit-severity to change what fails.",
    ]


def test_the_findings_table_puts_the_most_severe_first_and_the_covered_ones_under_their_cause():
    assert findings_table(_audit(_reflect_with_credentials)) == [
        "severity  probe               origin                   contract  summary",
        "critical  reflect-any-origin  https://evil.invalid     users     https://evil.invalid can read GET "
        "http://testserver/api/users with the user's credentials (cookies) in Chrome, Firefox, Safari",
        "            covers 22 more findings of the same cause (worst critical): null-origin (null), prefix-lookalike "
        "(https://app.example.com.evil.invalid), suffix-lookalike (2 origins), unescaped-dot (https://appxexample.com), "
        "untrusted-subdomain (https://evil.app.example.com), scheme-downgrade (http://app.example.com), port-confusion "
        "(https://app.example.com:8443), special-characters (14 origins)",
        "medium    missing-vary        https://app.example.com  users     the response to https://app.example.com "
        "allows 'https://app.example.com' but its Vary header does not list Origin",
        "low       missing-vary        https://evil.invalid     users     CORS headers differ between origins, but the "
        "response to refused origin https://evil.invalid has no 'Vary: Origin' (a cache can serve it to a trusted "
        "origin, or the trusted answer to others)",
        "low       missing-vary        -                        users     CORS headers differ between origins, but the "
        "response to a request without Origin has no 'Vary: Origin' (a cache can serve it to a trusted origin, or "
        "the trusted answer to others)",
    ]


def _finding(probe: str, severity: str, origin: Any = "https://evil.example", **more: Any) -> Finding:
    summary = more.pop("summary", f"{probe} from {origin}")
    return Finding(probe, severity, summary, origin, contract="users", url=URL, **more)  # type: ignore[arg-type]


def _evidence(*headers: Any, status: str = "200 OK", kind: str = "actual") -> Exchange:
    request = HttpRequest("GET", URL, (("Origin", "https://evil.example"),))
    return Exchange(kind, request, WsgiTransport(app(actual=list(headers), status=status)).send(request))


def test_nothing_found_reads_as_nothing():
    assert format_findings([]) == ""
    assert findings_table([]) == ["no findings"]


def test_one_failing_finding_has_no_index_and_says_finding_in_the_singular():
    lone = _finding("null-origin", "high", "null", where="")
    assert format_findings([lone]).split("\n") == [
        "CORS audit of 'users': 1 finding at or above medium",
        "",
        "HIGH null-origin: null-origin from null",
        *_why_fix("null-origin"),
        "",
        "To accept a known, documented risk: audit: {skip: [null-origin]} in the contract; or --cors-audit warn / "
        "--cors-audit-severity to change what fails.",
    ]


def test_findings_below_the_threshold_are_only_listed():
    low = [_finding("missing-vary", "low", None), _finding("missing-max-age", "info", summary="no Max-Age")]
    assert format_findings(low, threshold="medium").split("\n") == [
        "CORS audit of 'users': 0 findings at or above medium (2 below)",
        "",
        "Also:",
        "  low      missing-vary: missing-vary from None",
        "  info     missing-max-age: no Max-Age",
    ]
    assert format_findings(low, threshold="low").split("\n")[0] == "CORS audit of 'users': 1 finding at or above low (1 below)"
    assert format_findings(low, threshold="info").split("\n")[0] == "CORS audit of 'users': 2 findings at or above info"


def test_past_the_limit_findings_are_listed_after_the_ones_in_full():
    many = [_finding("special-characters", "high", f"https://app{c}.evil.example") for c in "abcdefg"]
    text = format_findings(many, limit=5).split("\n\n")
    assert [part.split("\n")[0] for part in text[1:6]] == [
        f"[{i}] HIGH special-characters: special-characters from https://app{c}.evil.example"
        for i, c in zip(range(1, 6), "abcde")
    ]
    assert text[6] == (
        "Also:\n  high     special-characters: 2 more, from https://appf.evil.example, https://appg.evil.example"
    )
    assert text[0] == "CORS audit of 'users': 7 findings at or above medium"
    assert format_findings(many, limit=6).split("\n\n")[7] == (
        "Also:\n  high     special-characters: special-characters from https://appg.evil.example"
    )


def test_a_broad_finding_fails_as_badly_as_what_it_covers_and_covers_once():
    cause = _finding("reflect-any-origin", "low")
    covered = [_finding("null-origin", "critical", "null", covered_by="reflect-any-origin"),
               _finding("null-origin", "high", None, covered_by="reflect-any-origin")]
    second = _finding("reflect-any-origin", "low", "https://other.example")
    text = format_findings([cause, *covered, second], threshold="high")
    assert text.split("\n\n")[0] == (
        "CORS audit of 'users': 2 findings at or above high, grouping 2 more of the same cause"
    )
    assert text.count("covers") == 1
    assert "  covers 2 more findings of the same cause (worst critical): null-origin (2 origins)" in text.split("\n")


def test_a_covered_finding_whose_cause_was_filtered_out_is_shown_on_its_own():
    orphan = _finding("null-origin", "high", "null", covered_by="reflect-any-origin")
    other_url = Finding("null-origin", "high", "s", "null", contract="users", url="http://other/",
                        covered_by="reflect-any-origin")
    cause = _finding("reflect-any-origin", "critical")
    assert split_covered([orphan]) == ([orphan], {})
    assert split_covered([cause, orphan, other_url]) == (
        [cause, other_url], {("users", URL, "reflect-any-origin"): [orphan]}
    )


def test_covers_text_names_one_origin_or_counts_them_and_the_worst_severity():
    one = [_finding("null-origin", "medium", None)]
    assert covers_text(one, Redactor()) == "covers 1 more finding of the same cause (worst medium): null-origin (-)"
    mixed = [_finding("port-confusion", "low"), _finding("null-origin", "high", "null"),
             _finding("port-confusion", "info", "https://b.example")]
    assert covers_text(mixed, Redactor()) == (
        "covers 3 more findings of the same cause (worst high): port-confusion (2 origins), null-origin (null)"
    )


def test_a_finding_shows_each_exchange_with_its_cors_headers_and_secrets_hidden():
    values = SecretValues()
    values.add(["tenant-secret"])
    evidence = (
        _evidence(("Access-Control-Allow-Origin", "https://evil.example"), ("Vary", "Origin"),
                  ("Access-Control-Expose-Headers", "X-Tenant, tenant-secret"), ("X-Other", "x"),
                  status="201 Created", kind="preflight"),
        _evidence(("Access-Control-Allow-Methods", "GET"), ("Access-Control-Allow-Methods", "PUT")),
    )
    finding = _finding("reflect-any-origin", "critical", summary="leaks tenant-secret", evidence=evidence)
    assert format_finding(finding, Redactor(values=values), index=3).split("\n") == [
        "[3] CRITICAL reflect-any-origin: leaks <redacted>",
        *_why_fix("reflect-any-origin"),
        "  preflight request:",
        "    curl -i http://testserver/api/users -H 'Origin: https://evil.example'",
        "    -> 201 Created",
        "       Access-Control-Allow-Origin: https://evil.example",
        "       Access-Control-Expose-Headers: X-Tenant, <redacted>",
        "       Vary: Origin",
        "  actual request:",
        "    curl -i http://testserver/api/users -H 'Origin: https://evil.example'",
        "    -> 200 OK",
        "       Access-Control-Allow-Origin: (missing)",
        "       Access-Control-Allow-Methods: GET",
        "       Access-Control-Allow-Methods: PUT",
        "       Vary: (missing)",
    ]


def test_the_table_pads_each_column_to_its_widest_value():
    rows = [_finding("missing-vary", "low", None, summary="s1"),
            _finding("reflect-any-origin", "critical", "https://a.example", summary="s2")]
    assert findings_table(rows) == [
        "severity  probe               origin             contract  summary",
        "critical  reflect-any-origin  https://a.example  users     s2",
        "low       missing-vary        -                  users     s1",
    ]
    short = [Finding("null-origin", "low", "s", "null", contract="c")]
    assert findings_table(short) == [
        "severity  probe        origin  contract  summary",
        "low       null-origin  null    c         s",
    ]


def test_the_worst_severity_is_by_rank_not_by_name():
    assert covers_text([_finding("null-origin", "low"), _finding("port-confusion", "medium")], Redactor()).startswith(
        "covers 2 more findings of the same cause (worst medium): ")
    assert "(worst low)" in covers_text([_finding("null-origin", "info"), _finding("null-origin", "low", "x")], Redactor())


def test_a_response_without_reason_phrase_and_a_header_named_in_cors_redact():
    request = HttpRequest("GET", URL, (("Origin", "https://evil.example"), ("X-Api-Key", "k-1234")))
    evidence = (Exchange("actual", request, HttpResponse(204, (("Vary", "Origin"),))),)
    finding = _finding("null-origin", "high", "null", evidence=evidence)
    assert format_finding(finding, Redactor.with_names(["x-api-key"])).split("\n")[3:] == [
        "  actual request:",
        "    curl -i http://testserver/api/users -H 'Origin: https://evil.example' -H 'X-Api-Key: <redacted>'",
        "    -> 204",
        "       Access-Control-Allow-Origin: (missing)",
        "       Vary: Origin",
    ]


def test_five_findings_are_shown_in_full_by_default_and_the_report_redacts_them():
    values = SecretValues()
    values.add(["tenant-secret"])
    many = [_finding("port-confusion", "high", f"https://{c}.example", summary=f"{c} reads tenant-secret")
            for c in "abcdef"]
    parts = format_findings(many, Redactor(values=values)).split("\n\n")
    assert [part.split("\n")[0] for part in parts[1:6]] == [
        f"[{i}] HIGH port-confusion: {c} reads <redacted>" for i, c in zip(range(1, 6), "abcde")
    ]
    assert parts[6] == "Also:\n  high     port-confusion: f reads <redacted>"


def test_the_contract_location_of_a_single_finding():
    lone = _finding("null-origin", "high", "null", where="cors_api.yaml:7")
    assert format_findings([lone]).split("\n")[-1] == (
        "To accept a known, documented risk: audit: {skip: [null-origin]} in the contract (cors_api.yaml:7); "
        "or --cors-audit warn / --cors-audit-severity to change what fails."
    )
