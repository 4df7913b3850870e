"""Exact pairing: coverage first, then the weight of networkx's optimum."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching.solver import max_weight_groups, solve_groups
from tests.bot.matching.random_graphs import random_edges, total_weight


def test_coverage_comes_before_weight() -> None:
    """On a path a-b-c-d the two outer pairs beat the heavy middle edge."""
    assert max_weight_groups(4, [(0, 1, 0.1), (1, 2, 1.0), (2, 3, 0.1)]) == [(0, 1), (2, 3)]


@settings(max_examples=30, deadline=None)
@given(half=st.integers(1, 100), density=st.floats(0.02, 0.3), seed=st.integers(0, 10**6))
def test_pairs_match_networkx_optimum(half: int, density: float, seed: int) -> None:
    """Up to 200 nodes, the pairs weigh exactly networkx's max-cardinality optimum."""
    n = 2 * half
    edges = random_edges(n, density, seed)
    graph = nx.Graph()
    graph.add_weighted_edges_from((a, b, round(w * 1000)) for a, b, w in edges)
    best = nx.max_weight_matching(graph, maxcardinality=True)
    result = solve_groups(n, edges, trio=False)
    assert len(result.groups) == len(best)
    assert total_weight(result.groups, edges) == sum(graph[a][b]["weight"] for a, b in best)
