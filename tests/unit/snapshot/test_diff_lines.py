"""The exact lines a lockfile difference prints, for every kind of header change (pure: entries are plain dicts)."""

from __future__ import annotations

import pytest

from pytest_cors.snapshot.diff import Change, ChangeKind, compare, counts

ACAO, ACAC, ACMA = "access-control-allow-origin", "access-control-allow-credentials", "access-control-max-age"
ALLOWED = {"chrome": "allowed", "firefox": "allowed", "safari": "allowed"}


def entry(preflight=None, actual=None, **fields):
    made = {"expected": "allowed", "browsers": dict(ALLOWED), **fields}
    if preflight is not None:
        made["preflight"] = preflight
    if actual is not None:
        made["actual"] = actual
    return made


def lines(before, after):
    return [c.line() for c in compare(before, after, contract="cors_api.yaml::users", case="PUT https://a.example",
                                      lockfile="cors.lock.yaml")]


def one(old, new, name):
    """The summary of the only change when header ``name`` of the actual response goes from ``old`` to ``new``."""
    before = entry(actual={} if old is None else {name: old})
    after = entry(actual={} if new is None else {name: new})
    [change] = compare(before, after, contract="c", case="k", lockfile="cors.lock.yaml")
    return change.kind, change.summary


def test_a_change_reads_as_one_aligned_line_and_survives_the_xdist_round_trip():
    change = Change(ChangeKind.LOOSENED, "cors_api.yaml::users", "GET https://a.example", "actual: x")
    assert change.line() == "loosened   cors_api.yaml::users [GET https://a.example]: actual: x"
    assert Change(ChangeKind.CHANGED, "c", "k", "s").line() == "changed    c [k]: s"
    data = change.to_dict()
    assert data == {"kind": "loosened", "contract": "cors_api.yaml::users", "case": "GET https://a.example", "summary": "actual: x"}
    assert Change.from_dict(data) == change
    assert Change.from_dict(Change(ChangeKind.TIGHTENED, "c", "k", "s").to_dict()).kind is ChangeKind.TIGHTENED


@pytest.mark.parametrize(
    ("old", "new", "kind", "summary"),
    [
        (None, "https://a.example", ChangeKind.LOOSENED, "actual: Access-Control-Allow-Origin is now 'https://a.example' (was absent)"),
        ("https://a.example", None, ChangeKind.TIGHTENED, "actual: Access-Control-Allow-Origin is now absent (was 'https://a.example')"),
        ("https://a.example", "*", ChangeKind.LOOSENED, "actual: Access-Control-Allow-Origin is now '*' (any origin; was 'https://a.example')"),
        ("*", "https://a.example", ChangeKind.TIGHTENED, "actual: Access-Control-Allow-Origin is now 'https://a.example' (was '*')"),
        ("https://a.example", "https://b.example", ChangeKind.CHANGED,
         "actual: Access-Control-Allow-Origin is now 'https://b.example' (was 'https://a.example')"),
    ],
)
def test_allow_origin(old, new, kind, summary):
    assert one(old, new, ACAO) == (kind, summary)


@pytest.mark.parametrize(
    ("old", "new", "kind", "summary"),
    [
        (None, "true", ChangeKind.LOOSENED,
         "actual: Access-Control-Allow-Credentials is now 'true': credentialed requests are allowed (was absent)"),
        ("TRUE", "true", ChangeKind.LOOSENED,
         "actual: Access-Control-Allow-Credentials is now 'true': credentialed requests are allowed (was 'TRUE')"),
        ("true", None, ChangeKind.TIGHTENED,
         "actual: Access-Control-Allow-Credentials is now None (was 'true'): credentialed requests are refused"),
        ("true", "false", ChangeKind.TIGHTENED,
         "actual: Access-Control-Allow-Credentials is now 'false' (was 'true'): credentialed requests are refused"),
        ("false", "TRUE", ChangeKind.CHANGED, "actual: Access-Control-Allow-Credentials is now 'TRUE' (was 'false')"),
    ],
)
def test_allow_credentials(old, new, kind, summary):
    assert one(old, new, ACAC) == (kind, summary)


@pytest.mark.parametrize(
    ("old", "new", "kind", "summary"),
    [
        # no header: browsers cache a preflight for 5 seconds
        (None, 6, ChangeKind.LOOSENED, "actual: Access-Control-Max-Age is now 6 (was None): preflights are cached longer"),
        (None, 4, ChangeKind.TIGHTENED, "actual: Access-Control-Max-Age is now 4 (was None): preflights are cached for less time"),
        (None, 5, ChangeKind.CHANGED, "actual: Access-Control-Max-Age is now 5 (was None)"),
        (6, None, ChangeKind.TIGHTENED, "actual: Access-Control-Max-Age is now None (was 6): preflights are cached for less time"),
        (600, "-1", ChangeKind.CHANGED, "actual: Access-Control-Max-Age is now '-1' (was 600)"),
        ("abc", 600, ChangeKind.CHANGED, "actual: Access-Control-Max-Age is now 600 (was 'abc')"),
    ],
)
def test_max_age(old, new, kind, summary):
    assert one(old, new, ACMA) == (kind, summary)


@pytest.mark.parametrize(
    ("old", "new", "kind", "summary"),
    [
        ("origin", "accept", ChangeKind.LOOSENED,
         "actual: Vary no longer lists Origin: a shared cache can serve one origin's answer to another"),
        ("*", None, ChangeKind.LOOSENED, "actual: Vary no longer lists Origin: a shared cache can serve one origin's answer to another"),
        ("*", "origin", ChangeKind.CHANGED, "actual: Vary is now 'origin' (was '*')"),
        (None, "origin", ChangeKind.CHANGED, "actual: Vary is now 'origin' (was None)"),
        ("origin", "*", ChangeKind.CHANGED, "actual: Vary is now '*' (was 'origin')"),
        ("accept", "accept-encoding", ChangeKind.CHANGED, "actual: Vary is now 'accept-encoding' (was 'accept')"),
    ],
)
def test_vary(old, new, kind, summary):
    assert one(old, new, "vary") == (kind, summary)


def test_list_headers_name_every_item_added_and_removed_in_order():
    before = entry(actual={"access-control-expose-headers": "x-b, x-old, x-gone"})
    after = entry(actual={"access-control-expose-headers": "x-c, x-b, x-a"})
    assert lines(before, after) == [
        "loosened   cors_api.yaml::users [PUT https://a.example]: actual: Access-Control-Expose-Headers now exposes header x-a, x-c",
        "tightened  cors_api.yaml::users [PUT https://a.example]: actual: Access-Control-Expose-Headers no longer exposes "
        "header x-gone, x-old",
    ]


def test_headers_are_compared_in_display_order_then_unknown_ones():
    before = entry(actual={"vary": "origin", ACMA: 5, "x-other": "1", ACAC: "true", ACAO: "https://a.example"})
    after = entry(actual={"vary": "accept", ACMA: 6, "x-other": "2", ACAO: "*"})
    assert [c.summary.split(" is now")[0].split(" no longer")[0] for c in compare(before, after, contract="c", case="k", lockfile="l")] == [
        "actual: Access-Control-Allow-Origin",
        "actual: Access-Control-Allow-Credentials",
        "actual: Access-Control-Max-Age",
        "actual: Vary",
        "actual: x-other",
    ]


def test_a_header_this_version_does_not_record_is_a_neutral_change_not_a_crash():
    before = entry(actual={"access-control-allow-private-network": "true"})
    assert lines(before, entry(actual={})) == [
        "changed    cors_api.yaml::users [PUT https://a.example]: actual: access-control-allow-private-network is now None (was 'true')"
    ]


def test_an_exchange_made_or_no_longer_made_is_a_neutral_change():
    with_preflight = entry(preflight={ACAO: "https://a.example"}, actual={ACAO: "https://a.example"})
    without = entry(actual={ACAO: "https://a.example"})
    assert lines(without, with_preflight) == ["changed    cors_api.yaml::users [PUT https://a.example]: the preflight request is now made"]
    assert lines(with_preflight, without) == ["changed    cors_api.yaml::users [PUT https://a.example]: the preflight request is no longer made"]
    assert lines(entry(), entry()) == []


def test_a_new_expectation_is_noted_before_the_browser_and_header_changes():
    before = entry(actual={ACAO: "https://a.example"})
    after = entry(actual={}, expected="blocked", browsers={**ALLOWED, "chrome": "blocked", "safari": "blocked"})
    assert lines(before, after) == [
        "changed    cors_api.yaml::users [PUT https://a.example]: the contract now expects it blocked (was allowed)",
        "tightened  cors_api.yaml::users [PUT https://a.example]: now blocked by Chrome, Safari (was allowed): a client may break",
        "tightened  cors_api.yaml::users [PUT https://a.example]: actual: Access-Control-Allow-Origin is now absent (was 'https://a.example')",
    ]


def test_a_browser_new_to_the_lockfile_is_no_change():
    before = entry(browsers={"chrome": "allowed"})
    assert lines(before, entry()) == []
    assert lines(entry(), before) == []


def test_a_new_case_lists_only_the_browsers_that_allow_it():
    after = entry(browsers={"chrome": "allowed", "firefox": "blocked", "safari": "allowed"})
    assert lines(None, after) == ["loosened   cors_api.yaml::users [PUT https://a.example]: not in cors.lock.yaml: allowed by Chrome, Safari"]
    blocked = entry(expected="blocked", browsers={"chrome": "blocked"})
    assert lines(None, blocked) == ["changed    cors_api.yaml::users [PUT https://a.example]: not in cors.lock.yaml: blocked by every browser"]


def test_counts_every_kind_even_when_absent():
    changes = (Change(ChangeKind.LOOSENED, "c", "k", "a"), Change(ChangeKind.LOOSENED, "c", "k", "b"),
               Change(ChangeKind.CHANGED, "c", "k", "d"))
    assert counts(changes) == {"loosened": 2, "tightened": 0, "changed": 1}
    assert counts(()) == {"loosened": 0, "tightened": 0, "changed": 0}
