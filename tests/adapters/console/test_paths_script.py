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


def test_buddies_walkthrough_pairs_the_two_on_the_same_step_and_names_it(tmp_path: Path) -> None:
    result = run_console(tmp_path, walkthrough("paths.md", "buddies"))
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "(opened room 'Study buddies #1: Ana & Ben' for ana, ben)" in out
    intro = out[out.index("**Study buddies #1: Ana & Ben**") :]
    assert (
        "• both on ML engineer intern, around milestone 1 of 10: **Version your work with Git** "
        "(Ben has reached it and can help)" in intro
    )
    assert "First step: Put a project in a GitHub repository with a README" in intro
