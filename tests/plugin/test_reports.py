"""--cors-report .json/.md/.html, GITHUB_STEP_SUMMARY and JUnit properties (issue 10, point 4)."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from pytest_cors.report.json_report import schema

from .lock_project import APP, BASE_POLICY, make_project

SECRET = "Bearer s3cr3t-token-value"
SECRET_TEST = f"""
import pytest


@pytest.mark.cors(path="/api/secret", origins=["https://app.example.com"], methods=["GET"],
                  request_headers={{"Authorization": "{SECRET}"}})
def test_secret():
    pass
"""
REPORTS = ("--cors-report", "out/cors.json", "--cors-report", "out/cors.md", "--cors-report", "out/cors.html")


@pytest.fixture
def reported(project, monkeypatch):
    """A run with a passing and a failing endpoint, a lockfile change, a secret header, and every report."""
    make_project(project)
    project.pytester.makepyfile(test_secret=SECRET_TEST)
    project.run("--cors-snapshot-update")
    project.app({**BASE_POLICY, "methods": "GET", "max_age": 86400})
    summary = project.pytester.path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = project.run(*REPORTS, "--junitxml=out/junit.xml")
    result.assert_outcomes(failed=3, passed=4)
    return project.pytester.path


def test_json_report_validates_against_its_schema(reported):
    data = json.loads((reported / "out" / "cors.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema())
    records = {r["nodeid"]: r for r in data["records"]}
    assert len(records) == 7
    put = records["cors_api.yaml::users[PUT-https://app.example.com]"]
    assert put["outcome"] == "failed"
    assert put["message"].startswith("CORS contract 'users' violated")
    [case] = put["cases"]
    assert (case["contract"], case["case"], case["expected"]) == ("users", f"PUT {APP}", "allowed")
    assert {b: v["verdict"] for b, v in case["browsers"].items()} == {"chrome": "blocked", "firefox": "blocked", "safari": "blocked"}
    assert case["exchanges"][0]["kind"] == "preflight"
    assert case["exchanges"][0]["request"]["method"] == "OPTIONS"
    assert ["Access-Control-Allow-Methods", "GET"] in case["exchanges"][0]["response"]["headers"]
    assert {c["kind"] for c in case["snapshot"]} == {"tightened", "loosened", "changed"}
    assert data["summary"]["endpoints_failing"] == 3
    assert data["lockfile"]["mode"] == "compare"


def test_shipped_schema_is_the_documented_one():
    docs = Path(__file__).parents[2] / "docs" / "cors-report.schema.json"
    assert json.loads(docs.read_text(encoding="utf-8")) == schema()
    jsonschema.Draft202012Validator.check_schema(schema())


def test_markdown_puts_lockfile_changes_first_then_failing_endpoints(reported):
    text = (reported / "out" / "cors.md").read_text(encoding="utf-8")
    assert text.startswith("## pytest-cors: 3 of 4 endpoints failing\n")
    changes = text.index("### Policy changes since `cors.lock.yaml`")
    assert changes < text.index("### Failing endpoints")
    bullets = re.findall(r"^- \*\*(\w+)\*\*", text[changes:], re.M)
    assert bullets[0] == "loosened" and "tightened" in bullets and bullets.index("tightened") > bullets.index("loosened")
    assert "#### `cors_api.yaml::users` `/api/users`" in text
    assert f"| {APP} | PUT | ❌ allowed | ❌ blocked | ❌ blocked | ❌ blocked | 86400 |" in text


def test_step_summary_is_appended(reported):
    text = (reported / "step-summary.md").read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## pytest-cors: 3 of 4 endpoints failing")
    assert text.endswith((reported / "out" / "cors.md").read_text(encoding="utf-8") + "\n")


def test_html_is_one_self_contained_file(reported):
    text = (reported / "out" / "cors.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=|<link|@import|url\(""", text)
    assert text.count("<details>") >= 7
    assert "cors_api.yaml::users" in text and "<table>" in text


def test_no_report_holds_a_secret(reported):
    for name in ("cors.json", "cors.md", "cors.html", "junit.xml"):
        assert "s3cr3t" not in (reported / "out" / name).read_text(encoding="utf-8"), name
    assert "<redacted>" in (reported / "out" / "cors.json").read_text(encoding="utf-8")


def test_junit_items_carry_the_case_as_properties(reported):
    tree = ET.parse(reported / "out" / "junit.xml")
    case = next(c for c in tree.iter("testcase") if c.get("name") == "users[PUT-https://app.example.com]")
    properties = [(p.get("name"), p.get("value")) for p in case.iter("property")]
    assert properties == [
        ("cors_contract", "users"), ("cors_origin", APP), ("cors_method", "PUT"), ("cors_expected", "allowed"),
        ("cors_chrome", "blocked"), ("cors_firefox", "blocked"), ("cors_safari", "blocked"),
    ]


def test_unknown_report_suffix_is_a_usage_error(project):
    make_project(project)
    result = project.run("--cors-report", "out/cors.txt")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--cors-report: *cors.txt': unknown report format '.txt'; end the file name with .json, .md or .html"])


def test_ini_cors_report_writes_relative_to_the_rootdir(project):
    make_project(project)
    project.pytester.makeini("[pytest]\ncors_report = reports/cors.json reports/cors.md\n")
    project.run().assert_outcomes(passed=6)
    assert (project.pytester.path / "reports" / "cors.json").exists()
    assert (project.pytester.path / "reports" / "cors.md").exists()


def test_environment_secrets_stay_out_of_every_report(project, monkeypatch):
    monkeypatch.setenv("CORS_TEST_API_KEY", "env-s3cr3t-key")
    project.app({**BASE_POLICY, "headers": "X-Api-Key", "expose": "X-Api-Key"})
    project.pytester.makefile(
        ".yaml",
        cors_api="contracts:\n  - name: keyed\n    path: /api/keyed\n    origins: [https://app.example.com]\n"
        "    request_headers: {X-Api-Key: '${CORS_TEST_API_KEY}'}\n",
    )
    project.run(*REPORTS).assert_outcomes(passed=1)
    for name in ("cors.json", "cors.md", "cors.html"):
        text = (project.pytester.path / "out" / name).read_text(encoding="utf-8")
        assert "env-s3cr3t-key" not in text, name
    assert '"X-Api-Key",\n' in (project.pytester.path / "out" / "cors.json").read_text(encoding="utf-8")
