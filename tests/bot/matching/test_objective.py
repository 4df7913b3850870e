"""The solver's objective order: cover, no repeats, shared study time (never twice in a row
when avoidable), then score."""

from __future__ import annotations

import random
from datetime import date, time

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching.candidates import build_edges, plan_round
from bot.matching.graph import EdgeArrays
from bot.matching.score import MatchProfile
from bot.matching.solver import solve_groups

Flagged = tuple[int, int, float, bool, bool]  # u, v, weight, avoid, short


def _edges(rows: list[Flagged]) -> EdgeArrays:
    return EdgeArrays(
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([r[1] for r in rows], dtype=np.int64),
        np.array([r[2] for r in rows], dtype=np.float64),
        avoid=np.array([r[3] for r in rows], dtype=np.bool_),
        short=np.array([r[4] for r in rows], dtype=np.bool_),
    )


def test_shared_time_beats_a_better_score() -> None:
    # the best-scoring pairs share no time; the other repeat-free grouping shares time
    rows = [(0, 1, 1.0, False, True), (2, 3, 1.0, False, True)]
    rows += [(0, 2, 0.1, False, False), (1, 3, 0.1, False, False)]
    assert solve_groups(4, _edges(rows)).groups == [(0, 2), (1, 3)]


def test_avoiding_a_repeat_beats_shared_time() -> None:
    rows = [(0, 1, 1.0, True, False), (2, 3, 1.0, True, False)]
    rows += [(0, 2, 0.1, False, True), (1, 3, 0.1, False, True)]
    assert solve_groups(4, _edges(rows)).groups == [(0, 2), (1, 3)]


def test_covering_everyone_beats_shared_time() -> None:
    # path 0-1-2-3: only the short pairs cover all four
    rows = [(0, 1, 0.1, False, True), (1, 2, 1.0, False, False), (2, 3, 0.1, False, True)]
    assert solve_groups(4, _edges(rows)).groups == [(0, 1), (2, 3)]


def test_nobody_is_short_of_time_two_rounds_in_a_row_when_avoidable() -> None:
    # each grouping has one short pair; node 0 had no shared time last round
    rows = [(0, 1, 1.0, False, True), (2, 3, 1.0, False, False)]
    rows += [(0, 2, 0.1, False, False), (1, 3, 0.1, False, True)]
    flagged = np.array([True, False, False, False])
    assert solve_groups(4, _edges(rows)).groups == [(0, 1), (2, 3)]
    assert solve_groups(4, _edges(rows), short_before=flagged).groups == [(0, 2), (1, 3)]


def test_repeat_avoidance_beats_sparing_a_second_short_round() -> None:
    rows = [(0, 1, 1.0, False, True), (2, 3, 1.0, False, False)]
    rows += [(0, 2, 0.1, True, False), (1, 3, 0.1, False, False)]
    flagged = np.array([True, False, False, False])
    assert solve_groups(4, _edges(rows), short_before=flagged).groups == [(0, 1), (2, 3)]


def _profile(member_id: int, zone: str, start: int, end: int) -> MatchProfile:
    return MatchProfile(
        member_id=member_id,
        goal="exam",
        level="beginner",
        learning=frozenset({"sql"}),
        knows=frozenset(),
        timezone=zone,
        hours=(time(start), time(end)),
    )


def test_the_candidate_graph_flags_pairs_without_an_hour_in_common() -> None:
    people = [_profile(1, "UTC", 8, 10), _profile(2, "UTC", 9, 11), _profile(3, "UTC", 10, 12)]
    edges = build_edges(people, date(2026, 6, 10))
    assert edges.short is not None
    short = {(int(u), int(v)) for u, v, s in zip(edges.u, edges.v, edges.short, strict=True) if s}
    assert short == {(0, 2)}  # 8-10 and 10-12 touch but share nothing; 1 h is enough


def test_a_round_spares_who_had_no_shared_time_last_round() -> None:
    # 1-4 share 2 h, 2-3 3 h, 1-2 and 1-3 one hour; 4 shares nothing with 2 or 3
    people = [
        _profile(1, "UTC", 8, 11),
        _profile(2, "UTC", 10, 13),
        _profile(3, "UTC", 10, 13),
        _profile(4, "UTC", 8, 10),
    ]
    on = date(2026, 6, 10)
    assert plan_round(people, on).groups == [(1, 4), (2, 3)]
    # with those two pairs repeats, either grouping leaves 4 without shared time and one of
    # 2 and 3 with it: the one that had none last round is spared
    history = {(1, 4): 1, (2, 3): 1}
    spare_3 = plan_round(people, on, history=history, short_last_round=[3])
    spare_2 = plan_round(people, on, history=history, short_last_round=[2])
    assert (spare_3.groups, spare_2.groups) == ([(1, 3), (2, 4)], [(1, 2), (3, 4)])


def _grouping_flags(
    groups: list[tuple[int, ...]], rows: dict[tuple[int, int], Flagged], flagged: list[bool]
) -> tuple[int, int, int, int]:
    pairs = [rows[(min(g), max(g))] for g in groups]
    return (
        sum(len(g) for g in groups),
        -sum(r[3] for r in pairs),
        -sum(flagged[r[0]] + flagged[r[1]] for r in pairs if r[4]),
        -sum(r[4] for r in pairs),
    )


def _best(n: int, rows: dict[tuple[int, int], Flagged], flagged: list[bool]) -> tuple[int, ...]:
    """Brute force over every matching: the lexicographic optimum of (covered, -repeats,
    -members short twice, -short pairs)."""
    best = (0, 0, 0, 0)

    def grow(free: list[int], groups: list[tuple[int, ...]]) -> None:
        nonlocal best
        best = max(best, _grouping_flags(groups, rows, flagged))
        if len(free) < 2:
            return
        first, rest = free[0], free[1:]
        grow(rest, groups)  # first stays out
        for x, other in enumerate(rest):
            if (first, other) in rows:
                grow(rest[:x] + rest[x + 1 :], [*groups, (first, other)])

    grow(list(range(n)), [])
    return best


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6).map(lambda h: 2 * h), st.randoms(use_true_random=False))
def test_bad_groups_are_the_exact_minimum(n: int, rng: random.Random) -> None:
    rows = {
        (a, b): (a, b, rng.randint(0, 100) / 100, rng.random() < 0.3, rng.random() < 0.5)
        for a in range(n)
        for b in range(a + 1, n)
        if rng.random() < 0.6
    }
    flagged = [rng.random() < 0.3 for _ in range(n)]
    result = solve_groups(
        n,
        _edges(list(rows.values())),
        trio=False,
        short_before=np.array(flagged, dtype=np.bool_),
    )
    assert _grouping_flags(result.groups, rows, flagged) == _best(n, rows, flagged)
