"""Options with a fixed vocabulary, and the two targets given together, read exactly.

A value outside the vocabulary is an error that names the option (or ini key), echoes the value
and lists every accepted word; values are case-insensitive. --cors-url with --cors-app is refused
when both come from the same place; from different places the command line wins silently.
Found by mutation testing (docs/mutation.md): these messages were only matched by patterns.
"""

from __future__ import annotations

import pytest

from pytest_cors.errors import CorsConfigurationError

CHOICES = [
    ("--cors-audit", "cors_audit", "fail, warn, off"),
    ("--cors-audit-severity", "cors_audit_severity", "critical, high, medium, low, info"),
    ("--cors-app-interface", "cors_app_interface", "auto, wsgi, asgi"),
]


@pytest.mark.parametrize(("flag", "ini", "words"), CHOICES)
def test_a_word_outside_the_vocabulary_names_the_option_and_every_word(settings_from, flag, ini, words):
    with pytest.raises(CorsConfigurationError) as cli:
        settings_from(flag, "maybe")
    assert str(cli.value) == f"{flag}: 'maybe' is not one of {words}"
    with pytest.raises(CorsConfigurationError) as from_ini:
        settings_from(ini=f"{ini} = Maybe")
    assert str(from_ini.value) == f"ini {ini}: 'maybe' is not one of {words}"


def test_vocabulary_words_are_case_insensitive(settings_from):
    loaded = settings_from("--cors-audit", "WARN", "--cors-audit-severity", "High", "--cors-app-interface", "ASGI")
    assert (loaded.audit, loaded.audit_severity, loaded.app_interface) == ("warn", "high", "asgi")


def test_defaults_of_the_vocabulary_options(settings_from):
    loaded = settings_from()
    assert (loaded.audit, loaded.audit_severity, loaded.app_interface) == ("fail", "medium", "auto")


def test_a_url_and_an_app_on_the_command_line_are_refused(settings_from):
    with pytest.raises(CorsConfigurationError) as error:
        settings_from("--cors-url", "http://127.0.0.1:8000", "--cors-app", "app:app")
    assert str(error.value) == (
        "--cors-url and --cors-app are both given: pass one target (a live URL or an in-process app), not both"
    )


def test_a_url_and_an_app_in_the_ini_file_are_refused(settings_from):
    with pytest.raises(CorsConfigurationError) as error:
        settings_from(ini="cors_url = http://127.0.0.1:8000\ncors_app = app:app")
    assert str(error.value) == (
        "ini cors_url and ini cors_app are both given: pass one target (a live URL or an in-process app), not both"
    )


def test_a_target_on_the_command_line_overrides_the_other_target_in_the_ini_file(settings_from):
    url_over_app = settings_from("--cors-url", "http://127.0.0.1:8000", ini="cors_app = app:app")
    assert (url_over_app.url.source, url_over_app.app.source) == ("--cors-url", "ini cors_app")
    app_over_url = settings_from("--cors-app", "app:app", ini="cors_url = http://127.0.0.1:8000")
    assert (app_over_url.app.source, app_over_url.url.source) == ("--cors-app", "ini cors_url")


def test_an_empty_app_origin_in_the_ini_file_means_the_default(settings_from):
    assert settings_from(ini="cors_app_origin =").app_origin == "http://testserver"
    assert settings_from("--cors-app-origin", "HTTPS://API.Example.com:443").app_origin == "https://api.example.com"


def test_scan_urls_and_trusted_origins_are_kept_in_order_origins_normalised(settings_from):
    loaded = settings_from(
        "--cors-scan", "http://127.0.0.1:8000/api", "--cors-scan", "https://api.example.com",
        "--cors-scan-origin", "HTTPS://App.Example.com:443", "--cors-scan-origin", "http://localhost:3000",
    )
    assert loaded.scan_urls == ("http://127.0.0.1:8000/api", "https://api.example.com")
    assert loaded.scan_origins == ("https://app.example.com", "http://localhost:3000")


def test_a_bad_scan_origin_names_the_option_and_the_fix(settings_from):
    with pytest.raises(CorsConfigurationError) as error:
        settings_from("--cors-scan", "https://api.example.com", "--cors-scan-origin", "app.example.com")
    assert str(error.value) == (
        "--cors-scan-origin: invalid origin 'app.example.com': missing scheme (an origin is scheme://host[:port]);"
        " did you mean 'https://app.example.com'?"
    )


def test_a_bad_scan_url_names_the_option_and_the_fix(settings_from):
    with pytest.raises(CorsConfigurationError) as error:
        settings_from("--cors-scan", "https://api.example.com", "--cors-scan", "localhost:8000")
    assert str(error.value) == "--cors-scan: 'localhost:8000' is not an http(s) URL; did you mean 'http://localhost:8000'?"


def test_without_an_ini_file_or_options_every_setting_is_a_default(settings_from):
    assert settings_from().sources == ()
    # an ini key left empty is not a setting: the report must not say it came from the ini file
    assert settings_from("--cors-retries", "2", ini="cors_url =\ncors_timeout = 5").sources == (
        ("cors_timeout", "ini cors_timeout"), ("cors_retries", "--cors-retries"),
    )
