"""Timing whole ``python -m pytest`` processes: wall time, CPU time, interleaved repetitions, medians.

The machines these run on are shared, so every figure is a ratio of two
variants measured in the same run, repetitions of the variants are interleaved
(a burst of load hits both sides), and CPU time (user + system of the process
and everything it waited for, xdist workers included) is reported beside wall
time: other processes steal wall time, rarely CPU time.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple


#: Unset for every measured process: bytecode caches as a user's Python keeps them, no extra pytest options.
IGNORED_ENVIRONMENT = ("PYTHONDONTWRITEBYTECODE", "PYTEST_ADDOPTS", "PYTEST_XDIST_AUTO_NUM_WORKERS")


class BenchmarkError(Exception):
    """A measured run did not do what it was meant to (wrong outcome): its figures would be meaningless."""


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


@dataclass(frozen=True)
class Variant:
    """One pytest command and the outcome it must have, or its figures would be meaningless.

    ``expect`` is a regex the last line must match (``^1000 passed in``); with
    ``collected``, the per-file counts of ``-qq --collect-only`` must add up to it.
    """

    label: str
    args: Tuple[str, ...]
    cwd: Path
    expect: str = ""
    env: Mapping[str, str] = field(default_factory=dict)
    collected: Optional[int] = None
    #: The warm-up runs the whole variant; False: only collects (for the 10,000-contract runs,
    #: whose modules the smaller runs before them have already compiled).
    full_warm_up: bool = True

    def check(self, output: str) -> None:
        lines = output.strip().splitlines() or [""]
        if self.collected is not None:
            counts = re.findall(r"^\S+: (\d+)$", output, re.MULTILINE)
            if sum(int(c) for c in counts) == self.collected:
                return
        elif re.search(self.expect, lines[-1]):
            return
        wanted = f"{self.collected} items collected" if self.collected is not None else repr(self.expect)
        raise BenchmarkError(f"{self.label}: expected {wanted}, got:\n{output[-3000:]}")


@dataclass(frozen=True)
class Median:
    wall: float
    cpu: float
    runs: int

    def ratio(self, floor: "Median") -> Tuple[float, float]:
        return self.wall / floor.wall, self.cpu / floor.cpu


def run_pytest(variant: Variant, *, warm_up: bool = False) -> Timing:
    """Run one pytest process to its end; CPU time comes from wait4's rusage (children included).

    Every run is a user's run: PYTHONDONTWRITEBYTECODE is unset for it (a user's
    Python writes and reuses .pyc caches; without them every process, and every
    xdist worker, recompiles the plugin and pytest re-rewrites its modules). The
    ``warm_up`` run, unchecked and unmeasured, writes the .pyc and assertion-rewrite
    caches a user's second run finds, so no measured run pays for compiling.
    """
    env = {**os.environ, **variant.env}
    for name in IGNORED_ENVIRONMENT:
        env.pop(name, None)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *variant.args]
    if warm_up and not variant.full_warm_up:
        command += ["--collect-only", "-qq"]
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=variant.cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    if not warm_up:
        variant.check(text)
    return Timing(wall, usage.ru_utime + usage.ru_stime)


def interleaved(variants: Sequence[Variant], repetitions: int) -> Dict[str, Median]:
    """Each repetition runs every variant once, in an order that alternates between repetitions."""
    timings: Dict[str, List[Timing]] = {v.label: [] for v in variants}
    for variant in variants:
        run_pytest(variant, warm_up=True)
    for repetition in range(repetitions):
        order = list(variants) if repetition % 2 == 0 else list(reversed(variants))
        for variant in order:
            timings[variant.label].append(run_pytest(variant))
    return {
        label: Median(statistics.median(t.wall for t in runs), statistics.median(t.cpu for t in runs), len(runs))
        for label, runs in timings.items()
    }
