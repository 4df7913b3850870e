"""Keeping the process on one CPU (`STUDYBOT_CPU`), where the operating system allows it."""

from __future__ import annotations

import os


def pin_to_cpu(cpu: int) -> bool:
    """Run this thread, and every thread it starts from now on, on `cpu` only.

    Every SQL statement is handed from the event loop's thread to aiosqlite's worker thread and
    back, and only one of them runs Python at a time (the GIL). With the two on different CPUs,
    each hand-off has to wake the other CPU, which on a small VM costs several times a switch on
    the same CPU; measured figures are in docs/operations.md (Capacity). Call it before the
    database is opened: threads that already exist keep their CPUs.

    Returns False where the platform has no CPU affinity (macOS, Windows): nothing changes.
    Raises ValueError, changing nothing, when `cpu` is not one this process may use.
    """
    if not hasattr(os, "sched_setaffinity"):
        return False
    allowed = sorted(os.sched_getaffinity(0))
    if cpu not in allowed:
        raise ValueError(
            f"STUDYBOT_CPU={cpu}, but this process may only use CPU {', '.join(map(str, allowed))}."
        )
    os.sched_setaffinity(0, {cpu})
    return True
