"""Maximum-weight study groups: pairs, and a trio where someone would otherwise be left out.

Objective, in priority order (lexicographic: no amount of a lower priority buys a higher one):
(a) group as many members as possible, (b) use as few `avoid` pairs (recent partners) as
possible, (c') give as few members who had no shared study time last round (`short_before`)
a `short` pair (under 1 h in common) again, (c) use as few `short` pairs as possible,
(d) maximise the total weight inside groups. A group only holds members that are pairwise
connected: a missing edge (a blocked pair) never shares a group, so a trio needs all three of
its pairs to be edges.

This module chooses a method per connected component and assembles the groups:

* `graph`: the edges as integer objective keys (weights scaled by `SCALE`, one unit per tier
  above, each dominating everything below it) and an adjacency; components.
* `exact`: components of up to `exact_limit` nodes are matched exactly, by Edmonds' blossom
  algorithm (rustworkx, max cardinality) on the integer keys.
* `relaxation`: up to `relax_limit` nodes, the pairs of the matching LP's optimum without
  odd-set constraints (an assignment problem, scipy), the rest exactly.
* `approximate`: larger components start from a greedy matching instead; both then pair whoever
  is left free along alternating paths (`paths`), and larger ones get rounds of exact
  re-solving of clusters of a few hundred nodes found by coarsening the graph around the
  current pairs (large-neighbourhood search; never worse).
* `trios`: a node left over joins the pair it adds most to, or, if better, a member joins a
  pair and its partner is re-paired along an alternating path ending at the leftover. When a
  component of at most `trio_exact_limit` nodes has one leftover, a branch and bound then
  proves the best trio.

Everything is deterministic: no randomness, ties broken by node and edge index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from bot.matching.approximate import approximate_matching, cluster_schedule
from bot.matching.exact import match_small_components
from bot.matching.graph import (
    SCALE,
    BoolArray,
    EdgeArrays,
    IntArray,
    as_edge_arrays,
    build_graph,
)
from bot.matching.trios import Trios, place_free_nodes

__all__ = ["SCALE", "EdgeArrays", "GroupingResult", "max_weight_groups", "solve_groups"]
# SCALE and EdgeArrays live in `graph`; they are re-exported as part of this module's API.


@dataclass(frozen=True, slots=True)
class GroupingResult:
    groups: list[tuple[int, ...]]
    """Disjoint groups of 2 or 3 nodes, each sorted; the list is sorted."""
    uncovered: list[int]
    """Every node in no group, sorted: the isolated ones and those whose partners were taken."""
    isolated: list[int]
    """The uncovered nodes that have no edge at all (nobody they could be grouped with)."""
    exact: bool
    """True when the grouping is provably optimal for the objective (see module doc)."""


def solve_groups(
    n: int,
    edges: Iterable[tuple[int, int, float]] | EdgeArrays,
    *,
    trio: bool = True,
    exact_limit: int = 2000,
    relax_limit: int = 20_000,
    trio_exact_limit: int = 200,
    cluster_size: int | None = None,
    rounds: int | None = None,
    short_before: BoolArray | None = None,
) -> GroupingResult:
    """Groups over nodes 0..n-1 in the objective's order (see module doc).

    `edges` are (u, v, w) with w >= 0, or an `EdgeArrays` (which may flag `avoid` and `short`
    pairs). `short_before`, one flag per node, marks who had no shared study time last round.
    Leftovers (an odd count, or all partners taken) join the pair they add most to when `trio`
    is true and they have an edge to both members; otherwise they stay in `uncovered`, as do
    nodes without any edge (also listed in `isolated`). Components above `exact_limit` start
    from the LP relaxation up to `relax_limit` nodes (about 0.5 s for 10,000 on one core, 2 s for
    20,000), from a greedy matching above; then come `rounds` of exact re-solving of clusters of
    `cluster_size` nodes: by default none after the relaxation, otherwise 2 rounds of 300 up to
    50,000 such nodes and 1 of 350 above (a round of 350 costs about 2 s per 100,000 nodes).
    """
    if (
        n < 0
        or exact_limit < 2
        or (cluster_size is not None and cluster_size < 4)
        or (rounds is not None and rounds < 0)
    ):
        raise ValueError("need n >= 0, exact_limit >= 2, cluster_size >= 4, rounds >= 0")
    graph = build_graph(n, as_edge_arrays(edges), short_before)
    partner = np.full(n, -1, dtype=np.int64)
    linked = np.diff(graph.offsets) > 0
    label = graph.component_labels()
    components, sizes = np.unique(label[linked], return_counts=True)
    small = np.isin(label, components[sizes <= exact_limit]) & linked
    large = linked & ~small
    if small.any():
        match_small_components(graph, small, label, partner)
    relaxed = np.isin(label, components[sizes <= relax_limit]) & large
    for component in np.unique(label[relaxed]).tolist():
        inside = label == component
        schedule = cluster_schedule(
            int(inside.sum()), relaxed=True, cluster_size=cluster_size, rounds=rounds
        )
        approximate_matching(graph, inside, partner, relaxed=True, cluster_sizes=schedule)
    clustered = large & ~relaxed
    if clustered.any():  # in one pass; the schedule counts all their nodes together
        schedule = cluster_schedule(
            int(clustered.sum()), relaxed=False, cluster_size=cluster_size, rounds=rounds
        )
        approximate_matching(graph, clustered, partner, relaxed=False, cluster_sizes=schedule)
    free = np.flatnonzero(linked & (partner < 0))
    exact = not large.any()
    trios: Trios = {}
    if trio:
        outcome = place_free_nodes(
            graph, label, partner, free, trio_exact_limit=min(trio_exact_limit, exact_limit)
        )
        trios, uncovered, exact = outcome.trios, outcome.uncovered, exact and outcome.proven
    else:
        uncovered = free.tolist()
    isolated = np.flatnonzero(~linked).tolist()
    groups = _groups(partner, trios)
    return GroupingResult(groups, sorted(uncovered + isolated), isolated, exact)


def _groups(partner: IntArray, trios: Trios) -> list[tuple[int, ...]]:
    """Sorted groups: every pair of `partner`, with its third member from `trios`."""
    groups = []
    for first in np.flatnonzero(partner > np.arange(len(partner))).tolist():
        second = int(partner[first])
        third = trios.get(first)
        members = (first, second) if third is None else (first, second, third)
        groups.append(tuple(sorted(members)))
    return sorted(groups)


def max_weight_groups(
    n: int, edges: Iterable[tuple[int, int, float]], *, trio: bool = True
) -> list[tuple[int, ...]]:
    """Disjoint groups of 2 (one of 3 when needed) over 0..n-1 maximising the total weight.

    Every node with an edge is grouped when the edges allow it; see `solve_groups`, which also
    reports who could not be grouped.
    """
    return solve_groups(n, edges, trio=trio).groups
