"""``pytest-cors record`` as a process: the console script, ``python -m pytest_cors``, Django, bad input.

The Django shop runs in subprocesses because Django settings are configured
once per process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import QUIET

TESTS_DIR = str(Path(__file__).resolve().parents[2])
DJANGO_APP = "unit.cli.django_shop:application"
NO_PYTEST = (
    "import sys; from pytest_cors.cli.main import main; code = main(sys.argv[1:]); "
    "assert not any(m == 'pytest' or m.startswith('_pytest') for m in sys.modules), 'the CLI imported pytest'; "
    "sys.exit(code)"
)


def env(**extra: str) -> dict:
    variables = dict(os.environ, PYTHONPATH=os.pathsep.join([TESTS_DIR, os.environ.get("PYTHONPATH", "")]), **extra)
    variables.pop("PYTEST_ADDOPTS", None)
    return variables


def run(args, cwd, **extra):
    return subprocess.run(args, cwd=cwd, env=env(**extra), capture_output=True, text=True, timeout=120)


def test_console_script_and_module_entry_points(tmp_path):
    script = shutil.which("pytest-cors", path=os.path.dirname(sys.executable)) or shutil.which("pytest-cors")
    assert script, "the pytest-cors console script is not installed ([project.scripts])"
    help_text = run([script, "record", "--help"], tmp_path)
    assert help_text.returncode == 0
    assert "--openapi FILE" in help_text.stdout and "exit codes: 0 recorded; 1 findings" in help_text.stdout
    module = run([sys.executable, "-m", "pytest_cors", "--version"], tmp_path)
    assert module.returncode == 0 and module.stdout.startswith("pytest-cors ")


def test_django_recorded_contract_passes_then_fails_when_an_origin_is_removed(pytester, monkeypatch):
    recorded = run(
        [sys.executable, "-c", NO_PYTEST, "record", "--app", DJANGO_APP, "--path", "/api/users",
         "--origin", "https://app.example.com", "--origin", "https://admin.example.com",
         "--method", "GET", "--method", "POST", "--header", "Authorization", "--credentials"],
        pytester.path,
    )
    assert recorded.returncode == 0, recorded.stderr
    contract = yaml.safe_load((pytester.path / "cors_api.yaml").read_text())["contracts"][0]
    assert contract["origins"] == ["https://app.example.com", "https://admin.example.com"]
    assert contract["methods"] == ["GET", "POST"] and contract["request_headers"] == ["Authorization"]
    assert (contract["max_age"], contract["expose_headers"], contract["vary"]) == (600, ["X-Total-Count"], True)
    monkeypatch.setenv("PYTHONPATH", env()["PYTHONPATH"])
    # The shop configures Django itself; pytest-django (when installed) would expect its own test environment.
    same = pytester.runpytest_subprocess(*QUIET, "-p", "no:django", "--cors-app", DJANGO_APP)
    assert same.ret == 0, same.stdout.str()
    monkeypatch.setenv("SHOP_VARIANT", "origin-removed")
    changed = pytester.runpytest_subprocess(*QUIET, "-p", "no:django", "--cors-app", DJANGO_APP)
    assert changed.ret == 1
    changed.stdout.fnmatch_lines(["*FAILED*cors_api.yaml::/api/users[[]GET-https://admin.example.com[]]*"])


def test_unreachable_url_exits_3(tmp_path):
    from unit.cli.conftest import closed_port  # noqa: PLC0415

    result = run([sys.executable, "-m", "pytest_cors", "record", "--url", f"http://127.0.0.1:{closed_port()}",
                  "--path", "/api/users", "--origin", "https://a.example", "--timeout", "2"], tmp_path)
    assert result.returncode == 3
    assert "nothing recorded: cannot reach the target: connection-refused" in result.stderr
    assert not list(tmp_path.glob("cors_*.yaml"))
