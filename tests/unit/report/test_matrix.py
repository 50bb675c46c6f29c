"""The matrix from plain records (pure): rows, probe rows, alignment under colour, the one-line summary."""

from pytest_cors.report.matrix import endpoints, header, one_line, rows, summary, text_table

BROWSERS = ("chrome", "firefox")


def case(origin, method, expected, verdicts, passed=True, max_age=None):
    preflight = {} if max_age is None else {"access-control-max-age": max_age}
    return {
        "contract": "users", "contract_id": "api.yaml::users", "path": "/api/users", "origin": origin, "method": method,
        "expected": expected, "passed": passed, "snapshot": [],
        "browsers": {b: {"verdict": v} for b, v in zip(BROWSERS, verdicts)},
        "policy": {"preflight": preflight} if max_age is not None else {},
    }


def finding(origin, probe, failing=True):
    return {"probe": probe, "severity": "high", "failing": failing, "origin": origin, "contract": "users",
            "contract_id": "api.yaml::users", "url": "http://testserver/api/users"}


RECORDS = [
    {"nodeid": "a", "outcome": "passed", "cases": [case("https://app.example", "GET", "allowed", ["allowed", "allowed"])], "findings": []},
    {"nodeid": "b", "outcome": "failed", "cases": [case("https://app.example", "PUT", "allowed", ["blocked", "allowed"], False, 600)], "findings": []},
    {"nodeid": "c", "outcome": "failed", "cases": [], "findings": [finding("https://evil.one", "suffix-lookalike"),
                                                                   finding("https://evil.two", "suffix-lookalike"),
                                                                   finding("https://app.example", "missing-vary")]},
]


def test_rows_mark_unexpected_verdicts_and_collapse_probe_origins():
    [endpoint] = endpoints(RECORDS)
    assert endpoint.failing
    table = rows(endpoint, BROWSERS, with_changes=False)
    assert [cell[0] for cell in table[0]] == ["https://app.example", "GET", "allowed", "allowed", "allowed", "-", "high missing-vary"]
    assert table[1][3] == ("blocked", "bad") and table[1][4] == ("allowed", "good") and table[1][5][0] == "600"
    assert [cell[0] for cell in table[2]][:2] == ["https://evil.one (+1)", "probe"]
    assert len(table) == 3


def test_colour_is_added_after_padding():
    [endpoint] = endpoints(RECORDS)
    table = rows(endpoint, BROWSERS, with_changes=False)
    plain = text_table(header(BROWSERS, False), table, lambda text, style: text, 200)
    coloured = text_table(header(BROWSERS, False), table, lambda text, style: f"<{text}>", 200)
    assert "600" in plain[2]
    assert coloured[2].replace("<", "").replace(">", "") == plain[2]


def test_one_line_names_failing_endpoints():
    counts = summary(RECORDS)
    assert one_line(counts, ["users"]) == "cors: 2 cases on 1 endpoints, 1 failing (users); audit: 3 of 3 findings failing"
