"""The README's CI snippets are real: their pytest command runs against a local server (issue 10, point 5)."""

import os
import re
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

README = Path(__file__).parents[2] / "README.md"
CONTRACTS = """
contracts:
  - name: users
    path: /api/users
    origins: [https://app.example.com]
    deny_origins: [https://evil.example.net]
    methods: [GET, PUT]
    max_age: 600
"""
POLICY = {"origins": ["https://app.example.com"], "methods": "GET, PUT", "max_age": 600}


def ci_snippets():
    """The YAML blocks of README's 'Use it in CI' section: the GitHub workflow, then the GitLab job."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Use it in CI\n", 1)[1].split("\n## ", 1)[0]
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", section, re.S)]


def pytest_commands():
    github, gitlab = ci_snippets()
    steps = github["jobs"]["cors"]["steps"]
    [step] = [s for s in steps if str(s.get("run", "")).startswith("pytest ")]
    assert step["env"]["STAGING_URL"] == "${{ secrets.STAGING_URL }}"
    [script] = [line for line in gitlab["cors"]["script"] if line.startswith("pytest ")]
    assert gitlab["cors"]["artifacts"]["reports"]["junit"] in script
    return {"github": step["run"], "gitlab": script}


def run_snippet(pytester, command, url, monkeypatch):
    """Run the snippet's pytest command line as a CI shell would expand it."""
    monkeypatch.setenv("STAGING_URL", url)
    args = [os.path.expandvars(arg) for arg in shlex.split(command)]
    assert args[0] == "pytest"
    return pytester.runpytest(*args[1:])


@pytest.fixture
def ci_project(pytester, monkeypatch, tmp_path):
    pytester.mkdir("tests")
    pytester.mkdir("tests/cors")
    (pytester.path / "tests" / "cors" / "cors_api.yaml").write_text(CONTRACTS, encoding="utf-8")
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    return pytester, summary


@pytest.mark.parametrize("ci", ["github", "gitlab"])
def test_snippet_passes_against_a_server_that_keeps_its_contract(ci, ci_project, policy_server, monkeypatch):
    pytester, summary = ci_project
    result = run_snippet(pytester, pytest_commands()[ci], policy_server(POLICY).url, monkeypatch)
    assert result.ret == 0, result.stdout.str()
    reports = pytester.path / "reports"
    assert (reports / "cors.html").exists()
    cases = ET.parse(reports / "cors-junit.xml").getroot().iter("testcase")
    properties = {p.get("name") for case in cases for p in case.iter("property")}
    assert {"cors_contract", "cors_origin", "cors_method", "cors_expected", "cors_chrome"} <= properties
    assert summary.read_text(encoding="utf-8").startswith("## pytest-cors: all endpoints pass")


def test_snippet_fails_the_job_when_staging_breaks_the_contract(ci_project, policy_server, monkeypatch):
    pytester, summary = ci_project
    broken = policy_server({**POLICY, "methods": "GET"})
    result = run_snippet(pytester, pytest_commands()["github"], broken.url, monkeypatch)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert "1 of 1 endpoints failing" in summary.read_text(encoding="utf-8")
    result.stdout.fnmatch_lines(["cors: 4 cases on 1 endpoints, 1 failing (users)*"])
