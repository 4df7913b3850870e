"""The LP relaxation: split cycles, tied weights, and the fallback when costs get too large."""

from __future__ import annotations

import pytest

from bot.matching import relaxation
from bot.matching.solver import solve_groups
from tests.bot.matching.random_graphs import assert_valid, random_edges, total_weight


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_relaxation_splits_its_cycles_when_they_are_many(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """When many nodes are off the LP's 2-cycles (ties make long cycles), the cycles are split
    directly instead of solved exactly: still everyone grouped, within 1 % of the exact weight."""
    monkeypatch.setattr(relaxation, "REST_LIMIT", 0)
    edges = random_edges(1000, 0.01, seed=seed)
    exact = solve_groups(1000, edges, trio=False, exact_limit=10**9)
    split = solve_groups(1000, edges, trio=False, exact_limit=10)
    assert_valid(1000, split.groups, edges)
    assert len(split.groups) == len(exact.groups)
    assert total_weight(split.groups, edges) >= 0.99 * total_weight(exact.groups, edges)


def test_equal_weights_still_pair_everyone() -> None:
    """All weights tied (any perfect matching is optimal): the relaxation pairs all 4,000."""
    edges = [(i, (i + d) % 4000, 0.5) for i in range(4000) for d in range(1, 8)]
    result = solve_groups(4000, edges, exact_limit=100)
    assert result.uncovered == []
    assert len(result.groups) == 2000


def test_relaxation_falls_back_to_greedy_when_costs_get_too_large() -> None:
    """Among 3 * 10^6 nodes the objective's integer keys are too large for exact float64
    potentials in a 3,000-node component, so it starts from greedy: everyone still grouped."""
    edges = random_edges(3000, 0.004, seed=3)
    result = solve_groups(3 * 10**6, edges, trio=False, exact_limit=100)
    assert_valid(3 * 10**6, result.groups, edges)
    assert len(result.groups) == len(solve_groups(3000, edges, trio=False).groups)
