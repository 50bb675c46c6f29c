"""What a user waits for: whole ``python -m pytest`` runs of pytest-cors against the plain-test floor.

Every figure is a ratio measured in this one run (medians of interleaved
repetitions, wall time and CPU time side by side). The floor is plain pytest
tests in a project without pytest-cors (``-p no:cors``):

- in-process: N YAML contracts (credentialed PUT with a custom header, audit off)
  vs generated plain tests sending the same preflight and actual request through
  werkzeug's test client;
- live: the same against a real server on 127.0.0.1 (plain tests: one reused
  requests.Session), and the ``-n 2`` (xdist) speedup of each side;
- collection: 10,000 YAML contracts (60,000 items) vs 60,000 trivial parametrized
  tests, ``--collect-only``;
- audit on vs off; cost per check at N = 100, 1,000 and 10,000.

Run: python benchmarks/run.py   (about 5-10 minutes; writes benchmarks/results.md)
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from machine import MachineLoad, describe_machine
from measure import IGNORED_ENVIRONMENT, Median, Variant, interleaved
from projects import COLLECTION_DEFAULTS, plain_project, trivial_project, yaml_project

HERE = Path(__file__).resolve().parent
N = 1000
#: The audit multiplies the requests: fewer contracts keep its runs short.
AUDIT_N = 200
COLLECTION_CONTRACTS = 10_000
ITEMS_PER_COLLECTION_CONTRACT = 6
AUDIT_OFF = ("--cors-audit", "off")
#: The floor is a project without pytest-cors: its plain tests do not load the plugin at all.
WITHOUT_PLUGIN = ("-p", "no:cors")


class Report:
    """Lines printed as they are measured, kept for results.md, plus the verdict on each target."""

    def __init__(self) -> None:
        self.lines: List[str] = []
        self.targets: List[str] = []

    def say(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def ratio(self, name: str, plugin: Median, floor: Median) -> float:
        wall, cpu = plugin.ratio(floor)
        self.say(
            f"  {name:<34} plugin {plugin.wall:6.2f} s (cpu {plugin.cpu:6.2f} s)  floor {floor.wall:6.2f} s "
            f"(cpu {floor.cpu:6.2f} s)  = {wall:.2f}x wall, {cpu:.2f}x cpu"
        )
        return wall

    def target(self, name: str, goal: str, met: Callable[[float], bool], wall: float, cpu: Optional[float] = None) -> None:
        """One target, judged on the wall-time ratio and (where there is one) on the CPU-time ratio."""
        verdict = f"wall {'met' if met(wall) else 'NOT met'}"
        shown = f"{wall:.2f}x"
        if cpu is not None:
            verdict += f", cpu {'met' if met(cpu) else 'NOT met'}"
            shown += f" | {cpu:.2f}x"
        else:
            shown += " | -"
        self.targets.append(f"| {name} | {shown} | {goal} | {verdict} |")


def passed(count: int) -> str:
    return rf"^{count} passed in "


def in_process(work: Path, repetitions: int, report: Report) -> Dict[str, Median]:
    plugin_dir = yaml_project(work / "inproc-plugin", N)
    plain_dir = plain_project(work / "inproc-plain", N, live=False)
    variants = [
        Variant("plugin", ("-q", *AUDIT_OFF), plugin_dir, passed(N)),
        Variant("plain", ("-q", *WITHOUT_PLUGIN), plain_dir, passed(N)),
    ]
    medians = interleaved(variants, repetitions)
    report.say(f"in-process, N = {N:,} contracts (audit off) vs {N:,} plain werkzeug-client tests:")
    report.ratio("plugin / plain", medians["plugin"], medians["plain"])
    report.target("in-process", "<= 1.20x", lambda r: r <= 1.2, *medians["plugin"].ratio(medians["plain"]))
    return medians


def audit(work: Path, repetitions: int, report: Report) -> None:
    plugin_dir = yaml_project(work / "audit-plugin", AUDIT_N)
    variants = [
        Variant("audit off", ("-q", *AUDIT_OFF), plugin_dir, passed(AUDIT_N)),
        Variant("audit on", ("-q",), plugin_dir, r"^\d+ passed in "),
    ]
    medians = interleaved(variants, repetitions)
    report.say(f"audit on vs off, in-process, N = {AUDIT_N} contracts (the audit adds its probes' items and requests):")
    report.ratio("audit on / audit off", medians["audit on"], medians["audit off"])


def start_server() -> "tuple[subprocess.Popen[bytes], str]":
    server = subprocess.Popen([sys.executable, str(HERE / "bench_app.py"), "serve"], stdout=subprocess.PIPE)
    assert server.stdout is not None
    port = server.stdout.readline().decode().strip()
    if not port.isdigit():
        server.kill()
        raise RuntimeError("the benchmark server did not start")
    if not keeps_connections_open(int(port)):
        server.kill()
        raise RuntimeError("the benchmark server closed a connection between requests (keep-alive is the floor's premise)")
    return server, f"http://127.0.0.1:{port}"


def keeps_connections_open(port: int) -> bool:
    """Whether two requests travel over one connection, as a reused requests.Session's do."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for method in ("OPTIONS", "PUT"):
            connection.request(method, "/api/items/0", headers={"Origin": "https://app.example.com"})
            connection.getresponse().read()
            if connection.sock is None:
                return False
        return True
    finally:
        connection.close()


def live(work: Path, repetitions: int, report: Report) -> None:
    server, url = start_server()
    try:
        plugin_dir = yaml_project(work / "live-plugin", N)
        plain_dir = plain_project(work / "live-plain", N, live=True)
        plugin_args = ("-q", *AUDIT_OFF, "--cors-url", url, "--cors-send-unsafe")
        variants = [
            Variant("plugin", plugin_args, plugin_dir, passed(N)),
            Variant("plain", ("-q", *WITHOUT_PLUGIN), plain_dir, passed(N), {"BENCH_URL": url}),
        ]
        xdist = importlib.util.find_spec("xdist") is not None
        if xdist:
            variants += [
                Variant("plugin -n 2", (*plugin_args, "-n", "2"), plugin_dir, passed(N)),
                Variant("plain -n 2", ("-q", *WITHOUT_PLUGIN, "-n", "2"), plain_dir, passed(N), {"BENCH_URL": url}),
            ]
        medians = interleaved(variants, repetitions)
    finally:
        server.kill()
        server.wait()
    report.say(f"live 127.0.0.1 server, N = {N} (server CPU not counted):")
    report.ratio("plugin / plain", medians["plugin"], medians["plain"])
    report.target("live", "<= 1.15x", lambda r: r <= 1.15, *medians["plugin"].ratio(medians["plain"]))
    if not xdist:
        report.say("  xdist: not installed (pip install pytest-xdist), -n 2 not measured")
        report.targets.append("| xdist speedup | not measured | - | >= 0.90 of plain's | NOT measured |")
        return
    report.say("xdist -n 2 vs serial, live (speedup = serial wall / -n 2 wall):")
    plugin_speedup = medians["plugin"].wall / medians["plugin -n 2"].wall
    plain_speedup = medians["plain"].wall / medians["plain -n 2"].wall
    report.ratio("plugin -n 2 / plain -n 2", medians["plugin -n 2"], medians["plain -n 2"])
    relative = plugin_speedup / plain_speedup
    report.say(f"  speedup: plugin {plugin_speedup:.2f}x, plain {plain_speedup:.2f}x -> plugin's is {relative:.2f} of plain's")
    report.target("xdist speedup, plugin's / plain's", ">= 0.90", lambda r: r >= 0.9, relative)


def collection(work: Path, repetitions: int, report: Report) -> None:
    items = COLLECTION_CONTRACTS * ITEMS_PER_COLLECTION_CONTRACT
    files = COLLECTION_CONTRACTS // 1000
    plugin_dir = yaml_project(work / "collect-plugin", COLLECTION_CONTRACTS, COLLECTION_DEFAULTS)
    plain_dir = trivial_project(work / "collect-plain", items, items // files)
    variants = [
        Variant("plugin", ("-qq", "--collect-only", *AUDIT_OFF), plugin_dir, collected=items),
        Variant("plain", ("-qq", "--collect-only", *WITHOUT_PLUGIN), plain_dir, collected=items),
    ]
    medians = interleaved(variants, repetitions)
    report.say(f"collection, --collect-only: {COLLECTION_CONTRACTS:,} YAML contracts ({items:,} items) vs {items:,} trivial parametrized tests:")
    report.ratio("plugin / plain", medians["plugin"], medians["plain"])
    report.target("collection", "<= 1.10x", lambda r: r <= 1.1, *medians["plugin"].ratio(medians["plain"]))


def scaling(work: Path, repetitions: int, report: Report, at_n: Dict[str, Median]) -> None:
    sizes = (100, 10_000)
    variants = []
    for size in sizes:
        full = size <= N  # the 10,000-contract projects: the runs before compiled every module but their own tests
        plugin_dir, plain_dir = yaml_project(work / f"scale-plugin-{size}", size), plain_project(work / f"scale-plain-{size}", size, live=False)
        variants.append(Variant(f"plugin {size}", ("-q", *AUDIT_OFF), plugin_dir, passed(size), full_warm_up=full))
        variants.append(Variant(f"plain {size}", ("-q", *WITHOUT_PLUGIN), plain_dir, passed(size), full_warm_up=full))
    medians = interleaved(variants, repetitions)
    medians[f"plugin {N}"], medians[f"plain {N}"] = at_n["plugin"], at_n["plain"]
    report.say("cost per check, in-process (marginal ms per check between two N; startup cancels out):")
    steps = ((100, N), (N, 10_000))
    marginal: Dict[Tuple[str, int], Tuple[float, float]] = {}
    for side in ("plugin", "plain"):
        costs = []
        for low, high in steps:
            high_m, low_m = medians[f"{side} {high}"], medians[f"{side} {low}"]
            wall = (high_m.wall - low_m.wall) / (high - low) * 1000
            cpu = (high_m.cpu - low_m.cpu) / (high - low) * 1000
            costs.append(f"N {low:>5}->{high:<6} {wall:5.2f} ms wall {cpu:5.2f} ms cpu")
            marginal[(side, low)] = (wall, cpu)
        report.say(f"  {side:<7} " + "   ".join(costs))
    for size in (100, N, 10_000):
        report.ratio(f"plugin / plain at N = {size:,}", medians[f"plugin {size}"], medians[f"plain {size}"])
    growth_wall = marginal[("plugin", N)][0] / marginal[("plugin", 100)][0]
    growth_cpu = marginal[("plugin", N)][1] / marginal[("plugin", 100)][1]
    report.target("cost per check, N 1k->10k / N 100->1k", "<= 1.20 (flat)", lambda r: r <= 1.2, growth_wall, growth_cpu)


def asgi_comparison(report: Report) -> None:
    """Issue 9's figure, from benchmarks/asgi_vs_wsgi.py when it is there (one process, engine-level)."""
    if not (HERE / "asgi_vs_wsgi.py").exists():
        return
    from asgi_vs_wsgi import TARGET, measure_asgi_vs_wsgi

    wall, cpu, lines = measure_asgi_vs_wsgi()
    for line in lines:
        report.say(line)
    report.target("ASGI check / WSGI check (issue 9)", f"<= {TARGET:.2f}x", lambda r: r <= TARGET, wall, cpu)


SCENARIOS = ("in-process", "audit", "live", "collection", "scaling", "asgi")


def write_results(path: Path, report: Report, machine: List[str], started: float) -> None:
    minutes = (time.time() - started) / 60
    text = [
        "# pytest-cors benchmark results",
        "",
        "Written by `python benchmarks/run.py` (the figures below are exactly what it printed).",
        "Ratios are plugin / floor; medians of interleaved repetitions of whole `python -m pytest` processes.",
        "",
        "## Machine",
        "",
        *[f"- {line}" for line in machine],
        f"- whole benchmark run: {minutes:.1f} minutes",
        "",
        "## Targets",
        "",
        "| figure | wall-time ratio | CPU-time ratio | target | verdict |",
        "|---|---|---|---|---|",
        *report.targets,
        "",
        "## Output",
        "",
        "```",
        *report.lines,
        "```",
        "",
    ]
    notes = HERE / "notes.md"  # hand-written analysis, kept beside the figures it explains
    if notes.exists():
        text += [notes.read_text().rstrip(), ""]
    path.write_text("\n".join(text))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repetitions", type=int, default=5, help="repetitions of the N = 1,000 runs (default 5)")
    parser.add_argument("--large-repetitions", type=int, default=3, help="repetitions of the 10,000-contract runs (default 3)")
    parser.add_argument("--only", action="append", choices=SCENARIOS, help="run only these scenarios (repeatable)")
    parser.add_argument("--results", type=Path, default=HERE / "results.md", help="where to write the results ('-' for nowhere)")
    options = parser.parse_args(argv)
    chosen = options.only or list(SCENARIOS)
    if "scaling" in chosen and "in-process" not in chosen:
        chosen.append("in-process")
    report = Report()
    load = MachineLoad.start()
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="pytest-cors-bench-") as tmp:
        work = Path(tmp)
        steps: Dict[str, Callable[[], object]] = {}
        at_n: Dict[str, Median] = {}
        steps["in-process"] = lambda: at_n.update(in_process(work, options.repetitions, report))
        steps["audit"] = lambda: audit(work, options.repetitions, report)
        steps["live"] = lambda: live(work, options.repetitions, report)
        steps["collection"] = lambda: collection(work, options.large_repetitions, report)
        steps["scaling"] = lambda: scaling(work, options.large_repetitions, report, at_n)
        steps["asgi"] = lambda: asgi_comparison(report)
        for name in SCENARIOS:
            if name in chosen:
                steps[name]()
    machine = describe_machine(load.finish()) + [
        f"every measured pytest process runs without {', '.join(IGNORED_ENVIRONMENT)} (set on this machine or not): "
        "bytecode caches are written and reused, as a user's Python does; each variant runs once, unmeasured, "
        "before its measured repetitions (the 10,000-contract and collection variants: collection only), "
        "so no measured run compiles or assertion-rewrites anything",
        "both sides run in the same environment, the plugin's test extra installed (pytest-django and pytest-flask "
        "add their autouse fixtures to every test on both sides; the floor runs with -p no:cors)",
    ]
    report.say()
    for line in machine:
        report.say(line)
    report.say("targets:")
    for line in report.targets:
        report.say("  " + line.strip("| ").replace(" | ", "   "))
    if str(options.results) != "-":
        write_results(options.results, report, machine, started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
