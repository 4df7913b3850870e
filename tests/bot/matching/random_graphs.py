"""Random weighted graphs and checks of a grouping, shared by the solver's tests."""

from __future__ import annotations

import itertools
import random

Edge = tuple[int, int, float]


def random_edges(n: int, density: float, seed: int) -> list[Edge]:
    """Random graph; weights are multiples of 1/1000 so integer scaling is exact."""
    rng = random.Random(seed)
    return [
        (a, b, rng.randint(0, 1000) / 1000)
        for a, b in itertools.combinations(range(n), 2)
        if rng.random() < density
    ]


def total_weight(groups: list[tuple[int, ...]], edges: list[Edge]) -> int:
    """Total weight inside groups, in thousandths."""
    w = {(min(a, b), max(a, b)): round(x * 1000) for a, b, x in edges}
    return sum(w[(a, b)] for g in groups for a, b in itertools.combinations(sorted(g), 2))


def assert_valid(n: int, groups: list[tuple[int, ...]], edges: list[Edge]) -> None:
    pairs = {(min(a, b), max(a, b)) for a, b, _ in edges}
    members = [x for g in groups for x in g]
    assert len(members) == len(set(members))
    assert all(0 <= x < n for x in members)
    assert all(len(g) in (2, 3) for g in groups)
    for g in groups:
        assert all((a, b) in pairs for a, b in itertools.combinations(sorted(g), 2))
