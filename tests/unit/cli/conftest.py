"""Helpers for the ``pytest-cors record`` tests: run the command in-process, and a live server on 127.0.0.1."""

from __future__ import annotations

from typing import Iterator, List

import pytest

from pytest_cors.cli.main import main

from ..record.servers import serve
from .shop_apps import shop

APP = "unit.cli.shop_apps"
QUIET = ("-p", "no:cacheprovider")


@pytest.fixture
def record(monkeypatch, pytester, capsys):
    """``record(*args)`` runs ``pytest-cors record`` in pytester's directory: (exit code, stdout, stderr)."""
    monkeypatch.chdir(pytester.path)

    def run(*args: str):
        code = main(["record", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def live_shop() -> Iterator[str]:
    """The Flask shop served over real HTTP on 127.0.0.1 (an ephemeral port)."""
    with serve(shop) as url:
        yield url


def shop_args(*extra: str) -> List[str]:
    return [
        "--origin", "https://app.example.com", "--origin", "https://admin.example.com",
        "--origin", "https://other.example.org",
        "--method", "GET", "--method", "POST", "--header", "Authorization", "--credentials", *extra,
    ]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
