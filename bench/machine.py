"""The machine line every benchmark prints beside its figures."""

from __future__ import annotations

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
