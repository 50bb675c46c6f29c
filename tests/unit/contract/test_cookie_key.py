"""The ``cookies`` key: every error points at the value to fix, with its exact message.

Found by mutation testing (docs/mutation/contract.md): the key paths and most messages were only
checked through a collected YAML file, with wildcards.
"""

from __future__ import annotations

from typing import Any, Tuple

import pytest

from pytest_cors.browser.cookies import Cookie, SameSite
from pytest_cors.contract.cookie_key import COOKIES_NEED_CREDENTIALS, parse_cookies


class Refused(Exception):
    def __init__(self, path: Tuple[Any, ...], message: str) -> None:
        super().__init__(message)
        self.path, self.message = path, message


def error_of(value: Any, key: str = "cookies") -> Tuple[Tuple[Any, ...], str]:
    with pytest.raises(Refused) as info:
        parse_cookies(value, Refused, key)
    return info.value.path, info.value.message


BAD_VALUE = (
    "has characters a cookie value cannot hold (space, comma, semicolon, backslash, quotes or non-ASCII); "
    "encode it (e.g. URL-encode or base64) as the server does"
)

CASES = [
    (["sid"], ("cookies",),
     "cookies must be a mapping of cookie name to value (or to {value, samesite, secure, partitioned}), got list"),
    ("sid=1", ("cookies",),
     "cookies must be a mapping of cookie name to value (or to {value, samesite, secure, partitioned}), got string"),
    ({"s id": "1"}, ("cookies", "s id"),
     "cookies: 's id' is not a valid cookie name (letters, digits and !#$%&'*+-.^_`|~)"),
    ({7: "1"}, ("cookies", 7), "cookies: 7 is not a valid cookie name (letters, digits and !#$%&'*+-.^_`|~)"),
    ({"sid": True}, ("cookies", "sid"), "cookies: the value of cookie 'sid' must be a string, got boolean (quote it in YAML)"),
    ({"sid": None}, ("cookies", "sid"), "cookies: the value of cookie 'sid' must be a string, got null"),
    ({"sid": ["a"]}, ("cookies", "sid"), "cookies: the value of cookie 'sid' must be a string, got list"),
    ({"sid": {"value": {"a": 1}}}, ("cookies", "sid", "value"), "cookies: the value of cookie 'sid' must be a string, got mapping"),
    ({"sid": 1}.keys(), ("cookies",),
     "cookies must be a mapping of cookie name to value (or to {value, samesite, secure, partitioned}), got dict_keys"),
    ({"sid": "a;b"}, ("cookies", "sid"), f"cookies: the value of cookie 'sid' {BAD_VALUE}"),
    ({"sid": "a b"}, ("cookies", "sid"), f"cookies: the value of cookie 'sid' {BAD_VALUE}"),
    ({"sid": {"value": 'a"b'}}, ("cookies", "sid", "value"), f"cookies: the value of cookie 'sid' {BAD_VALUE}"),
    ({"sid": {"value": "x", "secur": True}}, ("cookies", "sid", "secur"),
     "cookies: unknown attribute 'secur' of cookie 'sid'; did you mean 'secure'? (valid: value, samesite, secure, partitioned)"),
    ({"sid": {"value": "x", "SameSite": "Lax"}}, ("cookies", "sid", "SameSite"),
     "cookies: unknown attribute 'SameSite' of cookie 'sid'; did you mean 'samesite'? (valid: value, samesite, secure, partitioned)"),
    ({"sid": {"value": "x", "domain": "a"}}, ("cookies", "sid", "domain"),
     "cookies: unknown attribute 'domain' of cookie 'sid' (valid: value, samesite, secure, partitioned)"),
    ({"sid": {"samesite": "Lax"}}, ("cookies", "sid"),
     "cookies: cookie 'sid' needs a value (e.g. sid: {value: abc123, samesite: Lax})"),
    ({"sid": {"value": "x", "samesite": "lacks"}}, ("cookies", "sid", "samesite"),
     "cookies: sid.samesite must be Strict, Lax or None, got 'lacks'"),
    ({"sid": {"value": "x", "samesite": None}}, ("cookies", "sid", "samesite"),
     "cookies: sid.samesite must be Strict, Lax or None, got None "
     '(in YAML, quote "None": a bare None is still the string None, but null/~ mean no value)'),
    ({"sid": {"value": "x", "secure": "yes"}}, ("cookies", "sid", "secure"), "cookies: sid.secure must be true or false, got 'yes'"),
    ({"sid": {"value": "x", "secure": True, "partitioned": 1}}, ("cookies", "sid", "partitioned"),
     "cookies: sid.partitioned must be true or false, got 1"),
    ({"sid": {"value": "x", "partitioned": True}}, ("cookies", "sid"),
     "cookies: cookie 'sid' is partitioned but not secure; browsers reject Partitioned cookies without Secure"),
    ({"sid": {"value": "x", "partitioned": True, "secure": False}}, ("cookies", "sid"),
     "cookies: cookie 'sid' is partitioned but not secure; browsers reject Partitioned cookies without Secure"),
]


@pytest.mark.parametrize(("value", "path", "message"), CASES, ids=[c[2][:50] for c in CASES])
def test_each_cookie_error_points_at_the_value_with_its_exact_message(value, path, message):
    assert error_of(value) == (path, message)


def test_errors_name_the_key_the_caller_gives():
    """The ``cors_cookies`` fixture's value goes through the same checks under its own name."""
    assert error_of(["sid"], key="cors_cookies")[0] == ("cors_cookies",)
    assert error_of({"sid": {"value": "x", "secure": 1}}, key="cors_cookies")[0] == ("cors_cookies", "sid", "secure")


def test_values_and_attributes_are_read_with_their_defaults():
    cookies = parse_cookies(
        {
            "a": "v1",
            "b": 42,
            "c": {"value": '"quoted"', "samesite": " strict ", "secure": True, "partitioned": True},
            "d": {"value": "", "samesite": "LAX"},
            "e": {"value": "x", "samesite": "None", "secure": True, "partitioned": False},
        },
        Refused,
    )
    assert cookies == (
        Cookie("a", "v1"),
        Cookie("b", "42"),
        Cookie("c", '"quoted"', SameSite.STRICT, secure=True, partitioned=True),
        Cookie("d", "", SameSite.LAX),
        Cookie("e", "x", SameSite.NONE, secure=True),
    )
    assert [(c.secure, c.partitioned, c.samesite) for c in cookies[:2]] == [(False, False, None)] * 2


def test_no_cookies_is_an_empty_jar():
    assert parse_cookies(None, Refused) == ()
    assert parse_cookies({}, Refused) == ()


@pytest.mark.parametrize("value", ["!#$%&'()*+-./:<=>?@[]^_`{|}~", "abc123", "a=b", '""'])
def test_every_cookie_octet_is_kept(value):
    assert parse_cookies({"sid": value}, Refused) == (Cookie("sid", value),)


@pytest.mark.parametrize("value", ["a,b", "a\\b", "caf\u00e9", "a\x7f", '"a', 'a"'])
def test_what_a_cookie_value_cannot_hold_is_refused(value):
    assert error_of({"sid": value}) == (("cookies", "sid"), f"cookies: the value of cookie 'sid' {BAD_VALUE}")


def test_cookies_need_credentials_says_how_to_fix_it():
    assert COOKIES_NEED_CREDENTIALS == (
        "cookies are given but credentials is false: browsers send cookies only on credentialed requests "
        "(fetch(..., {credentials: 'include'})); set credentials: true"
    )
