"""Choosing engines (``--cors-browser``, ``browsers:``) and naming them in reports."""

from __future__ import annotations

import pytest

from pytest_cors.browser.profiles import (
    BROWSERS,
    CHROME,
    FIREFOX,
    PROFILES,
    SAFARI,
    SPEC,
    UnknownProfileError,
    display_names,
    select_profiles,
)

CHOICES = "all, chrome, firefox, safari, spec"


@pytest.mark.parametrize(
    "spec, selected",
    [
        ("all", (CHROME, FIREFOX, SAFARI)),  # the three browsers; the standard only when asked
        ("", (CHROME, FIREFOX, SAFARI)),
        (None, (CHROME, FIREFOX, SAFARI)),
        ("  ALL ", (CHROME, FIREFOX, SAFARI)),
        ("chrome", (CHROME,)),
        ("Safari", (SAFARI,)),
        ("spec", (SPEC,)),
        (" firefox , chrome ", (FIREFOX, CHROME)),  # in the order written
        ("chrome,,safari,", (CHROME, SAFARI)),  # empty items are skipped
        ("chrome,chrome", (CHROME,)),  # each once
        ("safari,all,spec", (SAFARI, CHROME, FIREFOX, SPEC)),
    ],
)
def test_select_profiles(spec, selected):
    assert select_profiles(spec) == selected


@pytest.mark.parametrize(
    "spec, message",
    [
        ("edge", f"unknown browser profile 'edge'; choose from: {CHOICES}"),
        ("chrome,webkit", f"unknown browser profile 'webkit'; choose from: {CHOICES}"),
        (",", f"no browser profile selected; choose from: {CHOICES}"),
        (" , ", f"no browser profile selected; choose from: {CHOICES}"),
    ],
)
def test_an_unknown_or_empty_choice_names_every_choice(spec, message):
    with pytest.raises(UnknownProfileError) as error:
        select_profiles(spec)
    assert str(error.value) == message
    assert isinstance(error.value, ValueError)


def test_display_names_in_the_order_given():
    assert display_names(["chrome", "safari"]) == "Chrome, Safari"
    assert display_names(BROWSERS) == "Chrome, Firefox, Safari"
    assert display_names(["spec"]) == "Fetch standard"
    assert display_names([]) == ""


def test_every_profile_is_known_by_its_name():
    assert BROWSERS == ("chrome", "firefox", "safari")
    assert {name: profile.name for name, profile in PROFILES.items()} == {n: n for n in ("chrome", "firefox", "safari", "spec")}
