"""Telling linear from quadratic (or bounded from linear) time whatever the machine's load: the same work is timed
at two sizes in one test, in the CPU time of this process and of the children it waited for, and only the ratio
is bounded. A bound on the wall clock failed when another job kept the machine's processors busy."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable

FACTOR = 4  # the larger size is this many times the smaller: linear work takes ~4 times as long, quadratic ~16


def _cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def growth(run: Callable[[int], Callable[[], object]], size: int, bound: float, rounds: int = 3) -> float:
    """How many times longer the work `run(FACTOR * size)` prepares takes than the work `run(size)` prepares (each
    prepared untimed, then timed), the best of up to `rounds` tries of each: the first try whose ratio is under
    `bound` ends the trial. The work is done once before, untimed, so that what a first run alone does (compiling
    patterns, loading data) is not taken for the smaller size's. Choose `size` so that its work takes some 50 ms at
    least."""
    run(size)()
    best: dict[int, float] = {}
    ratio = float("inf")
    for _ in range(rounds):
        for n in (size, FACTOR * size):
            work = run(n)
            started = _cpu_seconds()
            work()
            best[n] = min(best.get(n, float("inf")), _cpu_seconds() - started)
        ratio = best[FACTOR * size] / max(best[size], 1e-6)
        if ratio < bound:
            break
    return ratio
