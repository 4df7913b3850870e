"""The buddies walkthrough of docs/buddies.md, run end to end through the console."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.adapters.console.scripts import run_console, walkthrough

pytestmark = pytest.mark.slow  # runs `python -m bot console` as a process
MONDAY_MORNING = "2026-03-02T06:00:00Z"  # the --now docs/buddies.md gives


def rooms(transcript: str, number: int) -> list[set[str]]:
    """Members of each room the console opened for round `number`."""
    opened = re.findall(
        rf"\(opened room 'Study buddies #{number}: [^']*' for ([^)]*)\)", transcript
    )
    return [set(names.split(", ")) for names in opened]


def pairs(groups: list[set[str]]) -> set[frozenset[str]]:
    return {frozenset((a, b)) for g in groups for a in g for b in g if a < b}


def test_seven_members_two_rounds_follow_up_and_no_repeat(tmp_path: Path) -> None:
    # Monday 07:00 in Berlin: the organizer's round comes before the scheduled 10:00 one
    result = run_console(tmp_path, walkthrough("buddies.md"), "--now", MONDAY_MORNING)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    first_round, _, rest = out.partition("(it is now 2026-03-06 06:00 UTC)")
    first, second = rooms(out, 1), rooms(out, 2)
    assert sorted(len(g) for g in first) == [2, 2, 3]
    assert set().union(*first) == {"ana", "ben", "chen", "dara", "eli", "femi", "gus"}
    assert first_round.count("Why you were matched:") == 3
    assert "Round 1 started: 3 groups" in first_round
    # /admin match now took the period's round: 10:00 that Monday started nothing more, and
    # the organizer was told when the next one is, a week later
    assert "Study buddies #2" not in first_round
    assert "Next scheduled round: Monday 9 March, 10:00 Europe/Berlin" in first_round
    assert (
        "Buddy round 1 (Monday 2 March): 3 groups for 7 members: 2 pairs and 1 trio." in first_round
    )
    # every member saw an intro that explains the match in their own local time
    assert "Ana 18:00-21:00 (Europe/Berlin)" in first_round
    assert "first time paired" in first_round and "First step:" in first_round
    # mid-round: Did-you-meet with buttons for every group
    assert first_round.count("**Did you meet?**") == 3
    assert "[1] Yes, we met" in first_round
    # answers are stored: typed by Ana, and Ben pressing the button
    answered, _, second_round = rest.partition("(opened room 'Study buddies #2")
    assert answered.count("Great, recorded that you met.") == 2
    assert "Ben> 1\n" in answered
    assert re.search(r"Did you meet: .*Ana: yes", answered)
    # before it, the five silent members were asked "Still in?"; Gus never answered
    assert answered.count("Still in for next round?") == 5
    # the next round (scheduled, a week later) pairs those who showed up, nobody with a
    # partner from the first, and not Gus
    assert sorted(len(g) for g in second) == [2, 2, 2]
    assert "gus" not in set().union(*second)
    assert not pairs(first) & pairs(second)
    assert "last paired" not in second_round
    assert re.search(r"Round 1 \(02 Mar 2026\): \w+( & \w+)? - met\n", second_round)
