"""The end-of-run matrix (issue 10, point 3): failing endpoints by default, all with -v, one line with -q."""

import pytest

from .lock_project import APP, BASE_POLICY, make_project

#: PUT needs a preflight the server refuses: users and items fail, orders passes.
BROKEN_PUT = {**BASE_POLICY, "methods": "GET"}


@pytest.fixture
def failing(project):
    return make_project(project, BROKEN_PUT)


def matrix_lines(result):
    lines = result.stdout.lines
    start = next(i for i, line in enumerate(lines) if "CORS matrix" in line)
    return lines[start:]


def test_default_shows_only_failing_endpoints(failing):
    result = failing.run()
    result.assert_outcomes(failed=2, passed=4)
    lines = matrix_lines(result)
    assert lines[0].strip("= ") == "CORS matrix: failing endpoints"
    assert lines[1] == "cors_api.yaml::users  /api/users  FAILING"
    assert lines[2].split() == ["origin", "method", "expected", "chrome", "firefox", "safari", "max-age", "audit"]
    assert lines[3].split() == [APP, "GET", "allowed", "allowed", "allowed", "allowed", "-", "-"]
    assert lines[4].split() == [APP, "PUT", "allowed", "blocked", "blocked", "blocked", "600", "-"]
    assert lines[5].split()[:3] == ["https://evil.example.net", "GET", "blocked"]
    text = "\n".join(lines)
    assert "/api/orders" not in text
    assert "test_items.py::test_items  /api/items  FAILING" in text
    assert "cors: 7 cases on 3 endpoints, 2 failing (users, test_items)" in text


def test_verbose_shows_every_endpoint(failing):
    text = "\n".join(matrix_lines(failing.run("-v")))
    assert "cors_api.yaml::orders  /api/orders  ok" in text
    assert "cors_api.yaml::users  /api/users  FAILING" in text


def test_quiet_keeps_one_line(failing):
    result = failing.run("-q")
    cors_lines = [line for line in result.stdout.lines if line.startswith("cors") or "CORS matrix" in line]
    assert cors_lines == ["cors: 7 cases on 3 endpoints, 2 failing (users, test_items)"]


def test_colour_only_on_a_terminal_or_when_asked(failing):
    plain = failing.run()
    assert "\x1b[" not in plain.stdout.str()
    assert "\x1b[" not in failing.run("--color=no").stdout.str()
    coloured = "\n".join(matrix_lines(failing.run("--color=yes")))
    assert "\x1b[31m\x1b[1mblocked" in coloured  # blocked where the contract expects allowed: red
    assert "\x1b[32mallowed" in coloured  # as expected: green


def test_audit_findings_get_their_column(project):
    make_project(project, {**BASE_POLICY, "origins": "reflect"})
    result = project.pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-k", "not test_items")
    text = "\n".join(matrix_lines(result))
    assert "cors_api.yaml::users  /api/users  FAILING" in text
    assert "high reflect-any-origin" in text or "critical reflect-any-origin" in text
    assert "probe" in text  # attacker origins the contract does not list get a row of their own
