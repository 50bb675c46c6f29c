"""The matrix from a real run's records: cells and styles, the lockfile column, squeezing to the terminal, counts."""

from __future__ import annotations

from pytest_cors.report.matrix import Endpoint, endpoints, has_changes, header, one_line, rows, summary, text_table

from .runs import BROWSERS, records


def _show(text: str, style: str) -> str:
    return f"[{style}:{text}]"


def test_the_matrix_of_a_run_with_a_lockfile_change():
    users, orders = endpoints(records(changes=True))
    head = header(BROWSERS, True)
    assert head == ["origin", "method", "expected", "chrome", "firefox", "max-age", "audit", "lockfile"]
    assert text_table(head, rows(users, BROWSERS, True), _show, 200) == [
        "  origin                   method  expected  chrome   firefox  max-age  audit  lockfile",
        "  https://app.example.com  GET     allowed   [good:allowed]  [good:allowed]  -        -      -",
        "  https://app.example.com  PUT     [bad:allowed ]  [bad:blocked]  [bad:blocked]  none     -      [bad:loosened]",
    ]
    assert text_table(head, rows(orders, BROWSERS, True), _show, 60) == [
        "  origin                        method  expected  chrome  firefox  max-age  audit                    lockfile",
        "  https://app.example.com.evi…  probe   -         -       -        -        [bad:high prefix-lookalike  ]  -",
        "  https://evil.invalid          probe   -         -       -        -        [bad:high reflect-any-origin]  -",
    ]
    assert (users.name, users.path, orders.name, orders.path) == (
        "test_users", "/users", "orders", "http://testserver/orders")
    assert users.outcomes == ["passed", "failed"] and orders.outcomes == ["failed"]


def _case(origin, method="GET", passed=True, preflight=None, browsers=("allowed", "allowed"), snapshot=()):
    return {"contract": "users", "contract_id": "api.yaml::users", "path": "/users", "origin": origin, "method": method,
            "expected": "allowed", "passed": passed, "snapshot": [{"kind": k} for k in snapshot],
            "browsers": {b: {"verdict": v} for b, v in zip(BROWSERS, browsers)},
            "policy": {} if preflight is None else {"preflight": preflight}}


def _finding(origin, probe="null-origin", failing=True, contract="users", contract_id="api.yaml::users"):
    return {"probe": probe, "severity": "high", "failing": failing, "origin": origin, "contract": contract,
            "contract_id": contract_id, "url": "http://testserver/users"}


def _item(cases=(), findings=(), outcome="passed", nodeid="t.py::test"):
    return {"nodeid": nodeid, "outcome": outcome, "cases": list(cases), "findings": list(findings)}


def test_an_endpoint_fails_for_a_broken_case_a_failing_finding_or_a_failed_item():
    assert not Endpoint("a", "a", "/").failing
    assert Endpoint("a", "a", "/", cases=[{"passed": False}]).failing
    assert not Endpoint("a", "a", "/", cases=[{"passed": True}], findings=[{"failing": False}]).failing
    assert Endpoint("a", "a", "/", findings=[{"failing": False}, {"failing": True}]).failing
    assert Endpoint("a", "a", "/", outcomes=["passed", "error"]).failing
    assert Endpoint("a", "a", "/", outcomes=["failed"]).failing
    assert not Endpoint("a", "a", "/", outcomes=["passed", "skipped"]).failing


def test_findings_without_a_contract_belong_to_their_item():
    found = endpoints([_item(findings=[_finding("null", contract="", contract_id="")], nodeid="t.py::test_m")])
    assert [(e.contract_id, e.name, e.path) for e in found] == [("t.py::test_m", "t.py::test_m", "http://testserver/users")]


def test_cells_missing_browser_max_age_findings_on_the_first_row_of_their_origin_and_sorted_kinds():
    app, other = "https://app.example", "https://b.example"
    cases = [_case(app, "GET", preflight={"access-control-max-age": 600}, browsers=("allowed",)),
             _case(app, "PUT", preflight={}, snapshot=("tightened", "loosened", "loosened")),
             _case(other, "GET", passed=False, browsers=("blocked", "allowed"))]
    findings = [_finding(app, "missing-vary", failing=False), _finding(app, "port-confusion", failing=False),
                _finding(other, "null-origin")]
    [endpoint] = endpoints([_item(cases, findings)])
    assert rows(endpoint, BROWSERS, True) == [
        [(app, ""), ("GET", ""), ("allowed", ""), ("allowed", "good"), ("-", ""), ("600", ""),
         ("high missing-vary, high port-confusion", "warn"), ("-", "")],
        [(app, ""), ("PUT", ""), ("allowed", ""), ("allowed", "good"), ("allowed", "good"), ("none", ""), ("-", ""),
         ("loosened, tightened", "bad")],
        [(other, ""), ("GET", ""), ("allowed", "bad"), ("blocked", "bad"), ("allowed", "good"), ("-", ""),
         ("high null-origin", "bad"), ("-", "")],
    ]


def test_probe_rows_one_per_probe_with_the_first_origin_and_how_many_more():
    findings = [_finding("https://z.example"), _finding(""), _finding("https://a.example"),
                _finding("https://m.example", "missing-vary", failing=False)]
    [endpoint] = endpoints([_item([_case("https://app.example")], findings)])
    table = rows(endpoint, BROWSERS, False)
    assert table[1:] == [
        [("(no origin) (+2)", ""), ("probe", ""), ("-", ""), ("-", ""), ("-", ""), ("-", ""), ("high null-origin", "bad")],
        [("https://m.example", ""), ("probe", ""), ("-", ""), ("-", ""), ("-", ""), ("-", ""),
         ("high missing-vary", "warn")],
    ]


def test_a_narrow_terminal_squeezes_the_origins_first_then_the_findings_never_below_their_minimum():
    head = ["origin", "method", "audit"]
    table = [[("https://" + "o" * 40, ""), ("GET", ""), ("a" * 40, "bad")]]
    assert text_table(head, table, _show, 102)[1] == "  https://" + "o" * 40 + "  GET     [bad:" + "a" * 40 + "]"
    assert text_table(head, table, _show, 100)[1] == "  https://" + "o" * 37 + "…  GET     [bad:" + "a" * 40 + "]"
    assert text_table(head, table, _show, 80)[1] == "  https://" + "o" * 19 + "…  GET     [bad:" + "a" * 37 + "…]"
    assert text_table(head, table, _show, 20)[1] == "  https://" + "o" * 19 + "…  GET     [bad:" + "a" * 23 + "…]"
    assert text_table(head, table, _show, 20)[0] == "  origin" + " " * 22 + "  method  audit"
    short = [[("https://" + "o" * 20, ""), ("GET", ""), ("a" * 30, "bad")]]
    assert text_table(head, short, _show, 40)[1] == "  https://" + "o" * 20 + "  GET     [bad:" + "a" * 23 + "…]"
    assert text_table(head, table, _show, 101)[1] == "  https://" + "o" * 38 + "…  GET     [bad:" + "a" * 40 + "]"


def test_has_changes_and_the_counts():
    items = records(changes=True)
    assert has_changes(items) and not has_changes(records())
    assert summary(items, 2) == {"items": 3, "cases": 2, "cases_failed": 1, "endpoints": 2, "endpoints_failing": 2,
                                 "findings": 2, "findings_failing": 2, "loosened": 1, "tightened": 0, "changed": 0,
                                 "stale": 2}
    mixed = [_item([_case("a", snapshot=("tightened", "changed", "changed"))],
                   [_finding("x", failing=False)])]
    assert summary(mixed) == {"items": 1, "cases": 1, "cases_failed": 0, "endpoints": 1, "endpoints_failing": 0,
                              "findings": 1, "findings_failing": 0, "loosened": 0, "tightened": 1, "changed": 2,
                              "stale": 0}


def test_one_line_names_five_failing_endpoints_and_counts_the_rest():
    counts = summary(records(changes=True), 2)
    assert one_line(counts, list("abcdefg")) == (
        "cors: 2 cases on 2 endpoints, 2 failing (a, b, c, d, e and 2 more); audit: 2 of 2 findings failing; "
        "lockfile: 1 loosened, 0 tightened, 0 changed, 2 stale"
    )
    assert one_line(counts, list("abcdef")).startswith("cors: 2 cases on 2 endpoints, 2 failing (a, b, c, d, e and 1 more);")
    assert one_line(counts, list("abcde")) == (
        "cors: 2 cases on 2 endpoints, 2 failing (a, b, c, d, e); audit: 2 of 2 findings failing; "
        "lockfile: 1 loosened, 0 tightened, 0 changed, 2 stale"
    )
    quiet = dict(summary(records()[:1]))
    assert one_line(quiet, []) == "cors: 1 cases on 1 endpoints, 0 failing"
    for key in ("tightened", "changed", "stale"):
        assert one_line({**quiet, key: 1}, []).endswith(
            f"; lockfile: 0 loosened, {int(key == 'tightened')} tightened, {int(key == 'changed')} changed, "
            f"{int(key == 'stale')} stale")
