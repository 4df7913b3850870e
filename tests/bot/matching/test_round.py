from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching.round import (
    Cadence,
    Participant,
    group_title,
    match_profile,
    plan,
)
from bot.matching.score import MatchProfile, PathStep
from bot.paths.progress import PathProgress
from bot.storage.models import Profile
from bot.storage.paths import ReachedMilestone
from bot.text import duration
from tests.bot.matching.learning_paths import DATA, ML, at

ON = date(2026, 3, 2)  # Monday; New York and Berlin both on standard time


def person(
    member_id: int,
    *,
    tz: str = "UTC",
    hours: tuple[time, time] | None = (time(18), time(21)),
    learning: tuple[str, ...] = ("docker", "sql"),
    knows: tuple[str, ...] = (),
    goal: str | None = "internship",
    level: str | None = "beginner",
    step: PathStep | None = None,
) -> Participant:
    profile = MatchProfile(
        member_id, goal, level, frozenset(learning), frozenset(knows), tz, hours, step
    )
    return Participant(member_id, f"M{member_id}", profile)


def crowd(n: int) -> list[Participant]:
    return [person(i) for i in range(1, n + 1)]


def members_of(outcome_groups: tuple[object, ...]) -> list[tuple[int, ...]]:
    return [tuple(p.member_id for p in g.members) for g in outcome_groups]  # type: ignore[attr-defined]


@pytest.mark.parametrize("n", [3, 5, 7])
def test_odd_counts_make_exactly_one_trio_and_drop_nobody(n: int) -> None:
    outcome = plan(crowd(n), ON, number=1, past_rounds=[], blocks=[])
    groups = members_of(outcome.groups)
    assert sorted(len(g) for g in groups) == [2] * ((n - 3) // 2) + [3]
    assert sorted(m for g in groups for m in g) == list(range(1, n + 1))
    assert outcome.left_out == ()


def test_a_lone_member_is_told_they_were_the_only_one() -> None:
    outcome = plan(crowd(1), ON, number=1, past_rounds=[], blocks=[])
    assert outcome.groups == ()
    (left,) = outcome.left_out
    assert left.member.member_id == 1 and "only member" in left.reason


def test_blocked_pairs_never_share_a_group() -> None:
    blocks = [(1, 2), (3, 1), (2, 4)]
    outcome = plan(crowd(6), ON, number=1, past_rounds=[], blocks=blocks)
    for group in members_of(outcome.groups):
        for a, b in combinations(group, 2):
            assert (a, b) not in blocks and (b, a) not in blocks
    assert sum(len(g) for g in members_of(outcome.groups)) == 6


def test_someone_who_blocked_everyone_is_told_it_is_their_block_list() -> None:
    outcome = plan(crowd(3), ON, number=1, past_rounds=[], blocks=[(1, 2), (1, 3)])
    assert members_of(outcome.groups) == [(2, 3)]
    (left,) = outcome.left_out
    assert left.member.member_id == 1 and "your block list" in left.reason


def test_a_member_everyone_blocked_is_not_told_about_the_blocks() -> None:
    outcome = plan(crowd(3), ON, number=1, past_rounds=[], blocks=[(2, 1), (3, 1)])
    (left,) = outcome.left_out
    assert left.member.member_id == 1
    assert "block" not in left.reason and "nobody taking part" in left.reason


def test_no_repeat_within_the_window_when_a_fresh_grouping_exists() -> None:
    past = [[[1, 2], [3, 4]]]
    outcome = plan(crowd(4), ON, number=2, past_rounds=past, blocks=[], repeat_window=6)
    for group in members_of(outcome.groups):
        assert group not in [(1, 2), (3, 4)]


def test_repeats_are_allowed_again_after_the_window() -> None:
    # 1 and 2 fit each other far better; they last met 3 rounds ago, outside a window of 2.
    people = [
        person(1, learning=("sql",), tz="Europe/Berlin"),
        person(2, learning=("sql",), tz="Europe/Berlin"),
        person(3, learning=("git",), tz="Asia/Tokyo", goal="exam", level="advanced"),
        person(4, learning=("llms",), tz="America/Los_Angeles", goal="portfolio"),
    ]
    past = [[[1, 3], [2, 4]], [[1, 4], [2, 3]], [[1, 2], [3, 4]]]
    outcome = plan(people, ON, number=4, past_rounds=past, blocks=[], repeat_window=2)
    assert (1, 2) in members_of(outcome.groups)
    assert "last paired 3 rounds ago" in outcome.groups[0].intro


def test_group_size_three_makes_trios() -> None:
    six = plan(crowd(6), ON, number=1, past_rounds=[], blocks=[], group_size=3)
    assert sorted(len(g) for g in members_of(six.groups)) == [3, 3]
    seven = plan(crowd(7), ON, number=1, past_rounds=[], blocks=[], group_size=3)
    assert sorted(len(g) for g in members_of(seven.groups)) == [2, 2, 3]
    eight = plan(crowd(8), ON, number=1, past_rounds=[], blocks=[], group_size=3)
    assert sorted(len(g) for g in members_of(eight.groups)) == [2, 3, 3]


def test_group_size_three_respects_blocks() -> None:
    blocks = [(1, 2), (1, 3), (1, 4), (2, 5)]
    outcome = plan(crowd(6), ON, number=1, past_rounds=[], blocks=blocks, group_size=3)
    groups = members_of(outcome.groups)
    assert sum(len(g) for g in groups) == 6
    for group in groups:
        for a, b in combinations(group, 2):
            assert (a, b) not in blocks and (b, a) not in blocks


def test_an_unknown_group_size_is_refused() -> None:
    with pytest.raises(ValueError, match="group size"):
        plan(crowd(4), ON, number=1, past_rounds=[], blocks=[], group_size=4)


# --- the intro --------------------------------------------------------------------------------


def intro_for(
    a: Participant, b: Participant, on: date = ON, past: list[list[list[int]]] | None = None
) -> str:
    outcome = plan([a, b], on, number=3, past_rounds=past or [], blocks=[])
    (group,) = outcome.groups
    return group.intro


def test_intro_names_both_the_goal_the_skills_and_a_first_step() -> None:
    text = intro_for(
        person(1, learning=("sql", "docker"), knows=("python",)),
        person(2, learning=("sql", "python")),
    )
    assert text.startswith("**Study buddies #3: M1 & M2**")
    assert "both working towards: internship" in text
    assert "both learning sql" in text
    assert "M1 knows python, which M2 is learning" in text
    assert "first time paired" in text
    assert "First step: each pick one SQL exercise from this week" in text


def test_intro_shows_berlin_and_new_york_overlap_in_each_local_time() -> None:
    text = intro_for(
        person(1, tz="Europe/Berlin", hours=(time(18), time(21))),
        person(2, tz="America/New_York", hours=(time(12), time(15))),
    )
    assert "3 h of study hours in common a day" in text
    assert "M1 18:00-21:00 (Europe/Berlin)" in text
    assert "M2 12:00-15:00 (America/New_York)" in text


def test_intro_local_times_follow_a_dst_change_on_one_side() -> None:
    # 16 March 2026: New York is on summer time (UTC-4), Berlin not yet (UTC+1).
    text = intro_for(
        person(1, tz="Europe/Berlin", hours=(time(18), time(21))),
        person(2, tz="America/New_York", hours=(time(12), time(15))),
        on=date(2026, 3, 16),
    )
    assert "2 h of study hours in common a day" in text
    assert "M1 18:00-20:00 (Europe/Berlin)" in text
    assert "M2 13:00-15:00 (America/New_York)" in text


def test_intro_overlap_across_midnight() -> None:
    text = intro_for(
        person(1, tz="Europe/Berlin", hours=(time(22), time(1))),
        person(2, tz="UTC", hours=(time(23), time(2))),
    )
    assert "1 h of study hours in common a day" in text
    assert "M1 Tue 00:00-01:00 (Europe/Berlin)" in text
    assert "M2 Mon 23:00-00:00 (UTC)" in text


def test_intro_says_when_hours_do_not_overlap_or_are_unknown() -> None:
    apart = intro_for(person(1, hours=(time(6), time(8))), person(2, hours=(time(20), time(22))))
    assert "your study hours do not overlap" in apart and "M1 06:00-08:00 (UTC)" in apart
    unknown = intro_for(person(1, hours=None), person(2))
    assert "not everyone has set theirs" in unknown


def test_intro_says_how_long_ago_a_pair_last_met() -> None:
    text = intro_for(person(1), person(2), past=[[[3, 4]], [[1, 2]]])
    assert "last paired 2 rounds ago" in text


def test_trio_intro_covers_every_pair() -> None:
    outcome = plan(crowd(3), ON, number=1, past_rounds=[[[1, 2]]], blocks=[])
    (group,) = outcome.groups
    assert "all learning docker and sql" in group.intro
    assert "M1 & M2 last paired 1 round ago" in group.intro
    assert "M2 & M3 first time paired" in group.intro


def test_intro_names_the_shared_milestone_and_makes_its_task_the_first_step() -> None:
    text = intro_for(person(1, step=at(2)), person(2, step=at(2)))
    assert "• both on Path ml, at milestone 3 of 6: **Step 3**" in text
    assert "First step: Task 3." in text


def test_intro_says_who_reached_the_milestone_the_pair_shares_when_one_is_ahead() -> None:
    """One at milestone 4, the other just past it: the intro names milestone 4 and its task."""
    text = intro_for(person(1, step=at(4)), person(2, step=at(3)))
    assert "around milestone 4 of 6: **Step 4** (M1 has reached it and can help)" in text
    assert "First step: Task 4." in text


def test_intro_names_no_milestone_when_the_steps_are_apart_or_on_other_paths() -> None:
    """Two milestones apart, or different paths: the intro is the one without paths."""
    plain = intro_for(person(1), person(2))
    assert intro_for(person(1, step=at(1)), person(2, step=at(3))) == plain
    assert intro_for(person(1, step=at(2)), person(2, step=at(2, DATA))) == plain


def test_two_members_on_the_same_step_are_paired_over_the_same_goal() -> None:
    """Four members, same hours and skills: the two on the same step pair up, though their
    profile goals differ, and the two with the same goal make the other pair."""
    outcome = plan(
        [
            person(1, goal="exam", step=at(2)),
            person(2, goal="internship"),
            person(3, goal="internship", step=at(3)),
            person(4, goal="internship"),
        ],
        ON,
        number=1,
        past_rounds=[],
        blocks=[],
    )
    assert sorted(members_of(outcome.groups)) == [(1, 3), (2, 4)]


def test_match_profile_takes_the_current_milestone_of_the_path_progress() -> None:
    reached = {
        m.id: ReachedMilestone(m.id, datetime(2026, 3, 1, tzinfo=UTC), None) for m in ML.milestones
    }
    on_third = PathProgress(ML, {}, {}, ML.milestones[2])
    finished = PathProgress(ML, reached, {}, None)
    stored = Profile(member_id=5)
    assert match_profile(5, stored, None, "UTC", on_third).step == at(2)
    assert match_profile(5, stored, None, "UTC", finished).step is None
    assert match_profile(5, stored, None, "UTC").step is None


def test_profile_without_zone_uses_the_community_zone() -> None:
    stored = Profile(member_id=5, goal="exam", level="expert", learning=("sql",))
    profile = match_profile(5, stored, None, "Europe/Paris")
    assert profile.timezone == "Europe/Paris" and profile.level is None
    assert profile.learning == frozenset({"sql"})


def test_profile_without_zone_uses_the_platform_zone_before_the_community_zone() -> None:
    stored = Profile(member_id=5)
    profile = match_profile(5, stored, "America/Los_Angeles", "Europe/Paris")
    assert profile.timezone == "America/Los_Angeles"


def test_own_profile_zone_beats_the_platform_zone_in_matching() -> None:
    stored = Profile(member_id=5, timezone="Asia/Tokyo")
    assert match_profile(5, stored, "America/Los_Angeles", "UTC").timezone == "Asia/Tokyo"


def test_hours_text() -> None:
    assert [duration(h * 60) for h in (3.0, 2.5, 0.25)] == ["3 h", "2 h 30 min", "15 min"]
    assert group_title(["A", "B", "C"], 2) == "Study buddies #2: A, B & C"


# --- cadence ----------------------------------------------------------------------------------


def cadence(every: int = 1, zone: str = "Europe/Berlin") -> Cadence:
    return Cadence(weekday=0, at=time(10), every_weeks=every, zone=ZoneInfo(zone))


def test_a_round_is_due_once_its_local_start_has_passed() -> None:
    c = cadence()
    assert c.due(datetime(2026, 3, 2, 8, 59, tzinfo=UTC)) is None
    assert c.due(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) == (
        "2026-W10",
        datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    )
    assert c.due(datetime(2026, 3, 8, 22, 0, tzinfo=UTC)) == (
        "2026-W10",
        datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    )


def test_the_start_follows_the_community_clock_across_dst() -> None:
    c = cadence()
    start = c.next_start(datetime(2026, 3, 28, tzinfo=UTC))  # Berlin springs forward on 29 March
    assert start == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def test_every_two_weeks_skips_a_week_and_follow_up_is_mid_round() -> None:
    c = cadence(every=2)
    first = c.next_start(datetime(2026, 3, 2, 12, tzinfo=UTC))
    second = c.next_start(first)
    assert (second - first).days == 14
    assert c.followup_at(first) == first + (second - first) / 2
    assert c.due(first) is not None
    assert c.due(first + timedelta(days=7)) is None  # the week in between has no round


def test_the_period_holds_a_morning_before_its_start_and_the_weeks_after() -> None:
    c = cadence(every=2)
    first = c.next_start(datetime(2026, 3, 2, 12, tzinfo=UTC))
    key, start = c.period(first - timedelta(hours=2))  # Monday morning, before the start
    assert (key, start) == (c.period(first + timedelta(days=10))[0], first)
    assert c.period(first + timedelta(days=14))[0] != key  # the next round week, a new period


# --- properties over small communities (brute force as the reference) ---------------------------


def groupings(
    people: list[int], ok: Callable[[tuple[int, ...]], bool]
) -> Iterator[list[tuple[int, ...]]]:
    """Every set of disjoint allowed groups (pairs, at most one trio) over some of `people`."""

    def extend(rest: list[int], trio_used: bool) -> Iterator[list[tuple[int, ...]]]:
        if not rest:
            yield []
            return
        first, others = rest[0], rest[1:]
        yield from extend(others, trio_used)  # `first` stays out
        for x, b in enumerate(others):
            if ok((first, b)):
                tail = others[:x] + others[x + 1 :]
                for g in extend(tail, trio_used):
                    yield [(first, b), *g]
            if trio_used:
                continue
            for c in others[x + 1 :]:
                if ok((first, b, c)):
                    tail = [o for o in others if o not in (b, c)]
                    for g in extend(tail, True):
                        yield [(first, b, c), *g]

    yield from extend(people, False)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=7),
    blocks=st.sets(st.tuples(st.integers(1, 7), st.integers(1, 7)), max_size=6),
    last=st.permutations(list(range(1, 8))),
)
def test_blocks_hold_nobody_is_dropped_and_repeats_are_avoided_when_possible(
    n: int, blocks: set[tuple[int, int]], last: list[int]
) -> None:
    blocks = {(a, b) for a, b in blocks if a != b and a <= n and b <= n}
    past_pairs = [sorted(last[i : i + 2]) for i in range(0, 6, 2)]
    past = [[p for p in past_pairs if max(p) <= n]]
    recent = {tuple(p) for p in past[0]}
    outcome = plan(crowd(n), ON, number=2, past_rounds=past, blocks=blocks)
    groups = members_of(outcome.groups)

    def allowed(group: tuple[int, ...]) -> bool:
        return all((a, b) not in blocks and (b, a) not in blocks for a, b in combinations(group, 2))

    def repeats(grouping: list[tuple[int, ...]]) -> int:
        return sum(tuple(sorted(p)) in recent for g in grouping for p in combinations(g, 2))

    assert all(allowed(g) for g in groups)
    assert sum(len(g) == 3 for g in groups) <= 1
    covered = sorted(m for g in groups for m in g)
    left = sorted(x.member.member_id for x in outcome.left_out)
    assert sorted(covered + left) == list(range(1, n + 1))  # nobody dropped silently
    options = list(groupings(list(range(1, n + 1)), allowed))
    best = max(sum(len(g) for g in o) for o in options)
    assert len(covered) == best
    fewest = min(repeats(o) for o in options if sum(len(g) for g in o) == best)
    assert repeats(groups) == fewest


def times_to_meet(starts: datetime) -> list[str]:
    berlin = [person(i, tz="Europe/Berlin", hours=(time(19), time(21))) for i in (1, 2)]
    (group,) = plan(berlin, ON, number=1, past_rounds=[], blocks=[], starts=starts).groups
    lines = group.intro.split("\n")
    first = lines.index("Times to meet this week, each in your own time:") + 1
    return [line for line in lines[first:] if line.startswith("• ")]


def test_a_monday_morning_round_suggests_that_monday_evening_first() -> None:
    suggested = times_to_meet(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    assert suggested[0].startswith("• Mon 19:00"), suggested


def test_no_suggested_time_starts_within_two_hours_of_the_intro() -> None:
    suggested = times_to_meet(datetime(2026, 3, 2, 17, 30, tzinfo=UTC))  # 18:30 in Berlin
    assert suggested[0].startswith("• Mon 20:30-21:00"), suggested  # not 19:00, 30 min away
