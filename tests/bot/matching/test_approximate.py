"""Large components: valid groupings, close to the optimum, never worse per round."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from bot.matching.solver import solve_groups
from tests.bot.matching.random_graphs import assert_valid, random_edges, total_weight

APPROXIMATE: dict[str, dict[str, Any]] = {
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
    assert_valid(n, result.groups, edges)
    assert result.uncovered == []


@pytest.mark.parametrize(("path", "share"), [("relaxation", 0.995), ("clusters", 0.94)])
def test_large_path_is_close_to_the_exact_optimum(path: str, share: float) -> None:
    """On 3,000 random nodes: the relaxation is within 0.5 % of the exact weight; the cluster
    search (made for sparse candidate graphs, where it gets 99 %) within 6 % here."""
    edges = random_edges(3000, 0.004, seed=3)
    exact = solve_groups(3000, edges, trio=False, exact_limit=10**9)
    approximate = solve_groups(3000, edges, trio=False, **APPROXIMATE[path])
    assert len(approximate.groups) == len(exact.groups)
    assert total_weight(approximate.groups, edges) >= share * total_weight(exact.groups, edges)


def test_more_rounds_never_worsen_the_approximate_path() -> None:
    """Each round of cluster re-solving keeps or improves (grouped, weight); any cluster size,
    after either start."""
    edges = random_edges(1200, 0.01, seed=5)

    def outcome(
        relax_limit: int, cluster_size: int | None = None, rounds: int | None = None
    ) -> tuple[int, int]:
        groups = solve_groups(
            1200,
            edges,
            trio=False,
            exact_limit=100,
            relax_limit=relax_limit,
            cluster_size=cluster_size,
            rounds=rounds,
        ).groups
        assert_valid(1200, groups, edges)
        return 2 * len(groups), total_weight(groups, edges)

    for relax_limit in (100, 2000):  # after greedy, and after the relaxation
        for size in (40, 300):
            values = [outcome(relax_limit, cluster_size=size, rounds=r) for r in range(4)]
            assert values == sorted(values)
    assert outcome(100) == outcome(100, cluster_size=300, rounds=2)  # default up to 50,000
    assert outcome(2000) == outcome(2000, rounds=0)  # none after the relaxation
    with pytest.raises(ValueError):
        solve_groups(4, [(0, 1, 1.0)], cluster_size=3)
