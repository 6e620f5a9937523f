"""What every benchmark shares: results, CPU time, memory, medians."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Result:
    measure: str
    ours: str
    reference: str
    ratio: float | None
    target: str
    ok: bool

    def cells(self) -> list[str]:
        ratio = "-" if self.ratio is None else f"{self.ratio:.2f}x"
        return [self.measure, self.ours, self.reference, ratio, self.target,
                "yes" if self.ok else "NO"]  # fmt: skip


def cpu() -> float:
    """CPU time of this process: the client's cost, whatever the server process spends."""
    return time.process_time()


def median_of(repeats: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(repeats))


def rss() -> int:
    """Resident memory of this process, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
