"""Alternating paths: pairing nodes that a matching left free, without unpairing anyone.

An alternating path runs free - a = a' - b = b' - ... - free, where "=" are current pairs and
"-" other edges; swapping which edges are pairs along it matches both ends and keeps every node
on it matched. The searches here are breadth-first and vectorised: each step moves from the
outer nodes of a forest over an edge to a matched node, then on over its pair to its partner,
the next outer node. `trios` uses the same step to price re-pairings that end at a leftover.
"""

from __future__ import annotations

import numpy as np

from bot.matching.graph import BoolArray, IntArray, SolverGraph

NOT_REACHED = np.iinfo(np.int64).min // 4
"""The gain of a node no path has reached (far below any real gain, and safe to add to)."""


def step_to_partners(
    outer: IntArray,
    matched: IntArray,
    edge_key: IntArray,
    partner: IntArray,
    partner_key: IntArray,
    gain: IntArray,
) -> tuple[IntArray, IntArray, IntArray]:
    """From each `outer` node over the edge (`edge_key`) to the `matched` node, on to that
    node's partner, keeping only partners not reached yet: (outer, partner, the partner's gain
    through outer, which gives up the matched node's current pair)."""
    next_outer = partner[matched]
    fresh = gain[next_outer] == NOT_REACHED
    path_gain = gain[outer] + edge_key - partner_key[matched]
    return outer[fresh], next_outer[fresh], path_gain[fresh]


def augment(
    graph: SolverGraph,
    inside: BoolArray,
    partner: IntArray,
    *,
    steps: int = 12,
    meet_halfway: bool = False,
) -> int:
    """Match free nodes of `inside` along alternating paths; returns how many were applied.

    Grows one breadth-first alternating forest from all free nodes at once, up to `steps`
    steps; each node is labelled once, by the best path reaching it in that step, so paths stay
    simple. A path is found where a tree touches another free node or, with `meet_halfway`,
    another tree's outer node (trees meeting half-way: free nodes far apart are joined too, by
    long paths that can cost weight, so this is the last resort). The search stops once every
    tree has reached another one. Then the best node-disjoint paths are applied.
    """
    free = np.flatnonzero(inside & (partner < 0))
    if len(free) < 2:
        return 0
    partner_key = graph.partner_keys(partner)
    gain = np.full(graph.node_count, NOT_REACHED, dtype=np.int64)
    root = np.full(graph.node_count, -1, dtype=np.int64)
    predecessor = np.full(graph.node_count, -1, dtype=np.int64)
    gain[free], root[free] = 0, free
    frontier = free
    found: list[tuple[IntArray, IntArray, IntArray]] = []  # (last outer, end, path gain)
    touched = np.zeros(graph.node_count, dtype=np.bool_)  # roots whose tree reached another
    for _ in range(steps):
        outer, head, edge_key = graph.edges_leaving(frontier)
        keep = inside[head]
        outer, head, edge_key = outer[keep], head[keep], edge_key[keep]
        if meet_halfway:  # a free root or an outer node of another tree
            ends = (gain[head] > NOT_REACHED) & (root[head] != root[outer])
            grow = (gain[head] == NOT_REACHED) & (partner[head] >= 0)
        else:
            ends = (partner[head] < 0) & (root[outer] != head)
            grow = ~ends & (partner[head] >= 0)
        path_gain = gain[outer[ends]] + edge_key[ends] + gain[head[ends]]
        found.append((outer[ends], head[ends], path_gain))
        touched[root[outer[ends]]] = True
        if touched[free].all():
            break
        outer, reached, path_gain = step_to_partners(
            outer[grow], head[grow], edge_key[grow], partner, partner_key, gain
        )
        if not len(reached):
            break
        # label each reached node once: by its best gain, then by the smallest outer node
        best = np.full(graph.node_count, NOT_REACHED, dtype=np.int64)
        np.maximum.at(best, reached, path_gain)
        win = path_gain == best[reached]
        outer, reached, path_gain = outer[win], reached[win], path_gain[win]
        first = np.full(graph.node_count, graph.node_count, dtype=np.int64)
        np.minimum.at(first, reached, outer)
        win = outer == first[reached]
        outer, reached, path_gain = outer[win], reached[win], path_gain[win]
        gain[reached], predecessor[reached], root[reached] = path_gain, outer, root[outer]
        frontier = reached
    return _apply_paths(partner, root, predecessor, found)


def _apply_paths(
    partner: IntArray,
    root: IntArray,
    predecessor: IntArray,
    found: list[tuple[IntArray, IntArray, IntArray]],
) -> int:
    """Apply the best node-disjoint of the `found` paths (ties: by last outer node, then end)."""
    last_outer = np.concatenate([path[0] for path in found])
    end = np.concatenate([path[1] for path in found])
    total = np.concatenate([path[2] for path in found])
    order = np.lexsort((end, last_outer, -total))
    used = np.zeros(len(partner), dtype=np.bool_)
    applied = 0

    def back_to_root(node: int) -> list[int]:
        """Outer nodes from `node` back to its tree's root."""
        chain = [node]
        while predecessor[chain[-1]] >= 0:
            chain.append(int(predecessor[chain[-1]]))
        return chain

    for last, other_end in zip(last_outer[order].tolist(), end[order].tolist(), strict=True):
        if used[root[last]] or used[root[other_end]]:
            continue
        one, other = back_to_root(last), back_to_root(other_end)
        inner = [int(partner[node]) for node in one[:-1] + other[:-1]]
        nodes = one + other + inner
        if used[nodes].any() or len(set(nodes)) != len(nodes):
            continue
        used[nodes] = True
        # each outer node's predecessor takes its partner (an inner node); last meets other_end
        new_pairs = [(int(predecessor[node]), int(partner[node])) for node in one[:-1] + other[:-1]]
        for first, second in [(last, other_end), *new_pairs]:
            partner[first], partner[second] = second, first
        applied += 1
    return applied
