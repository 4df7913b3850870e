"""STUDYBOT_CPU keeps the process on one CPU, or refuses a CPU it may not use."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.cpu import pin_to_cpu

needs_affinity = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity"), reason="no CPU affinity on this platform"
)


def _in_child(code: str) -> str:
    """Run in a fresh interpreter: pinning the test process would pin every later test."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


@needs_affinity
def test_the_process_and_the_threads_it_starts_stay_on_the_cpu() -> None:
    cpu = max(os.sched_getaffinity(0))
    out = _in_child(
        "import os, threading\n"
        "from bot.cpu import pin_to_cpu\n"
        f"assert pin_to_cpu({cpu})\n"
        "seen = []\n"
        "t = threading.Thread(target=lambda: seen.append(os.sched_getaffinity(0)))\n"
        "t.start(); t.join()\n"
        "print(sorted(os.sched_getaffinity(0)), sorted(seen[0]))"
    )
    assert out == f"[{cpu}] [{cpu}]"


@needs_affinity
def test_a_cpu_the_process_may_not_use_is_refused_and_nothing_changes() -> None:
    before = os.sched_getaffinity(0)
    with pytest.raises(ValueError, match="may only use CPU"):
        pin_to_cpu(max(before) + 1000)
    assert os.sched_getaffinity(0) == before


def test_without_cpu_affinity_nothing_changes_and_the_caller_is_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(os, "sched_setaffinity", raising=False)  # as on macOS and Windows
    assert pin_to_cpu(0) is False
