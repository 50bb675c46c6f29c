"""Generated pytest projects: YAML contracts for the plugin and the plain tests that are its floor.

Both sides check the same thing for each path: a credentialed ``PUT`` with a
custom header from ``https://app.example.com`` -- one preflight and one actual
request. The plain tests are what a team would write by hand with werkzeug's
test client (in-process) or one reused ``requests.Session`` (live).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator, Tuple

HERE = Path(__file__).resolve().parent
#: Contracts (or parametrized cases) per generated file, as a real suite would split them.
PER_FILE = 1000

YAML_DEFAULTS = """defaults:
  origins: [https://app.example.com]
  methods: [PUT]
  request_headers: [X-Request-Id]
  credentials: true
"""

#: Six items per contract: two allowed origins and one denied origin, times GET and PUT.
COLLECTION_DEFAULTS = """defaults:
  origins: [https://app.example.com, https://admin.example.com]
  deny_origins: [https://evil.example.net]
  methods: [GET, PUT]
  request_headers: [X-Request-Id]
  credentials: true
"""

PLAIN_CHECKS = '''
ORIGIN = "https://app.example.com"
PREFLIGHT = {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-request-id"}
ACTUAL = {"Origin": ORIGIN, "X-Request-Id": "1"}


def check_preflight(status, headers):
    assert 200 <= status < 300
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert headers["Access-Control-Allow-Credentials"] == "true"
    assert "PUT" in headers["Access-Control-Allow-Methods"]
    assert "x-request-id" in headers["Access-Control-Allow-Headers"].lower()


def check_actual(headers):
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert headers["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in headers["Vary"]
'''

PLAIN_IN_PROCESS = '''import pytest
from werkzeug.test import Client

from bench_app import app
from plain_checks import ACTUAL, PREFLIGHT, check_actual, check_preflight


@pytest.fixture(scope="session")
def client():
    return Client(app)


@pytest.mark.parametrize("path", [f"/api/items/{{i}}" for i in range({start}, {stop})])
def test_cors(client, path):
    preflight = client.options(path, headers=PREFLIGHT)
    check_preflight(preflight.status_code, preflight.headers)
    actual = client.put(path, headers=ACTUAL)
    check_actual(actual.headers)
'''

PLAIN_LIVE = '''import os

import pytest
import requests

from plain_checks import ACTUAL, PREFLIGHT, check_actual, check_preflight

BASE = os.environ["BENCH_URL"]


@pytest.fixture(scope="session")
def session():
    with requests.Session() as shared:
        yield shared


@pytest.mark.parametrize("path", [f"/api/items/{{i}}" for i in range({start}, {stop})])
def test_cors(session, path):
    preflight = session.options(BASE + path, headers=PREFLIGHT)
    check_preflight(preflight.status_code, preflight.headers)
    actual = session.put(BASE + path, headers=ACTUAL)
    check_actual(actual.headers)
'''

TRIVIAL = '''import pytest


@pytest.mark.parametrize("case", range({count}))
def test_trivial(case):
    pass
'''

CONFTEST = '''import pytest

from bench_app import app


@pytest.fixture
def cors_app():
    return app
'''


def _fresh(root: Path) -> Path:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / "pytest.ini").write_text("[pytest]\n")  # the project's own settings, not this repository's
    shutil.copy(HERE / "bench_app.py", root / "bench_app.py")
    return root


def _chunks(count: int) -> Iterator[Tuple[int, int, int]]:
    for start in range(0, count, PER_FILE):
        yield start // PER_FILE, start, min(count, start + PER_FILE)


def yaml_project(root: Path, contracts: int, defaults: str = YAML_DEFAULTS) -> Path:
    """``contracts`` YAML contracts (one file per thousand) and a conftest giving the in-process app."""
    _fresh(root)
    (root / "conftest.py").write_text(CONFTEST)
    for index, start, stop in _chunks(contracts):
        entries = "".join(f"  - name: item-{i}\n    path: /api/items/{i}\n" for i in range(start, stop))
        (root / f"cors_bench_{index}.yaml").write_text(defaults + "contracts:\n" + entries)
    return root


def plain_project(root: Path, cases: int, *, live: bool) -> Path:
    """The floor: generated plain tests sending the same two requests per path."""
    _fresh(root)
    (root / "plain_checks.py").write_text(PLAIN_CHECKS)
    template = PLAIN_LIVE if live else PLAIN_IN_PROCESS
    for index, start, stop in _chunks(cases):
        (root / f"test_plain_{index}.py").write_text(template.format(start=start, stop=stop))
    return root


def trivial_project(root: Path, cases: int, per_file: int) -> Path:
    """``cases`` trivial parametrized tests, ``per_file`` in each module (the collection floor)."""
    _fresh(root)
    for index in range(0, cases, per_file):
        (root / f"test_trivial_{index // per_file}.py").write_text(TRIVIAL.format(count=min(per_file, cases - index)))
    return root
