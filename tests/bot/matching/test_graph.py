"""The solver's graph: validated edges, avoided pairs as keys, canonical order."""

from __future__ import annotations

import random

import numpy as np
import pytest

from bot.matching.graph import EdgeArrays
from bot.matching.solver import max_weight_groups, solve_groups
from tests.bot.matching.random_graphs import Edge, random_edges


def test_avoided_pairs_are_used_only_when_coverage_needs_them() -> None:
    """Recent partners (avoid) lose to any repeat-free grouping, however light."""
    u, v = np.array([0, 2, 0, 1]), np.array([1, 3, 2, 3])
    graph = EdgeArrays(u, v, np.array([1.0, 1.0, 0.01, 0.01]), avoid=np.array([1, 1, 0, 0], bool))
    assert max_weight_groups(4, graph) == [(0, 2), (1, 3)]


def test_avoided_pair_still_used_when_it_is_the_only_option() -> None:
    """Nobody is left out to avoid a repeat."""
    graph = EdgeArrays(np.array([0]), np.array([1]), np.array([0.5]), avoid=np.array([True]))
    assert max_weight_groups(2, graph) == [(0, 1)]


def test_same_input_same_groups() -> None:
    """Deterministic: a repeat run and a shuffled edge list give the same grouping."""
    edges = random_edges(301, 0.05, seed=11)
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
