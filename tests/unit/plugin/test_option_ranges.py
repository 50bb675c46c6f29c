"""Every numeric option's documented range, at both bounds and one step past each.

``--cors-timeout`` takes seconds in (0, 3600]; ``--cors-retries`` a whole number in [0, 10].
Each is checked from the command line and from its ini twin: an accepted value is used as given,
a refused one is a configuration error that names the option (or ini key) and the range.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pytest_cors.errors import CorsConfigurationError

TIMEOUT_RANGE = "is not a number of seconds between 0 and 3600"
RETRIES_RANGE = "is not a whole number from 0 to 10"



@pytest.mark.parametrize(
    ("text", "seconds"),
    [("0.001", 0.001), ("1e-9", 1e-9), ("3600", 3600.0), ("3600.0", 3600.0), ("10", 10.0)],
)
def test_timeouts_inside_the_range_are_used_as_given(settings_from, text, seconds):
    assert settings_from("--cors-timeout", text).timeout == seconds
    assert settings_from(ini=f"cors_timeout = {text}").timeout == seconds


@pytest.mark.parametrize("text", ["0", "-0.001", "3600.001", "3601", "-1", "nan", "inf"])
def test_timeouts_at_zero_or_past_an_hour_are_refused_naming_the_option(settings_from, text):
    with pytest.raises(CorsConfigurationError) as cli:
        settings_from("--cors-timeout", text)
    assert str(cli.value) == f"--cors-timeout: {text!r} {TIMEOUT_RANGE}"
    with pytest.raises(CorsConfigurationError) as ini:
        settings_from(ini=f"cors_timeout = {text}")
    assert str(ini.value) == f"ini cors_timeout: {text!r} {TIMEOUT_RANGE}"


@pytest.mark.parametrize("retries", [0, 1, 9, 10])
def test_retries_from_zero_to_ten_are_used_as_given(settings_from, retries):
    assert settings_from("--cors-retries", str(retries)).retries == retries
    assert settings_from(ini=f"cors_retries = {retries}").retries == retries


@pytest.mark.parametrize("text", ["-1", "11", "2.5", "three"])
def test_retries_below_zero_above_ten_or_not_whole_are_refused_naming_the_option(settings_from, text):
    with pytest.raises(CorsConfigurationError) as cli:
        settings_from("--cors-retries", text)
    assert str(cli.value) == f"--cors-retries: {text!r} {RETRIES_RANGE}"
    with pytest.raises(CorsConfigurationError) as ini:
        settings_from(ini=f"cors_retries = {text}")
    assert str(ini.value) == f"ini cors_retries: {text!r} {RETRIES_RANGE}"


def test_defaults_are_ten_seconds_and_no_retries(settings_from):
    loaded = settings_from()
    assert (loaded.timeout, loaded.retries) == (10.0, 0)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(retries=st.integers(min_value=-3, max_value=14), timeout=st.integers(min_value=-2, max_value=3603))
def test_a_value_is_accepted_exactly_when_it_is_inside_the_documented_range(settings_from, retries, timeout):
    args = ("--cors-retries", str(retries), "--cors-timeout", str(timeout))
    if 0 <= retries <= 10 and 0 < timeout <= 3600:
        loaded = settings_from(*args)
        assert (loaded.retries, loaded.timeout) == (retries, float(timeout))
    else:
        with pytest.raises(CorsConfigurationError, match=TIMEOUT_RANGE if not 0 < timeout <= 3600 else RETRIES_RANGE):
            settings_from(*args)
