"""The learning-path walkthrough in docs/paths.md, run end to end through the console."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adapters.console.scripts import run_console, walkthrough

pytestmark = pytest.mark.slow  # runs `python -m bot console` as a process


def test_walkthrough_three_days_of_docker_reach_a_milestone_and_next_names_a_helper(
    tmp_path: Path,
) -> None:
    result = run_console(tmp_path, walkthrough("paths.md"))
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    third = out.index('alice> /checkin did:"compose file with Postgres"')
    assert "Docker 45 min: 90 of 120 min toward *Containerise your model*" in out[:third]
    assert (
        "🎉 Milestone reached on ML engineer intern: **Containerise your model** "
        "(milestone 6 of 10, 135 min)." in out[third:]
    )
    after_next = out[out.index("alice> /path next") :]
    assert "**Version your work with Git** (milestone 1 of 10)" in after_next
    assert "Ask bob: they reached this milestone and know Git." in after_next
    assert "✅ 6. Containerise your model: reached Wednesday 4 March" in after_next
