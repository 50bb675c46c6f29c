"""The preflight response, decided in each engine's order, and Access-Control-Max-Age.

Expectations: cors-ground-truth.md section 3 (checks, Max-Age) and section 10;
browser-cors-messages.md 1.3 (Chromium's order), 2.3 (Firefox), 3.3 (WebKit) and
the table in section 4.
"""

from __future__ import annotations

import pytest

from pytest_cors.browser.exchange import HttpResponse
from pytest_cors.browser.profiles import CHROME, FIREFOX, SAFARI, SPEC
from pytest_cors.browser.rules import (
    ACAH_INVALID,
    ACAM_INVALID,
    ACAO_MISMATCH,
    ACAO_MISSING,
    ACAO_WILDCARD_WITH_CREDENTIALS,
    AUTHORIZATION_UNDER_WILDCARD,
    HEADER_NOT_ALLOWED,
    METHOD_NOT_ALLOWED,
    PREFLIGHT_REDIRECT,
    PREFLIGHT_STATUS,
    Failure,
    evaluate_preflight,
    max_age_seconds,
    parse_max_age,
)

ORIGIN = "https://app.example"
ALL = [CHROME, FIREFOX, SAFARI, SPEC]
BROWSERS = [CHROME, FIREFOX, SAFARI]


def ids(profile):
    return profile.name


def preflight(status=204, *, acao=ORIGIN, acac=None, methods=None, headers=None, max_age=None, extra=()):
    pairs = []
    if acao is not None:
        pairs.append(("Access-Control-Allow-Origin", acao))
    if acac is not None:
        pairs.append(("Access-Control-Allow-Credentials", acac))
    if methods is not None:
        pairs.append(("Access-Control-Allow-Methods", methods))
    if headers is not None:
        pairs.append(("Access-Control-Allow-Headers", headers))
    if max_age is not None:
        pairs += [("Access-Control-Max-Age", v) for v in (max_age if isinstance(max_age, tuple) else (max_age,))]
    return HttpResponse(status, tuple(pairs) + tuple(extra))


def evaluate(resp, profile, method="PUT", unsafe=(), credentials=False, origin=ORIGIN):
    return evaluate_preflight(resp, method, list(unsafe), credentials, origin, profile)


def failure_code(resp, profile, **kw):
    failure = evaluate(resp, profile, **kw).failure
    return None if failure is None else failure.code


# --- a good preflight -------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("status", [200, 204, 299])
def test_ok(profile, status):
    result = evaluate(preflight(status, methods="PUT", headers="X-Token"), profile, unsafe=["x-token"])
    assert result.failure is None
    assert result.warnings == ()


# --- 1. redirect ------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", [CHROME, FIREFOX, SPEC], ids=ids)
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_fails_first(profile, status):
    location = (("Location", "https://api.example/elsewhere"),)
    # even with everything else right ...
    good = preflight(status, methods="PUT", extra=location)
    assert evaluate(good, profile).failure == Failure(PREFLIGHT_REDIRECT, True, None, status)
    # ... and before a missing ACAO
    bad = preflight(status, acao=None, extra=location)
    assert evaluate(bad, profile).failure == Failure(PREFLIGHT_REDIRECT, True, None, status)


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirect_in_webkit_is_checked_with_the_status(status):
    location = (("Location", "https://api.example/elsewhere"),)
    assert evaluate(preflight(status, acao=None, extra=location), SAFARI).failure == Failure(
        PREFLIGHT_REDIRECT, True, None, status
    )


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_3xx_without_location_is_a_bad_status_not_a_redirect(profile):
    assert evaluate(preflight(302, methods="PUT"), profile).failure == Failure(PREFLIGHT_STATUS, True, None, 302)
    assert evaluate(preflight(304, methods="PUT"), profile).failure == Failure(PREFLIGHT_STATUS, True, None, 304)


# --- 2./3. CORS check and status --------------------------------------------------------------


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("status", [199, 300, 400, 404, 405, 500])
def test_bad_status_with_good_acao(profile, status):
    assert evaluate(preflight(status, methods="PUT"), profile).failure == Failure(PREFLIGHT_STATUS, True, None, status)


@pytest.mark.parametrize(
    "profile, expected",
    [
        (CHROME, Failure(ACAO_MISSING, True, None, 404)),  # ACAO reported before a bad status
        (SPEC, Failure(ACAO_MISSING, True, None, 404)),
        (FIREFOX, Failure(ACAO_MISSING, True, None, 404)),  # the CORS proxy runs first
        (SAFARI, Failure(PREFLIGHT_STATUS, True, None, 404)),  # status first
    ],
    ids=["chrome", "spec", "firefox", "safari"],
)
def test_bad_status_and_missing_acao(profile, expected):
    failure = evaluate(preflight(404, acao=None), profile).failure
    assert failure == expected


def test_bad_status_and_wrong_acao():
    resp = preflight(500, acao="https://other.example")
    assert failure_code(resp, CHROME) == ACAO_MISMATCH
    assert failure_code(resp, FIREFOX) == ACAO_MISMATCH
    assert failure_code(resp, SAFARI) == PREFLIGHT_STATUS


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_preflight_cors_check_uses_the_actual_requests_credentials(profile):
    # '*' passes for a request without credentials ...
    assert evaluate(preflight(acao="*", methods="PUT"), profile).failure is None
    # ... and fails for one with credentials, even though the preflight itself carries none
    failure = evaluate(preflight(acao="*", methods="PUT", acac="true"), profile, credentials=True).failure
    assert failure.code == ACAO_WILDCARD_WITH_CREDENTIALS
    assert failure.reason == "preflight-acao-wildcard-with-credentials"
    failure = evaluate(preflight(methods="PUT"), profile, credentials=True).failure
    assert failure.reason == "preflight-acac-not-true"
    assert evaluate(preflight(methods="PUT", acac="true"), profile, credentials=True).failure is None


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_cors_check_before_the_lists(profile):
    resp = preflight(acao="https://other.example", methods="PU T", headers="x y")
    assert evaluate(resp, profile).failure.reason == "preflight-acao-mismatch"


# --- 4. Access-Control-Allow-Methods / -Headers parsing ---------------------------------------


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("methods", ["PUT", "PUT, DELETE", "GET,PUT", " PUT ", "PUT, , DELETE", ",PUT,", "DELETE,,PUT"])
def test_acam_empty_items_skipped(profile, methods):
    assert evaluate(preflight(methods=methods), profile).failure is None


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_acam_lines_are_combined(profile):
    resp = HttpResponse(
        204,
        (
            ("Access-Control-Allow-Origin", ORIGIN),
            ("Access-Control-Allow-Methods", "DELETE"),
            ("Access-Control-Allow-Methods", "PUT"),
        ),
    )
    assert evaluate(resp, profile).failure is None


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("methods", ["PU T", "PUT, PU T", "PUT;", "PUT, (x)", '"PUT"'])
def test_acam_invalid_fails_the_whole_preflight(profile, methods):
    failure = evaluate(preflight(methods=methods), profile).failure
    assert failure.code == ACAM_INVALID
    assert failure.raw == methods
    # even when the method would be allowed without the list (a safelisted method)
    assert failure_code(preflight(methods=methods), profile, method="GET", unsafe=["x-a"]) == ACAM_INVALID


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_acam_invalid_detail_is_the_bad_item(profile):
    assert evaluate(preflight(methods="PUT, PU T, x@y"), profile).failure.detail == "PU T"


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("headers", ["X-Token X-Other", "X-Token, x@y", "X-Token;"])
def test_acah_invalid(profile, headers):
    failure = evaluate(preflight(methods="PUT", headers=headers), profile, unsafe=["x-token"]).failure
    assert failure.code == ACAH_INVALID
    assert failure.raw == headers


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_acam_invalid_reported_before_acah_invalid(profile):
    assert failure_code(preflight(methods="PU T", headers="x y"), profile) == ACAM_INVALID


@pytest.mark.parametrize(
    "profile, expected",
    [(CHROME, ACAH_INVALID), (SPEC, ACAH_INVALID), (SAFARI, ACAH_INVALID), (FIREFOX, METHOD_NOT_ALLOWED)],
    ids=["chrome", "spec", "safari", "firefox"],
)
def test_method_missing_and_acah_unparsable(profile, expected):
    # Chromium and WebKit parse both lists first; Firefox checks the method before validating ACAH
    assert failure_code(preflight(methods="DELETE", headers="x y"), profile, method="PUT") == expected


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_header_missing_and_acah_unparsable(profile):
    # every engine validates ACAH before checking headers
    assert failure_code(preflight(methods="PUT", headers="x y"), profile, unsafe=["x-token"]) == ACAH_INVALID


# --- 5. method --------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_safelisted_methods_need_no_listing(profile, method):
    assert evaluate(preflight(methods=None), profile, method=method, unsafe=["x-a"], ).failure.code == HEADER_NOT_ALLOWED
    assert evaluate(preflight(methods=None, headers="x-a"), profile, method=method, unsafe=["x-a"]).failure is None
    assert evaluate(preflight(methods="DELETE", headers="x-a"), profile, method=method, unsafe=["x-a"]).failure is None


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize(
    "method, methods, allowed",
    [
        ("PUT", "PUT", True),
        ("PUT", "GET, POST, PUT", True),
        ("PUT", None, False),
        ("PUT", "", False),
        ("PUT", "GET, POST", False),
        ("PUT", "put", False),  # case-sensitive
        ("patch", "PATCH", False),  # 'patch' is sent lowercase and does not match 'PATCH'
        ("patch", "patch", True),
        ("PATCH", "PATCH", True),
        ("PATCH", "Patch", False),
        ("DELETE", "*", True),
        ("patch", "*", True),
        ("PUT", "PUT*", False),
    ],
)
def test_method(profile, method, methods, allowed):
    failure = evaluate(preflight(methods=methods), profile, method=method).failure
    if allowed:
        assert failure is None
    else:
        assert failure == Failure(METHOD_NOT_ALLOWED, True, method)


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_method_wildcard_with_credentials_is_literal(profile):
    resp = preflight(methods="*", acac="true")
    assert evaluate(resp, profile, method="DELETE", credentials=True).failure == Failure(METHOD_NOT_ALLOWED, True, "DELETE")
    assert evaluate(preflight(methods="*, DELETE", acac="true"), profile, method="DELETE", credentials=True).failure is None


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_method_before_headers(profile):
    assert failure_code(preflight(methods="GET"), profile, method="PUT", unsafe=["x-a"]) == METHOD_NOT_ALLOWED


# --- 6. headers -------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize(
    "allowed, unsafe, missing",
    [
        ("X-Token", ["x-token"], None),
        ("x-token", ["x-token"], None),
        ("X-TOKEN", ["x-token"], None),  # case-insensitive
        ("X-Token, Content-Type", ["content-type", "x-token"], None),
        ("X-Token,, Content-Type", ["content-type", "x-token"], None),
        ("Content-Type", ["content-type", "x-token"], "x-token"),
        (None, ["x-token"], "x-token"),
        ("", ["content-type", "x-token"], "content-type"),  # the first missing one, in ACRH order
        ("*", ["content-type", "x-token"], None),
        ("X-Tok", ["x-token"], "x-token"),
    ],
)
def test_headers(profile, allowed, unsafe, missing):
    failure = evaluate(preflight(methods="PUT", headers=allowed), profile, unsafe=unsafe).failure
    assert failure == (None if missing is None else Failure(HEADER_NOT_ALLOWED, True, missing))


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_header_wildcard_with_credentials_is_a_literal_name(profile):
    resp = preflight(methods="PUT", headers="*", acac="true")
    failure = evaluate(resp, profile, unsafe=["x-token"], credentials=True).failure
    assert failure == Failure(HEADER_NOT_ALLOWED, True, "x-token")
    resp = preflight(methods="PUT", headers="*, X-Token", acac="true")
    assert evaluate(resp, profile, unsafe=["x-token"], credentials=True).failure is None


@pytest.mark.parametrize("profile", BROWSERS, ids=ids)
def test_authorization_under_wildcard_allowed_in_browsers(profile):
    result = evaluate(preflight(methods="PUT", headers="*"), profile, unsafe=["authorization", "x-token"])
    assert result.failure is None
    # Chromium and Firefox log a deprecation warning; WebKit logs nothing
    expected = () if profile is SAFARI else (AUTHORIZATION_UNDER_WILDCARD,)
    assert result.warnings == expected


def test_authorization_under_wildcard_blocked_by_the_standard():
    result = evaluate(preflight(methods="PUT", headers="*"), SPEC, unsafe=["authorization", "x-token"])
    assert result.failure == Failure(HEADER_NOT_ALLOWED, True, "authorization")


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_authorization_listed_explicitly(profile):
    for headers in ("Authorization", "*, Authorization", "authorization, *"):
        result = evaluate(preflight(methods="PUT", headers=headers), profile, unsafe=["authorization"])
        assert result.failure is None
        assert result.warnings == ()


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_authorization_under_wildcard_with_credentials(profile):
    resp = preflight(methods="PUT", headers="*", acac="true")
    failure = evaluate(resp, profile, unsafe=["authorization"], credentials=True).failure
    assert failure == Failure(HEADER_NOT_ALLOWED, True, "authorization")


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_no_warning_when_the_preflight_fails(profile):
    result = evaluate(preflight(methods="GET", headers="*"), profile, unsafe=["authorization"])
    assert result.failure.code == METHOD_NOT_ALLOWED
    assert result.warnings == ()


# --- 7. Access-Control-Max-Age ----------------------------------------------------------------

# (value or lines, chrome, firefox, safari, spec). Chromium/WebKit: invalid or absent means 5 s;
# Firefox: absent 5 s, any non-digit not cached; caps 7200 / 86400 / 600; negative: not cached.
# The standard: digits only (delta-seconds), failure or absence means 5, no cap.
MAX_AGE_CASES = [
    (None, 5, 5, 5, 5),
    ("0", 0, 0, 0, 0),
    ("1", 1, 1, 1, 1),
    ("5", 5, 5, 5, 5),
    ("600", 600, 600, 600, 600),
    ("601", 601, 601, 600, 601),
    ("7200", 7200, 7200, 600, 7200),
    ("7201", 7200, 7201, 600, 7201),
    ("86400", 7200, 86400, 600, 86400),
    ("86401", 7200, 86400, 600, 86401),
    ("999999999999", 7200, 86400, 600, 999999999999),
    (" 100 ", 100, 100, 100, 100),
    ("abc", 5, 0, 5, 5),
    ("1e3", 5, 0, 5, 5),
    ("+5", 5, 0, 5, 5),
    ("5.5", 5, 0, 5, 5),
    ("0x10", 5, 0, 5, 5),
    ("10, 20", 5, 0, 5, 5),
    (("10", "20"), 5, 0, 5, 5),
    ("-1", 0, 0, 0, 5),
    ("-600", 0, 0, 0, 5),
]


@pytest.mark.parametrize("value, chrome, firefox, safari, spec", MAX_AGE_CASES, ids=[repr(c[0]) for c in MAX_AGE_CASES])
def test_max_age(value, chrome, firefox, safari, spec):
    lines = [] if value is None else list(value) if isinstance(value, tuple) else [value]
    assert max_age_seconds(lines, CHROME) == chrome
    assert max_age_seconds(lines, FIREFOX) == firefox
    assert max_age_seconds(lines, SAFARI) == safari
    assert max_age_seconds(lines, SPEC) == spec


@pytest.mark.parametrize("value, chrome, firefox, safari, spec", MAX_AGE_CASES, ids=[repr(c[0]) for c in MAX_AGE_CASES])
def test_max_age_reaches_the_preflight_result(value, chrome, firefox, safari, spec):
    resp = preflight(methods="PUT", max_age=value)
    for profile, expected in ((CHROME, chrome), (FIREFOX, firefox), (SAFARI, safari), (SPEC, spec)):
        assert evaluate(resp, profile).cache_seconds == expected
        assert evaluate(resp, profile, method="DELETE").cache_seconds is None  # refused: not cached


@pytest.mark.parametrize(
    "lines, declared",
    [([], None), (["600"], 600), (["0"], 0), (["+5"], None), (["-1"], None), (["1e3"], None), (["10", "20"], None), ([" 7 "], 7)],
)
def test_parse_max_age_reads_the_declared_value(lines, declared):
    assert parse_max_age(lines) == declared


# --- properties -------------------------------------------------------------------------------

from hypothesis import given, strategies as st  # noqa: E402

_value = st.one_of(st.text(max_size=30), st.sampled_from(["*", ORIGIN, "PUT", "x-a", "600", "-1", "+5", "true"]))


@given(st.lists(_value, max_size=3))
def test_max_age_never_raises_and_respects_caps(lines):
    for profile in ALL:
        seconds = max_age_seconds(lines, profile)
        assert seconds >= 0
        if profile.max_age_cap is not None:
            assert seconds <= profile.max_age_cap


@given(
    st.integers(100, 599),
    st.lists(st.tuples(st.sampled_from(["Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Allow-Credentials", "Access-Control-Max-Age", "Location"]), _value), max_size=6),
    st.booleans(),
)
def test_evaluate_preflight_never_raises(status, headers, credentials):
    resp = HttpResponse(status, tuple(headers))
    for profile in ALL:
        result = evaluate(resp, profile, method="PUT", unsafe=["x-a", "authorization"], credentials=credentials)
        if result.failure is None:
            # a passing preflight always had an ok status and a passing CORS check, and is cached
            assert 200 <= status <= 299
            assert result.cache_seconds == max_age_seconds([v for n, v in headers if n == "Access-Control-Max-Age"], profile)
        else:
            assert result.failure.on_preflight
            assert result.cache_seconds is None  # a failed preflight makes no cache entry
