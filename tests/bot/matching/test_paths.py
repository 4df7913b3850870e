"""Alternating paths: free nodes far apart are still paired."""

from __future__ import annotations

from bot.matching.solver import solve_groups


def test_free_nodes_far_apart_are_joined() -> None:
    """Greedy takes every heavy middle edge of a 40-node path and leaves both ends free; the
    one augmenting path between them (39 edges) is found by trees meeting half-way."""
    edges = [(i, i + 1, 1.0 if i % 2 else 0.5) for i in range(39)]
    result = solve_groups(40, edges, trio=False, exact_limit=2, relax_limit=0, rounds=0)
    assert result.uncovered == []
    assert len(result.groups) == 20
