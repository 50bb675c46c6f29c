"""``pytest-cors record`` against special servers on 127.0.0.1 (TLS with a self-signed certificate, one that never
answers), run settings that reach the run (timeout, the app's origin), an output file race, an ASCII locale."""

from __future__ import annotations

import locale
import time

import pytest
from reliability.servers import FaultServer, cors_reply, make_self_signed, silent

from pytest_cors.cli.main import main

APP = "https://app.example.com"


def record(capsys, *args: str):
    code = main(["record", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.filterwarnings("ignore:Unverified HTTPS request")
def test_a_private_ca_is_trusted_with_ca_bundle_or_skipped_with_insecure(tmp_path, monkeypatch, capsys):
    certificate = make_self_signed(str(tmp_path))
    if certificate is None:
        pytest.skip("neither the cryptography package nor the openssl CLI can make a test certificate")
    monkeypatch.chdir(tmp_path)
    with FaultServer(cors_reply(), tls=certificate.context()) as server:
        args = ("--url", server.url, "--path", "/api", "--origin", APP, "-o", "-", "--timeout", "5")
        refused = record(capsys, *args)
        trusted = record(capsys, *args, "--ca-bundle", certificate.cert_file)
        insecure = record(capsys, *args, "--insecure")
    assert refused[0] == 3
    assert "pytest-cors record: nothing recorded: cannot reach the target: tls-error" in refused[2]
    assert "certificate verify failed: self-signed certificate" in refused[2]
    assert (trusted[0], insecure[0]) == (0, 0)
    assert trusted[1].startswith(f"# CORS contracts recorded by `pytest-cors record` from live URL {server.url},\n")


def test_an_output_file_that_appears_while_recording_is_not_overwritten(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = record(capsys, "--app", "unit.cli.plain_apps:racing", "--path", "/u", "--origin", APP)
    assert (code, out) == (2, "")
    assert err.endswith("pytest-cors record: error: cors_api.yaml appeared while recording; pass --force to overwrite it\n")
    assert (tmp_path / "cors_api.yaml").read_text() == "# written by someone else\n"


def test_the_timeout_reaches_the_run_and_may_be_a_fraction_of_a_second(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with FaultServer(silent) as server:
        started = time.monotonic()
        code, out, err = record(capsys, "--url", server.url, "--path", "/u", "--origin", APP, "--timeout", "0.5")
        elapsed = time.monotonic() - started
    assert (code, out) == (3, "")
    assert "pytest-cors record: nothing recorded: cannot reach the target: timeout" in err
    assert "timed out after 0.5 s waiting for the response" in err
    assert elapsed < 5


def test_the_app_origin_is_where_the_app_is_served(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = record(capsys, "--app", "unit.cli.plain_apps:allowing", "--app-origin", "https://shop.example",
                            "--path", "/u", "--origin", APP, "-o", "-")
    assert code == 0
    assert out.startswith("# CORS contracts recorded by `pytest-cors record` from WSGI app unit.cli.plain_apps:allowing "
                          "served as https://shop.example,\n")


def test_the_file_is_utf8_whatever_the_locale(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")  # ASCII, like LANG=C (or cp1252 on Windows)
    try:
        code, _, err = record(capsys, "--app", "unit.cli.plain_apps:allowing", "--path", "/bücher", "--origin", APP)
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert code == 0, err
    text = (tmp_path / "cors_api.yaml").read_bytes().decode("utf-8")
    assert "--path '/bücher' --origin" in text and "\n  # --- GET /bücher\n" in text


def test_three_findings_are_printed_in_full_and_the_rest_listed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, _ = record(capsys, "--app", "unit.cli.plain_apps:leaky", "--path", "/u", "--origin", APP, "--credentials")
    lines = out.split("\n")
    assert code == 0
    assert "CORS audit of '/u': 4 findings at or above medium (2 below)" in lines
    assert [line.split(":")[0] for line in lines if line.startswith("[")] == [
        "[1] CRITICAL null-origin", "[2] CRITICAL untrusted-subdomain", "[3] CRITICAL scheme-downgrade"]
    assert any(line.startswith("  critical port-confusion: ") for line in lines)  # the fourth, one line under "Also:"
