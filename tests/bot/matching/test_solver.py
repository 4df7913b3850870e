"""The group solver as a whole: isolated members, connected groups, repeats and blocks."""

from __future__ import annotations

from datetime import date, time

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching.candidates import history_from_rounds, plan_round
from bot.matching.score import MatchProfile
from bot.matching.solver import max_weight_groups, solve_groups
from tests.bot.matching.random_graphs import assert_valid, random_edges


def test_empty_community_has_no_groups() -> None:
    """n = 0 gives nothing to do."""
    assert max_weight_groups(0, []) == []


def test_single_member_is_uncovered() -> None:
    """A lone member cannot be grouped and is reported."""
    result = solve_groups(1, [])
    assert (result.groups, result.uncovered, result.isolated) == ([], [0], [0])


def test_members_without_edges_are_isolated_not_grouped() -> None:
    """Isolated nodes are listed apart from the grouped ones."""
    result = solve_groups(5, [(0, 1, 0.5), (2, 3, 0.7)])
    assert result.groups == [(0, 1), (2, 3)]
    assert result.isolated == [4]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 60), density=st.floats(0, 0.5), seed=st.integers(0, 10**6))
def test_groups_only_hold_connected_members(n: int, density: float, seed: int) -> None:
    """Blocked pairs (missing edges) never share a group; every node is accounted for once."""
    edges = random_edges(n, density, seed)
    result = solve_groups(n, edges)
    assert_valid(n, result.groups, edges)
    grouped = {x for g in result.groups for x in g}
    assert grouped.isdisjoint(result.uncovered)
    assert grouped | set(result.uncovered) == set(range(n))


def _member(member_id: int, hours: tuple[int, int] = (18, 21)) -> MatchProfile:
    return MatchProfile(
        member_id=member_id,
        goal="internship",
        level="beginner",
        learning=frozenset({"sql", "docker"}),
        knows=frozenset(),
        timezone="Europe/Berlin",
        hours=(time(hours[0]), time(hours[1])),
    )


def test_round_avoids_last_rounds_partners() -> None:
    """When a repeat-free grouping exists, nobody meets a partner of the last K rounds."""
    # 1 and 2 are the best fit (same hours), as are 3 and 4; they met last round
    members = [_member(1), _member(2), _member(3, (19, 22)), _member(4, (19, 22))]
    history = history_from_rounds([[(1, 2), (3, 4)]])
    plan = plan_round(members, date(2026, 6, 10), history=history)
    assert plan.groups == [(1, 3), (2, 4)] or plan.groups == [(1, 4), (2, 3)]


def test_round_never_pairs_blocked_members() -> None:
    """A blocked pair is not grouped even when it is the best fit."""
    plan = plan_round([_member(1), _member(2), _member(3)], date(2026, 6, 10), blocked={(1, 2)})
    assert all({1, 2} - set(g) for g in plan.groups)
    assert plan.unmatched == [1] or plan.unmatched == [2]


def test_round_reports_members_nobody_can_meet() -> None:
    """Someone who blocked everyone gets no candidates and is listed as such."""
    plan = plan_round(
        [_member(1), _member(2), _member(3)], date(2026, 6, 10), blocked={(3, 1), (3, 2)}
    )
    assert plan.groups == [(1, 2)]
    assert plan.no_candidates == [3]
