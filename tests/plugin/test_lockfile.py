"""The policy lockfile (issue 10, point 2): loosened / tightened / stale detection, stability, partial runs."""

import os

import pytest
import yaml

from .lock_project import BASE_POLICY, ORDERS_REMOVED, make_project

UPDATE = "--cors-snapshot-update"


@pytest.fixture
def locked(project):
    """A project whose lockfile was written from BASE_POLICY."""
    make_project(project)
    result = project.run(UPDATE)
    result.assert_outcomes(passed=6)
    assert (project.pytester.path / "cors.lock.yaml").exists()
    return project


def lockfile(project):
    return yaml.safe_load((project.pytester.path / "cors.lock.yaml").read_text(encoding="utf-8"))


def test_lockfile_records_every_case_sorted_and_without_timestamps(locked):
    text = (locked.pytester.path / "cors.lock.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["version"] == 1
    assert list(data["policies"]) == ["cors_api.yaml", "test_items.py::test_items"]
    users = data["policies"]["cors_api.yaml"]["users"]
    assert sorted(users) == ["GET https://app.example.com", "GET https://evil.example.net",
                             "PUT https://app.example.com", "PUT https://evil.example.net"]
    put = users["PUT https://app.example.com"]
    assert put["expected"] == "allowed"
    assert put["browsers"] == {"chrome": "allowed", "firefox": "allowed", "safari": "allowed"}
    assert put["preflight"]["access-control-allow-methods"] == "GET, PUT"
    assert put["preflight"]["access-control-max-age"] == 600
    assert put["preflight"]["vary"] == "origin"
    assert users["GET https://evil.example.net"]["browsers"]["chrome"] == "blocked"
    assert "access-control-allow-origin" not in users["GET https://evil.example.net"]["actual"]
    assert sorted(data["policies"]["test_items.py::test_items"]["test_items"]) == [
        "GET https://app.example.com", "PUT https://app.example.com"]
    assert "20" not in text.split("policies:")[0]  # no date in the header
    assert locked.run().ret == 0  # an unchanged server passes against its lockfile


def test_second_update_without_change_rewrites_nothing(locked):
    path = locked.pytester.path / "cors.lock.yaml"
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = path.read_bytes()
    result = locked.run(UPDATE)
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(["cors: lockfile cors.lock.yaml unchanged*"])
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert path.read_bytes() == before


def test_loosened_policy_fails_the_items_with_a_classified_diff(locked):
    locked.app({**BASE_POLICY, "methods": "GET, PUT, DELETE", "max_age": 86400, "credentials": True})
    result = locked.run()
    # the contracts still hold: only the lockfile makes PUT (preflight) and GET (credentials) items fail
    result.assert_outcomes(failed=4, passed=2)
    result.stdout.fnmatch_lines([
        "CORS policy differs from cors.lock.yaml (4 loosened)",
        "  loosened   cors_api.yaml::users [PUT https://app.example.com]: preflight: "
        "Access-Control-Allow-Credentials is now 'true': credentialed requests are allowed (was absent)",
        "  loosened   cors_api.yaml::users [PUT https://app.example.com]: preflight: "
        "Access-Control-Allow-Methods now allows method DELETE",
        "  loosened   cors_api.yaml::users [PUT https://app.example.com]: preflight: "
        "Access-Control-Max-Age is now 86400 (was 600): preflights are cached longer",
        "  loosened   cors_api.yaml::users [[]PUT https://app.example.com]: actual: Access-Control-Allow-Credentials*",
        "loosened: more is allowed than before; a security review is needed",
        "If the change is intended: pytest --cors-snapshot-update, then commit cors.lock.yaml",
    ])
    result.stdout.fnmatch_lines(["FAILED cors_api.yaml::users[[]PUT-https://app.example.com] - CORS policy differ*"])


def test_tightened_policy_is_classified_and_joins_a_contract_failure(locked):
    locked.app({**BASE_POLICY, "methods": "GET", "max_age": 60, "headers": "Authorization"})
    result = locked.run()
    result.assert_outcomes(failed=2, passed=4)
    result.stdout.fnmatch_lines([
        "CORS contract 'users' violated: PUT *",  # the contract failure comes first ...
        "*",
        "CORS policy differs from cors.lock.yaml (*tightened*)",  # ... then the lockfile diff
        "  tightened  cors_api.yaml::users [PUT https://app.example.com]: now blocked by Chrome, Firefox, Safari "
        "(was allowed): a client may break",
    ])
    result.stdout.fnmatch_lines([
        "*tightened*preflight: Access-Control-Allow-Methods no longer allows method PUT",
        "*tightened*preflight: Access-Control-Allow-Headers no longer allows request header content-type",
        "*tightened*preflight: Access-Control-Max-Age is now 60 (was 600): preflights are cached for less time",
        "tightened: something is now blocked; a client that relied on it may break",
    ])


def test_update_accepts_a_change_and_the_next_run_passes(locked):
    locked.app({**BASE_POLICY, "max_age": 7200})
    result = locked.run(UPDATE)
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines([
        "cors: lockfile cors.lock.yaml written (2 changes recorded)",
        "cors: 7 cases on 3 endpoints, 0 failing; lockfile: 2 loosened, 0 tightened, 0 changed, 0 stale",
    ])
    assert "FAILING" not in result.stdout.str()  # an update records the change instead of failing on it
    assert lockfile(locked)["policies"]["cors_api.yaml"]["users"]["PUT https://app.example.com"]["preflight"][
        "access-control-max-age"] == 7200
    locked.run().assert_outcomes(passed=6)


def test_stale_contract_is_reported_then_removed_on_update(locked):
    locked.pytester.makefile(".yaml", cors_api=ORDERS_REMOVED)
    result = locked.run()
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines([
        "*CORS lockfile cors.lock.yaml: stale entries*",
        "  stale  cors_api.yaml::orders: the contract no longer exists",
        "  remove them with pytest --cors-snapshot-update",
    ])
    result = locked.run(UPDATE)
    result.stdout.fnmatch_lines(["cors: lockfile cors.lock.yaml written (0 changes recorded, 1 stale entries removed)"])
    assert "orders" not in lockfile(locked)["policies"]["cors_api.yaml"]
    assert "  stale  " not in locked.run().stdout.str()


def test_removed_test_and_removed_file_are_stale(locked):
    (locked.pytester.path / "test_items.py").unlink()
    locked.pytester.makefile(".yaml", cors_api=ORDERS_REMOVED.replace("GET, PUT", "GET"))
    result = locked.run()
    result.stdout.fnmatch_lines([
        "  stale  cors_api.yaml::orders: the contract no longer exists",
        "  stale  cors_api.yaml::users [[]PUT https://app.example.com]: the contract no longer has this origin and method",
        "  stale  test_items.py::test_items: test_items.py no longer exists",
    ])


def test_partial_run_updates_only_what_ran(locked):
    before = lockfile(locked)["policies"]
    locked.app({**BASE_POLICY, "max_age": 30})
    result = locked.run(UPDATE, "-k", "users and PUT and app")
    result.assert_outcomes(passed=1, deselected=5)
    after = lockfile(locked)["policies"]
    assert after["cors_api.yaml"]["users"]["PUT https://app.example.com"]["preflight"]["access-control-max-age"] == 30
    # what did not run keeps its entry, and a deselected contract is not stale
    assert after["test_items.py::test_items"] == before["test_items.py::test_items"]
    assert after["cors_api.yaml"]["orders"] == before["cors_api.yaml"]["orders"]
    assert "  stale  " not in result.stdout.str()


def test_last_failed_update_judges_no_skipped_file_stale(locked):
    path = locked.pytester.path / "cors.lock.yaml"
    before = lockfile(locked)["policies"]
    path.write_text(path.read_text(encoding="utf-8").replace("access-control-max-age: 600", "access-control-max-age: 1"), encoding="utf-8")
    args = ("-p", "no:hypothesispytest", "--cors-audit", "off")
    locked.pytester.runpytest(*args, "test_items.py").assert_outcomes(failed=1)
    result = locked.pytester.runpytest(*args, "--lf", UPDATE)
    result.assert_outcomes(passed=1)  # cors_api.yaml had no failure: --lf does not even collect it
    assert "  stale  " not in result.stdout.str()
    after = lockfile(locked)["policies"]
    assert after["test_items.py::test_items"] == before["test_items.py::test_items"]
    assert after["cors_api.yaml"]["users"]["PUT https://app.example.com"]["preflight"]["access-control-max-age"] == 1


def test_broken_lockfile_is_a_usage_error_naming_the_file(project):
    make_project(project)
    project.pytester.path.joinpath("cors.lock.yaml").write_text("version: 1\npolicies:\n<<<<<<< HEAD\n  a: [\n", encoding="utf-8")
    result = project.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*cors.lock.yaml:*: the policy lockfile is not valid YAML (an unresolved merge conflict?)*"])


def test_ini_cors_snapshot_moves_the_lockfile(project):
    make_project(project)
    project.pytester.makeini("[pytest]\ncors_snapshot = ci/cors-policy.lock.yaml\n")
    project.run(UPDATE).assert_outcomes(passed=6)
    assert (project.pytester.path / "ci" / "cors-policy.lock.yaml").exists()
    assert not (project.pytester.path / "cors.lock.yaml").exists()


FIXTURE_TEST = """
def test_fixture(cors):
    cors.check_contract(name="fixture-made", path="/api/fixture", origins=["https://app.example.com"], methods=["GET"])
"""


def test_contracts_of_the_cors_fixture_are_locked_and_go_stale_when_no_longer_checked(project):
    make_project(project)
    project.pytester.makepyfile(test_fixture=FIXTURE_TEST)
    project.run(UPDATE).assert_outcomes(passed=7)
    assert list(lockfile(project)["policies"]["test_fixture.py::test_fixture"]) == ["fixture-made"]
    project.pytester.makepyfile(test_fixture="def test_fixture(cors):\n    pass\n")
    result = project.run()
    result.stdout.fnmatch_lines(["  stale  test_fixture.py::test_fixture::fixture-made: the contract no longer exists"])
    deselected = project.run("-k", "not test_fixture")  # a test that did not run may still check it
    assert "  stale  " not in deselected.stdout.str()


def test_last_failed_reruns_only_the_failed_yaml_case(locked):
    from pytest_cors.snapshot.lockfile import load, render

    path = locked.pytester.path / "cors.lock.yaml"
    policies = load(path)
    policies["cors_api.yaml"]["users"]["PUT https://app.example.com"]["preflight"]["access-control-max-age"] = 1
    path.write_text(render(policies), encoding="utf-8")
    args = ("-p", "no:hypothesispytest", "--cors-audit", "off")
    locked.pytester.runpytest(*args).assert_outcomes(failed=1, passed=5)
    result = locked.pytester.runpytest(*args, "--lf", UPDATE)
    result.assert_outcomes(passed=1)  # the YAML item alone; test_items.py is not even collected
    assert "  stale  " not in result.stdout.str()
    assert load(path)["cors_api.yaml"]["users"]["PUT https://app.example.com"]["preflight"]["access-control-max-age"] == 600
    locked.run().assert_outcomes(passed=6)
