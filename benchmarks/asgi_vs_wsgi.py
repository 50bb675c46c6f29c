"""Issue 9: an ASGI check costs no more than 1.2x a WSGI check of an equivalent app.

The same CORS policy is written twice, as a WSGI and as an ASGI app (no framework:
a framework's own cost would drown the transports'). Each repetition checks the
same contract cases (a credentialed PUT with a custom header from an allowed origin:
preflight + actual request; a denied origin; a simple GET) in every browser profile
through ``WsgiTransport`` and through ``AsgiTransport``; repetitions of the two are
interleaved and the medians compared, wall time and CPU time (all threads: the ASGI
loop runs in its own thread) side by side.

Run alone: python benchmarks/asgi_vs_wsgi.py   (about 10-20 s)
From run.py: ``from asgi_vs_wsgi import measure_asgi_vs_wsgi``; it returns the wall and
CPU ratios and the lines to print (perf8's run.py may add them to results.md).
"""

from __future__ import annotations

import statistics
import time
from typing import Any, Callable, Dict, List, Tuple

from pytest_cors.browser.profiles import select_profiles
from pytest_cors.check.case import check_case
from pytest_cors.contract.schema import parse_contract
from pytest_cors.transport.asgi import AsgiTransport
from pytest_cors.transport.asgi_loop import AsgiLoop
from pytest_cors.transport.wsgi import WsgiTransport

TARGET = 1.2
ALLOWED = "https://app.example.com"
CHECKS_PER_REPETITION = 200
REPETITIONS = 7


def policy(method: str, origin: str) -> Tuple[int, List[Tuple[str, str]]]:
    """The one CORS policy both apps apply: allow one origin, credentials, PUT and X-Token."""
    headers = [("Content-Type", "application/json"), ("Vary", "Origin")]
    if origin == ALLOWED:
        headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
        if method == "OPTIONS":
            headers += [("Access-Control-Allow-Methods", "GET, PUT"), ("Access-Control-Allow-Headers", "X-Token"),
                        ("Access-Control-Max-Age", "600")]
    return (204 if method == "OPTIONS" else 200), headers


BODY = b'{"items": []}'


def wsgi_app(environ: Dict[str, Any], start_response: Callable[..., Any]) -> List[bytes]:
    status, headers = policy(environ["REQUEST_METHOD"], environ.get("HTTP_ORIGIN", ""))
    start_response(f"{status} {'No Content' if status == 204 else 'OK'}", headers)
    return [] if status == 204 else [BODY]


async def asgi_app(scope: Dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    if scope["type"] != "http":
        raise ValueError("no lifespan")
    origin = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"origin"), "")
    status, headers = policy(scope["method"], origin)
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.lower().encode(), v.encode()) for k, v in headers]})
    await send({"type": "http.response.body", "body": b"" if status == 204 else BODY})


def _cases() -> List[Any]:
    contract = parse_contract({
        "name": "items", "path": "/api/items", "origins": [ALLOWED], "deny_origins": ["https://evil.example.net"],
        "methods": ["PUT", "GET"], "request_headers": ["X-Token"], "credentials": True,
    })
    return list(contract.cases())


def _time(transport: Any, cases: List[Any], profiles: Any) -> Tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(CHECKS_PER_REPETITION):
        result = check_case(cases[i % len(cases)], transport.send, transport.base_url(), profiles)
        if not result.passed:
            raise RuntimeError(f"the benchmark apps must satisfy the contract: {result}")
    return time.perf_counter() - wall, time.process_time() - cpu


def measure_asgi_vs_wsgi(repetitions: int = REPETITIONS) -> Tuple[float, float, List[str]]:
    """(wall ratio, cpu ratio, report lines): ASGI check time over WSGI check time, medians."""
    profiles = select_profiles("all")
    cases = _cases()
    loop = AsgiLoop()
    wsgi = WsgiTransport(wsgi_app)
    asgi = AsgiTransport(asgi_app, loop=loop)
    try:
        _time(wsgi, cases, profiles), _time(asgi, cases, profiles)  # warm-up: imports, loop start, lifespan
        runs: Dict[str, List[Tuple[float, float]]] = {"wsgi": [], "asgi": []}
        for _ in range(repetitions):
            runs["wsgi"].append(_time(wsgi, cases, profiles))
            runs["asgi"].append(_time(asgi, cases, profiles))
    finally:
        asgi.close()
        loop.close()
    median = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}
    wall_ratio = median["asgi"][0] / median["wsgi"][0]
    cpu_ratio = median["asgi"][1] / median["wsgi"][1]
    per_check = {k: (w / CHECKS_PER_REPETITION * 1000, c / CHECKS_PER_REPETITION * 1000) for k, (w, c) in median.items()}
    verdict = "ok" if max(wall_ratio, cpu_ratio) <= TARGET else "OVER TARGET"
    lines = [
        f"ASGI vs WSGI in-process check ({CHECKS_PER_REPETITION} checks x {repetitions} interleaved repetitions, medians):",
        f"  WSGI {per_check['wsgi'][0]:.3f} ms/check wall ({per_check['wsgi'][1]:.3f} ms cpu)",
        f"  ASGI {per_check['asgi'][0]:.3f} ms/check wall ({per_check['asgi'][1]:.3f} ms cpu)",
        f"  = {wall_ratio:.2f}x wall, {cpu_ratio:.2f}x cpu (target <= {TARGET}x): {verdict}",
    ]
    return wall_ratio, cpu_ratio, lines


if __name__ == "__main__":
    print("\n".join(measure_asgi_vs_wsgi()[2]))
