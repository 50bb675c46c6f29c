"""Speed as ratios against a baseline measured in the same run (never absolute timings).

1. engine overhead: checking contract cases in three browser profiles vs. sending the
   same requests straight through werkzeug (the unavoidable cost of the app itself);
2. YAML loading with marks and validation vs. plain ``yaml.safe_load`` of the same file.

Run: python benchmarks/run.py   (loops are bounded in count; no network)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "example_contracts"))

import yaml  # noqa: E402

from example_api import app  # noqa: E402
from pytest_cors.check.case import check_case  # noqa: E402
from pytest_cors.contract.schema import parse_contract  # noqa: E402
from pytest_cors.contract.yaml_loader import load_yaml  # noqa: E402
from pytest_cors.browser.profiles import select_profiles  # noqa: E402
from pytest_cors.transport.wsgi import WsgiTransport  # noqa: E402

ROUNDS = 5


def best_of(func: Callable[[], None], rounds: int = ROUNDS) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        timings.append(time.perf_counter() - start)
    return min(timings)


def engine_ratio() -> float:
    transport = WsgiTransport(app)
    contract = parse_contract(
        {
            "path": "/api/users",
            "origins": ["https://app.example.com", "https://admin.example.com"],
            "deny_origins": ["https://evil.example.net"],
            "methods": ["GET", "PUT", "DELETE"],
            "request_headers": ["Authorization"],
            "credentials": True,
        }
    )
    profiles = select_profiles("all")
    cases = contract.cases() * 20
    requests_sent = []

    def with_engine() -> None:
        for case in cases:
            result = check_case(case, transport.send, transport.base_url(), profiles)
            requests_sent.append(len(result.exchanges))

    with_engine()
    exchanges = [e.request for case in cases for e in check_case(case, transport.send, transport.base_url(), profiles).exchanges]

    def baseline() -> None:
        for request in exchanges:
            transport.send(request)

    return best_of(with_engine) / best_of(baseline)


def yaml_ratio() -> float:
    entries = "\n".join(
        f"  - name: c{i}\n    path: /api/{i}\n    origins: [https://app.example.com]\n    methods: [GET, PUT]"
        for i in range(2000)
    )
    text = "contracts:\n" + entries + "\n"

    def ours() -> None:
        data = load_yaml(text, "bench.yaml")
        for entry in data["contracts"]:
            parse_contract(entry)

    def plain() -> None:
        yaml.safe_load(text)

    return best_of(ours, 3) / best_of(plain, 3)


def main() -> int:
    print(f"engine: contract check (3 profiles) / raw WSGI exchanges = {engine_ratio():.2f}x")
    print(f"yaml:   marked load + validation / yaml.safe_load        = {yaml_ratio():.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
