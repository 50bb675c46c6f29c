"""``pytest-cors record`` against a TLS server on 127.0.0.1 (a self-signed certificate), and an output file race."""

from __future__ import annotations

import pytest
from reliability.servers import FaultServer, cors_reply, make_self_signed

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
