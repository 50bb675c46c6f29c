"""What each item contributes to the end of the run: its record (JSON report), its JUnit properties, the matrix.

Small in-process runs of a YAML file, marked tests and plain tests against the policy app, asserting
every record exactly: these are the mutation-test selection of plugin/item_records.py, reporting.py,
items.py and collect.py (scripts/mutate.py), so they stay few and fast.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import List

import pytest
import yaml

from .lock_project import APP, BASE_POLICY, EVIL, make_project

PLAIN_TESTS = """
import pytest


@pytest.mark.cors(path="/api/items", origins=["https://app.example.com"])
def test_body_fails():
    assert 1 == 2, "the body's own check\\nand its second line"


@pytest.mark.xfail(reason="fixed upstream?\\nsee the ticket\\nand the log", strict=True)
@pytest.mark.cors(path="/api/items", origins=["https://app.example.com"])
def test_strict_xfail_passes():
    pass


def test_no_cors():
    pass


@pytest.mark.skip(reason="not today")
@pytest.mark.cors(path="/api/items", origins=["https://app.example.com"])
def test_skipped():
    pass


@pytest.mark.cors(path="/api/items", origins=["https://app.example.com"])
def test_skips_after_its_contract_ran():
    pytest.skip("not on this platform")
"""
DEAD = "target: http://127.0.0.1:9\ncontracts:\n  - name: gone\n    path: /gone\n    origins: [https://app.example.com]\n"


MATRIX = [
    "=* CORS matrix: failing endpoints =*",
    "cors_api.yaml::users  /api/users  FAILING",
    "  origin                    method  expected  chrome   firefox  safari   max-age  audit",
    "  https://app.example.com   GET     allowed   allowed  allowed  allowed  -        -",
    "  https://app.example.com   PUT     allowed   blocked  blocked  blocked  none     -",
    "  https://evil.example.net  GET     blocked   blocked  blocked  blocked  -        -",
    "  https://evil.example.net  PUT     blocked   blocked  blocked  blocked  none     -",
    "test_items.py::test_items  /api/items  FAILING",
    "  origin                   method  expected  chrome   firefox  safari   max-age  audit",
    "  https://app.example.com  GET     allowed   allowed  allowed  allowed  -        -",
    "  https://app.example.com  PUT     allowed   blocked  blocked  blocked  none     -",
    "test_plain.py::test_body_fails  /api/items  FAILING",
    "  origin                   method  expected  chrome   firefox  safari   max-age  audit",
    "  https://app.example.com  GET     allowed   allowed  allowed  allowed  -        -",
    "test_plain.py::test_strict_xfail_passes  /api/items  FAILING",
    "  origin                   method  expected  chrome   firefox  safari   max-age  audit",
    "  https://app.example.com  GET     allowed   allowed  allowed  allowed  -        -",
]
ONE_LINE = "cors: 10 cases on 6 endpoints, 4 failing (users, test_items, test_body_fails, test_strict_xfail_passes)"


def from_matrix(lines: List[str]) -> List[str]:
    """The end-of-run matrix and the count line (nothing when the run shows none)."""
    starts = [i for i, line in enumerate(lines) if "CORS matrix" in line or line.startswith("cors: ")]
    return lines[starts[0]:-1] if starts else []


@pytest.fixture
def failing(project):
    """GET allowed, PUT not: a YAML contract and a marked test fail on PUT; a test's body fails; a target is dead."""
    make_project(project, {"origins": [APP], "methods": "GET"})
    project.pytester.makepyfile(test_plain=PLAIN_TESTS)
    project.pytester.makefile(".yaml", cors_dead=DEAD)
    return project


def test_each_item_that_checked_cors_has_its_record_in_collection_order(failing):
    result = failing.run("--cors-report", "out/cors.json", "--junitxml=out/junit.xml")
    result.assert_outcomes(failed=4, passed=5, skipped=2, errors=1)
    data = json.loads((failing.pytester.path / "out" / "cors.json").read_text(encoding="utf-8"))
    users = "cors_api.yaml::users"
    put = "CORS contract '{}' violated: PUT http://testserver/api/{} from origin https://app.example.com"
    assert [(r["nodeid"], r["outcome"], r["message"], [(c["contract"], c["case"], c["expected"]) for c in r["cases"]])
            for r in data["records"]] == [
        (f"{users}[GET-{APP}]", "passed", "", [("users", f"GET {APP}", "allowed")]),
        (f"{users}[PUT-{APP}]", "failed", put.format("users", "users"), [("users", f"PUT {APP}", "allowed")]),
        (f"{users}[deny:GET-{EVIL}]", "passed", "", [("users", f"GET {EVIL}", "blocked")]),
        (f"{users}[deny:PUT-{EVIL}]", "passed", "", [("users", f"PUT {EVIL}", "blocked")]),
        (f"cors_api.yaml::orders[GET-{APP}]", "passed", "", [("orders", f"GET {APP}", "allowed")]),
        (f"cors_dead.yaml::gone[GET-{APP}]", "error", "cannot reach the target: connection-refused", []),
        ("test_items.py::test_items", "failed", put.format("test_items", "items"),
         [("test_items", f"GET {APP}", "allowed"), ("test_items", f"PUT {APP}", "allowed")]),
        ("test_plain.py::test_body_fails", "failed", "AssertionError: the body's own check", [("test_body_fails", f"GET {APP}", "allowed")]),
        ("test_plain.py::test_strict_xfail_passes", "failed", "[XPASS(strict)] fixed upstream?",
         [("test_strict_xfail_passes", f"GET {APP}", "allowed")]),
        ("test_plain.py::test_skips_after_its_contract_ran", "skipped", "Skipped: not on this platform",
         [("test_skips_after_its_contract_ran", f"GET {APP}", "allowed")]),
    ]
    result.stdout.fnmatch_lines([  # a YAML item's failure: headed "cors: <item>", the plain report without a traceback
        "_* cors: users[[]PUT-https://app.example.com[]] _*",
        "CORS contract 'users' violated: PUT http://testserver/api/users from origin https://app.example.com",
        "  expected: allowed",
    ], consecutive=True)
    result.stdout.fnmatch_lines([
        "_* ERROR at setup of cors: gone[[]GET-https://app.example.com[]] _*",
        "cannot reach the target: connection-refused",
    ], consecutive=True)
    [put_case] = data["records"][1]["cases"]  # a .json report carries every exchange and console message
    assert [(e["kind"], e["request"]["method"]) for e in put_case["exchanges"]] == [("preflight", "OPTIONS")]
    assert put_case["browsers"]["chrome"]["message"] == (
        "Access to fetch at 'http://testserver/api/users' from origin 'https://app.example.com' has been blocked by CORS "
        "policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."
    )
    assert (put_case["owner"], put_case["snapshot"]) == ("cors_api.yaml", [])
    assert from_matrix(result.stdout.lines)[1:] == MATRIX[1:] + [ONE_LINE]
    properties = {
        case.get("name"): [(p.get("name"), p.get("value")) for p in case.iter("property")]
        for case in ET.parse(failing.pytester.path / "out" / "junit.xml").iter("testcase")
    }
    blocked = [("cors_chrome", "blocked"), ("cors_firefox", "blocked"), ("cors_safari", "blocked")]
    allowed = [("cors_chrome", "allowed"), ("cors_firefox", "allowed"), ("cors_safari", "allowed")]
    assert properties[f"users[deny:PUT-{EVIL}]"] == [
        ("cors_contract", "users"), ("cors_origin", EVIL), ("cors_method", "PUT"), ("cors_expected", "blocked"), *blocked
    ]
    assert properties["test_items"] == [
        ("cors_contract", "test_items"), ("cors_origin", APP), ("cors_method", "GET"), ("cors_expected", "allowed"), *allowed,
        ("cors_contract", "test_items"), ("cors_origin", APP), ("cors_method", "PUT"), ("cors_expected", "allowed"), *blocked,
    ]
    assert (properties[f"gone[GET-{APP}]"], properties["test_no_cors"], properties["test_skipped"]) == ([], [], [])


def test_records_kept_aside_make_the_same_matrix_and_quiet_runs_one_line(failing):
    result = failing.run()
    result.stdout.fnmatch_lines(MATRIX + [ONE_LINE], consecutive=True)
    assert from_matrix(failing.run("-q").stdout.lines) == [ONE_LINE]


def test_a_passing_run_shows_no_matrix_unless_verbose_but_its_reports_hold_every_record(project, monkeypatch):
    make_project(project)
    summary = project.pytester.path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    quiet = project.run()
    quiet.assert_outcomes(passed=6)
    assert from_matrix(quiet.stdout.lines) == []
    assert summary.read_text(encoding="utf-8").startswith(
        "## pytest-cors: all endpoints pass\n\n| cases | failed | endpoints | failing | audit findings (failing) | loosened | "
        "tightened | stale |\n|---|---|---|---|---|---|---|---|\n| 7 | 0 | 3 | 0 | 0 (0) | 0 | 0 | 0 |\n"
    )
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    project.run("--cors-report", "out/cors.json").assert_outcomes(passed=6)
    data = json.loads((project.pytester.path / "out" / "cors.json").read_text(encoding="utf-8"))
    assert (len(data["records"]), data["summary"]["endpoints_failing"]) == (6, 0)
    verbose = project.run("-v")
    verbose.stdout.fnmatch_lines(["=* CORS matrix =*", "cors_api.yaml::users  /api/users  ok"])
    assert from_matrix(verbose.stdout.lines)[-1] == "cors: 7 cases on 3 endpoints, 0 failing"


CLASS_TEST = """
import pytest


class TestShop:
    @pytest.mark.cors(path="/api/items", origins=["https://app.example.com"], methods=["GET", "PUT"])
    def test_items(self):
        pass


def test_other():
    pass
"""


def test_a_deselected_marked_test_still_has_its_declared_contracts_judged_for_staleness(project):
    project.app(BASE_POLICY)
    project.pytester.makepyfile(test_shop=CLASS_TEST)
    project.run("--cors-snapshot-update").assert_outcomes(passed=2)
    project.pytester.makepyfile(test_shop=CLASS_TEST.replace('["GET", "PUT"]', '["GET"]'))
    result = project.run("-k", "test_other", "--color=yes")  # the file's inventory travels with the teardown of the test that ran
    result.stdout.fnmatch_lines([
        "\x1b[33m=* CORS lockfile cors.lock.yaml: stale entries =*\x1b[0m",
        "  stale  test_shop.py::TestShop::test_items [[]PUT https://app.example.com]: the contract no longer has this origin and method",
        "  remove them with pytest --cors-snapshot-update",
    ])
    # a test that ran and passed without its marker: everything it had locked is stale
    project.pytester.makepyfile(test_shop=CLASS_TEST.replace("    @pytest.mark.cors(", "    # @pytest.mark.cors("))
    project.run("-k", "test_items").stdout.fnmatch_lines(
        ["  stale  test_shop.py::TestShop::test_items: the contract no longer exists"]
    )


NOTABLE = {
    "body-fails": """
import pytest


@pytest.mark.cors(path="/api/items", origins=["https://app.example.com"])
def test_one():
    assert 0
""",
    "setup-error": """
import pytest


@pytest.fixture
def database():
    raise RuntimeError("no database")


@pytest.mark.cors(path="/api/items", origins=["https://app.example.com"])
def test_one(database):
    pass
""",
    "xfail": """
import pytest


@pytest.mark.xfail(reason="PUT comes next sprint")
@pytest.mark.cors(path="/api/items", origins=["https://app.example.com"], methods=["PUT"])
def test_one():
    pass
""",
}


@pytest.mark.parametrize("kind", sorted(NOTABLE))
def test_one_notable_item_is_enough_to_show_the_matrix(project, kind):
    """A failed or erroring item whose CORS passed, or an xfailed one whose CORS failed: the matrix shows it."""
    project.app({"origins": [APP], "methods": "GET"})
    project.pytester.makepyfile(test_one=NOTABLE[kind])
    method, verdict, max_age = ("PUT", "blocked", "none") if kind == "xfail" else ("GET", "allowed", "-")
    project.run().stdout.fnmatch_lines([
        "=* CORS matrix: failing endpoints =*",
        "test_one.py::test_one  /api/items  FAILING",
        "  origin                   method  expected  chrome   firefox  safari   max-age  audit",
        f"  https://app.example.com  {method}     allowed   {verdict}  {verdict}  {verdict}  {max_age}*",
        "cors: 1 cases on 1 endpoints, 1 failing (test_one)",
    ], consecutive=True)


def test_an_audit_finding_of_a_passing_test_shows_the_matrix_and_is_in_its_record(project):
    project.app({"origins": "reflect", "credentials": True})
    project.pytester.makepyfile(test_one=NOTABLE["body-fails"].replace("    assert 0", "    pass"))
    result = project.run("--cors-audit", "warn")
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines([
        "test_one.py::test_one",  # the warning points at the test (its marker), not at the plugin code
        "  */test_one.py:4: CorsAuditWarning: CORS audit of 'test_one': 1 finding at or above medium (1 below), grouping 22 "
        "more of the same cause",
        "=* CORS matrix: failing endpoints =*",
        "test_one.py::test_one  /api/items  FAILING",
        "cors: 1 cases on 1 endpoints, 1 failing (test_one); audit: 23 of 24 findings failing",
    ])
    project.pytester.makefile(".yaml", cors_api="contracts:\n  - name: api\n    path: /api\n    origins: [https://app.example.com]\n")
    project.run("--cors-audit", "warn", "--cors-report", "out/cors.json", "-k", "test_one or reflect-any-origin or api[GET")
    records = {r["nodeid"]: r for r in json.loads((project.pytester.path / "out" / "cors.json").read_text(encoding="utf-8"))["records"]}
    findings = records["test_one.py::test_one"]["findings"]
    assert (len(findings), findings[0], findings[-1]["probe"], findings[-1]["failing"]) == (24, {
        "probe": "reflect-any-origin", "severity": "critical", "failing": True, "origin": "https://evil.invalid",
        "summary": "https://evil.invalid can read GET http://testserver/api/items with the user's credentials (cookies) "
        "in Chrome, Firefox, Safari",
        "contract": "test_one", "contract_id": "test_one.py::test_one", "url": "http://testserver/api/items",
    }, "missing-vary", False)  # below the default threshold (medium)
    assert [c["case"] for c in records["test_one.py::test_one"]["cases"]] == [f"GET {APP}"]  # not the audit's requests
    audit_item = records["cors_api.yaml::api[audit:reflect-any-origin]"]
    assert (audit_item["cases"], audit_item["findings"][0]["probe"], len(audit_item["findings"])) == ([], "reflect-any-origin", 23)
    assert [c["case"] for c in records[f"cors_api.yaml::api[GET-{APP}]"]["cases"]] == [f"GET {APP}"]


def test_each_case_carries_only_its_own_lockfile_changes(project):
    """A contract name with '::' in it still belongs to its YAML file (the lockfile's owner)."""
    project.app(BASE_POLICY)
    project.pytester.makefile(
        ".yaml", cors_api="contracts:\n  - name: v1::users\n    path: /api/users\n    origins: [https://app.example.com]\n"
        "    methods: [GET, PUT]\n",
    )
    project.pytester.makepyfile(test_items=CLASS_TEST.replace("class TestShop:", "class TestItems:"))  # two cases in one item
    project.run("--cors-snapshot-update", "-k", "not test_other").assert_outcomes(passed=3)
    lockfile = yaml.safe_load((project.pytester.path / "cors.lock.yaml").read_text(encoding="utf-8"))["policies"]
    assert list(lockfile) == ["cors_api.yaml", "test_items.py::TestItems::test_items"]
    contracts = lockfile["cors_api.yaml"]
    assert list(contracts) == ["v1::users"]
    put = contracts["v1::users"][f"PUT {APP}"]  # the whole policy, not only the Max-Age the matrix shows
    assert put["preflight"]["access-control-allow-methods"] == "GET, PUT"
    assert put["actual"] == {"access-control-allow-origin": APP, "vary": "origin"}
    project.app({**BASE_POLICY, "max_age": 86400})  # only the PUT case has a preflight
    result = project.run("--cors-report", "out/cors.json", "-k", "not test_other")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([  # the matrix gains the lockfile column
        "  origin                   method  expected  chrome   firefox  safari   max-age  audit  lockfile",
        "  https://app.example.com  PUT     allowed   allowed  allowed  allowed  86400    -      loosened",
    ])
    data = json.loads((project.pytester.path / "out" / "cors.json").read_text(encoding="utf-8"))
    assert [(c["owner"], c["case"], c["snapshot"]) for r in data["records"] for c in r["cases"]] == [
        ("cors_api.yaml", f"GET {APP}", []),
        ("cors_api.yaml", f"PUT {APP}", [{
            "kind": "loosened", "contract": "cors_api.yaml::v1::users", "case": f"PUT {APP}",
            "summary": "preflight: Access-Control-Max-Age is now 86400 (was 600): preflights are cached longer",
        }]),
        ("test_items.py::TestItems::test_items", f"GET {APP}", []),  # the item's other case keeps none of them
        ("test_items.py::TestItems::test_items", f"PUT {APP}", [{
            "kind": "loosened", "contract": "test_items.py::TestItems::test_items", "case": f"PUT {APP}",
            "summary": "preflight: Access-Control-Max-Age is now 86400 (was 600): preflights are cached longer",
        }]),
    ]


def test_the_matrix_marks_failing_endpoints_and_cells_in_colour_when_asked(project):
    make_project(project, {"origins": [APP], "methods": "GET"})
    lines = project.run("--color=yes", "-v").stdout.lines
    red, green, end = "\x1b[31m\x1b[1m", "\x1b[32m", "\x1b[0m"
    for line in [
        f"cors_api.yaml::users  /api/users  {red}FAILING{end}",
        f"  https://app.example.com   PUT     {red}allowed {end}  {red}blocked{end}  {red}blocked{end}  {red}blocked{end}  none     -",
        f"  https://evil.example.net  GET     blocked   {green}blocked{end}  {green}blocked{end}  {green}blocked{end}  -        -",
        f"cors_api.yaml::orders  /api/orders  {green}ok{end}",
    ]:
        assert line in lines


def test_a_run_whose_only_failure_checked_no_cors_shows_nothing_of_cors(project):
    project.pytester.makepyfile(test_plain="def test_plain():\n    assert 0\n")
    result = project.run()
    result.assert_outcomes(failed=1)
    assert (result.ret, from_matrix(result.stdout.lines)) == (1, [])


def test_an_audit_item_run_alone_has_no_cases_of_its_own(project):
    """Run alone, the audit checks the contract's cases itself: they are not the audit item's."""
    project.app({"origins": [APP]})
    project.pytester.makefile(".yaml", cors_api="contracts:\n  - name: api\n    path: /api\n    origins: [https://app.example.com]\n")
    project.run("--cors-audit", "fail", "-k", "reflect-any-origin", "--cors-report", "out/cors.json").assert_outcomes(passed=1)
    [record] = json.loads((project.pytester.path / "out" / "cors.json").read_text(encoding="utf-8"))["records"]
    assert (record["nodeid"], record["cases"], record["findings"]) == ("cors_api.yaml::api[audit:reflect-any-origin]", [], [])


FIXTURE_TEST = """
def test_fixture(cors):
    cors.check_contract(name="fixture-made", path="/api/items", origins=["https://app.example.com"])
"""


def test_a_test_that_failed_before_its_checks_has_nothing_judged_stale(project):
    """The cors fixture may check more when the test gets further: only a passed call makes its entries complete."""
    project.app(BASE_POLICY)
    project.pytester.makepyfile(test_fixture=FIXTURE_TEST)
    project.run("--cors-snapshot-update").assert_outcomes(passed=1)
    project.pytester.makepyfile(test_fixture=FIXTURE_TEST.replace("    cors.check_contract", "    assert 0\n    cors.check_contract"))
    result = project.run()
    result.assert_outcomes(failed=1)
    assert "  stale  " not in result.stdout.str()
    project.pytester.makepyfile(test_fixture=FIXTURE_TEST.replace("    cors.check_contract", "    return\n    cors.check_contract"))
    project.run().stdout.fnmatch_lines(["  stale  test_fixture.py::test_fixture::fixture-made: the contract no longer exists"])


def test_fixtures_per_test_lists_the_marker_fixture_only_for_marked_tests(project):
    """The autouse fixture that runs marker contracts is left out of unmarked items, as --fixtures-per-test shows."""
    project.pytester.makepyfile(
        test_api="import pytest\n\n\n@pytest.fixture\ndef thing():\n    return 1\n\n\ndef test_plain(thing):\n    pass\n\n\n"
        "@pytest.mark.cors('/api', origins=['https://app.example.com'])\ndef test_marked(thing):\n    pass\n"
    )
    lines = project.run("--fixtures-per-test", "-v").stdout.lines
    listed, current = {}, ""
    for line in lines:
        if line.startswith("-") and "fixtures used by " in line:
            current = line.split("fixtures used by ")[1].split()[0]
        elif current and " -- " in line and not line.startswith(" "):
            listed.setdefault(current, []).append(line.split(" -- ")[0])
    assert ("thing" in listed["test_plain"], "_cors_marker_contracts" in listed["test_plain"]) == (True, False)
    assert ("thing" in listed["test_marked"], "_cors_marker_contracts" in listed["test_marked"]) == (True, True)
