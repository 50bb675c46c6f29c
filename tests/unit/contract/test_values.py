"""The words of contract errors (type names, echoed values, YAML hints, suggestions), exactly.

Found by mutation testing (docs/mutation/contract.md).
"""

from __future__ import annotations

import datetime

import pytest

from pytest_cors.contract.model import ContractError, Location
from pytest_cors.contract.values import did_you_mean, fail_at, quote_hint, shown_value, string_list, type_name

NULL_HINT = ' (the opaque origin is the string "null": in YAML quote it, a bare null means no value)'
BOOL_HINT = " (in YAML, unquoted yes/no/on/off/true/false are booleans: quote the value)"


def where(path):
    return Location("c.yaml", detail=repr(tuple(path)))


def error_of(key, value, at=()):
    with pytest.raises(ContractError) as info:
        string_list(where, key, value, at=at)
    return info.value.where.detail, info.value.message


@pytest.mark.parametrize(
    ("key", "value", "hint"),
    [
        ("origins", None, NULL_HINT),
        ("deny_origins", None, NULL_HINT),
        ("origin", None, NULL_HINT),
        ("methods", None, ""),
        ("origins", True, BOOL_HINT),
        ("methods", False, BOOL_HINT),
        ("origins", 0, ""),
        ("origins", "null", ""),
    ],
)
def test_quote_hints_are_given_for_yaml_nulls_in_origins_and_for_booleans(key, value, hint):
    assert quote_hint(key, value) == hint


def test_did_you_mean_names_the_closest_choice_or_nothing():
    assert did_you_mean("orgins", ("name", "origins", "origin")) == "; did you mean 'origins'?"
    assert did_you_mean("methds", ("methods", "max_age")) == "; did you mean 'methods'?"
    assert did_you_mean("zzz", ("methods", "max_age")) == ""
    assert did_you_mean("ab", ("abcde",)) == ""  # ratio 0.57, under the 0.6 cutoff
    assert did_you_mean("abc", ("abcde",)) == "; did you mean 'abcde'?"  # ratio 0.75


def test_type_names_of_anything_else_are_python_class_names():
    assert type_name(datetime.date(2020, 1, 2)) == "date"
    assert type_name(b"x") == "bytes"
    assert type_name(()) == "list"


@pytest.mark.parametrize(("limit", "shown"), [(4, "'ab'"), (5, "'ab'"), (3, "'ab…")])
def test_the_echo_limit_is_a_parameter(limit, shown):
    assert shown_value("ab", limit) == shown


def test_fail_at_locates_the_path():
    error = fail_at(where, ("a", 1), "bad")
    assert (error.message, error.where) == ("bad", Location("c.yaml", detail="('a', 1)"))


def test_a_string_or_a_list_of_strings_gives_each_string_with_its_path():
    assert string_list(where, "origins", "x") == [(("origins",), "x")]
    assert string_list(where, "origins", ["x", "y"]) == [(("origins", 0), "x"), (("origins", 1), "y")]
    assert string_list(where, "origins", ("x",)) == [(("origins", 0), "x")]
    assert string_list(where, "origins", []) == []
    assert string_list(where, "skip", ["x"], at=("audit", "skip")) == [(("audit", "skip", 0), "x")]
    assert string_list(where, "skip", "x", at=("audit", "skip")) == [(("audit", "skip"), "x")]


@pytest.mark.parametrize(
    ("key", "value", "at", "path", "message"),
    [
        ("origins", ["x", None], (), ("origins", 1), f"origins[1] must be a string, got null None{NULL_HINT}"),
        ("methods", [True], (), ("methods", 0), f"methods[0] must be a string, got boolean True{BOOL_HINT}"),
        ("methods", ["GET", 3], (), ("methods", 1), "methods[1] must be a string, got integer 3"),
        ("origins", None, (), ("origins",), f"origins must be a string or a list of strings, got null None{NULL_HINT}"),
        ("methods", False, (), ("methods",), f"methods must be a string or a list of strings, got boolean False{BOOL_HINT}"),
        ("methods", {"a": 1}, (), ("methods",), "methods must be a string or a list of strings, got mapping {'a': 1}"),
        ("skip", 5, ("audit", "skip"), ("audit", "skip"), "audit.skip must be a string or a list of strings, got integer 5"),
        ("skip", ["a", 5], ("audit", "skip"), ("audit", "skip", 1), "audit.skip[1] must be a string, got integer 5"),
    ],
)
def test_anything_else_is_an_error_at_the_value_with_its_yaml_name(key, value, at, path, message):
    assert error_of(key, value, at) == (repr(path), message)
