"""Fixed vocabularies are closed: an unknown preflight step or message style is an error, not a pass."""

from __future__ import annotations

import dataclasses

import pytest

from pytest_cors.browser.exchange import HttpResponse
from pytest_cors.browser.messages import console_message
from pytest_cors.browser.profiles import CHROME, FIREFOX, SAFARI, MessageStyle, PreflightStep
from pytest_cors.browser.rules import Failure, evaluate_preflight

ORIGIN = "https://app.example"


def test_an_unknown_preflight_step_is_refused_when_the_profile_is_built():
    with pytest.raises(ValueError, match=r"BrowserProfile.preflight_order: unknown value 'cros' \(one of: redirect, status, cors"):
        dataclasses.replace(CHROME, preflight_order=("redirect", "cros", "status"))


def test_an_unknown_message_style_is_refused():
    with pytest.raises(ValueError, match=r"BrowserProfile.message_style: unknown value 'edge'"):
        dataclasses.replace(CHROME, message_style="edge")


def test_plain_names_become_members():
    profile = dataclasses.replace(CHROME, preflight_order=("status", "cors"), message_style="safari")
    assert profile.preflight_order == (PreflightStep.STATUS, PreflightStep.CORS)
    assert profile.message_style is MessageStyle.SAFARI


@pytest.mark.parametrize("step", list(PreflightStep))
def test_every_step_has_a_check_that_can_fail(step):
    # a response that breaks every rule: each step on its own must report its failure
    response = HttpResponse(302, (("Location", "/elsewhere"), ("Access-Control-Allow-Methods", "GET,,"), ("Access-Control-Allow-Headers", "a b")))
    profile = dataclasses.replace(CHROME, preflight_order=(step,))
    result = evaluate_preflight(response, "PUT", ["x-token"], False, ORIGIN, profile)
    assert result.failure is not None, step


def test_every_profile_runs_only_known_steps():
    for profile in (CHROME, FIREFOX, SAFARI):
        assert all(isinstance(step, PreflightStep) for step in profile.preflight_order)


def test_console_message_refuses_an_unknown_style():
    with pytest.raises(ValueError):
        console_message("edge", Failure("acao-missing", False, None, 200), None)  # type: ignore[arg-type]


def test_a_profile_written_with_plain_step_names_decides_like_one_written_with_members():
    plain = dataclasses.replace(CHROME, preflight_order=("redirect", "cors", "status", "lists", "method", "headers"))
    assert all(type(step) is PreflightStep for step in plain.preflight_order)
    refused = HttpResponse(204, (("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Methods", "GET")))
    assert evaluate_preflight(refused, "PUT", [], False, ORIGIN, plain) == evaluate_preflight(refused, "PUT", [], False, ORIGIN, CHROME)
    assert evaluate_preflight(refused, "PUT", [], False, ORIGIN, plain).failure.code == "method-not-allowed"
