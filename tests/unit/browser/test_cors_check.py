"""The CORS check, classified in each engine's order.

Expectations: cors-ground-truth.md section 4 (what passes) and section 7 (Chromium's
classification order); browser-cors-messages.md 1.3 (Chromium), 2.3 (Firefox),
3.3 (WebKit) and the table in section 4 (where the orders differ).
"""

from __future__ import annotations

import pytest

from pytest_cors.browser.exchange import HttpResponse
from pytest_cors.browser.profiles import CHROME, FIREFOX, PROFILES, SAFARI, SPEC
from pytest_cors.browser.rules import (
    ACAC_NOT_TRUE,
    ACAO_INVALID,
    ACAO_MISMATCH,
    ACAO_MISSING,
    ACAO_MULTIPLE,
    ACAO_WILDCARD_WITH_CREDENTIALS,
    Failure,
    cors_check,
)

ORIGIN = "https://app.example"
OTHER = "https://other.example"
ALL = [CHROME, FIREFOX, SAFARI, SPEC]
CHROMIUM_STYLE = [CHROME, SPEC]


def response(*headers, status=200):
    return HttpResponse(status, tuple(headers))


def acao(*values, acac=None, status=200):
    headers = [("Access-Control-Allow-Origin", v) for v in values]
    if acac is not None:
        headers += [("Access-Control-Allow-Credentials", a) for a in (acac if isinstance(acac, tuple) else (acac,))]
    return response(*headers, status=status)


def check(resp, profile, credentials=False, origin=ORIGIN, **kw):
    return cors_check(resp, origin, credentials, profile, **kw)


def code(resp, profile, credentials=False, origin=ORIGIN):
    failure = check(resp, profile, credentials, origin)
    return None if failure is None else failure.code


# --- what passes (every engine) ---------------------------------------------------------------


@pytest.mark.parametrize("profile", ALL, ids=lambda p: p.name)
@pytest.mark.parametrize(
    "resp, credentials",
    [
        (acao("*"), False),
        (acao(ORIGIN), False),
        (acao(ORIGIN, acac="true"), True),
        (acao(" " + ORIGIN + " "), False),  # surrounding spaces ignored
        (acao("\t" + ORIGIN + "\t", acac=" true "), True),
        (acao("*", acac="true"), False),  # ACAC is irrelevant without credentials
        (acao(ORIGIN, acac="false"), False),
        # the status of the actual response does not matter
        (acao(ORIGIN, status=404), False),
        (acao(ORIGIN, acac="true", status=500), True),
        (acao("*", status=503), False),
    ],
)
def test_passes(profile, resp, credentials):
    assert check(resp, profile, credentials) is None


@pytest.mark.parametrize("profile", ALL, ids=lambda p: p.name)
def test_null_matches_only_an_opaque_origin(profile):
    assert check(acao("null"), profile, origin="null") is None
    assert check(acao("null", acac="true"), profile, True, origin="null") is None
    assert check(acao("null"), profile) is not None
    assert check(acao(ORIGIN), profile, origin="null") is not None


@pytest.mark.parametrize("profile", ALL, ids=lambda p: p.name)
def test_header_name_is_case_insensitive(profile):
    resp = response(("access-control-allow-origin", ORIGIN), ("ACCESS-CONTROL-ALLOW-CREDENTIALS", "true"))
    assert check(resp, profile, True) is None


# --- failures every engine agrees on (code may differ, blocking never does) ------------------


@pytest.mark.parametrize("profile", ALL, ids=lambda p: p.name)
@pytest.mark.parametrize(
    "value",
    [
        ORIGIN + "/",  # trailing slash
        "HTTPS://APP.EXAMPLE",  # case-sensitive
        "https://App.example",
        "http://app.example",  # scheme
        "https://app.example:443",  # byte-equal, not same-origin
        "https://app.example:8443",
        OTHER,
        "null",
        "app.example",
        "*.app.example",
        "",
        ORIGIN + "\x0b",  # only spaces and tabs around the value are ignored
        ORIGIN + "\x0c",
        "X" + ORIGIN,
    ],
)
def test_every_unequal_value_blocks(profile, value):
    assert check(acao(value), profile) is not None


@pytest.mark.parametrize("profile", ALL, ids=lambda p: p.name)
def test_spaces_and_tabs_around_the_values_are_ignored(profile):
    assert check(acao(f" \t{ORIGIN}\t "), profile) is None
    assert check(acao(f"{ORIGIN}", acac="\t true "), profile, credentials=True) is None


@pytest.mark.parametrize("profile", ALL, ids=lambda p: p.name)
def test_missing_acao_blocks_whatever_the_status(profile):
    for status in (200, 204, 404, 500):
        assert check(response(status=status), profile) is not None


# --- Chromium's classification ----------------------------------------------------------------


@pytest.mark.parametrize("profile", CHROMIUM_STYLE, ids=lambda p: p.name)
@pytest.mark.parametrize(
    "resp, credentials, expected, detail",
    [
        # 1. '*' with credentials, checked before anything else (even before ACAC)
        (acao("*"), True, ACAO_WILDCARD_WITH_CREDENTIALS, "*"),
        (acao("*", acac="true"), True, ACAO_WILDCARD_WITH_CREDENTIALS, "*"),
        # 2. missing
        (response(), False, ACAO_MISSING, None),
        (response(), True, ACAO_MISSING, None),
        (response(("Access-Control-Allow-Credentials", "true")), True, ACAO_MISSING, None),
        # 3.1 a space or a comma: multiple values
        (acao(f"{ORIGIN}, {OTHER}"), False, ACAO_MULTIPLE, f"{ORIGIN}, {OTHER}"),
        (acao(f"{ORIGIN},{OTHER}"), False, ACAO_MULTIPLE, f"{ORIGIN},{OTHER}"),
        (acao(f"{ORIGIN} {OTHER}"), False, ACAO_MULTIPLE, f"{ORIGIN} {OTHER}"),
        (acao("foo bar"), False, ACAO_MULTIPLE, "foo bar"),
        (acao("*, *"), False, ACAO_MULTIPLE, "*, *"),
        # two header lines are joined with ', ' -- even two copies of the right origin
        (acao(ORIGIN, ORIGIN), False, ACAO_MULTIPLE, f"{ORIGIN}, {ORIGIN}"),
        (acao(ORIGIN, OTHER), False, ACAO_MULTIPLE, f"{ORIGIN}, {OTHER}"),
        (acao("*", "*"), False, ACAO_MULTIPLE, "*, *"),
        # 3.2 null: the mismatch message
        (acao("null"), False, ACAO_MISMATCH, "null"),
        # 3.3 not a URL: invalid value
        (acao("foo"), False, ACAO_INVALID, "foo"),
        (acao("app.example"), False, ACAO_INVALID, "app.example"),
        (acao("https://"), False, ACAO_INVALID, "https://"),
        (acao("foo\tbar"), False, ACAO_INVALID, "foo\tbar"),  # a tab is not "a space or a comma"
        (acao("true"), False, ACAO_INVALID, "true"),
        # 3.4 any other unequal value
        (acao(ORIGIN + "/"), False, ACAO_MISMATCH, ORIGIN + "/"),
        (acao("HTTPS://APP.EXAMPLE"), False, ACAO_MISMATCH, "HTTPS://APP.EXAMPLE"),
        (acao("http://app.example"), False, ACAO_MISMATCH, "http://app.example"),
        (acao(OTHER), False, ACAO_MISMATCH, OTHER),
        (acao(OTHER, acac="true"), True, ACAO_MISMATCH, OTHER),
        # ... a URL Chromium parses: file: needs nothing after the scheme, nor does a non-special scheme
        (acao("file://"), False, ACAO_MISMATCH, "file://"),
        (acao("foo:"), False, ACAO_MISMATCH, "foo:"),
        (acao("foo:bar"), False, ACAO_MISMATCH, "foo:bar"),
        (acao("https://X"), False, ACAO_MISMATCH, "https://X"),
        # 4. ACAC, only after ACAO passed; a missing ACAC prints ''
        (acao(ORIGIN), True, ACAC_NOT_TRUE, ""),
        (acao(ORIGIN, acac="True"), True, ACAC_NOT_TRUE, "True"),
        (acao(ORIGIN, acac="TRUE"), True, ACAC_NOT_TRUE, "TRUE"),
        (acao(ORIGIN, acac="1"), True, ACAC_NOT_TRUE, "1"),
        (acao(ORIGIN, acac='"true"'), True, ACAC_NOT_TRUE, '"true"'),
        (acao(ORIGIN, acac="false"), True, ACAC_NOT_TRUE, "false"),
        (acao(ORIGIN, acac=""), True, ACAC_NOT_TRUE, ""),
        (acao(ORIGIN, acac=("true", "true")), True, ACAC_NOT_TRUE, "true, true"),
    ],
)
def test_chromium_classification(profile, resp, credentials, expected, detail):
    failure = check(resp, profile, credentials)
    assert failure == Failure(expected, False, detail, resp.status)


@pytest.mark.parametrize("profile", CHROMIUM_STYLE, ids=lambda p: p.name)
def test_chromium_wrong_acao_and_missing_acac_reports_acao(profile):
    assert code(acao(OTHER), profile, True) == ACAO_MISMATCH
    assert code(acao("foo"), profile, True) == ACAO_INVALID
    assert code(response(), profile, True) == ACAO_MISSING


# --- Firefox's order --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resp, credentials, expected, detail",
    [
        # 4. several header *lines*, checked before missing/wildcard/equality
        (acao(ORIGIN, ORIGIN), False, ACAO_MULTIPLE, f"{ORIGIN}, {ORIGIN}"),
        (acao("*", "*"), True, ACAO_MULTIPLE, "*, *"),
        (acao(ORIGIN, OTHER), False, ACAO_MULTIPLE, f"{ORIGIN}, {OTHER}"),
        # 5. missing
        (response(), False, ACAO_MISSING, None),
        (response(), True, ACAO_MISSING, None),
        # 6. '*' with credentials
        (acao("*"), True, ACAO_WILDCARD_WITH_CREDENTIALS, "*"),
        (acao("*", acac="true"), True, ACAO_WILDCARD_WITH_CREDENTIALS, "*"),
        # 7. not equal: one line 'a, b' is a mismatch, and so are spaces, garbage and null
        (acao(f"{ORIGIN}, {OTHER}"), False, ACAO_MISMATCH, f"{ORIGIN}, {OTHER}"),
        (acao(f"{ORIGIN} {OTHER}"), False, ACAO_MISMATCH, f"{ORIGIN} {OTHER}"),
        (acao("foo"), False, ACAO_MISMATCH, "foo"),
        (acao("null"), False, ACAO_MISMATCH, "null"),
        (acao(ORIGIN + "/"), False, ACAO_MISMATCH, ORIGIN + "/"),
        (acao("HTTPS://APP.EXAMPLE"), False, ACAO_MISMATCH, "HTTPS://APP.EXAMPLE"),
        # 8. ACAC
        (acao(ORIGIN), True, ACAC_NOT_TRUE, ""),
        (acao(ORIGIN, acac="True"), True, ACAC_NOT_TRUE, "True"),
        (acao(ORIGIN, acac="1"), True, ACAC_NOT_TRUE, "1"),
        (acao(OTHER), True, ACAO_MISMATCH, OTHER),
    ],
)
def test_firefox_order(resp, credentials, expected, detail):
    failure = check(resp, FIREFOX, credentials)
    assert failure == Failure(expected, False, detail, resp.status)


# --- WebKit's order ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resp, credentials, expected",
    [
        # missing is its own code, though WebKit prints it like a mismatch
        (response(), False, ACAO_MISSING),
        (response(), True, ACAO_MISSING),
        # '*' with credentials (only after "not equal")
        (acao("*"), True, ACAO_WILDCARD_WITH_CREDENTIALS),
        (acao("*", acac="true"), True, ACAO_WILDCARD_WITH_CREDENTIALS),
        # a comma: more than one origin -- one line or two
        (acao(f"{ORIGIN}, {OTHER}"), False, ACAO_MULTIPLE),
        (acao(f"{ORIGIN},{OTHER}"), False, ACAO_MULTIPLE),
        (acao(ORIGIN, ORIGIN), False, ACAO_MULTIPLE),
        # a space alone does not make it "more than one"
        (acao(f"{ORIGIN} {OTHER}"), False, ACAO_MISMATCH),
        (acao("foo"), False, ACAO_MISMATCH),
        (acao("null"), False, ACAO_MISMATCH),
        (acao(ORIGIN + "/"), False, ACAO_MISMATCH),
        # ACAC last
        (acao(ORIGIN), True, ACAC_NOT_TRUE),
        (acao(ORIGIN, acac="True"), True, ACAC_NOT_TRUE),
        (acao(OTHER), True, ACAO_MISMATCH),
    ],
)
def test_webkit_order(resp, credentials, expected):
    # the failure quotes the header as received (reports' hints show it, e.g. "the server allows '...'")
    shown = {ACAO_MISSING: None, ACAC_NOT_TRUE: resp.header("Access-Control-Allow-Credentials") or ""}
    detail = shown.get(expected, resp.header("Access-Control-Allow-Origin"))
    assert check(resp, SAFARI, credentials) == Failure(expected, False, detail, resp.status)


# --- the engines side by side (browser-cors-messages.md section 4) ----------------------------


@pytest.mark.parametrize(
    "resp, credentials, chrome, firefox, safari",
    [
        (acao(ORIGIN, OTHER), False, ACAO_MULTIPLE, ACAO_MULTIPLE, ACAO_MULTIPLE),
        (acao(f"{ORIGIN}, {OTHER}"), False, ACAO_MULTIPLE, ACAO_MISMATCH, ACAO_MULTIPLE),
        (acao(f"{ORIGIN} {OTHER}"), False, ACAO_MULTIPLE, ACAO_MISMATCH, ACAO_MISMATCH),
        (acao("foo"), False, ACAO_INVALID, ACAO_MISMATCH, ACAO_MISMATCH),
        (response(), False, ACAO_MISSING, ACAO_MISSING, ACAO_MISSING),
        (acao(OTHER, acac="nope"), True, ACAO_MISMATCH, ACAO_MISMATCH, ACAO_MISMATCH),
        (acao("*"), True, ACAO_WILDCARD_WITH_CREDENTIALS, ACAO_WILDCARD_WITH_CREDENTIALS, ACAO_WILDCARD_WITH_CREDENTIALS),
        # '*' with credentials AND several lines: Chromium sees '*, *' (not exactly '*'),
        # Firefox counts lines first, WebKit sees a comma
        (acao("*", "*"), True, ACAO_MULTIPLE, ACAO_MULTIPLE, ACAO_MULTIPLE),
    ],
)
def test_engines_side_by_side(resp, credentials, chrome, firefox, safari):
    assert code(resp, CHROME, credentials) == chrome
    assert code(resp, FIREFOX, credentials) == firefox
    assert code(resp, SAFARI, credentials) == safari
    assert code(resp, SPEC, credentials) == chrome  # the spec profile words things like Chromium


# --- on a preflight ---------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ALL, ids=lambda p: p.name)
def test_preflight_variants_get_the_preflight_reason(profile):
    failure = check(response(status=204), profile, on_preflight=True)
    assert failure.code == ACAO_MISSING
    assert failure.on_preflight
    assert failure.reason == "preflight-acao-missing"
    assert failure.status == 204
    failure = check(acao(ORIGIN), profile, True, on_preflight=True)
    assert failure.reason == "preflight-acac-not-true"
    # the same failure on an actual response has the plain code
    assert check(response(), profile).reason == "acao-missing"


def test_every_profile_is_covered():
    assert set(PROFILES) == {"chrome", "firefox", "safari", "spec"}


# --- properties -------------------------------------------------------------------------------

from hypothesis import given, strategies as st  # noqa: E402

_acao = st.one_of(st.text(max_size=30), st.sampled_from(["*", ORIGIN, "null", OTHER, ORIGIN + "/"]))


@given(st.lists(_acao, max_size=3), st.one_of(st.none(), st.text(max_size=8), st.just("true")), st.booleans())
def test_engines_agree_on_allowed_or_blocked(lines, acac, credentials):
    """The profiles only word failures differently: whether a response passes never depends on the engine."""
    resp = acao(*lines, acac=acac)
    verdicts = {p.name: check(resp, p, credentials) is None for p in ALL}
    assert len(set(verdicts.values())) == 1, verdicts
    # and it passes exactly when the standard says so (section 4)
    value = ", ".join(lines).strip(" \t") if lines else None
    expected = value is not None and (
        (value == "*" and not credentials) or (value == ORIGIN and (not credentials or (acac or "").strip(" \t") == "true"))
    )
    assert verdicts["spec"] is expected
