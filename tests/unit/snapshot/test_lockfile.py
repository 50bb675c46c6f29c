"""Stale entries, merging and byte-stable rendering of the lockfile (pure)."""

from pytest_cors.snapshot.lockfile import find_stale, load, render, updated, write_if_changed

ENTRY = {"expected": "allowed", "browsers": {"chrome": "allowed"}}
POLICIES = {
    "api/cors_a.yaml": {"users": {"GET https://a.example": ENTRY, "PUT https://a.example": ENTRY}, "gone": {"GET https://a.example": ENTRY}},
    "tests/test_b.py::test_b": {"test_b": {"GET https://a.example": ENTRY}, "fixture-made": {"GET https://a.example": ENTRY}},
    "tests/test_c.py::test_c": {"test_c": {"GET https://a.example": ENTRY}},
    "old/cors_x.yaml": {"x": {"GET https://a.example": ENTRY}},
}
INVENTORY = {
    "api/cors_a.yaml": {"api/cors_a.yaml": {"users": ["GET https://a.example"]}},
    "tests/test_b.py": {"tests/test_b.py::test_b": {"test_b": ["GET https://a.example"]}},
}
EXISTING = {"api/cors_a.yaml", "tests/test_b.py", "tests/test_c.py"}


def stale(ran=frozenset(), observed=None):
    return [s.line() for s in find_stale(POLICIES, INVENTORY, observed or {}, set(ran), EXISTING.__contains__)]


def test_stale_only_where_the_run_knows():
    assert stale() == [
        "api/cors_a.yaml::gone: the contract no longer exists",
        "api/cors_a.yaml::users [PUT https://a.example]: the contract no longer has this origin and method",
        "old/cors_x.yaml: old/cors_x.yaml no longer exists",
        # test_b did not run: the contract its cors fixture may check is not judged; test_c's file was not collected
    ]


def test_a_test_that_ran_without_checking_a_contract_makes_it_stale():
    assert "tests/test_b.py::test_b::fixture-made: the contract no longer exists" in stale(ran={"tests/test_b.py::test_b"})
    observed = {"tests/test_b.py::test_b": {"fixture-made": {"GET https://a.example": ENTRY}}}
    assert not any("fixture-made" in line for line in stale(ran={"tests/test_b.py::test_b"}, observed=observed))


def test_update_replaces_what_ran_and_drops_stale(tmp_path):
    newer = {"expected": "allowed", "browsers": {"chrome": "blocked"}}
    found = find_stale(POLICIES, INVENTORY, {}, set(), EXISTING.__contains__)
    result = updated(POLICIES, {"api/cors_a.yaml": {"users": {"GET https://a.example": newer}}}, found)
    assert result["api/cors_a.yaml"] == {"users": {"GET https://a.example": newer}}
    assert "old/cors_x.yaml" not in result
    assert result["tests/test_c.py::test_c"] == POLICIES["tests/test_c.py::test_c"]
    path = tmp_path / "cors.lock.yaml"
    assert write_if_changed(path, render(result))
    assert load(path) == result
    assert not write_if_changed(path, render(load(path)))


def test_render_is_independent_of_insertion_order():
    reversed_policies = {k: POLICIES[k] for k in reversed(list(POLICIES))}
    assert render(reversed_policies) == render(POLICIES)
