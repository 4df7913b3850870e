"""The group solver: coverage, blocks, repeats, optimality and determinism."""

from __future__ import annotations

import itertools
import random
from datetime import date, time
from functools import cache

import networkx as nx
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.matching import relaxation
from bot.matching.candidates import history_from_rounds, plan_round
from bot.matching.score import MatchProfile
from bot.matching.solver import EdgeArrays, max_weight_groups, solve_groups

Edge = tuple[int, int, float]


def _random_edges(n: int, density: float, seed: int) -> list[Edge]:
    """Random graph; weights are multiples of 1/1000 so integer scaling is exact."""
    rng = random.Random(seed)
    return [
        (a, b, rng.randint(0, 1000) / 1000)
        for a, b in itertools.combinations(range(n), 2)
        if rng.random() < density
    ]


def _weight(groups: list[tuple[int, ...]], edges: list[Edge]) -> int:
    """Total weight inside groups, in thousandths."""
    w = {(min(a, b), max(a, b)): round(x * 1000) for a, b, x in edges}
    return sum(w[(a, b)] for g in groups for a, b in itertools.combinations(sorted(g), 2))


def _assert_valid(n: int, groups: list[tuple[int, ...]], edges: list[Edge]) -> None:
    pairs = {(min(a, b), max(a, b)) for a, b, _ in edges}
    members = [x for g in groups for x in g]
    assert len(members) == len(set(members))
    assert all(0 <= x < n for x in members)
    assert all(len(g) in (2, 3) for g in groups)
    for g in groups:
        assert all((a, b) in pairs for a, b in itertools.combinations(sorted(g), 2))


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


@pytest.mark.parametrize("n", [3, 5, 7])
def test_odd_count_gives_exactly_one_trio_and_drops_nobody(n: int) -> None:
    """An odd community of mutually connected members: one trio, everyone grouped."""
    edges = _random_edges(n, 1.0, seed=n)
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


def test_coverage_comes_before_weight() -> None:
    """On a path a-b-c-d the two outer pairs beat the heavy middle edge."""
    assert max_weight_groups(4, [(0, 1, 0.1), (1, 2, 1.0), (2, 3, 0.1)]) == [(0, 1), (2, 3)]


def test_avoided_pairs_are_used_only_when_coverage_needs_them() -> None:
    """Recent partners (avoid) lose to any repeat-free grouping, however light."""
    u, v = np.array([0, 2, 0, 1]), np.array([1, 3, 2, 3])
    graph = EdgeArrays(u, v, np.array([1.0, 1.0, 0.01, 0.01]), avoid=np.array([1, 1, 0, 0], bool))
    assert max_weight_groups(4, graph) == [(0, 2), (1, 3)]


def test_avoided_pair_still_used_when_it_is_the_only_option() -> None:
    """Nobody is left out to avoid a repeat."""
    graph = EdgeArrays(np.array([0]), np.array([1]), np.array([0.5]), avoid=np.array([True]))
    assert max_weight_groups(2, graph) == [(0, 1)]


@settings(max_examples=30, deadline=None)
@given(half=st.integers(1, 100), density=st.floats(0.02, 0.3), seed=st.integers(0, 10**6))
def test_pairs_match_networkx_optimum(half: int, density: float, seed: int) -> None:
    """Up to 200 nodes, the pairs weigh exactly networkx's max-cardinality optimum."""
    n = 2 * half
    edges = _random_edges(n, density, seed)
    graph = nx.Graph()
    graph.add_weighted_edges_from((a, b, round(w * 1000)) for a, b, w in edges)
    best = nx.max_weight_matching(graph, maxcardinality=True)
    result = solve_groups(n, edges, trio=False)
    assert len(result.groups) == len(best)
    assert _weight(result.groups, edges) == sum(graph[a][b]["weight"] for a, b in best)


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
    edges = _random_edges(n, 1 - drop, seed)
    grouped, weight = _reference(n, edges)
    assume(grouped == n)
    result = solve_groups(n, edges)
    assert result.exact
    assert sorted(x for g in result.groups for x in g) == list(range(n))
    assert _weight(result.groups, edges) == weight


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 60), density=st.floats(0, 0.5), seed=st.integers(0, 10**6))
def test_groups_only_hold_connected_members(n: int, density: float, seed: int) -> None:
    """Blocked pairs (missing edges) never share a group; every node is accounted for once."""
    edges = _random_edges(n, density, seed)
    result = solve_groups(n, edges)
    _assert_valid(n, result.groups, edges)
    grouped = {x for g in result.groups for x in g}
    assert grouped.isdisjoint(result.uncovered)
    assert grouped | set(result.uncovered) == set(range(n))


APPROXIMATE = {
    "relaxation": {"exact_limit": 100},
    "clusters": {"exact_limit": 100, "relax_limit": 100},
}
"""Forces each approximate path: the LP relaxation (default up to 20,000 nodes), or greedy and
cluster re-solving (above)."""


@pytest.mark.parametrize("path", APPROXIMATE)
def test_large_path_returns_a_valid_partition(path: str) -> None:
    """Each approximate path (forced with a low exact_limit) on 5,000 nodes covers everyone."""
    n = 5000
    rng = np.random.default_rng(7)
    u = rng.integers(0, n, 12 * n)
    v = (u + rng.integers(1, 200, 12 * n)) % n
    w = rng.integers(0, 1000, 12 * n) / 1000
    edges = list(zip(u.tolist(), v.tolist(), w.tolist(), strict=True))
    result = solve_groups(n, edges, **APPROXIMATE[path])
    assert not result.exact
    _assert_valid(n, result.groups, edges)
    assert result.uncovered == []


@pytest.mark.parametrize(("path", "share"), [("relaxation", 0.995), ("clusters", 0.94)])
def test_large_path_is_close_to_the_exact_optimum(path: str, share: float) -> None:
    """On 3,000 random nodes: the relaxation is within 0.5 % of the exact weight; the cluster
    search (made for sparse candidate graphs, where it gets 99 %) within 6 % here."""
    edges = _random_edges(3000, 0.004, seed=3)
    exact = solve_groups(3000, edges, trio=False, exact_limit=10**9)
    approximate = solve_groups(3000, edges, trio=False, **APPROXIMATE[path])
    assert len(approximate.groups) == len(exact.groups)
    assert _weight(approximate.groups, edges) >= share * _weight(exact.groups, edges)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_relaxation_splits_its_cycles_when_they_are_many(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """When many nodes are off the LP's 2-cycles (ties make long cycles), the cycles are split
    directly instead of solved exactly: still everyone grouped, within 1 % of the exact weight."""
    monkeypatch.setattr(relaxation, "REST_LIMIT", 0)
    edges = _random_edges(1000, 0.01, seed=seed)
    exact = solve_groups(1000, edges, trio=False, exact_limit=10**9)
    split = solve_groups(1000, edges, trio=False, exact_limit=10)
    _assert_valid(1000, split.groups, edges)
    assert len(split.groups) == len(exact.groups)
    assert _weight(split.groups, edges) >= 0.99 * _weight(exact.groups, edges)


def test_equal_weights_still_pair_everyone() -> None:
    """All weights tied (any perfect matching is optimal): the relaxation pairs all 4,000."""
    edges = [(i, (i + d) % 4000, 0.5) for i in range(4000) for d in range(1, 8)]
    result = solve_groups(4000, edges, exact_limit=100)
    assert result.uncovered == []
    assert len(result.groups) == 2000


def test_relaxation_falls_back_to_greedy_when_costs_get_too_large() -> None:
    """Among 3 * 10^6 nodes the objective's integer keys are too large for exact float64
    potentials in a 3,000-node component, so it starts from greedy: everyone still grouped."""
    edges = _random_edges(3000, 0.004, seed=3)
    result = solve_groups(3 * 10**6, edges, trio=False, exact_limit=100)
    _assert_valid(3 * 10**6, result.groups, edges)
    assert len(result.groups) == len(solve_groups(3000, edges, trio=False).groups)


def test_free_nodes_far_apart_are_joined() -> None:
    """Greedy takes every heavy middle edge of a 40-node path and leaves both ends free; the
    one augmenting path between them (39 edges) is found by trees meeting half-way."""
    edges = [(i, i + 1, 1.0 if i % 2 else 0.5) for i in range(39)]
    result = solve_groups(40, edges, trio=False, exact_limit=2, relax_limit=0, rounds=0)
    assert result.uncovered == []
    assert len(result.groups) == 20


def test_same_input_same_groups() -> None:
    """Deterministic: a repeat run and a shuffled edge list give the same grouping."""
    edges = _random_edges(301, 0.05, seed=11)
    shuffled = edges[:]
    random.Random(1).shuffle(shuffled)
    first = solve_groups(301, edges, exact_limit=50)
    assert solve_groups(301, edges, exact_limit=50) == first
    assert solve_groups(301, shuffled, exact_limit=50) == first


@pytest.mark.parametrize(
    "edges",
    [[(0, 0, 0.5)], [(0, 5, 0.5)], [(0, 1, -0.1)], [(0, 1, float("nan"))]],
)
def test_bad_edges_are_rejected(edges: list[Edge]) -> None:
    """Self-loops, unknown nodes and negative or NaN weights raise ValueError."""
    with pytest.raises(ValueError):
        solve_groups(2, edges)


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


def test_more_rounds_never_worsen_the_approximate_path() -> None:
    """Each round of cluster re-solving keeps or improves (grouped, weight); any cluster size,
    after either start."""
    edges = _random_edges(1200, 0.01, seed=5)

    def outcome(relax_limit: int, **kwargs: int) -> tuple[int, int]:
        groups = solve_groups(
            1200, edges, trio=False, exact_limit=100, relax_limit=relax_limit, **kwargs
        ).groups
        _assert_valid(1200, groups, edges)
        return 2 * len(groups), _weight(groups, edges)

    for relax_limit in (100, 2000):  # after greedy, and after the relaxation
        for size in (40, 300):
            values = [outcome(relax_limit, cluster_size=size, rounds=r) for r in range(4)]
            assert values == sorted(values)
    assert outcome(100) == outcome(100, cluster_size=300, rounds=2)  # default up to 50,000
    assert outcome(2000) == outcome(2000, rounds=0)  # none after the relaxation
    with pytest.raises(ValueError):
        solve_groups(4, [(0, 1, 1.0)], cluster_size=3)
