"""The machine line every benchmark prints beside its figures."""

from __future__ import annotations

import math

import os
import platform
import sqlite3
from pathlib import Path


def machine() -> dict[str, object]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    return {"platform": platform.platform(), "cpu": cpu, "cores": cores,
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version}


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q of them at or below it (with 5
    runs the p95 is the slowest)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]
