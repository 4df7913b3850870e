"""Pair scores, shared study hours (in UTC, DST-aware), explanations and the candidate graph."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching.candidates import build_edges, history_from_rounds
from bot.matching.score import (
    LEVELS,
    MatchProfile,
    PathStep,
    ScoreWeights,
    explain,
    history_factor,
    overlap_hours,
    overlap_windows,
    score,
    shared_step,
    suggest_first_step,
)
from tests.bot.matching.learning_paths import DATA, ML, at

JUNE = date(2026, 6, 10)  # an ordinary date: Berlin and New York both on summer time
MARCH = date(2026, 3, 15)  # the US is on summer time (since 8 March), Europe not yet (29 March)


def _profile(
    member_id: int = 1,
    *,
    zone: str = "Europe/Berlin",
    hours: tuple[int, int] | None = (18, 21),
    goal: str | None = "internship",
    level: str | None = "beginner",
    learning: frozenset[str] = frozenset({"sql", "docker"}),
    knows: frozenset[str] = frozenset(),
) -> MatchProfile:
    window = (time(hours[0]), time(hours[1])) if hours else None
    return MatchProfile(member_id, goal, level, learning, knows, zone, window)


def _only(component: str) -> ScoreWeights:
    """Weights that score one component alone."""
    parts: dict[str, Any] = dict.fromkeys(
        ("goal", "learning", "complement", "level", "overlap"), 0.0
    )
    return ScoreWeights(**{**parts, component: 1.0})


def test_perfect_pair_scores_one() -> None:
    """Same goal, level, skills and hours, and each knows what the other learns: 1.0."""
    both = frozenset({"sql", "docker"})
    assert score(_profile(1, knows=both), _profile(2, knows=both), JUNE) == pytest.approx(1.0)


def test_time_to_meet_weighs_most_by_default() -> None:
    """Default weights: two shared hours (a study session) beat learning exactly the same
    skills with one hour in common, and one hour still beats no time at all."""
    me = _profile(1)
    other_skills_two_hours = _profile(3, hours=(19, 22), learning=frozenset({"git"}))
    same_skills_one_hour = _profile(2, hours=(20, 23))
    same_skills_no_time = _profile(4, hours=(8, 10))
    assert score(me, other_skills_two_hours, JUNE) > score(me, same_skills_one_hour, JUNE)
    assert score(me, same_skills_one_hour, JUNE) > score(me, same_skills_no_time, JUNE)
    weights = ScoreWeights()
    assert weights.overlap > max(weights.goal, weights.learning, weights.level)


def test_berlin_evening_overlaps_new_york_lunch_by_three_hours() -> None:
    """Berlin 18-21 and New York 12-15 are both 16:00-19:00 UTC in June."""
    berlin, new_york = _profile(1), _profile(2, zone="America/New_York", hours=(12, 15))
    assert overlap_hours(berlin, new_york, JUNE) == 3.0


def test_overlap_shrinks_while_only_the_us_is_on_summer_time() -> None:
    """On 15 March 2026 Berlin is UTC+1 and New York UTC-4: 17-20 vs 16-19 UTC, 2 hours."""
    berlin, new_york = _profile(1), _profile(2, zone="America/New_York", hours=(12, 15))
    assert overlap_hours(berlin, new_york, MARCH) == 2.0
    assert overlap_windows(berlin, new_york, MARCH) == [
        (datetime(2026, 3, 15, 17, tzinfo=UTC), datetime(2026, 3, 15, 19, tzinfo=UTC))
    ]


def test_window_crossing_midnight_overlaps_the_next_morning() -> None:
    """Berlin 22:00-01:00 and Kyiv 00:00-03:00 (one hour ahead) share 23:00-01:00 Berlin time."""
    late = _profile(1, hours=(22, 1))
    kyiv = _profile(2, zone="Europe/Kyiv", hours=(0, 3))
    assert overlap_hours(late, kyiv, JUNE) == 2.0


def test_overlap_windows_are_utc_and_show_in_local_time() -> None:
    """The shared window converts to each member's own clock."""
    berlin, new_york = _profile(1), _profile(2, zone="America/New_York", hours=(12, 15))
    [(start, end)] = overlap_windows(berlin, new_york, JUNE)
    assert start.tzinfo is UTC
    assert start.astimezone(ZoneInfo("Europe/Berlin")).time() == time(18)
    assert end.astimezone(ZoneInfo("America/New_York")).time() == time(15)


def test_overlap_is_symmetric_across_the_date_line() -> None:
    """Auckland morning and Los Angeles afternoon of the previous local day overlap."""
    auckland = _profile(1, zone="Pacific/Auckland", hours=(8, 10))
    los_angeles = _profile(2, zone="America/Los_Angeles", hours=(12, 15))
    assert overlap_hours(auckland, los_angeles, JUNE) == overlap_hours(los_angeles, auckland, JUNE)
    assert overlap_hours(auckland, los_angeles, JUNE) == 2.0


def test_unknown_hours_get_neutral_credit() -> None:
    """No window: half the overlap credit."""
    assert score(_profile(1), _profile(2, hours=None), JUNE, weights=_only("overlap")) == 0.5


@pytest.mark.parametrize(
    ("hours", "credit"),
    [((18, 21), 1.0), ((19, 22), 1.0), ((20, 23), 0.3), ((17, 19), 0.3), ((6, 8), 0.0)],
)
def test_overlap_component(hours: tuple[int, int], credit: float) -> None:
    """Two shared hours earn full credit; less earns at most `short_overlap` (0.6), linearly:
    one hour earns 0.3."""
    weights = _only("overlap")
    assert score(_profile(1), _profile(2, hours=hours), JUNE, weights=weights) == credit


@pytest.mark.parametrize(("goal", "credit"), [("internship", 1.0), ("exam", 0.0), (None, 0.5)])
def test_goal_component(goal: str | None, credit: float) -> None:
    """Same goal 1, different 0, unknown neutral."""
    assert score(_profile(1), _profile(2, goal=goal), JUNE, weights=_only("goal")) == credit


def test_learning_component_is_jaccard() -> None:
    """One shared skill out of three learned in total gives a third."""
    b = _profile(2, learning=frozenset({"sql", "git"}))
    assert score(_profile(1), b, JUNE, weights=_only("learning")) == pytest.approx(1 / 3)


def test_complement_component_rewards_knowing_what_the_other_learns() -> None:
    """Knowing all the other learns, one way of two, gives half the credit."""
    a = _profile(1, learning=frozenset({"python"}), knows=frozenset({"sql"}))
    b = _profile(2, learning=frozenset({"sql"}))
    assert score(a, b, JUNE, weights=_only("complement")) == 0.5


@pytest.mark.parametrize(
    ("level", "credit"), [("beginner", 1.0), ("intermediate", 0.5), ("advanced", 0.0)]
)
def test_level_component(level: str, credit: float) -> None:
    """Levels one step apart get half the credit, two steps none."""
    assert score(_profile(1), _profile(2, level=level), JUNE, weights=_only("level")) == credit


def test_history_penalty_decays_with_age() -> None:
    """A recent partner scores less the more recent the pairing; after K rounds, no penalty."""
    weights = ScoreWeights()
    a, b = _profile(1), _profile(2)
    ages = [score(a, b, JUNE, rounds_ago=age) for age in range(1, weights.recent_rounds + 2)]
    assert ages == sorted(ages)
    assert ages[0] == pytest.approx(weights.recent_floor * score(a, b, JUNE))
    assert ages[-1] == score(a, b, JUNE)


def test_history_factor_never_grows_past_one() -> None:
    """Unknown history and old pairs have factor 1."""
    assert history_factor(None, ScoreWeights()) == history_factor(99, ScoreWeights()) == 1.0


@st.composite
def profiles(draw: st.DrawFn) -> MatchProfile:
    skills = st.frozensets(st.sampled_from(["sql", "git", "docker", "python", "aws"]))
    hours = st.none() | st.tuples(st.integers(0, 23), st.integers(0, 23))
    zones = st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"])
    window = draw(hours)
    return MatchProfile(
        member_id=draw(st.integers(1, 10**6)),
        goal=draw(st.none() | st.sampled_from(["internship", "exam"])),
        level=draw(st.none() | st.sampled_from(LEVELS)),
        learning=draw(skills),
        knows=draw(skills),
        timezone=draw(zones),
        hours=(time(window[0]), time(window[1])) if window else None,
    )


@settings(max_examples=200, deadline=None)
@given(
    a=profiles(),
    b=profiles(),
    age=st.none() | st.integers(1, 10),
    day=st.dates(date(2000, 1, 1), date(2100, 12, 31)),
)
def test_score_is_between_zero_and_one(
    a: MatchProfile, b: MatchProfile, age: int | None, day: date
) -> None:
    """Any two profiles, any history, any date: 0 <= score <= 1."""
    assert 0.0 <= score(a, b, day, rounds_ago=age) <= 1.0


@settings(max_examples=100, deadline=None)
@given(a=profiles(), b=profiles(), day=st.dates(date(2020, 1, 1), date(2030, 12, 31)))
def test_score_is_symmetric(a: MatchProfile, b: MatchProfile, day: date) -> None:
    """score(a, b) == score(b, a)."""
    assert score(a, b, day) == pytest.approx(score(b, a, day))


def test_explain_lists_shared_and_complementary_skills() -> None:
    """The reason carries shared skills, who can help whom, hours and history."""
    a = _profile(1, learning=frozenset({"sql", "docker"}), knows=frozenset({"git"}))
    b = _profile(2, learning=frozenset({"sql", "git"}), knows=frozenset({"docker"}))
    reason = explain(a, b, JUNE, last_paired_rounds_ago=None)
    assert reason.same_goal == "internship"
    assert reason.shared_learning == ("sql",)
    assert (reason.a_can_help_b, reason.b_can_help_a) == (("git",), ("docker",))
    assert reason.overlap_hours == 3.0
    assert reason.first_time
    assert "SQL" in reason.first_step


def test_explain_reports_the_last_pairing() -> None:
    """A repeat says how many rounds ago."""
    reason = explain(_profile(1), _profile(2), JUNE, last_paired_rounds_ago=3)
    assert not reason.first_time
    assert reason.last_paired_rounds_ago == 3


def test_first_step_is_specific_for_known_skills_and_generic_otherwise() -> None:
    """Docker gets a Docker exercise; an unknown skill gets the generic step."""
    assert "Dockerfile" in suggest_first_step(["docker"])
    assert suggest_first_step(["basket-weaving"]) == suggest_first_step([])


def test_bad_level_is_rejected() -> None:
    """Levels are beginner, intermediate or advanced."""
    with pytest.raises(ValueError):
        _profile(level="expert")


@pytest.mark.parametrize(
    "bad",
    [{"overlap": -0.1}, {"full_overlap_hours": 0}, {"short_overlap": 1.5}, {"short_overlap": -0.1}],
)
def test_bad_weights_are_rejected(bad: dict[str, Any]) -> None:
    """Weights outside their ranges fail at construction, not in the middle of a round."""
    with pytest.raises(ValueError):
        ScoreWeights(**bad)


def _community(n: int, *, on_paths: bool = False) -> list[MatchProfile]:
    """n members; `on_paths`: two in three on one of two paths, at milestones 0-5."""
    rng = np.random.default_rng(n)
    zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
    skills = ["sql", "git", "docker", "python", "aws", "kubernetes", "testing"]
    out = []
    for i in range(n):
        start = int(rng.integers(0, 24))
        out.append(
            MatchProfile(
                member_id=i + 100,
                goal=[None, "internship", "exam"][int(rng.integers(0, 3))],
                level=[None, *LEVELS][int(rng.integers(0, 4))],
                learning=frozenset(rng.choice(skills, int(rng.integers(0, 4)), replace=False)),
                knows=frozenset(rng.choice(skills, int(rng.integers(0, 3)), replace=False)),
                timezone=zones[int(rng.integers(0, 4))],
                hours=None if i % 7 == 0 else (time(start), time((start + 3) % 24, 30)),
                step=at(int(rng.integers(0, 6)), (ML, DATA)[i % 3 - 1])
                if on_paths and i % 3
                else None,
            )
        )
    return out


@pytest.mark.parametrize("on_paths", [False, True])
@pytest.mark.parametrize("short_overlap", [ScoreWeights().short_overlap, 1.0])
@pytest.mark.parametrize("all_pairs_limit", [10_000, 0])
def test_candidate_weights_equal_the_scalar_score(
    all_pairs_limit: int, short_overlap: float, on_paths: bool
) -> None:
    """Vectorised scoring (all pairs, and sort-order windows) matches score() on every edge,
    with the default credit for short overlaps and with linear credit, with and without
    members on path steps."""
    weights = ScoreWeights(short_overlap=short_overlap)
    members = _community(120, on_paths=on_paths)
    history = history_from_rounds([[(100, 101), (102, 103)], [(100, 102)]])
    graph = build_edges(
        members, MARCH, history=history, all_pairs_limit=all_pairs_limit, window=5, weights=weights
    )
    ages = {(a, b): age for (a, b), age in history.items()}
    for i, j, w in graph:
        key = (members[i].member_id, members[j].member_id)
        age = ages.get((min(key), max(key)))
        expected = score(members[i], members[j], MARCH, rounds_ago=age, weights=weights)
        assert w == pytest.approx(expected, abs=1e-12)


def test_candidate_graph_leaves_out_blocked_pairs() -> None:
    """A blocked pair is never an edge, whichever of the two blocked the other."""
    members = _community(40)
    blocked = {(100, 101), (105, 103)}
    graph = build_edges(members, JUNE, blocked=blocked, k=39)
    ids = {(members[i].member_id, members[j].member_id) for i, j, _ in graph}
    assert not {(100, 101), (103, 105)} & ids


def test_candidate_graph_flags_recent_partners() -> None:
    """Pairs of the last K rounds come back flagged as `avoid`, others not."""
    members = _community(30)
    history = history_from_rounds([[(100, 101)], [], [], [], [], [], [(102, 103)]])
    graph = build_edges(members, JUNE, history=history, k=29)
    assert graph.avoid is not None
    flagged = {
        (members[i].member_id, members[j].member_id)
        for i, j, avoid in zip(
            graph.u.tolist(), graph.v.tolist(), graph.avoid.tolist(), strict=True
        )
        if avoid
    }
    assert flagged == {(100, 101)}


def test_candidate_graph_keeps_k_partners_each() -> None:
    """Every member keeps its k best partners, so each has at least k edges."""
    members = _community(200)
    graph = build_edges(members, JUNE, k=5)
    degree = np.bincount(np.concatenate([graph.u, graph.v]), minlength=200)
    assert degree.min() >= 5


def _on_step(member_id: int, step: PathStep | None, **fields: Any) -> MatchProfile:
    return replace(_profile(member_id, **fields), step=step)


def test_the_same_path_step_beats_the_same_goal() -> None:
    """Different goals on the same milestone score above the same goal off any path."""
    same_goal = score(_profile(1), _profile(2), JUNE)
    same_step = score(_on_step(1, at(2)), _on_step(2, at(2), goal="exam"), JUNE)
    assert same_step > same_goal


def test_the_next_milestone_counts_as_the_same_step() -> None:
    """Current milestones one apart score like the same one; two apart like no path at all."""
    me = _on_step(1, at(2))
    assert score(me, _on_step(2, at(3)), JUNE) == score(me, _on_step(2, at(2)), JUNE)
    assert score(me, _on_step(2, at(4)), JUNE) == score(_profile(1), _profile(2), JUNE)


@pytest.mark.parametrize(
    ("a", "b"), [(None, None), (at(2), None), (None, at(2)), (at(2), at(2, DATA))]
)
def test_no_path_or_different_paths_score_as_without_paths(
    a: PathStep | None, b: PathStep | None
) -> None:
    """Off a path, or on different paths: exactly the score without paths, whatever the goal."""
    for goal in ("internship", "exam", None):
        without = score(_profile(1), _profile(2, goal=goal), JUNE)
        assert score(_on_step(1, a), _on_step(2, b, goal=goal), JUNE) == without


def test_two_shared_hours_still_beat_the_same_step_with_one() -> None:
    """Hours stay the first criterion: the same milestone with one hour in common loses to
    different paths with two hours, everything else equal, even where the step also lifts the
    goal credit from 0 to 1 (their profile goals differ)."""
    me = _on_step(1, at(2))
    two_hours_other_path = _on_step(3, at(2, DATA), hours=(19, 22), goal="exam")
    one_hour_same_step = _on_step(2, at(2), hours=(20, 23), goal="exam")
    assert score(me, two_hours_other_path, JUNE) > score(me, one_hour_same_step, JUNE)


def test_the_same_step_moves_a_score_a_tenth_of_the_way_to_one() -> None:
    """With the same goal already: the step adds same_step / (total + same_step) of 1 - score."""
    weights = ScoreWeights()
    plain = score(_profile(1), _profile(2, learning=frozenset({"git"})), JUNE)
    stepped = score(_on_step(1, at(0)), _on_step(2, at(0), learning=frozenset({"git"})), JUNE)
    gain = weights.same_step / (weights.total + weights.same_step)
    assert stepped == pytest.approx(plain + (1 - plain) * gain)
    assert gain == pytest.approx(0.1034, abs=1e-4)


def test_a_group_shares_the_earliest_step_when_all_are_within_one() -> None:
    """Any group size (pairs, trios, pods): the earliest current milestone, if the rest are on
    it or just past it."""
    assert shared_step([at(3), at(2), at(3)]) == at(2)
    assert shared_step([at(2), at(2), at(2), at(2)]) == at(2)
    assert shared_step([at(1), at(2), at(3)]) is None
    assert shared_step([at(2), at(2, DATA)]) is None
    assert shared_step([at(2), None]) is None


def test_a_step_outside_its_path_is_refused() -> None:
    with pytest.raises(ValueError):
        PathStep(ML, len(ML.milestones))


def test_explain_names_the_shared_step_and_its_task() -> None:
    reason = explain(_on_step(1, at(3)), _on_step(2, at(2)), JUNE, None)
    assert reason.shared_step == at(2)
    assert reason.first_step == "Task 3"
