"""What may leave the plugin: secret headers, known secret values and URL passwords never do."""

from __future__ import annotations

import pytest

from pytest_cors.contract.schema import parse_contract
from pytest_cors.report.redaction import Redactor, SecretValues, printable, shorten

R = "<redacted>"


@pytest.mark.parametrize("name", ["Authorization", "cookie", "PROXY-AUTHORIZATION", "Set-Cookie"])
def test_credential_headers_are_always_hidden(name):
    assert Redactor().is_secret(name)
    assert Redactor().header(name, "Bearer abc") == R


@pytest.mark.parametrize("name", ["X-Api-Key", "Origin", "Authorization-Hint", "cookies"])
def test_other_headers_are_shown(name):
    assert not Redactor().is_secret(name)
    assert Redactor().header(name, "Bearer abc") == "Bearer abc"


def test_listed_headers_are_hidden_in_any_case_and_blank_names_ignored():
    redactor = Redactor.with_names([" X-Api-Key ", "", "  ", "x-TENANT"])
    assert redactor.extra == frozenset({"x-api-key", "x-tenant"})
    assert redactor.is_secret("x-api-key") and redactor.is_secret("X-Tenant") and redactor.is_secret("Cookie")
    assert redactor.header("X-API-KEY", "k-123") == R
    assert not redactor.is_secret("X-Other")


def test_secret_values_of_four_characters_or_more_are_hidden_anywhere():
    values = SecretValues()
    values.add(["abc", "abcd", "s3cret-token"])
    redactor = Redactor(values=values)
    assert redactor.header("X-Echo", "abc abcd s3cret-token") == f"abc {R} {R}"
    assert redactor.text("x abc abcd") == f"x abc {R}"
    assert redactor.url("https://api.example.com/abcd?t=abc") == f"https://api.example.com/{R}?t=abc"


def test_the_longest_secret_is_hidden_first_so_no_tail_is_left():
    values = SecretValues()
    values.add(["tokn", "tokn-1234"])
    assert values.hide("a tokn-1234 b tokn") == f"a {R} b {R}"
    assert Redactor().text("a tokn-1234 b", ["tokn", "tokn-1234"]) == f"a {R} b"
    # by length, not by name: "zzzz" sorts after "ab-zzzz-cd" but is hidden after it
    assert Redactor().text("x ab-zzzz-cd y", ["zzzz", "ab-zzzz-cd"]) == f"x {R} y"


def test_text_hides_the_given_secrets_of_four_characters_or_more_and_url_passwords():
    values = SecretValues()
    values.add(["registered"])
    text = "key abc, key abcd, registered, see https://me:pa55@api.example.com/x"
    assert Redactor(values=values).text(text, ["abc", "abcd"]) == (
        f"key abc, key {R}, {R}, see https://me:{R}@api.example.com/x"
    )


def test_contract_secrets_are_the_secret_header_values_and_the_cookie_values():
    contract = parse_contract({
        "path": "/api", "origins": ["https://app.example.com"], "credentials": True,
        "request_headers": {"Authorization": "Bearer tok-1", "X-Api-Key": "key-2", "X-Trace": "trace-3"},
        "cookies": {"session": "cookie-4"},
    })
    assert Redactor().contract_secrets(contract) == ["Bearer tok-1", "cookie-4"]
    assert Redactor.with_names(["x-api-key"]).contract_secrets(contract) == ["Bearer tok-1", "key-2", "cookie-4"]


@pytest.mark.parametrize(
    "url, shown",
    [
        ("https://me:pa55@api.example.com:8443/a?b=1#c", f"https://me:{R}@api.example.com:8443/a?b=1#c"),
        ("https://me@corp:pa55@api.example.com/", f"https://me@corp:{R}@api.example.com/"),
        ("https://me:@api.example.com/", f"https://me:{R}@api.example.com/"),
        ("https://me@api.example.com/", "https://me@api.example.com/"),
        ("https://api.example.com/p?q=1", "https://api.example.com/p?q=1"),
        ("http://me:pa55@[::1/x", f"http://me:{R}@[::1/x"),  # not parseable: the pattern hides it
    ],
)
def test_a_url_keeps_the_user_and_hides_the_password(url, shown):
    assert Redactor().url(url) == shown


def test_an_unparseable_url_has_its_registered_values_hidden_too():
    values = SecretValues()
    values.add(["tenant-7"])
    assert Redactor(values=values).url("http://[::1/tenant-7") == f"http://[::1/{R}"


@pytest.mark.parametrize(
    "text, shown",
    [
        ("at https://a:b@h.example/x and http://c:d@i.example",
         f"at https://a:{R}@h.example/x and http://c:{R}@i.example"),
        ("git+ssh://me:pw@host.example/repo", f"git+ssh://me:{R}@host.example/repo"),
        ("my.scheme-2://me:pw@host", f"my.scheme-2://me:{R}@host"),
        ("https://me@host.example/a:b@c", "https://me@host.example/a:b@c"),
        ("user:pw@host without a scheme", "user:pw@host without a scheme"),
        ("https://me:p w@host", "https://me:p w@host"),
    ],
)
def test_passwords_in_free_text_are_hidden(text, shown):
    assert Redactor.urls(text) == shown


def test_shorten_clips_past_the_limit_and_says_how_long_it_was():
    assert shorten("x" * 200) == "x" * 200
    assert shorten("x" * 201) == "x" * 200 + "… (201 chars)"
    assert shorten("abcdef", 5) == "abcde… (6 chars)"
    assert shorten("abcde", 5) == "abcde"


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("a\x00b\x08c\x0bd\x0ce\re\x1ff\x7fg\x80h\x9fi", "a\\x00b\\x08c\\x0bd\\x0ce\\x0de\\x1ff\\x7fg\\x80h\\x9fi"),
        ("tab\tand\nnewline kept, \xa0 and é too", "tab\tand\nnewline kept, \xa0 and é too"),
        ("line\u2028separator\u2029", "line\\u2028separator\\u2029"),
    ],
)
def test_printable_escapes_control_characters(raw, shown):
    assert printable(raw) == shown


def test_printable_clips_long_quoted_values_and_long_lines():
    assert printable("v '" + "x" * 200 + "'") == "v '" + "x" * 200 + "'"
    assert printable("v '" + "x" * 201 + "' end") == "v '" + "x" * 120 + "… (201 chars)' end"
    assert printable("v ‘" + "y" * 201 + "’") == "v ‘" + "y" * 120 + "… (201 chars)’"
    assert printable("z" * 1000 + "\nnext") == "z" * 1000 + "\nnext"
    assert printable("z" * 1001 + "\nnext") == "z" * 1000 + "… (1001 chars)\nnext"
