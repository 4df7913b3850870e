"""Trios and leftovers: one trio for an odd count, the brute-force optimum on small ones."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.matching.solver import max_weight_groups, solve_groups
from tests.bot.matching.random_graphs import Edge, random_edges, total_weight


@pytest.mark.parametrize("n", [3, 5, 7])
def test_odd_count_gives_exactly_one_trio_and_drops_nobody(n: int) -> None:
    """An odd community of mutually connected members: one trio, everyone grouped."""
    edges = random_edges(n, 1.0, seed=n)
    result = solve_groups(n, edges)
    assert [len(g) for g in result.groups].count(3) == 1
    assert sorted(x for g in result.groups for x in g) == list(range(n))
    assert result.uncovered == []


def test_odd_member_joins_the_pair_it_adds_most_to() -> None:
    """The leftover goes where its two new pairs weigh most."""
    edges = [(0, 1, 0.9), (2, 3, 0.9), (4, 0, 0.6), (4, 1, 0.6), (4, 2, 0.1), (4, 3, 0.1)]
    assert max_weight_groups(5, edges) == [(0, 1, 4), (2, 3)]


def test_trio_needs_all_three_pairs_to_be_edges() -> None:
    """Leaves of a star share no edge with the centre's partner, so they stay uncovered."""
    result = solve_groups(4, [(0, 1, 0.2), (0, 2, 0.9), (0, 3, 0.5)])
    assert result.groups == [(0, 2)]
    assert result.uncovered == [1, 3]


def test_trio_disabled_reports_the_leftover() -> None:
    """With trio=False an odd member is reported instead of joining a pair."""
    result = solve_groups(3, [(0, 1, 0.9), (1, 2, 0.5), (0, 2, 0.4)], trio=False)
    assert result.groups == [(0, 1)]
    assert result.uncovered == [2]


def _reference(n: int, edges: list[Edge]) -> tuple[int, int]:
    """(grouped, weight) of the best grouping into pairs and at most one trio, brute force."""
    w = {(min(a, b), max(a, b)): round(x * 1000) for a, b, x in edges}

    def trio(a: int, b: int, c: int) -> int | None:
        ks = [w.get(p) for p in ((a, b), (a, c), (b, c))]
        return None if None in ks else sum(k for k in ks if k is not None)

    @cache
    def best(mask: int, trio_left: bool) -> tuple[int, int]:
        rest = [x for x in range(n) if mask >> x & 1]
        if not rest:
            return (0, 0)
        first, others = rest[0], rest[1:]
        top = best(mask & ~(1 << first), trio_left)  # first stays ungrouped
        for b in others:
            if (first, b) in w:
                sub = best(mask & ~(1 << first) & ~(1 << b), trio_left)
                top = max(top, (sub[0] + 2, sub[1] + w[(first, b)]))
            for c in others if trio_left else []:
                k = trio(first, b, c) if c > b else None
                if k is not None:
                    sub = best(mask & ~(1 << first) & ~(1 << b) & ~(1 << c), False)
                    top = max(top, (sub[0] + 3, sub[1] + k))
        return top

    return best((1 << n) - 1, True)


@settings(max_examples=40, deadline=None)
@given(half=st.integers(1, 5), drop=st.floats(0, 0.4), seed=st.integers(0, 10**6))
def test_odd_counts_match_brute_force(half: int, drop: float, seed: int) -> None:
    """For 3..11 members with some blocked pairs, the grouping is the brute-force optimum."""
    n = 2 * half + 1
    edges = random_edges(n, 1 - drop, seed)
    grouped, weight = _reference(n, edges)
    assume(grouped == n)
    result = solve_groups(n, edges)
    assert result.exact
    assert sorted(x for g in result.groups for x in g) == list(range(n))
    assert total_weight(result.groups, edges) == weight
