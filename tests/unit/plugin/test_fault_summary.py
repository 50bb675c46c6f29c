"""The end-of-run fault summary: withheld requests (at -v), ASGI lifespan problems, unreachable targets.

A real run (an unreachable 127.0.0.1 port, a real refused connection) and a real terminal reporter
writing to a string, on an in-process ``pytest.Config`` (no pytester run).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from _pytest.terminal import TerminalReporter

from pytest_cors.browser.profiles import select_profiles
from pytest_cors.check.run import CorsRun
from pytest_cors.contract.schema import parse_contract
from pytest_cors.errors import CorsNetworkError
from pytest_cors.plugin.faults import FaultSummary
from pytest_cors.report.redaction import Redactor
from pytest_cors.transport.asgi_lifespan import LifespanProblem

from .conftest import build_config

DEAD = "http://127.0.0.1:9"
CONTRACT = parse_contract({"name": "users", "path": "/api", "origins": ["https://app.example.com"]})


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # section rules are as wide as the terminal


def summary(folder: Path, run: CorsRun, *args: str) -> str:
    config = build_config(folder, args, builtins=("main", "helpconfig", "terminal"))
    out = io.StringIO()
    FaultSummary(run).pytest_terminal_summary(TerminalReporter(config, out))
    return out.getvalue()


def eventful_run() -> CorsRun:
    run = CorsRun(profiles=select_profiles("chrome"), redactor=Redactor(), timeout=2)
    with pytest.raises(CorsNetworkError):
        run.run_contract(CONTRACT, run.live(DEAD))
    run.withheld += ["PUT https://api.example.com/a (users)", "DELETE https://api.example.com/a (users)"]
    run.lifespan_problems.append(("ASGI app app:app", LifespanProblem("startup", "no DATABASE_URL")))
    return run


def test_everything_the_run_noticed_at_verbose(tmp_path):
    run = eventful_run()
    lines = summary(tmp_path, run, "-v").splitlines()
    run.close()
    assert lines[:7] == [
        f"{' pytest-cors: actual requests not sent ':=^80}",
        "2 actual request(s) to the live URL were not sent (their method can change data); only their preflight was "
        "checked. Pass --cors-send-unsafe to send them.",
        "  PUT https://api.example.com/a (users)",
        "  DELETE https://api.example.com/a (users)",
        f"{' pytest-cors: ASGI lifespan ':=^80}",
        "ASGI app app:app: the ASGI app's lifespan startup failed: no DATABASE_URL",
        f"{' pytest-cors: unreachable targets ':=^80}",
    ]
    assert lines[7:] == [
        f"{DEAD}: connection-refused: connection refused (is the server running on that port?)",
        "  fix: start the server, or point --cors-url / cors_url at the right host and port",
    ]


def test_withheld_requests_are_listed_at_verbose_only_and_problems_headed_in_yellow(tmp_path):
    run = eventful_run()
    quiet = summary(tmp_path, run, "--color=yes")
    run.close()
    yellow = "\x1b[33m"
    assert [line for line in quiet.splitlines() if "pytest-cors" in line] == [
        f"{yellow}{' pytest-cors: ASGI lifespan ':=^80}\x1b[0m",
        f"{yellow}{' pytest-cors: unreachable targets ':=^80}\x1b[0m",
    ]
    assert "not sent (their method" not in quiet


def test_a_run_without_faults_adds_nothing(tmp_path):
    run = CorsRun(profiles=select_profiles("chrome"), redactor=Redactor())
    assert summary(tmp_path, run, "-v") == ""
