"""Rules whose values reach reports and the public verdict: the exact failure of an unparsable
Allow list, the header check past a wildcard, a cache cap below the default, ``Vary``, and what
JavaScript reads of an exposed response.

Expectations: cors-ground-truth.md sections 3 (lists, Max-Age) and 5 (exposure); the Fetch
standard's "CORS-preflight cache" (absent Max-Age: 5 s, then the engine's cap) and HTTP's ``Vary``.
"""

from __future__ import annotations

import dataclasses

import pytest

from pytest_cors.browser.exchange import HttpResponse
from pytest_cors.browser.profiles import CHROME, FIREFOX, SAFARI, SPEC
from pytest_cors.browser.rules import (
    ACAH_INVALID,
    ACAM_INVALID,
    AUTHORIZATION_UNDER_WILDCARD,
    HEADER_NOT_ALLOWED,
    Failure,
    evaluate_preflight,
    exposed_header_names,
    max_age_seconds,
    readable_headers,
    vary_lists_origin,
)

ORIGIN = "https://app.example"
ALL = [CHROME, FIREFOX, SAFARI, SPEC]


def ids(profile):
    return profile.name


def preflight(status=204, **headers):
    pairs = (("Access-Control-Allow-Origin", ORIGIN),)
    return HttpResponse(status, pairs + tuple((name.replace("_", "-"), value) for name, value in headers.items()))


@pytest.mark.parametrize("profile", ALL, ids=ids)
@pytest.mark.parametrize("status", [200, 204])
def test_an_unparsable_allow_list_fails_naming_the_bad_item_the_status_and_the_raw_value(profile, status):
    methods = preflight(status, Access_Control_Allow_Methods="PUT, PU T, x@y")
    assert evaluate_preflight(methods, "PUT", [], False, ORIGIN, profile).failure == Failure(
        ACAM_INVALID, True, "PU T", status, "PUT, PU T, x@y"
    )
    headers = preflight(status, Access_Control_Allow_Methods="PUT", Access_Control_Allow_Headers="X-Token, X Other")
    assert evaluate_preflight(headers, "PUT", ["x-token"], False, ORIGIN, profile).failure == Failure(
        ACAH_INVALID, True, "X Other", status, "X-Token, X Other"
    )


@pytest.mark.parametrize("profile", ALL, ids=ids)
def test_the_headers_wildcard_covers_one_name_and_the_check_goes_on_to_authorization(profile):
    # ACRH is sorted: a-token comes before authorization, which '*' covers only in browsers
    resp = preflight(Access_Control_Allow_Methods="PUT", Access_Control_Allow_Headers="*")
    result = evaluate_preflight(resp, "PUT", ["a-token", "authorization"], False, ORIGIN, profile)
    if profile is SPEC:
        assert result.failure == Failure(HEADER_NOT_ALLOWED, True, "authorization")
    else:
        assert result.failure is None
        assert result.warnings == (() if profile is SAFARI else (AUTHORIZATION_UNDER_WILDCARD,))


def test_an_absent_max_age_is_held_to_a_cap_below_the_default():
    # the default 5 s is still subject to the engine's cap (a profile may cap lower)
    assert max_age_seconds([], dataclasses.replace(CHROME, max_age_cap=2)) == 2
    assert max_age_seconds([], dataclasses.replace(CHROME, max_age_cap=None)) == 5


@pytest.mark.parametrize(
    "vary, listed",
    [
        (None, False),
        ("Origin", True),
        ("origin", True),
        ("Accept-Encoding, Origin", True),
        ("Accept-Encoding,ORIGIN ", True),
        ("*", True),
        ("Accept, *", True),
        ("Accept-Encoding", False),
        ("Origins", False),
        ("Accept-Encoding Origin", False),
        ("", False),
    ],
)
def test_vary_lists_origin_reads_the_comma_list_case_insensitively(vary, listed):
    resp = HttpResponse(200, () if vary is None else (("Vary", vary),))
    assert vary_lists_origin(resp) is listed


def test_vary_lines_are_combined():
    assert vary_lists_origin(HttpResponse(200, (("Vary", "Accept"), ("vary", "Origin"))))


def test_exposure_is_a_property_of_the_response_not_of_the_headers_it_sends():
    # '*' adds the sent names to the safelist and the listed names; it does not replace them
    resp = HttpResponse(200, (("Access-Control-Expose-Headers", "*, X-Later"), ("X-Now", "1")))
    exposed = exposed_header_names(resp, credentials=False)
    assert {"x-later", "x-now", "content-type", "cache-control"} <= exposed
    assert exposed_header_names(resp, credentials=True) >= {"x-later", "content-type"}
    assert "x-now" not in exposed_header_names(resp, credentials=True)


def test_an_exposed_header_sent_empty_reads_as_the_empty_string():
    resp = HttpResponse(200, (("Access-Control-Expose-Headers", "X-Empty"), ("X-Empty", ""), ("Content-Language", "")))
    assert readable_headers(resp, credentials=False) == {"x-empty": "", "content-language": ""}
