"""Every option from the command line and from its ini twin, what wins, and what an empty key means.

For each ``--cors-*`` option: the ini key of the same name gives the same setting, the command line
wins over the ini file, an ini key left empty means the default, and the run's ``sources`` (shown in
the ``-v`` header) name where each non-default setting came from. Errors name the option or the ini
key the value came from, the value, and what to write instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Tuple

import pytest

from pytest_cors.errors import CorsConfigurationError
from pytest_cors.plugin.options import CorsSettings, Setting

PROFILE_CHOICES = "all, chrome, firefox, safari, spec"


def _bundle(folder: Path) -> str:
    path = folder / "ca.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    return str(path)


#: (option, ini key, a value other than the default, the setting it gives, that setting's expected value);
#: an unset target (url, app) reads as None here: an empty ini key leaves it "", which no reader tells apart
VALUES: Tuple[Tuple[str, str, Callable[[Path], str], Callable[[CorsSettings], Any], Callable[[Path], Any]], ...] = (
    ("--cors-url", "cors_url", lambda _: "http://127.0.0.1:8000", lambda s: s.url.value or None, lambda _: "http://127.0.0.1:8000"),
    ("--cors-app", "cors_app", lambda _: "myproject.wsgi:application", lambda s: s.app.value or None, lambda _: "myproject.wsgi:application"),
    ("--cors-app-interface", "cors_app_interface", lambda _: "ASGI", lambda s: s.app_interface, lambda _: "asgi"),
    ("--cors-app-origin", "cors_app_origin", lambda _: "https://API.example.com:443", lambda s: s.app_origin, lambda _: "https://api.example.com"),
    ("--cors-browser", "cors_browser", lambda _: "Safari, firefox", lambda s: s.profile_names, lambda _: ("safari", "firefox")),
    ("--cors-timeout", "cors_timeout", lambda _: "2.5", lambda s: s.timeout, lambda _: 2.5),
    ("--cors-retries", "cors_retries", lambda _: "3", lambda s: s.retries, lambda _: 3),
    ("--cors-ca-bundle", "cors_ca_bundle", _bundle, lambda s: s.verify, _bundle),
    ("--cors-redact", "cors_redact", lambda _: " X-Api-Key,,X-Token ,", lambda s: s.redact, lambda _: ("X-Api-Key", "X-Token")),
    ("--cors-audit", "cors_audit", lambda _: "warn", lambda s: s.audit, lambda _: "warn"),
    ("--cors-audit-severity", "cors_audit_severity", lambda _: "LOW", lambda s: s.audit_severity, lambda _: "low"),
)
IDS = [v[0] for v in VALUES]


@pytest.mark.parametrize(("flag", "ini", "value", "read", "expected"), VALUES, ids=IDS)
def test_every_option_and_its_ini_twin_give_the_same_setting(settings_from, tmp_path, flag, ini, value, read, expected):
    from_cli = settings_from(flag, value(tmp_path))
    assert read(from_cli) == expected(tmp_path)
    assert from_cli.sources == ((ini, flag),)
    from_ini = settings_from(ini=f"{ini} = {value(tmp_path)}")
    assert read(from_ini) == expected(tmp_path)
    assert from_ini.sources == ((ini, f"ini {ini}"),)


@pytest.mark.parametrize(("flag", "ini", "value", "read", "expected"), VALUES, ids=IDS)
def test_an_empty_ini_key_means_the_default(settings_from, flag, ini, value, read, expected):
    default = settings_from()
    emptied = settings_from(ini=f"{ini} =")
    assert read(emptied) == read(default)
    assert emptied.sources == ()


#: (option, ini key, the ini file's value, the command line's value, the setting, the command line's result)
OVERRIDES = [
    ("--cors-url", "cors_url", "https://staging.example.com", "http://127.0.0.1:8000", lambda s: s.url, Setting("http://127.0.0.1:8000", "--cors-url")),
    ("--cors-app", "cors_app", "app:one", "app:two", lambda s: s.app, Setting("app:two", "--cors-app")),
    ("--cors-app-interface", "cors_app_interface", "wsgi", "asgi", lambda s: s.app_interface, "asgi"),
    ("--cors-app-origin", "cors_app_origin", "https://one.example.com", "https://two.example.com", lambda s: s.app_origin, "https://two.example.com"),
    ("--cors-browser", "cors_browser", "chrome", "spec", lambda s: s.profile_names, ("spec",)),
    ("--cors-timeout", "cors_timeout", "5", "7", lambda s: s.timeout, 7.0),
    ("--cors-retries", "cors_retries", "5", "2", lambda s: s.retries, 2),
    ("--cors-redact", "cors_redact", "X-One", "X-Two", lambda s: s.redact, ("X-Two",)),
    ("--cors-audit", "cors_audit", "off", "warn", lambda s: s.audit, "warn"),
    ("--cors-audit-severity", "cors_audit_severity", "info", "critical", lambda s: s.audit_severity, "critical"),
]


@pytest.mark.parametrize(("flag", "ini", "in_ini", "on_cli", "read", "expected"), OVERRIDES, ids=[o[0] for o in OVERRIDES])
def test_the_command_line_wins_over_the_ini_file(settings_from, flag, ini, in_ini, on_cli, read, expected):
    loaded = settings_from(flag, on_cli, ini=f"{ini} = {in_ini}")
    assert read(loaded) == expected
    assert loaded.sources == ((ini, flag),)


@pytest.mark.parametrize(("flag", "ini", "attribute"), [("--cors-send-unsafe", "cors_send_unsafe", "send_unsafe"), ("--cors-insecure", "cors_insecure", "verify")])
def test_flags_are_off_by_default_and_on_from_the_command_line_or_the_ini_file(settings_from, flag, ini, attribute):
    on = attribute == "send_unsafe"  # --cors-insecure turns verification off
    assert getattr(settings_from(), attribute) is not on
    assert getattr(settings_from(flag), attribute) is on
    assert getattr(settings_from(ini=f"{ini} = true"), attribute) is on
    assert getattr(settings_from(ini=f"{ini} = false"), attribute) is not on


def test_redacted_header_names_one_per_line_in_the_ini_file(settings_from):
    loaded = settings_from(ini="cors_redact =\n    X-Api-Key\n    X-Token, X-Session\n")
    assert loaded.redact == ("X-Api-Key", "X-Token", "X-Session")


def test_several_settings_list_their_sources_in_the_options_order(settings_from):
    loaded = settings_from("--cors-audit", "warn", "--cors-browser", "chrome", ini="cors_timeout = 3\ncors_app = app:app")
    assert loaded.sources == (
        ("cors_app", "ini cors_app"), ("cors_browser", "--cors-browser"), ("cors_timeout", "ini cors_timeout"),
        ("cors_audit", "--cors-audit"),
    )


#: (option, ini key, bad value, the message after "<where>: ")
ERRORS = [
    ("--cors-browser", "cors_browser", "edge", f"unknown browser profile 'edge'; choose from: {PROFILE_CHOICES}"),
    ("--cors-browser", "cors_browser", "chrome,ie", f"unknown browser profile 'ie'; choose from: {PROFILE_CHOICES}"),
    ("--cors-browser", "cors_browser", ",", "no browser profile selected; choose from: all, chrome, firefox, safari, spec"),
    ("--cors-url", "cors_url", "ftp://files.example.com", "'ftp://files.example.com' is not an http(s) URL; did you mean 'https://files.example.com'?"),
    ("--cors-url", "cors_url", "staging.example.com", "'staging.example.com' is not an http(s) URL; did you mean 'https://staging.example.com'?"),
    ("--cors-url", "cors_url", "https://", "'https://' has no valid host (e.g. http://localhost:8000 or https://staging.example.com)"),
    ("--cors-url", "cors_url", "http://[::1", "'http://[::1' has no valid host (e.g. http://localhost:8000 or https://staging.example.com)"),
    ("--cors-app-origin", "cors_app_origin", "null", "the app must be served from a real origin, not null"),
    ("--cors-app-origin", "cors_app_origin", "https://api.example.com/v1",
     "invalid origin 'https://api.example.com/v1': it contains a path '/v1' (an origin has no path); did you mean 'https://api.example.com'?"),
    ("--cors-audit", "cors_audit", "strict", "'strict' is not one of fail, warn, off"),
]


@pytest.mark.parametrize(("flag", "ini", "value", "message"), ERRORS)
def test_a_bad_value_names_where_it_came_from_and_the_fix(settings_from, flag, ini, value, message):
    with pytest.raises(CorsConfigurationError) as cli:
        settings_from(flag, value)
    assert str(cli.value) == f"{flag}: {message}"
    with pytest.raises(CorsConfigurationError) as from_ini:
        settings_from(ini=f"{ini} = {value}")
    assert str(from_ini.value) == f"ini {ini}: {message}"
