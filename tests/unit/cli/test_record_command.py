"""``pytest-cors record`` in-process on plain WSGI apps and a 127.0.0.1 server: exact messages, exit codes, output.

Milliseconds per test (no pytest run of the written file: tests/unit/cli/test_record.py does that).
"""

from __future__ import annotations

import json
import sys
import threading

import pytest
import yaml
from werkzeug.serving import make_server

from pytest_cors import __version__
from pytest_cors.cli.main import console_main, main

from .conftest import closed_port
from .plain_apps import allowing

ALLOWING = "unit.cli.plain_apps:allowing"
APP, ADMIN = "https://app.example.com", "https://admin.example.com"


HELP = (
    "target (one of): --url URL live base URL, e.g. https://staging.example.com",
    "--app MODULE:ATTR in-process WSGI or ASGI app, e.g. myproject.wsgi:application or app.main:app",
    "--app-interface {auto,wsgi,asgi} interface of the in-process app (default: detected)",
    "--app-origin APP_ORIGIN origin the in-process app is served as (default http://testserver)",
    "what to probe: --path PATH endpoint path, e.g. /api/users (repeatable)",
    "--openapi FILE take every path and method from an OpenAPI 3 / Swagger 2 file (JSON or YAML)",
    "--origin ORIGIN origin of a page that calls the API (repeatable, at least one)",
    "--method METHOD method to try (repeatable; default GET, or the OpenAPI operations)",
    "--header HEADER request header the frontend sends, e.g. Authorization (repeatable)",
    "--credentials the frontend sends cookies (fetch credentials: 'include')",
    "--send-unsafe against a live URL, also send actual requests of methods other than GET/HEAD (they may change data)",
    "how: --browser BROWSER browser profiles that decide: all (default), chrome, firefox, safari, spec, or a comma list",
    "--timeout TIMEOUT seconds to wait for a live server (default 10.0)",
    "--insecure do not verify the live server's TLS certificate",
    "--ca-bundle FILE CA bundle to verify the live server's TLS certificate (a private CA)",
    "output: --name NAME the file is cors_<name>.yaml (default api)",
    "--output FILE, -o FILE file to write instead of cors_<name>.yaml; '-' writes to stdout",
    "--force overwrite the output file if it exists",
    "--fail-on {critical,high,medium,low,info} exit 1 when the audit finds something at or above this severity",
    "Probe endpoints the way browsers call them and write a commented cors_<name>.yaml that passes against the server "
    "today. Review it, commit it, then lock it with --cors-snapshot-update.",
)


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """``cli(*args)`` runs ``pytest-cors record`` in an empty directory: (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))

    def run(*args: str):
        code = main(["record", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_the_command_list(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    flat = " ".join(capsys.readouterr().out.split())
    assert done.value.code == 0
    assert flat.startswith("usage: pytest-cors [-h] [--version] COMMAND ... pytest-cors command-line tools (the checks "
                           "themselves run under pytest).")
    assert "record draft a CORS contract file from what a server does today" in flat


def test_version_and_a_missing_command(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out == f"pytest-cors {__version__}\n"
    with pytest.raises(SystemExit) as done:
        main([])
    assert done.value.code == 2
    assert capsys.readouterr().err.endswith("pytest-cors: error: the following arguments are required: COMMAND\n")


def test_the_console_script_exits_with_the_command_code(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as done:
        console_main(["record", "--app", ALLOWING, "--path", "/u"])
    assert done.value.code == 2
    assert capsys.readouterr().err == ("pytest-cors record: error: give at least one --origin: the origin of a page that "
                                       "calls the API (e.g. --origin https://app.example.com)\n")
    monkeypatch.setattr(sys, "argv", ["pytest-cors", "record", "--app", ALLOWING, "--path", "/u", "--origin", "bad"])
    assert main() == 2
    assert capsys.readouterr().err.startswith("pytest-cors record: error: --origin: ")


def test_record_help_lists_the_options_their_defaults_and_the_exit_codes(capsys):
    with pytest.raises(SystemExit) as done:
        main(["record", "--help"])
    text = capsys.readouterr().out
    assert done.value.code == 0
    assert text.startswith("usage: pytest-cors record [-h] [--url URL] [--app MODULE:ATTR]")
    assert "Probe endpoints the way browsers call them and write a commented cors_<name>.yaml that passes" in " ".join(text.split())
    flat = " ".join(text.split())  # however argparse wraps it
    for expected in HELP:
        assert expected in flat, expected
    assert text.rstrip().endswith(
        "examples:\n"
        "  pytest-cors record --url https://staging.example.com --path /api/users --origin https://app.example.com\n"
        "  pytest-cors record --app myproject.wsgi:application --openapi openapi.yaml --origin https://app.example.com \\\n"
        "      --header Authorization --credentials --output cors_api.yaml\n\n"
        "exit codes: 0 recorded; 1 findings at or above --fail-on; 2 usage error; 3 nothing could be recorded"
    )


def test_a_recording_prints_progress_the_matrix_and_what_was_written(cli, tmp_path):
    code, out, err = cli("--app", ALLOWING, "--path", "/u", "--origin", APP, "--origin", ADMIN, "--origin", APP,
                         "--method", "GET", "--method", "PUT", "--header", "Authorization", "--name", "shop")
    assert code == 0
    assert err == "pytest-cors record: [1/1] GET PUT /u\n"
    lines = out.split("\n")
    assert lines[:4] == [
        "/u  (1 contract)",
        "    origin                     GET                PUT",
        "    https://app.example.com    allowed            allowed",
        "    https://admin.example.com  blocked            blocked",
    ]
    assert lines[-3:] == [
        "Wrote cors_shop.yaml (1 contract). Review it, commit it, run it with: pytest cors_shop.yaml",
        "pytest must be able to import unit.cli.plain_apps: set pythonpath = . in the ini file (or install the project)",
        "",
    ]
    text = (tmp_path / "cors_shop.yaml").read_text()
    assert text.startswith(
        "# CORS contracts recorded by `pytest-cors record` from WSGI app unit.cli.plain_apps:allowing served as "
        "http://testserver,\n"
        "# decided as Chrome, Firefox, Safari decide. Re-record with:\n"
        f"#   pytest-cors record --app {ALLOWING} --path /u --origin {APP} --origin {ADMIN} --origin {APP} "
        "--method GET --method PUT --header Authorization --name shop\n"
        "#\n"
        "# REVIEW BEFORE COMMITTING: this file states what the server does TODAY, not what it should do.\n"
        "# Comments say where each value came from and what was refused; '!!!' marks accepted audit findings.\n"
        "# Then commit it, run it with `pytest`, and lock the observed policy with `pytest --cors-snapshot-update`.\n"
        "\n"
        f"target: {ALLOWING}  # --cors-url / --cors-app on the pytest command line override it\n"
    )
    contract = yaml.safe_load(text)["contracts"][0]
    assert (contract["origins"], contract["deny_origins"][0]) == ([APP], ADMIN)
    assert (contract["methods"], contract["request_headers"], contract["max_age"]) == (["GET", "PUT"], ["Authorization"], 600)


def test_paths_are_recorded_once_each_in_order_and_stdout_output_moves_the_summary(cli):
    code, out, err = cli("--app", ALLOWING, "--path", "/u", "--path", "/v", "--path", "/u", "--origin", APP, "-o", "-",
                         "--browser", "chrome")
    assert code == 0
    assert out.startswith("# CORS contracts recorded by `pytest-cors record` from WSGI app unit.cli.plain_apps:allowing "
                          "served as http://testserver,\n# decided as Chrome decide.")
    assert [c["path"] for c in yaml.safe_load(out)["contracts"]] == ["/u", "/v"]
    assert err.startswith("pytest-cors record: [1/2] GET /u\npytest-cors record: [2/2] GET /v\n/u  (1 contract)\n")
    assert "Wrote" not in err


def test_a_file_name_pytest_does_not_collect_is_noted(cli, tmp_path):
    code, out, err = cli("--app", ALLOWING, "--path", "/u", "--origin", APP, "--output", "recorded.yaml")
    assert code == 0
    assert err.startswith("pytest-cors record: note: pytest collects contract files named cors_*.yaml or *.cors.yaml; "
                          "recorded.yaml will not be collected\n")
    assert "Wrote recorded.yaml (1 contract)." in out and (tmp_path / "recorded.yaml").exists()


def test_the_interface_forced_on_the_command_line_is_repeated_for_pytest(cli):
    code, out, _ = cli("--app", ALLOWING, "--app-interface", "wsgi", "--path", "/u", "--origin", APP, "-o", "-")
    assert code == 0
    assert "# The app was driven as WSGI: run pytest with --cors-app-interface wsgi.\n" in out
    code, out, _ = cli("--app", ALLOWING, "--path", "/u", "--origin", APP, "-o", "-")
    assert "The app was driven as" not in out


def test_fail_on_sets_the_exit_code_only_at_or_above_its_severity(cli):
    args = ("--app", "unit.cli.plain_apps:reflecting", "--path", "/u", "--origin", APP, "--credentials", "-o", "-")
    code, _, err = cli(*args, "--fail-on", "critical")
    assert code == 1
    assert "!!! The file ACCEPTS the findings above (audit: skip, marked '!!!'): review them; fix the server, then delete the skip." in err.split("\n")
    assert cli(*args)[0] == 0
    code, _, err = cli("--app", ALLOWING, "--path", "/u", "--origin", APP, "-o", "-", "--fail-on", "medium")
    assert code == 0 and "!!! The file ACCEPTS" not in err


def test_nothing_recorded_prints_the_matrix_and_exits_3(cli, tmp_path):
    code, out, err = cli("--app", "unit.cli.plain_apps:mixed", "--path", "/u", "--origin", APP, "--browser", "chrome,spec",
                         "--header", "Authorization")
    assert (code, out) == (3, "")
    assert err.split("\n")[:4] == [
        "pytest-cors record: [1/1] GET /u",
        "/u  (0 contracts)",
        "    origin                   GET",
        "    https://app.example.com  browsers disagree",
    ]
    assert err.split("\n")[4].startswith("    ! GET from https://app.example.com: allowed by Chrome, blocked by Fetch standard: ")
    assert err.endswith("\nAudit findings: none\npytest-cors record: nothing recorded: no given origin is allowed or cleanly "
                        "refused on any path: check --origin, --path and the target\n")
    assert not list(tmp_path.iterdir())


def test_an_unreachable_url_is_not_recorded_exit_3(cli, tmp_path):
    code, out, err = cli("--url", f"http://127.0.0.1:{closed_port()}", "--path", "/u", "--origin", APP, "--timeout", "2")
    assert code == 3 and out == ""
    assert err.startswith("pytest-cors record: [1/1] GET /u\npytest-cors record: nothing recorded: cannot reach the target: "
                          "connection-refused")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "https://a.example", "--app", ALLOWING, "--path", "/u", "--origin", APP], "give --url or --app, not both"),
        (["--app", ALLOWING, "--origin", APP], "give at least one --path (e.g. --path /api/users) or --openapi openapi.yaml"),
        (["--app", ALLOWING, "--path", "/u", "--origin", APP, "--timeout", "0"], "--timeout must be a positive number of seconds, got 0.0"),
        (["--app", ALLOWING, "--path", "/u", "--origin", APP, "--timeout", "-1"], "--timeout must be a positive number of seconds, got -1.0"),
        (["--app", ALLOWING, "--path", "/u", "--origin", "http://testserver"],
         "--origin http://testserver is the target's own origin: same-origin requests never use CORS; give the origin of "
         "the page that calls the API"),
        (["--url", "https://a.example", "--path", "/u", "--origin", APP, "--ca-bundle", "ca.pem", "--insecure"],
         "give --ca-bundle or --insecure, not both"),
        (["--app", ALLOWING, "--path", "/u", "--origin", APP, "--output", "missing/cors_api.yaml"],
         "--output: directory 'missing' does not exist"),
        (["--app", ALLOWING, "--path", "/u", "--origin", APP, "--output", "a_dir", "--force"], "cannot write a_dir: Is a directory"),
        (["--url", "https://a.example:99999", "--path", "/u", "--origin", APP], "--url: 'https://a.example:99999' is not an http(s) URL (e.g. https://staging.example.com)"),
        (["--app", ALLOWING, "--path", "/u", "--origin", APP, "--method", "GET", "--method", "get", "--header", "X-A", "--header", "x-a"],
         "--method: methods: 'GET' is listed twice"),
    ],
)
def test_usage_errors_say_exactly_what_to_fix(cli, tmp_path, args, message):
    (tmp_path / "ca.pem").write_text("")
    (tmp_path / "a_dir").mkdir()
    code, out, err = cli(*args)
    assert (code, out, err.split("\n")[-2]) == (2, "", f"pytest-cors record: error: {message}")
    assert not list(tmp_path.glob("**/cors_*.yaml"))


def test_option_values_go_through_the_contract_schema_and_a_narrowed_shape_is_starred(cli):
    code, out, err = cli("--app", ALLOWING, "--path", "/u", "--origin", APP, "--method", "put", "--header", "authorization",
                         "--header", "X-Trace", "-o", "-")
    data = yaml.safe_load(out)["contracts"][0]
    assert (code, data["methods"], data["request_headers"]) == (0, ["PUT"], ["authorization"])
    lines = err.split("\n")
    assert lines[:4] == ["pytest-cors record: [1/1] PUT /u", "/u  (1 contract)", "    origin                   PUT",
                         "    https://app.example.com  allowed*"]
    assert lines[4].startswith("    * PUT from https://app.example.com: request header X-Trace is not allowed (Access to fetch")


@pytest.fixture
def live():
    """``plain_apps.allowing`` over real HTTP on 127.0.0.1."""
    server = make_server("127.0.0.1", 0, allowing, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_a_live_url_without_its_password_and_slash_and_unsafe_requests_withheld(cli, tmp_path, live):
    url = live.replace("http://", "http://deploy:s3cret@") + "/"
    code, out, err = cli("--url", url, "--path", "/u", "--origin", APP, "--method", "PUT", "--header", "Authorization", "--insecure")
    assert code == 0
    assert err == ("pytest-cors record: note: the URL's user name and password are not written to the file; pass the URL "
                   "with --cors-url when running pytest\npytest-cors record: [1/1] PUT /u\n")
    text = (tmp_path / "cors_api.yaml").read_text()
    assert f"\ntarget: {live}  # --cors-url" in text and "s3cret" not in text + out
    assert f"#   pytest-cors record --url 'http://deploy:<redacted>@127.0.0.1:{live.rsplit(':', 1)[1]}/' --path /u" in text
    assert "Not sent (unsafe methods on a live URL; pass --send-unsafe to send them): 3 actual request(s)" in out.split("\n")
    assert "pytest must be able to import" not in out
    code, out, _ = cli("--url", f"{live}/APIX/", "--path", "/u", "--origin", APP, "-o", "-")
    assert code == 0 and f"\ntarget: {live}/APIX  # --cors-url" in out
    code, _, err = cli("--url", live, "--path", "/u", "--origin", APP, "--method", "PUT", "--send-unsafe", "-o", "-")
    assert code == 0 and "/u  (1 contract)" in err and "Not sent" not in err


def test_the_openapi_server_is_the_target_when_no_url_is_given(cli, tmp_path, live):
    spec = {"openapi": "3.0.0", "servers": [{"url": f"{live}/api"}], "paths": {"/u": {"get": {}}}}
    (tmp_path / "openapi.json").write_text(json.dumps(spec))
    code, out, err = cli("--openapi", "openapi.json", "--origin", APP, "--path", "/api/u", "--path", "/v", "-o", "-")
    assert code == 0
    assert err.startswith(f"pytest-cors record: no --url or --app: using the OpenAPI document's server {live}\n"
                          "pytest-cors record: [1/2] GET /api/u\npytest-cors record: [2/2] GET /v\n")
    assert f"\ntarget: {live}  #" in out
    spec["servers"] = [{"url": "/api"}]
    (tmp_path / "openapi.json").write_text(json.dumps(spec))
    code, _, err = cli("--openapi", "openapi.json", "--origin", APP)
    assert (code, err) == (2, "pytest-cors record: error: give a target: --url https://staging.example.com or --app "
                              "myproject.wsgi:application\n")


def test_a_ca_bundle_file_is_used_to_verify(cli, tmp_path, live):
    (tmp_path / "ca.pem").write_text("")
    code, _, _ = cli("--url", live, "--path", "/u", "--origin", APP, "--ca-bundle", "ca.pem", "-o", "-")
    assert code == 0  # plain http: the bundle is accepted, and never read


def test_an_app_in_the_current_directory_imports_like_python_m(cli, tmp_path):
    (tmp_path / "project_app.py").write_text("from unit.cli.plain_apps import allowing as app\n")
    sys.modules.pop("project_app", None)
    code, out, err = cli("--app", "project_app:app", "--path", "/u", "--origin", APP)
    assert code == 0, err
    assert "pytest must be able to import project_app: set pythonpath = . in the ini file (or install the project)" in out
    assert sys.path[0] == str(tmp_path)
    sys.modules.pop("project_app", None)
