"""What the benchmark ran on, and how busy the machine was with other work while it ran.

The figures are ratios, but a loaded machine still blurs them; results.md says
how loaded it was so a reader can judge. "Busy with others" is the CPU time the
whole machine spent outside idle minus the CPU time of the benchmark's own
processes, as a share of the machine's capacity over the run (Linux /proc/stat).
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from typing import List, Optional, Tuple

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _machine_cpu_seconds() -> Optional[Tuple[float, float]]:
    """(busy, total) CPU seconds of the whole machine since boot, or None off Linux."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    total = sum(fields[:8])
    return (total - idle) / TICKS, total / TICKS


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime + own.ru_utime + own.ru_stime


@dataclass(frozen=True)
class MachineLoad:
    wall: float
    machine: Optional[Tuple[float, float]]
    own: float
    load: Tuple[float, float, float]

    @classmethod
    def start(cls) -> "MachineLoad":
        return cls(time.time(), _machine_cpu_seconds(), _own_cpu_seconds(), os.getloadavg())

    def finish(self) -> List[str]:
        """Lines describing the load between ``start`` and now."""
        end = _machine_cpu_seconds()
        load = os.getloadavg()
        lines = [
            f"load average (1 min) {self.load[0]:.2f} at the start, {load[0]:.2f} at the end "
            f"({os.cpu_count()} logical CPUs)"
        ]
        if self.machine is not None and end is not None:
            busy = end[0] - self.machine[0]
            total = end[1] - self.machine[1]
            own = _own_cpu_seconds() - self.own
            others = max(0.0, busy - own)
            lines.append(
                f"CPU busy with other processes during the run: {others / total:.0%} of the machine "
                f"(the benchmark itself: {own / total:.0%})"
            )
        return lines


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe_machine(load_lines: List[str]) -> List[str]:
    versions = ", ".join(f"{name} {_version(name)}" for name in ("pytest", "pytest-xdist", "werkzeug", "requests", "pyyaml"))
    return [
        f"{_cpu_model()}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}",
        f"Python {platform.python_version()} ({sys.implementation.name}); {versions}",
        *load_lines,
    ]
