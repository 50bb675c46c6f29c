"""``pytest-cors record`` against real Flask + flask-cors apps, in-process and on a live 127.0.0.1 server.

Each recorded file is then run with pytest: it passes against the app it was
recorded from and fails against the same app deliberately changed.
"""

from __future__ import annotations

import json

import pytest
import yaml

from pytest_cors.contract.yaml_loader import load_yaml

from .conftest import APP, QUIET, shop_args


def test_recorded_flask_contract_passes_then_catches_changes(record, pytester):
    code, out, err = record("--app", f"{APP}:shop", "--path", "/api/users", *shop_args())
    assert code == 0, err
    assert "Wrote cors_api.yaml (1 contract)" in out
    # a YAML file puts nothing on sys.path: the new user learns here, not from 20 collection errors
    assert "pytest must be able to import unit.cli.shop_apps: set pythonpath = . in the ini file" in out
    text = (pytester.path / "cors_api.yaml").read_text()
    contract = yaml.safe_load(text)["contracts"][0]
    assert contract["origins"] == ["https://app.example.com", "https://admin.example.com"]
    assert contract["methods"] == ["GET", "POST"]
    assert contract["request_headers"] == ["Authorization"]
    assert contract["credentials"] is True
    assert contract["expose_headers"] == ["X-Total-Count"]
    assert contract["max_age"] == 600
    # the refused --origin and one refused attacker origin per audit probe are written as deny_origins
    assert {"https://other.example.org", "https://evil.invalid", "null"} <= set(contract["deny_origins"])
    assert "https://other.example.org  # one of --origin: refused today" in text
    assert "# audit probe prefix-lookalike of https://app.example.com: refused today" in text

    passed = pytester.runpytest(*QUIET)
    passed.assert_outcomes(passed=passed.parseoutcomes()["passed"])
    assert passed.parseoutcomes()["passed"] > 20

    removed = pytester.runpytest(*QUIET, "--cors-app", f"{APP}:shop_origin_removed")
    assert removed.ret == 1
    removed.stdout.fnmatch_lines(["*FAILED*cors_api.yaml::/api/users[[]GET-https://admin.example.com[]]*"])

    refused = pytester.runpytest(*QUIET, "--cors-app", f"{APP}:shop_header_refused")
    assert refused.ret == 1
    refused.stdout.fnmatch_lines(["*FAILED*POST-https://app.example.com*"])
    assert "authorization" in refused.stdout.str().lower()


def test_openapi_document_records_every_operation(record, pytester):
    pytester.path.joinpath("openapi.yaml").write_text(
        "openapi: 3.0.3\n"
        "info: {title: shop, version: '1'}\n"
        "paths:\n"
        "  /api/users: {get: {}, post: {}}\n"
        "  /api/orders/{orderId}:\n"
        "    parameters: [{name: orderId, in: path, required: true, schema: {type: integer}}]\n"
        "    get: {}\n"
        "    put: {}\n"
    )
    code, out, err = record("--app", f"{APP}:shop", "--openapi", "openapi.yaml", "--origin", "https://app.example.com", "--name", "shop")
    assert code == 0, err
    text = (pytester.path / "cors_shop.yaml").read_text()
    data = yaml.safe_load(text)
    assert [(c["path"], c["methods"]) for c in data["contracts"]] == [
        ("/api/users", ["GET", "POST"]),
        ("/api/orders/1", ["GET", "PUT"]),
    ]
    assert "# {orderId} in /api/orders/{orderId} is a placeholder ('1')" in text
    assert pytester.runpytest(*QUIET).ret == 0
    reflecting = pytester.runpytest(*QUIET, "--cors-app", f"{APP}:reflecting")
    assert reflecting.ret == 1  # the deny_origins recorded today are readable now
    reflecting.stdout.fnmatch_lines(["*FAILED*deny:GET-https://evil.invalid*"])


def test_reflecting_app_findings_are_printed_and_accepted_only_loudly(record, pytester):
    code, out, err = record("--app", f"{APP}:reflecting", "--path", "/api/users", "--origin", "https://app.example.com",
                            "--credentials", "--fail-on", "high")
    assert code == 1  # --fail-on high: the critical findings set the exit code, the file is still written
    assert "CRITICAL reflect-any-origin: https://evil.invalid can read GET" in out
    assert "The file ACCEPTS the findings above" in out
    text = (pytester.path / "cors_api.yaml").read_text()
    assert "# !!! SECURITY: the audit found the problems below, and this contract ACCEPTS them" in text
    assert "# !!! CRITICAL reflect-any-origin" in text
    contract = load_yaml(text, "cors_api.yaml")["contracts"][0]
    assert "reflect-any-origin" in contract["audit"]["skip"]
    assert "deny_origins" not in contract  # nothing is refused today
    assert pytester.runpytest(*QUIET).ret == 0
    # without --fail-on the findings are printed but do not change the exit code
    code, out, _ = record("--app", f"{APP}:reflecting", "--path", "/api/users", "--origin", "https://app.example.com", "-o", "cors_b.yaml")
    assert code == 0 and "CRITICAL reflect-any-origin" in out


def test_never_overwrites_without_force(record, pytester):
    existing = pytester.path / "cors_api.yaml"
    existing.write_text("# hand-written\n")
    code, out, err = record("--app", f"{APP}:shop", "--path", "/api/users", "--origin", "https://app.example.com")
    assert code == 2
    assert "cors_api.yaml exists; pass --force to overwrite it" in err
    assert existing.read_text() == "# hand-written\n"
    code, _, err = record("--app", f"{APP}:shop", "--path", "/api/users", "--origin", "https://app.example.com", "--force")
    assert code == 0, err
    assert "contracts:" in existing.read_text()


def test_live_url_records_and_withholds_unsafe_actual_requests(record, pytester, live_shop):
    code, out, err = record("--url", live_shop, "--path", "/api/users", *shop_args())
    assert code == 0, err
    assert "Not sent (unsafe methods on a live URL; pass --send-unsafe to send them)" in out
    assert "pytest must be able to import" not in out
    data = yaml.safe_load((pytester.path / "cors_api.yaml").read_text())
    assert data["target"] == live_shop
    assert data["contracts"][0]["origins"] == ["https://app.example.com", "https://admin.example.com"]
    result = pytester.runpytest(*QUIET)
    assert result.ret == 0, result.stdout.str()


def test_output_to_stdout(record):
    code, out, err = record("--app", f"{APP}:shop", "--path", "/api/users", "--origin", "https://app.example.com", "-o", "-")
    assert code == 0
    assert out.startswith("# CORS contracts recorded by `pytest-cors record`")
    assert "/api/users  (1 contract)" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--app", "unit.cli.shop_apps:shop", "--path", "/api/users", "--bogus"], "unrecognized arguments: --bogus"),
        (["--app", "unit.cli.shop_apps:shop", "--path", "/api/users"], "give at least one --origin"),
        (["--path", "/api/users", "--origin", "https://app.example.com"], "give a target: --url"),
        (["--app", "unit.cli.shop_apps:shop", "--path", "/api/users", "--origin", "app.example.com"], "--origin:"),
        (["--app", "unit.cli.shop_apps:shop", "--path", "api/users", "--origin", "https://a.example"], "--path: path 'api/users' must start with '/'"),
        (["--app", "unit.cli.shop_apps:shop", "--path", "/a", "--origin", "https://a.example", "--method", "TRACE"], "--method: methods: 'TRACE' is a forbidden method"),
        (["--app", "unit.cli.shop_apps:shop", "--path", "/a", "--origin", "https://a.example", "--header", "Cookie"], "--header: request_headers: 'Cookie' is a forbidden request header"),
        (["--app", "unit.cli.nope:app", "--path", "/a", "--origin", "https://a.example"], "--app: cannot import module 'unit.cli.nope'"),
        (["--url", "ftp://x.example", "--path", "/a", "--origin", "https://a.example"], "--url: 'ftp://x.example' is not an http(s) URL"),
        (["--app", "unit.cli.shop_apps:shop", "--path", "/a", "--origin", "https://a.example", "--openapi", "missing.yaml"], "--openapi: missing.yaml: cannot read"),
        (["--app", "unit.cli.shop_apps:shop", "--path", "/a", "--origin", "https://a.example", "--browser", "opera"], "--browser: unknown browser profile 'opera'"),
        (["--url", "https://a.example", "--path", "/a", "--origin", "https://b.example", "--ca-bundle", "nope.pem"], "--ca-bundle: 'nope.pem' is not a file"),
        (["--app", "unit.cli.shop_apps:starlette_shop", "--app-interface", "wsgi", "--path", "/a", "--origin", "https://a.example"],
         "--app-interface: wsgi was forced, but unit.cli.shop_apps:starlette_shop is an ASGI app"),
    ],
)
def test_usage_errors_exit_2_and_name_the_option(record, pytester, capsys, args, message):
    try:
        code, _, err = record(*args)
    except SystemExit as exc:  # argparse itself: unknown options
        code, err = exc.code, capsys.readouterr().err
    assert code == 2
    assert message in err
    assert not list(pytester.path.glob("cors_*.yaml"))


def test_bad_openapi_yaml_names_file_and_line(record, pytester):
    (pytester.path / "openapi.yaml").write_text("openapi: 3.0.0\npaths:\n  /a: [\n")
    code, _, err = record("--app", "unit.cli.shop_apps:shop", "--openapi", "openapi.yaml", "--origin", "https://a.example")
    assert code == 2
    assert "--openapi: openapi.yaml:4:1: invalid YAML" in err




def test_refused_header_and_credentials_are_dropped_with_a_comment(record, pytester):
    code, out, err = record("--app", f"{APP}:no_credentials", "--path", "/api/users", "--origin", "https://app.example.com",
                            "--method", "GET", "--method", "POST", "--header", "Authorization", "--header", "Content-Type",
                            "--credentials")
    assert code == 0, err
    assert "request header Authorization is not allowed" in out
    assert "credentialed requests are refused" in out
    text = (pytester.path / "cors_api.yaml").read_text()
    contract = yaml.safe_load(text)["contracts"][0]
    assert (contract["request_headers"], contract["credentials"]) == (["Content-Type"], False)
    assert "# POST from https://app.example.com: request header Authorization is not allowed" in text
    # flask-cors sends no Vary: Origin for a single origin: recorded as vary: false, the audit finding accepted loudly
    assert contract["vary"] is False and contract["audit"] == {"skip": ["missing-vary"]}
    assert pytester.runpytest(*QUIET).ret == 0


def test_any_origin_without_credentials_is_recorded_as_public(record, pytester):
    code, out, err = record("--app", f"{APP}:public", "--path", "/api/users", "--origin", "https://app.example.com")
    assert code == 0, err
    text = (pytester.path / "cors_api.yaml").read_text()
    contract = yaml.safe_load(text)["contracts"][0]
    assert contract["origins"] == ["*"] and "deny_origins" not in contract and "audit" not in contract
    assert "it is public in fact" in text
    assert pytester.runpytest(*QUIET).ret == 0


def test_swagger2_json_server_is_the_target_when_no_url_is_given(record, pytester, live_shop):
    host = live_shop.split("://", 1)[1]
    pytester.path.joinpath("swagger.json").write_text(json.dumps({
        "swagger": "2.0",
        "info": {"title": "shop", "version": "1"},
        "host": host,
        "basePath": "/api",
        "schemes": ["http"],
        "paths": {"/users": {"get": {}}, "/orders/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "type": "integer", "x-example": 3, "default": 5}]}}},
    }))
    code, out, err = record("--openapi", "swagger.json", "--origin", "https://app.example.com", "--origin", "https://admin.example.com")
    assert code == 0, err
    assert f"using the OpenAPI document's server {live_shop}" in err
    data = yaml.safe_load((pytester.path / "cors_api.yaml").read_text())
    assert data["target"] == live_shop
    assert [c["path"] for c in data["contracts"]] == ["/api/users", "/api/orders/5"]
    assert pytester.runpytest(*QUIET).ret == 0


def test_url_password_is_never_written(record, pytester, live_shop):
    url = live_shop.replace("http://", "http://deploy:s3cret-token@")
    code, out, err = record("--url", url, "--path", "/api/users", "--origin", "https://app.example.com")
    assert code == 0, err
    text = (pytester.path / "cors_api.yaml").read_text()
    assert "s3cret-token" not in text and "s3cret-token" not in out
    assert f"target: {live_shop}" in text
    assert "user name and password are not written" in err


def test_browsers_that_disagree_are_neither_allowed_nor_denied(record, pytester):
    code, out, err = record("--app", f"{APP}:wildcard_headers", "--path", "/api/users", "--origin", "https://app.example.com",
                            "--header", "Authorization", "--browser", "chrome,spec")
    assert code == 3
    assert "browsers disagree" in err
    assert "! GET from https://app.example.com: allowed by Chrome, blocked by Fetch standard" in err
    assert "nothing recorded: no given origin is allowed or cleanly refused" in err
    assert not (pytester.path / "cors_api.yaml").exists()


def test_asgi_app_is_recorded_through_the_same_target_resolution(record, pytester):
    code, out, err = record("--app", f"{APP}:starlette_shop", "--path", "/api/users", *shop_args("--header", "Content-Type"))
    assert code == 0, err
    text = (pytester.path / "cors_api.yaml").read_text()
    contract = yaml.safe_load(text)["contracts"][0]
    assert contract["origins"] == ["https://app.example.com", "https://admin.example.com"]
    # Starlette answers a preflight asking for Authorization with 400: found by trying each header
    assert contract["request_headers"] == ["Content-Type"]
    assert "request header Authorization is refused: the preflight that asks for it fails" in text
    assert (contract["credentials"], contract["expose_headers"], contract["max_age"]) == (True, ["X-Total-Count"], 600)
    assert pytester.runpytest(*QUIET).ret == 0
    removed = pytester.runpytest(*QUIET, "--cors-app", f"{APP}:starlette_shop_origin_removed")
    assert removed.ret == 1
    removed.stdout.fnmatch_lines(["*FAILED*GET-https://admin.example.com*"])


def test_public_claim_is_withdrawn_when_another_origin_is_blocked(record, pytester):
    code, out, err = record("--app", f"{APP}:denylist", "--app-interface", "wsgi", "--path", "/api/users",
                            "--origin", "https://app.example.com")
    assert code == 0, err
    text = (pytester.path / "cors_api.yaml").read_text()
    contract = yaml.safe_load(text)["contracts"][0]
    assert contract["origins"] == ["https://app.example.com"]
    assert "not recorded as public: https://any-origin.pytest-cors.test (any origin) is blocked" in text
    assert "# !!! HIGH reflect-any-origin" in text  # what it does allow is reported, and accepted only loudly
    assert "run pytest with --cors-app-interface wsgi" in text
    assert pytester.runpytest(*QUIET, "--cors-app-interface", "wsgi").ret == 0


def test_record_review_commit_then_lock(record, pytester):
    """The README's adoption path: record, run, lock; a later loosening fails though the contracts still hold."""
    code, _, err = record("--app", f"{APP}:shop", "--path", "/api/users", *shop_args())
    assert code == 0, err
    assert pytester.runpytest(*QUIET, "--cors-snapshot-update").ret == 0
    assert (pytester.path / "cors.lock.yaml").exists()
    assert pytester.runpytest(*QUIET).ret == 0
    loosened = pytester.runpytest(*QUIET, "--cors-app", f"{APP}:shop_more_exposed")
    assert loosened.ret == 1
    assert "loosened" in loosened.stdout.str() and "x-request-id" in loosened.stdout.str().lower()
