"""Classification of every kind of lockfile difference (pure: entries are plain dicts)."""

import pytest

from pytest_cors.snapshot.diff import ChangeKind, compare

ALLOWED = {"chrome": "allowed", "firefox": "allowed", "safari": "allowed"}
BASE = {
    "expected": "allowed",
    "browsers": ALLOWED,
    "preflight": {
        "access-control-allow-origin": "https://app.example.com",
        "access-control-allow-methods": "GET, PUT",
        "access-control-allow-headers": "content-type",
        "access-control-max-age": 600,
        "vary": "origin",
    },
    "actual": {"access-control-allow-origin": "https://app.example.com", "vary": "origin"},
}


def changed(**preflight):
    entry = {**BASE, "preflight": {**BASE["preflight"], **preflight}}
    return {k: v for k, v in entry.items()}


def kinds(before, after):
    return [(c.kind, c.summary) for c in compare(before, after, contract="c", case="PUT o", lockfile="cors.lock.yaml")]


def test_identical_entries_have_no_change():
    assert kinds(BASE, dict(BASE)) == []


@pytest.mark.parametrize(
    "field, value, kind, words",
    [
        ("access-control-allow-methods", "DELETE, GET, PUT", ChangeKind.LOOSENED, "now allows method DELETE"),
        ("access-control-allow-methods", "GET", ChangeKind.TIGHTENED, "no longer allows method PUT"),
        ("access-control-allow-headers", "content-type, x-api-key", ChangeKind.LOOSENED, "now allows request header x-api-key"),
        ("access-control-allow-headers", None, ChangeKind.TIGHTENED, "no longer allows request header content-type"),
        ("access-control-max-age", 86400, ChangeKind.LOOSENED, "cached longer"),
        ("access-control-max-age", 60, ChangeKind.TIGHTENED, "cached for less time"),
        ("access-control-allow-origin", "*", ChangeKind.LOOSENED, "any origin"),
        ("access-control-allow-origin", None, ChangeKind.TIGHTENED, "is now absent"),
        ("access-control-allow-credentials", "true", ChangeKind.LOOSENED, "credentialed requests are allowed"),
        ("vary", None, ChangeKind.LOOSENED, "no longer lists Origin"),
        ("vary", "accept-encoding, origin", ChangeKind.CHANGED, "Vary is now"),
    ],
)
def test_each_header_change_is_classified(field, value, kind, words):
    after = changed(**{field: value})
    if value is None:
        del after["preflight"][field]
    [(found, summary)] = kinds(BASE, after)
    assert found is kind
    assert words in summary
    assert summary.startswith("preflight: ")


def test_credentials_switched_off_is_tightened():
    before = changed(**{"access-control-allow-credentials": "true"})
    [(kind, _)] = kinds(before, BASE)
    assert kind is ChangeKind.TIGHTENED


def test_a_browser_now_allowing_is_loosened_and_now_blocking_is_tightened():
    blocked = {**BASE, "browsers": {**ALLOWED, "safari": "blocked"}}
    assert kinds(blocked, BASE) == [(ChangeKind.LOOSENED, "now allowed by Safari (was blocked)")]
    assert kinds(BASE, blocked) == [(ChangeKind.TIGHTENED, "now blocked by Safari (was allowed): a client may break")]


def test_missing_max_age_means_five_seconds():
    after = changed()
    del after["preflight"]["access-control-max-age"]
    [(kind, _)] = kinds({**BASE, "preflight": {**BASE["preflight"], "access-control-max-age": 2}}, after)
    assert kind is ChangeKind.LOOSENED


def test_a_case_not_in_the_lockfile_is_loosened_when_allowed():
    [(kind, summary)] = kinds(None, BASE)
    assert kind is ChangeKind.LOOSENED
    assert summary == "not in cors.lock.yaml: allowed by Chrome, Firefox, Safari"
    blocked = {**BASE, "expected": "blocked", "browsers": {k: "blocked" for k in ALLOWED}}
    assert kinds(None, blocked) == [(ChangeKind.CHANGED, "not in cors.lock.yaml: blocked by every browser")]
