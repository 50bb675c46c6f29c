"""How --cors-insecure and --cors-ca-bundle (and their ini twins) turn into TLS verification.

The value handed to ``requests`` as ``verify``: True by default, the bundle's path when one is
given, False with --cors-insecure (which wins over a bundle). A missing bundle file is an error
that names the option. Found by mutation testing (docs/mutation.md): no test read the value.
"""

from __future__ import annotations

import pytest

from pytest_cors.errors import CorsConfigurationError


def test_certificates_are_verified_by_default(settings_from):
    assert settings_from().verify is True


def test_a_ca_bundle_is_used_by_path(settings_from, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    assert settings_from("--cors-ca-bundle", str(bundle)).verify == str(bundle)
    assert settings_from(ini=f"cors_ca_bundle = {bundle}").verify == str(bundle)


def test_insecure_turns_verification_off_even_with_a_bundle(settings_from, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    assert settings_from("--cors-insecure").verify is False
    assert settings_from("--cors-insecure", "--cors-ca-bundle", str(bundle)).verify is False
    assert settings_from(ini="cors_insecure = true").verify is False


def test_a_missing_ca_bundle_is_an_error_naming_the_option(settings_from, tmp_path):
    missing = str(tmp_path / "nowhere.pem")
    with pytest.raises(CorsConfigurationError) as cli:
        settings_from("--cors-ca-bundle", missing)
    assert str(cli.value) == f"--cors-ca-bundle: CA bundle file {missing!r} does not exist"
    with pytest.raises(CorsConfigurationError) as ini:
        settings_from(ini=f"cors_ca_bundle = {missing}")
    assert str(ini.value) == f"ini cors_ca_bundle: CA bundle file {missing!r} does not exist"


def test_a_directory_is_not_a_ca_bundle(settings_from, tmp_path):
    folder = str(tmp_path)
    with pytest.raises(CorsConfigurationError, match=r"^--cors-ca-bundle: CA bundle file .* does not exist$"):
        settings_from("--cors-ca-bundle", folder)
