"""One connection per run and per xdist worker, counted at a real 127.0.0.1 server (issue 8).

A new connection per item would cost a TCP handshake per request; a session
shared before workers start would serialise them. Counting the connections the
server accepted checks both without timing anything.
"""

from __future__ import annotations

import pytest

APP = "https://app.example.com"
ITEMS = 40


def _contracts() -> str:
    entries = "".join(f"  - {{name: c{i}, path: /api/{i}}}\n" for i in range(ITEMS // 2))
    return f"defaults:\n  origins: [{APP}]\n  methods: [GET, PUT]\ncontracts:\n" + entries


def test_every_item_of_a_run_reuses_one_connection(pytester, policy_server, run):
    server = policy_server({"origins": [APP], "methods": "GET, PUT"}, keepalive=True)
    pytester.makefile(".yaml", cors_api=_contracts())
    run("--cors-url", server.url, "--cors-send-unsafe").assert_outcomes(passed=ITEMS)
    assert len(server.log) == ITEMS * 3 // 2  # GET: actual only; PUT: preflight + actual
    assert server.connections == 1


def test_each_xdist_worker_reuses_its_own_connection(pytester, policy_server, run):
    pytest.importorskip("xdist")
    server = policy_server({"origins": [APP], "methods": "GET, PUT"}, keepalive=True)
    pytester.makefile(".yaml", cors_api=_contracts())
    result = run("--cors-url", server.url, "--cors-send-unsafe", "-n", "2", "-p", "xdist")
    result.assert_outcomes(passed=ITEMS)
    assert len(server.log) == ITEMS * 3 // 2
    assert 1 <= server.connections <= 2, f"{server.connections} connections for 2 workers"
