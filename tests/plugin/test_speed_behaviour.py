"""The behaviour behind the speed (issue 8), checked by counting, never by timing.

Speed itself is measured only in benchmarks/run.py. These tests pin down what
makes it: each YAML file is parsed once per run, passing items build no failure
text (no report, no curl line), the items of one file share one fixture closure
instead of resolving it item by item, only items with marker contracts set up the
fixture that runs them, and a session-wide ``cors_cookies`` is validated once.
"""

from __future__ import annotations

import ast
import gc

import pytest

import pytest_cors.check.run as check_run
import pytest_cors.contract.yaml_loader as yaml_loader
import pytest_cors.plugin.fixtures as fixtures
import pytest_cors.plugin.item_records as item_records
import pytest_cors.report.case_failure as case_failure

QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")

CONFTEST = """
import pytest

def app(environ, start_response):
    origin = environ.get("HTTP_ORIGIN")
    headers = [("Vary", "Origin"), ("Content-Length", "0")]
    if origin == "https://app.example.com":
        headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true"),
                    ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-Request-Id")]
    start_response("200 OK", headers)
    return [b""]

@pytest.fixture
def cors_app():
    return app
"""


def contracts(count: int, origin: str = "https://app.example.com") -> str:
    entries = "".join(f"  - {{name: c{i}, path: /api/{i}}}\n" for i in range(count))
    return (
        f"defaults:\n  origins: [{origin}]\n  deny_origins: [https://evil.example.net]\n  methods: [PUT]\n"
        "  request_headers: [X-Request-Id]\n  credentials: true\ncontracts:\n" + entries
    )


class Calls:
    """Wraps a module function and records the arguments of every call (the real function still runs)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> None:
        self.args: list = []
        real = getattr(module, name)

        def spy(*args, **kwargs):
            self.args.append(args)
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST)
    return pytester


def test_each_yaml_file_is_parsed_once_per_run(project, monkeypatch):
    loads = Calls(monkeypatch, yaml_loader, "load_document")
    project.makefile(".yaml", cors_one=contracts(3), cors_two=contracts(2))
    result = project.runpytest_inprocess(*QUIET)  # audit on: its items reuse the parsed contracts too
    result.assert_outcomes(passed=result.parseoutcomes()["passed"])
    assert result.parseoutcomes()["passed"] > 10
    assert sorted(args[1] for args in loads.args) == ["cors_one.yaml", "cors_two.yaml"]


def test_passing_items_build_no_failure_text(project, monkeypatch):
    reports = Calls(monkeypatch, check_run, "format_case_failure")
    curls = Calls(monkeypatch, case_failure, "curl_command")
    project.makefile(".yaml", cors_api=contracts(5))
    project.runpytest_inprocess(*QUIET, "--cors-audit", "off").assert_outcomes(passed=10)
    assert reports.args == [] and curls.args == []


def test_a_failing_item_builds_its_report(project, monkeypatch):
    """The counterpart: the spies above do see a report when one is due."""
    reports = Calls(monkeypatch, check_run, "format_case_failure")
    curls = Calls(monkeypatch, case_failure, "curl_command")
    project.makefile(".yaml", cors_api=contracts(1, origin="https://other.example.com"))
    project.runpytest_inprocess(*QUIET, "--cors-audit", "off").assert_outcomes(passed=1, failed=1)
    assert len(reports.args) == 1 and curls.args


def test_items_let_go_of_their_exchanges_once_their_record_exists(project, monkeypatch):
    """Every item's compact record is made at its teardown; no item keeps its checked cases to the end of the run."""
    records = Calls(monkeypatch, item_records, "make_record")
    kept = []
    real_release = item_records.release

    def spy(item):
        real_release(item)
        kept.append((item_records.observed(item), item.stash.get(item_records.PHASES_KEY, None)))

    monkeypatch.setattr(item_records, "release", spy)
    project.makefile(".yaml", cors_api=contracts(3))
    total = result_count(project)
    project.runpytest_inprocess(*QUIET).assert_outcomes(passed=total)
    assert len(records.args) == total and len(kept) == total
    assert all(observed == [] and phases == [] for observed, phases in kept)


def test_a_passing_run_shows_no_record(project):
    project.makefile(".yaml", cors_api=contracts(3))
    result = project.runpytest_inprocess(*QUIET)
    assert "CORS matrix" not in result.stdout.str() and "cases on" not in result.stdout.str()


def result_count(project: pytest.Pytester) -> int:
    """How many items the project collects (the audit adds items per contract)."""
    return len([line for line in project.runpytest_inprocess(*QUIET, "--co", "-q").outlines if "::" in line])


def _matrix(lines: list) -> list:
    start = next(i for i, line in enumerate(lines) if "CORS matrix" in line)
    return [line for line in lines[start:] if not line.startswith("=") or "CORS matrix" in line]


def test_a_failing_item_builds_every_record_and_the_matrix_is_unchanged(project, monkeypatch, tmp_path):
    """Records kept aside are shown when one item fails: the matrix and counts match an eager run's."""
    project.makefile(".yaml", cors_api=contracts(3), cors_bad=contracts(1, origin="https://other.example.com").replace("name: c", "name: b"))
    total = result_count(project)
    records = Calls(monkeypatch, item_records, "make_record")
    deferred = project.runpytest_inprocess(*QUIET)
    assert len(records.args) == total  # every item, passing ones too: the one-line counts read them all
    eager = project.runpytest_inprocess(*QUIET, "--cors-report", str(tmp_path / "run.md"))
    assert "cases on" in "\n".join(deferred.outlines)
    assert _matrix(deferred.outlines)[:-1] == _matrix(eager.outlines)[:-1]  # the last line is pytest's timing


def test_items_sharing_a_fixture_closure_still_get_every_fixture(project):
    """One closure per file: an autouse fixture of a sub-directory's conftest reaches its items, only its items."""
    project.makefile(".yaml", cors_top=contracts(2))
    sub = project.mkdir("sub")
    (sub / "conftest.py").write_text(
        "import pytest\n\nSEEN = []\n\n@pytest.fixture(autouse=True)\ndef seen(request):\n    SEEN.append(request.node.name)\n"
        "\ndef pytest_sessionfinish(session):\n    print('autouse ran for', len(SEEN), 'items')\n"
    )
    (sub / "cors_sub.yaml").write_text(contracts(3).replace("name: c", "name: s"))
    result = project.runpytest_inprocess(*QUIET, "--cors-audit", "off")
    result.assert_outcomes(passed=10)
    result.stdout.fnmatch_lines(["*autouse ran for 6 items*"])


MARKED_TESTS = """
import pytest

@pytest.fixture(autouse=True)
def seed():
    pass

@pytest.fixture
def thing():
    return 1

@pytest.mark.cors("/api/0", origins=["https://app.example.com"], methods=["PUT"], request_headers=["X-Request-Id"],
                  credentials=True, audit=False)
def test_marked(thing):
    pass

def test_plain(thing):
    pass

@pytest.mark.parametrize("n", [1, pytest.param(2, marks=pytest.mark.cors("/api/1", origins=["https://app.example.com"], audit=False))])
def test_some_marked(n):
    pass
"""


def _setups(lines: list) -> dict:
    """Per test (by the line that names it), the function-scoped fixtures --setup-plan sets up, in order."""
    plans, current = {}, []
    for line in lines:
        words = line.split()
        if words[:2] == ["SETUP", "F"]:
            current.append(words[2])
        elif "::" in line and "(fixtures used" in line:
            plans[words[0].split("::", 1)[1]] = current
            current = []
    return plans


def test_the_marker_fixture_is_set_up_only_for_marked_items_and_in_its_autouse_place(project):
    """Unmarked and YAML items leave out _cors_marker_contracts; marked ones keep it first among function fixtures."""
    project.makepyfile(test_api=MARKED_TESTS)
    project.makefile(".yaml", cors_api=contracts(1))
    plans = _setups(project.runpytest_inprocess(*QUIET, "--cors-audit", "off", "--setup-plan").outlines)
    assert plans["test_marked"].index("_cors_marker_contracts") < plans["test_marked"].index("seed") < plans["test_marked"].index("thing")
    assert "_cors_marker_contracts" not in plans["test_plain"] and plans["test_plain"][-2:] == ["seed", "thing"]
    assert "_cors_marker_contracts" not in plans["test_some_marked[1]"]
    assert plans["test_some_marked[2]"].index("_cors_marker_contracts") < plans["test_some_marked[2]"].index("seed")
    yaml_items = [name for name in plans if name.startswith("c0[")]
    assert len(yaml_items) == 2 and all("_cors_marker_contracts" not in plans[name] for name in yaml_items)
    assert all(plans[name][-1] == "_cors_case_result" for name in yaml_items)


def test_marked_tests_still_check_their_contracts(project):
    """The counterpart, run for real: the marked test and the marked parameter check (and fail) their contracts."""
    project.makepyfile(test_api=MARKED_TESTS.replace("https://app.example.com", "https://other.example.com"))
    result = project.runpytest_inprocess(*QUIET, "--cors-audit", "off")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(["FAILED test_api.py::test_marked*", "FAILED test_api.py::test_some_marked?2?*"])


COOKIE_CONFTEST = """
import pytest

SEEN = []

def app(environ, start_response):
    origin = environ.get("HTTP_ORIGIN")
    if environ["REQUEST_METHOD"] != "OPTIONS":
        SEEN.append((environ["PATH_INFO"], environ.get("HTTP_COOKIE", "")))
    headers = [("Vary", "Origin"), ("Content-Length", "0")]
    if origin == "https://app.example.com":
        headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true"),
                    ("Access-Control-Allow-Methods", "PUT")]
    start_response("200 OK", headers)
    return [b""]

@pytest.fixture
def cors_app():
    return app

@pytest.fixture({scope})
def cors_cookies():
    return {{"sid": {{"value": "{value}", "samesite": "Lax", "secure": True}}}}

def pytest_sessionfinish(session):
    (session.config.rootpath / "seen.txt").write_text(repr(SEEN))
"""

LATE_CHANGE = """
def test_log_in_again(cors_cookies):
    cors_cookies["sid"]["value"] = "second-login-value"
"""


def _cookie_project(project: pytest.Pytester, scope: str, value: str = "first-login-value") -> pytest.Pytester:
    project.makeconftest(COOKIE_CONFTEST.format(scope=scope, value=value))
    yaml = "defaults:\n  origins: [https://app.example.com]\n  methods: [PUT]\n  credentials: true\ncontracts:\n"
    project.makefile(".yaml", cors_early=yaml + "".join(f"  - {{name: e{i}, path: /early/{i}}}\n" for i in range(3)))
    (project.path / "z.cors.yaml").write_text(yaml + "  - {name: late, path: /late}\n")
    return project


def _seen(project: pytest.Pytester) -> list:
    """(path, Cookie header) of every actual request the app answered, in order."""
    return ast.literal_eval((project.path / "seen.txt").read_text())


def test_a_session_scoped_cors_cookies_is_validated_once_and_reaches_every_item(project, monkeypatch):
    parses = Calls(monkeypatch, fixtures, "parse_cookies")
    _cookie_project(project, 'scope="session"')
    result = project.runpytest_inprocess(*QUIET, "--cors-audit", "off", "--cors-app-origin", "https://api.example.com")
    result.assert_outcomes(passed=4)
    assert len(parses.args) == 1
    assert [cookie for _, cookie in _seen(project)] == ["sid=first-login-value"] * 4


def test_a_session_cors_cookies_changed_in_place_is_seen_by_later_items(project, monkeypatch):
    parses = Calls(monkeypatch, fixtures, "parse_cookies")
    _cookie_project(project, 'scope="session"')
    project.makepyfile(test_login=LATE_CHANGE)  # runs between cors_early.yaml and z.cors.yaml
    result = project.runpytest_inprocess(*QUIET, "--cors-audit", "off", "--cors-app-origin", "https://api.example.com")
    result.assert_outcomes(passed=5)
    assert _seen(project)[-1] == ("/late", "sid=second-login-value")
    assert len(parses.args) == 2


def test_a_function_scoped_cors_cookies_is_looked_up_for_every_item(project, monkeypatch):
    parses = Calls(monkeypatch, fixtures, "parse_cookies")
    _cookie_project(project, "")
    result = project.runpytest_inprocess(*QUIET, "--cors-audit", "off", "--cors-app-origin", "https://api.example.com")
    result.assert_outcomes(passed=4)
    assert len(parses.args) == 4


def test_yaml_items_structured_ids_are_what_pytest_parses_from_their_node_ids(project):
    """Built from the item's name, not parsed back from its string: the same value (as --lf reads it)."""
    project.makefile(
        ".yaml",
        cors_ids="contracts:\n  - {name: 'a[b]', path: /a, origins: ['http://[::1]:8080']}\n"
        "  - {name: 'x::y', path: /b, origins: [https://app.example.com], methods: [GET, PUT]}\n",
    )
    items, _ = project.inline_genitems(*QUIET)
    assert len(items) > 3
    for item in items:
        parse = getattr(type(item._id), "parse", None)
        if parse is None:  # pragma: no cover - pytest < 9.2 has string node ids
            pytest.skip("this pytest has no structured node ids")
        assert item._id == parse(item.nodeid) and str(item._id) == item.nodeid


def test_cycle_collection_pauses_only_while_a_file_is_parsed(project, monkeypatch):
    """Paused during parsing, resumed afterwards, also after a file that fails to parse; left off if it was off."""
    states = []
    real = yaml_loader.load_document

    def spy(*args, **kwargs):
        states.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(yaml_loader, "load_document", spy)
    project.makefile(".yaml", cors_good=contracts(1), cors_bad="contracts: [")
    assert gc.isenabled()
    project.runpytest_inprocess(*QUIET, "--co").assert_outcomes(errors=1)
    assert states == [False, False] and gc.isenabled()
    gc.disable()
    try:
        project.runpytest_inprocess(*QUIET, "--co")
        assert not gc.isenabled()
    finally:
        gc.enable()
