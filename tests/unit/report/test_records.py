"""Item records: plain data every report reads, every secret redacted once, here."""

from __future__ import annotations

import json

from pytest_cors.report.records import case_record, finding_record, item_record
from pytest_cors.report.redaction import Redactor
from pytest_cors.snapshot.diff import Change, ChangeKind

from .apps import app, result_of

APP = "https://app.example.com"
ACAO = [("Access-Control-Allow-Origin", APP)]
VARY_PROBLEM = ("the response allows 'https://app.example.com' but its Vary header does not list Origin (a shared "
                "cache can serve this origin's answer to another)")
PREFLIGHT = ACAO + [("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "authorization, x-api-key"),
                    ("Access-Control-Max-Age", "600")]
CONTRACT = {"path": "/api", "origins": [APP], "methods": ["PUT"], "body": '{"a": 1}',
            "request_headers": {"Authorization": "Bearer tok-secret", "X-Api-Key": "key-secret"}}


def _result():
    wsgi = app(PREFLIGHT, ACAO + [("X-Echo", "Bearer tok-secret and key-secret")])
    return result_of(wsgi, CONTRACT, profiles=("chrome", "firefox"))


def test_a_case_record_holds_the_exchanges_with_every_secret_value_hidden():
    record = case_record(_result(), "tests/test_api.py", Redactor.with_names(["x-api-key"]))
    assert json.loads(json.dumps(record)) == {
        "contract": "api",
        "contract_id": "tests/test_api.py::api",
        "owner": "tests/test_api.py",
        "path": "/api",
        "url": "http://testserver/api",
        "case": "PUT https://app.example.com",
        "origin": APP,
        "method": "PUT",
        "expected": "allowed",
        "passed": False,
        "problems": [{"kind": "vary", "summary": VARY_PROBLEM}],
        "browsers": {"chrome": {"verdict": "allowed", "reason": "ok", "message": ""},
                     "firefox": {"verdict": "allowed", "reason": "ok", "message": ""}},
        "exchanges": [
            {"kind": "preflight",
             "request": {"method": "OPTIONS", "url": "http://testserver/api", "body_bytes": 0,
                         "headers": [["Accept", "*/*"], ["Origin", APP], ["Access-Control-Request-Method", "PUT"],
                                     ["Access-Control-Request-Headers", "authorization,x-api-key"]]},
             "response": {"status": 204, "reason": "No Content", "headers": [list(h) for h in PREFLIGHT]}},
            {"kind": "actual",
             "request": {"method": "PUT", "url": "http://testserver/api", "body_bytes": 8,
                         "headers": [["Origin", APP], ["Authorization", "<redacted>"], ["X-Api-Key", "<redacted>"],
                                     ["Content-Type", "text/plain;charset=UTF-8"]]},
             "response": {"status": 200, "reason": "OK",
                          "headers": [["Access-Control-Allow-Origin", APP], ["X-Echo", "<redacted> and <redacted>"]]}},
        ],
        "policy": {"expected": "allowed", "browsers": {"chrome": "allowed", "firefox": "allowed"},
                   "actual": {"access-control-allow-origin": APP},
                   "preflight": {"access-control-allow-origin": APP, "access-control-allow-methods": "PUT",
                                 "access-control-allow-headers": "authorization, x-api-key",
                                 "access-control-max-age": 600}},
        "snapshot": [],
    }


def test_a_secret_header_value_sent_only_on_the_wire_is_hidden_wherever_the_response_echoes_it():
    # without --cors-redact, X-Api-Key is shown in its own header; Authorization never is, nor echoed
    record = case_record(_result(), "t.py", Redactor())
    actual = record["exchanges"][1]
    assert actual["request"]["headers"][1:3] == [["Authorization", "<redacted>"], ["X-Api-Key", "key-secret"]]
    assert actual["response"]["headers"][1] == ["X-Echo", "<redacted> and key-secret"]


def test_without_detail_the_record_keeps_no_exchanges_messages_nor_the_full_policy():
    wsgi = app([("Access-Control-Max-Age", "600")])
    result = result_of(wsgi, {"path": "/api", "origins": [APP], "methods": ["PUT"]}, profiles=("chrome",))
    lean = case_record(result, "t.py", Redactor(), detail=False, policy=False)
    assert lean["exchanges"] == [] and lean["browsers"] == {"chrome": {"verdict": "blocked", "reason": "preflight-acao-missing",
                                                                       "message": ""}}
    assert lean["policy"] == {"preflight": {"access-control-max-age": 600}}
    with_policy = case_record(result, "t.py", Redactor(), detail=False)
    assert with_policy["exchanges"] == [] and set(with_policy["policy"]) == {"expected", "browsers", "preflight"}
    detailed = case_record(result, "t.py", Redactor(), policy=False)
    assert detailed["browsers"]["chrome"]["message"].startswith("Access to fetch at 'http://testserver/api'")
    assert set(detailed["policy"]) == {"expected", "browsers", "preflight"}
    assert len(detailed["exchanges"]) == 1


def test_cookie_values_and_url_passwords_are_hidden_in_the_path_url_and_problems():
    contract = {"path": "/api/sess-1234", "origins": [APP], "deny_origins": ["https://evil.example"],
                "credentials": True, "cookies": {"sid": "sess-1234"}}
    evil = [("Access-Control-Allow-Origin", "https://evil.example"), ("Access-Control-Allow-Credentials", "true"),
            ("Vary", "Origin")]
    result = result_of(app(actual=evil), contract, case=1, profiles=("chrome",), served_as="http://me:pw12@testserver")
    record = case_record(result, "t.py", Redactor(), [Change(ChangeKind.LOOSENED, "api", "deny:GET x", "opened")])
    assert record["path"] == "/api/<redacted>"
    assert record["url"] == "http://me:<redacted>@testserver/api/<redacted>"
    assert record["expected"] == "blocked"
    assert record["exchanges"][0]["request"]["url"] == "http://me:<redacted>@testserver/api/<redacted>"
    assert record["snapshot"] == [Change(ChangeKind.LOOSENED, "api", "deny:GET x", "opened").to_dict()]
    assert "sess-1234" not in json.dumps(record) and "pw12" not in json.dumps(record)


def test_a_finding_record_says_whether_it_reaches_the_threshold():
    from pytest_cors.audit.model import Finding

    finding = Finding("null-origin", "high", "null reads https://me:pw@api.example.com/x", "null",
                      contract="users", url="https://me:pw@api.example.com/x")
    assert finding_record(finding, "api.yaml", Redactor(), "high") == {
        "probe": "null-origin", "severity": "high", "failing": True,
        "summary": "null reads https://me:<redacted>@api.example.com/x", "origin": "null",
        "contract": "users", "contract_id": "api.yaml::users", "url": "https://me:<redacted>@api.example.com/x",
    }
    assert finding_record(finding, "api.yaml", Redactor(), "critical")["failing"] is False
    bare = Finding("missing-vary", "low", "s")
    assert finding_record(bare, "api.yaml", Redactor(), "info") == {
        "probe": "missing-vary", "severity": "low", "failing": True, "summary": "s", "origin": "",
        "contract": "", "contract_id": "", "url": "",
    }


def test_an_item_record():
    assert item_record("t.py::test", "failed", "boom", [{"c": 1}], [{"f": 2}]) == {
        "nodeid": "t.py::test", "outcome": "failed", "message": "boom", "cases": [{"c": 1}], "findings": [{"f": 2}]
    }


def _echo_authorization(environ, start_response):
    """Answers the preflight, then reflects the wrong request header into CORS headers: Authorization."""
    token = environ.get("HTTP_AUTHORIZATION", "")
    if environ["REQUEST_METHOD"] == "OPTIONS":
        start_response("204 No Content", ACAO + [("Access-Control-Allow-Headers", "authorization"),
                                                 ("Access-Control-Max-Age", token or "5")])
    else:
        start_response("200 OK", [("Access-Control-Allow-Origin", token), ("Vary", "Origin")])
    return [b""]


def test_a_secret_the_server_echoes_into_a_console_message_or_a_problem_is_hidden():
    contract = {"path": "/api", "origins": [APP], "request_headers": {"Authorization": "Bearer tok-secret"}}
    blocked = case_record(result_of(_echo_authorization, contract, profiles=("chrome",)), "t.py", Redactor())
    assert blocked["browsers"]["chrome"]["message"].endswith(
        "header contains multiple values '<redacted>', but only one is allowed. Have the server send the header "
        "with a valid value."
    )
    assert "tok-secret" not in json.dumps(blocked)

    assert blocked["policy"]["actual"]["access-control-allow-origin"] == "<redacted>"

    def leaky_preflight(environ, start_response):  # sends the very token it expects, as its Max-Age
        start_response("204 No Content" if environ["REQUEST_METHOD"] == "OPTIONS" else "200 OK",
                       ACAO + [("Vary", "Origin"), ("Access-Control-Allow-Headers", "authorization"),
                               ("Access-Control-Max-Age", "Bearer tok-secret")])
        return [b""]

    max_age = case_record(result_of(leaky_preflight, {**contract, "max_age": 600}, profiles=("chrome",)), "t.py",
                          Redactor())
    assert max_age["problems"] == [{"kind": "max-age", "summary": "Access-Control-Max-Age is '<redacted>', expected 600"}]
    assert max_age["policy"]["preflight"]["access-control-max-age"] == "<redacted>"
    assert "tok-secret" not in json.dumps(max_age)
