"""Every contract error points at the key the user must edit, with the exact message.

``parse_contract`` asks ``locate(path)`` where a value was written (a YAML file:line, or a marker
argument); a wrong path sends the user to the wrong line. Found by mutation testing
(docs/mutation.md): these paths and several messages were never asserted.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, Tuple

import pytest

from pytest_cors.audit.catalogue import PROBE_IDS
from pytest_cors.contract.model import AuditSettings, Location
from pytest_cors.contract.schema import MAX_AGE_LIMIT, ContractError, parse_contract, shown_value, type_name

A = "https://a.example.com"


def error_of(data: Dict[str, Any]) -> Tuple[Tuple[Any, ...], str]:
    """(key path the error points at, message) for a contract that must be refused."""
    with pytest.raises(ContractError) as info:
        parse_contract(data, locate=lambda path: Location("c.yaml", detail=repr(tuple(path))))
    return eval(info.value.where.detail), info.value.message  # noqa: S307 -- our own repr of a tuple


CASES = [
    (
        {"path": "/a", "origins": [A], "request_headers": {7: "v"}},
        ("request_headers", 7),
        "request_headers: header name must be a string, got integer 7",
    ),
    (
        {"path": "/a", "origins": [A], "request_headers": {"X-A": "ok\r\nX-B: 1"}},
        ("request_headers", "X-A"),
        "request_headers: the value of 'X-A' contains CR, LF or NUL",
    ),
    (
        {"path": "/a", "origins": [A], "request_headers": {"X-A": "caf\u0100"}},
        ("request_headers", "X-A"),
        "request_headers: the value of 'X-A' has characters beyond Latin-1; fetch() rejects it",
    ),
    (
        {"path": "/a", "origins": [A], "request_headers": {"X-A": [1]}},
        ("request_headers", "X-A"),
        "request_headers: the value of 'X-A' must be a string, got list [1]",
    ),
    (
        {"path": "/a", "origins": [A], "request_headers": ["X-A", 3]},
        ("request_headers", 1),
        "request_headers[1] must be a string, got integer 3",
    ),
    (
        {"path": "/a", "origins": [A], "request_headers": 5},
        ("request_headers",),
        "request_headers must be a list of header names or a mapping name -> value, got integer",
    ),
    (
        {"path": "/a", "origins": [A], "request_headers": ["X-A", "Cookie"]},
        ("request_headers", 1),
        "request_headers: 'Cookie' is a forbidden request header: browsers never let scripts set it "
        "(fetch() silently drops it), so it cannot be part of a CORS contract",
    ),
    (
        {"path": "/a", "origins": [A], "request_headers": ["X-A", "x-a"]},
        ("request_headers", 1),
        "request_headers: 'x-a' is listed twice",
    ),
    (
        {"path": "/a", "origins": [A], "expose_headers": ["X-A", 3]},
        ("expose_headers", 1),
        "expose_headers[1] must be a string, got integer 3",
    ),
    (
        {"path": "/a", "origins": [A], "expose_headers": ["X-A", "X B"]},
        ("expose_headers", 1),
        "expose_headers: 'X B' is not a valid header name",
    ),
    (
        {"path": "/a", "origins": [A], "expose_headers": ["Set-Cookie2"]},
        ("expose_headers",),
        "expose_headers: 'Set-Cookie2' is never readable by JavaScript, whatever the server sends",
    ),
    ({"path": "/a", "origins": [A], "max_age": {"min": 1, "most": 2}}, ("max_age", "most"), "max_age: unknown key 'most'; use min and/or max"),
    ({"path": "/a", "origins": [A], "max_age": {}}, ("max_age",), "max_age: give min and/or max"),
    ({"path": "/a", "origins": [A], "max_age": {"min": -1}}, ("max_age", "min"), "max_age.min must not be negative, got -1"),
    ({"path": "/a", "origins": [A], "max_age": {"max": "1"}}, ("max_age", "max"), "max_age.max must be a whole number of seconds, got string '1'"),
    ({"path": "/a", "origins": [A], "max_age": {"min": 9, "max": 2}}, ("max_age",), "max_age: min (9) is greater than max (2)"),
    (
        {"path": "/a", "origins": ["*"], "deny_origins": [A]},
        ("deny_origins",),
        "origins: ['*'] allows every origin, so deny_origins can never hold",
    ),
    (
        {"path": "/a", "origins": ["*"], "credentials": True},
        ("credentials",),
        "origins: ['*'] with credentials: true cannot work: browsers refuse 'Access-Control-Allow-Origin: *' on "
        "credentialed requests; list the trusted origins instead",
    ),
    (
        {"path": "/a", "origins": [A], "body": "{}"},
        ("body",),
        "body is given but methods include GET (the default): fetch() refuses a body on GET/HEAD requests "
        "(TypeError: Request with GET/HEAD method cannot have body); put the body on a POST/PUT/PATCH contract or drop it",
    ),
    (
        {"path": "/a", "origins": [A], "methods": ["POST", "HEAD"], "body": "{}"},
        ("body",),
        "body is given but methods include HEAD: fetch() refuses a body on GET/HEAD requests "
        "(TypeError: Request with GET/HEAD method cannot have body); put the body on a POST/PUT/PATCH contract or drop it",
    ),
    ({"path": "/a", "origins": [A], "body": 3}, ("body",), "body must be a string (or a mapping/list sent as JSON), got integer"),
    (
        {"path": "/a", "origins": [A], "audit": 3},
        ("audit",),
        "audit must be true, false or {skip: [probe ids]}, got integer",
    ),
    (
        {"path": "/a", "origins": [A], "audit": {"skipp": []}},
        ("audit", "skipp"),
        "audit: unknown key 'skipp'; use audit: {skip: [probe ids]}",
    ),
]


@pytest.mark.parametrize(("data", "path", "message"), CASES, ids=[c[2][:40] for c in CASES])
def test_each_error_points_at_the_key_to_fix_with_its_exact_message(data, path, message):
    assert error_of(data) == (path, message)


def test_latin1_ends_at_0xff():
    """fetch() takes byte strings: U+00FF is the last character a header value may hold."""
    contract = parse_contract({"path": "/a", "origins": [A], "request_headers": {"X-A": "\u00ff"}})
    assert contract.request_headers == (("X-A", "\u00ff"),)


def test_an_unknown_probe_in_audit_skip_points_at_its_list_entry_and_suggests_the_near_one():
    path, message = error_of({"path": "/a", "origins": [A], "audit": {"skip": ["null-origin", "reflect-any-orign"]}})
    assert path == ("audit", "skip", 1)
    assert message.startswith("audit.skip: unknown probe 'reflect-any-orign'; did you mean 'reflect-any-origin'? (probes: ")


def test_type_names_are_the_yaml_words():
    assert [type_name(v) for v in (None, True, 1, 1.5, "s", {}, [], ())] == [
        "null", "boolean", "integer", "number", "string", "mapping", "list", "list",
    ]


def test_shown_values_are_clipped_at_80_characters_with_an_ellipsis():
    assert shown_value("x" * 78) == repr("x" * 78)
    assert shown_value("x" * 79) == (repr("x" * 79))[:80] + "…"


def test_a_yaml_boolean_where_a_string_belongs_says_to_quote_it():
    path, message = error_of({"path": "/a", "origins": [A], "methods": ["GET", True]})
    assert path == ("methods", 1)
    assert message == (
        "methods[1] must be a string, got boolean True "
        "(in YAML, unquoted yes/no/on/off/true/false are booleans: quote the value)"
    )


def test_a_method_listed_twice_points_at_the_second():
    assert error_of({"path": "/a", "origins": [A], "methods": ["GET", "get"]}) == (("methods", 1), "methods: 'GET' is listed twice")


def test_max_age_is_accepted_up_to_its_limit_and_refused_one_past_it():
    assert parse_contract({"path": "/a", "origins": [A], "max_age": MAX_AGE_LIMIT}).max_age.exact == MAX_AGE_LIMIT
    assert error_of({"path": "/a", "origins": [A], "max_age": MAX_AGE_LIMIT + 1}) == (
        ("max_age",),
        f"max_age {MAX_AGE_LIMIT + 1} is out of range (at most {MAX_AGE_LIMIT} seconds; browsers cap it anyway: "
        "Chromium at 7200, Firefox at 86400)",
    )


def test_an_empty_audit_mapping_checks_every_probe():
    assert parse_contract({"path": "/a", "origins": [A], "audit": {}}).audit == AuditSettings(True, ())


def test_a_non_string_probe_id_is_named_where_it_is_written():
    assert error_of({"path": "/a", "origins": [A], "audit": {"skip": ["null-origin", 3]}}) == (
        ("audit", "skip", 1), "audit.skip[1] must be a string, got integer 3"
    )


def test_a_skip_that_is_not_a_list_is_named_where_it_is_written():
    assert error_of({"path": "/a", "origins": [A], "audit": {"skip": {"a": 1}}}) == (
        ("audit", "skip"), "audit.skip must be a string or a list of strings, got mapping {'a': 1}"
    )


def test_a_yaml_boolean_probe_id_gets_the_quote_hint():
    _, message = error_of({"path": "/a", "origins": [A], "audit": {"skip": [True]}})
    assert message == (
        "audit.skip[0] must be a string, got boolean True"
        " (in YAML, unquoted yes/no/on/off/true/false are booleans: quote the value)"
    )


def test_an_unknown_probe_lists_every_probe():
    _, message = error_of({"path": "/a", "origins": [A], "audit": {"skip": ["nope-nope-nope"]}})
    assert message == f"audit.skip: unknown probe 'nope-nope-nope' (probes: {', '.join(PROBE_IDS)})"


def test_a_value_of_another_python_type_is_named_by_its_type():
    """YAML dates arrive as datetime.date: the message names 'date', not a YAML word it is not."""
    assert type_name(datetime.date(2024, 1, 1)) == "date"
    assert error_of({"path": "/a", "origins": [A], "body": datetime.date(2024, 1, 1)})[1] == (
        "body must be a string (or a mapping/list sent as JSON), got date"
    )


MORE_CASES = [
    ({"path": 5, "origins": [A]}, ("path",), "path must be a string like '/api/users', got integer 5"),
    (
        {"path": "HTTPS://x.example.com/api", "origins": [A]},
        ("path",),
        "path 'HTTPS://x.example.com/api' is a full URL; give the path only (e.g. '/api/users') and set the target "
        "with --cors-url, the cors_url ini key, or target: in the YAML file",
    ),
    ({"path": "/a", "name": "", "origins": [A]}, ("name",), "name must be a non-empty string, got string ''"),
    ({"path": "/a", 3: 1, "origins": [A]}, (3,), "contract keys must be strings, got integer 3"),
    ({"path": "/a", "origins": [A], "origin": [A]}, ("origin",), "'origin' and 'origins' given together; use 'origins' only"),
    (
        {"path": "/a", "origins": [A], "deny_origins": ["https://*.example.com"]},
        ("deny_origins", 0),
        "deny_origins: 'https://*.example.com' is a pattern; deny_origins takes exact origins only",
    ),
    ({"path": "/a", "origins": [A, "https://b.example.com", A]}, ("origins", 2), "origins: origin 'https://a.example.com' is listed twice"),
    (
        {"path": "/a", "origins": ["https://a.example.com https://b.example.com"]},
        ("origins", 0),
        "origins: 'https://a.example.com https://b.example.com' is several origins in one string; "
        "write a list: [https://a.example.com, https://b.example.com]",
    ),
    (
        {"path": "/a", "origins": ["https://a.example.com,https://b.example.com"]},
        ("origins", 0),
        "origins: 'https://a.example.com,https://b.example.com' is several origins in one string; "
        "write a list: [https://a.example.com, https://b.example.com]",
    ),
    ({"path": "/a", "deny_origins": [A], "expose_headers": ["X-A"]}, ("expose_headers",), "expose_headers needs at least one allowed origin to read them"),
    (
        {"path": "/a", "origins": [A], "cookies": {"sid": "1"}},
        ("cookies",),
        "cookies are given but credentials is false: browsers send cookies only on credentialed requests "
        "(fetch(..., {credentials: 'include'})); set credentials: true",
    ),
    (["x"], (), "a contract must be a mapping of keys, got list ['x']"),
    (
        {"origins": [A], "methods": ["GET"]},
        (),
        "the contract with origins, methods is missing the required key 'path' (e.g. path: /api/users)",
    ),
]


@pytest.mark.parametrize(("data", "path", "message"), MORE_CASES, ids=[c[2][:40] for c in MORE_CASES])
def test_more_errors_point_at_the_key_to_fix_with_their_exact_message(data, path, message):
    assert error_of(data) == (path, message)


def test_a_header_value_may_hold_any_latin1_text_but_cr_lf_nul():
    value = "XX Bearer abc, 0\t$&'\""
    contract = parse_contract({"path": "/a", "origins": [A], "request_headers": {"X-A": value}})
    assert contract.request_headers == (("X-A", value),)


def test_without_locate_every_error_points_at_where_a_location_or_a_label():
    """Markers pass a label (the test's node id), ``cors.check_contract`` a Location: both print as given."""
    with pytest.raises(ContractError) as info:
        parse_contract({"path": "/a"}, where=Location("f.yaml", 2, 3))
    assert str(info.value).startswith("f.yaml:2:3: contract '/a' has nothing to check")
    with pytest.raises(ContractError) as info:
        parse_contract({"path": "/a"}, where="tests/test_x.py::test_a")
    assert str(info.value).startswith("tests/test_x.py::test_a: contract '/a' has nothing to check")
    assert parse_contract({"path": "/a", "origins": [A]}, where=Location("f.yaml", 2, 3)).where == Location("f.yaml", 2, 3)
