"""The check-in walkthrough in docs/checkins.md, run end to end through the console."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adapters.console.scripts import run_console, walkthrough

pytestmark = pytest.mark.slow  # runs `python -m bot console` as a process


def test_walkthrough_streak_freeze_and_one_reminder(tmp_path: Path) -> None:
    result = run_console(tmp_path, walkthrough("checkins.md"))
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    # exactly one reminder, on Wednesday (the missed day), 19:00 Berlin = 18:00 UTC
    assert out.count("→ DM to alice:") == 1
    wednesday = out.index("(it is now 2026-03-04 13:00 UTC)")
    thursday = out.index("(it is now 2026-03-05 13:00 UTC)")
    assert wednesday < out.index("→ DM to alice:") < thursday
    assert "Check in now" in out[wednesday:thursday]
    # the button opened the form, and the freeze covered Wednesday
    assert "What did you do today? (required): Back at it" in out
    assert "A streak freeze covered Wednesday 4 March (0 left this week)." in out
    assert "Streak: 3 days (longest 3 days)" in out
    # the final /streak: four check-ins, the frozen day, the right count
    assert "Current: 4 days · Longest: 4 days" in out
    assert "Last 14 days (oldest first, today last): " + "▫" * 9 + "✅✅🧊✅✅" in out
    assert "Days checked in: 4 of 7 (Mon, Tue, Thu, Fri)" in out
    assert "Time: 2.4 h" in out
