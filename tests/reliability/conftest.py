"""Fixtures for reliability tests: real fault servers on 127.0.0.1, cleaned up after each test."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator, List

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from servers import Certificate, FaultServer, Handler, make_self_signed  # noqa: E402

#: Plugins that slow every in-process run down and have nothing to do with pytest-cors.
QUIET_PLUGINS = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:benchmark")


@pytest.fixture
def fault_server() -> Iterator[Callable[..., FaultServer]]:
    """``fault_server(handler, lifetime=30, tls=None)`` starts a server; all are closed after the test."""
    started: List[FaultServer] = []

    def start(handler: Handler, **kwargs) -> FaultServer:
        server = FaultServer(handler, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


class _PauseRecordingClock:
    """Stands in for the ``time`` module inside ``pytest_cors.transport.live``: pauses are recorded, not slept.

    Only the live transport sees it, so the pauses listed are exactly the backoff
    it asked for (nothing else in the process sleeping lands in the list).
    """

    def __init__(self, on_pause: Callable[[float], None]) -> None:
        self._on_pause = on_pause

    def sleep(self, seconds: float) -> None:
        self._on_pause(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def record_transport_pauses(monkeypatch: pytest.MonkeyPatch, on_pause: Callable[[float], None]) -> None:
    """Call ``on_pause(seconds)`` each time the live transport would sleep before a retry (and skip the sleep)."""
    monkeypatch.setattr("pytest_cors.transport.live.time", _PauseRecordingClock(on_pause))


@pytest.fixture
def transport_pauses(monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """The pauses (seconds) the live transport asked for between retries, in order."""
    pauses: List[float] = []
    record_transport_pauses(monkeypatch, pauses.append)
    return pauses


@pytest.fixture
def run(pytester: pytest.Pytester) -> Callable[..., pytest.RunResult]:
    """Run pytest in-process in the pytester directory, audit off, quiet plugins."""

    def go(*args: str) -> pytest.RunResult:
        return pytester.runpytest(*QUIET_PLUGINS, "--cors-audit", "off", *args)

    return go


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    cert = make_self_signed(str(tmp_path_factory.mktemp("tls")))
    if cert is None:
        pytest.skip("neither the cryptography package nor the openssl CLI is available to make a test certificate")
    return cert


def yaml_contract(target: str, path: str = "/api", origins: str = "[https://app.example.com]", extra: str = "") -> str:
    return f"target: {target}\ncontracts:\n  - name: api\n    path: {path}\n    origins: {origins}\n{extra}"
