"""The digest walkthrough of docs/digests.md, run end to end through the console."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.adapters.console.scripts import ROOT, walkthrough

pytestmark = pytest.mark.slow  # runs `python -m bot console` as a process


def run_in(folder: Path, script: str) -> subprocess.CompletedProcess[str]:
    """The console in `folder`, so the chart it saves lands there and not in the repository."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", "--db", "c.db", "--now", "2026-03-02T13:00:00Z"],
        input=script,
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=180,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT),
            "STUDYBOT_LOG_LEVEL": "WARNING",
        },
    )


def test_one_digest_with_a_saved_chart_and_nothing_more_that_week(tmp_path: Path) -> None:
    result = run_in(tmp_path, walkthrough("digests.md"))
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    # Monday 09:00 Berlin is 08:00 UTC: posted during the advance to Monday 13:00 UTC, once.
    assert out.count("→ #study:") == 1
    sunday = out.index("(it is now 2026-03-08 13:00 UTC)")
    monday = out.index("(it is now 2026-03-09 13:00 UTC)")
    tuesday = out.index("(it is now 2026-03-10 13:00 UTC)")
    assert sunday < out.index("→ #study:") < monday < tuesday
    digest = out[out.index("→ #study:") : monday]
    assert "Weekly study digest** · 2 Mar – 8 Mar 2026" in digest
    # the organizer ("admin") never checked in nor joined buddies: not counted, not welcomed
    assert "**3** of 3 members checked in" in digest
    assert "👋 Welcome, Ana, Ben and Cleo!" in digest
    assert "🏅 7 days in a row: Ana" in digest
    assert "→ Ben or admin can help" in digest and "Cleo or" not in digest  # Cleo opted out
    assert "Shout-out to Ana & Ben" in digest, digest
    # the chart: saved by the console messenger, its path printed
    m = re.search(r"\[file\] digest-2026-W11\.png saved to (\S+)", digest)
    assert m is not None
    png = (tmp_path / m.group(1)).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000
    # the organizer gets the week's figures privately, once
    assert out.count("📊 **Weekly figures for") == 1
    report = out[out.index("📊 **Weekly figures for") : monday]
    assert "**3** of 3 members checked in" in report and "1 open blocker" in report
