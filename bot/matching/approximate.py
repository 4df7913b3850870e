"""Near-optimal pairing of components too large for the exact blossom.

A start (the LP relaxation's pairs, see `relaxation`, or a greedy matching where the relaxation
is too slow or its costs too large), then alternating paths for whoever is left free (`paths`),
then rounds of large-neighbourhood search: the graph is coarsened around the current pairs into
clusters of a few hundred nodes, and each cluster is re-solved exactly. Pairs never straddle
clusters, so a round never makes the matching worse; a different perturbation per round cuts
the graph somewhere else each time.
"""

from __future__ import annotations

import numpy as np

from bot.matching.exact import exact_pairs, pair_up
from bot.matching.graph import BoolArray, IntArray, SolverGraph
from bot.matching.paths import augment
from bot.matching.relaxation import match_by_relaxation


def approximate_matching(
    graph: SolverGraph,
    inside: BoolArray,
    partner: IntArray,
    *,
    relaxed: bool,
    cluster_sizes: list[int],
) -> None:
    """Near-optimal matching of `inside`: the relaxation's start when `relaxed` (else, or if it
    declines, greedy), alternating paths for whoever is left free, then one round of cluster
    re-solving per entry of `cluster_sizes` (its largest cluster)."""
    if not (relaxed and match_by_relaxation(graph, inside, partner)):
        low, high, key = graph.induced_edges(inside)
        greedy = greedy_matching(low, high, key, graph.node_count)
        partner[inside] = greedy[inside]
    for meet_halfway in (False, True):  # then the few left, which may be far apart
        for _ in range(3):  # later passes find few paths; leftovers can still join a trio
            steps = 64 if meet_halfway else 12
            if not augment(graph, inside, partner, steps=steps, meet_halfway=meet_halfway):
                break
    for salt, size in enumerate(cluster_sizes):
        label = cluster_labels(graph, inside, partner, size=size, salt=salt)
        resolve_clusters(graph, inside, label, partner)
        augment(graph, inside, partner)


def cluster_schedule(
    nodes: int, *, relaxed: bool, cluster_size: int | None, rounds: int | None
) -> list[int]:
    """Cluster size of each round of re-solving for `nodes` approximately matched nodes;
    `cluster_size` and `rounds` override the defaults.

    After the relaxation none by default: it is already within ~0.2 % of the optimum, and a
    round of 300 adds ~0.3 s per 10,000 nodes for ~0.05 %. Otherwise (measured on the
    benchmark's communities, share of the exact optimum on the same graph, CPU time): up to
    50,000 nodes two rounds of 300; above, two rounds of 350. One round was enough for the
    weight (a round of 500 cost ~1.5 s more per 100,000 nodes for ~0.07 %), but since shared
    time and repeats are tiers of the keys, one round at 100,000 left 2 repeats within K;
    the second round removes them for ~3 s (9.6 s in all, under the 10 s target).
    """
    size, count = (300, 0) if relaxed else (300, 2) if nodes <= 50_000 else (350, 2)
    return [cluster_size or size] * (count if rounds is None else rounds)


def greedy_matching(first: IntArray, second: IntArray, key: IntArray, node_count: int) -> IntArray:
    """Greedy (heaviest first) matching of the edges (`first`, `second`, `key`), as rounds of
    locally dominant edges (each the heaviest left at both its ends); partner per node, or -1.
    """
    order = np.argsort(-key, kind="stable")
    first, second = first[order], second[order]
    rank = np.arange(len(first), dtype=np.int64)
    partner = np.full(node_count, -1, dtype=np.int64)
    alive = np.ones(len(first), dtype=np.bool_)
    while alive.any():
        first, second, rank = first[alive], second[alive], rank[alive]
        best = np.full(node_count, len(order), dtype=np.int64)
        np.minimum.at(best, first, rank)
        np.minimum.at(best, second, rank)
        dominant = (best[first] == rank) & (best[second] == rank)
        partner[first[dominant]] = second[dominant]
        partner[second[dominant]] = first[dominant]
        alive = (partner[first] < 0) & (partner[second] < 0)
    return partner


def cluster_labels(
    graph: SolverGraph, inside: BoolArray, partner: IntArray, *, size: int, salt: int
) -> IntArray:
    """Cluster label per node: the current pairs merged along heavy links, up to `size` nodes.

    Heavy-edge coarsening: repeatedly match clusters by the summed weight between them,
    perturbed by `salt` so that each round cuts the graph somewhere else.
    """
    node_count = graph.node_count
    ids = np.arange(node_count, dtype=np.int64)
    label = np.where(partner >= 0, np.minimum(ids, partner), ids)
    keep = inside[graph.low] & inside[graph.high]
    first, second, weight = _links(
        label[graph.low[keep]], label[graph.high[keep]], graph.weight[keep], node_count
    )
    while True:
        sizes = np.bincount(label, minlength=node_count)
        fits = sizes[first] + sizes[second] <= size
        if not fits.any():
            return label
        # a deterministic perturbation of 1024..1535 per link and round
        jitter = 1024 + (first[fits] * 2654435761 + second[fits] * 40503 + salt * 7919) % 512
        merge_with = greedy_matching(first[fits], second[fits], weight[fits] * jitter, node_count)
        merged = np.where(merge_with >= 0, np.minimum(ids, merge_with), ids)
        label = merged[label]
        first, second, weight = _links(merged[first], merged[second], weight, node_count)


def _links(
    first: IntArray, second: IntArray, weight: IntArray, node_count: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Summed weight between distinct clusters, one row per unordered pair of labels."""
    low, high = np.minimum(first, second), np.maximum(first, second)
    keep = low != high
    pairs, where = np.unique(low[keep] * node_count + high[keep], return_inverse=True)
    total = np.bincount(where, weights=weight[keep], minlength=len(pairs)).astype(np.int64)
    return pairs // node_count, pairs % node_count, total


def resolve_clusters(
    graph: SolverGraph, inside: BoolArray, label: IntArray, partner: IntArray
) -> None:
    """Re-solve every cluster exactly; pairs never straddle clusters, so this never worsens."""
    keep = inside[graph.low] & inside[graph.high] & (label[graph.low] == label[graph.high])
    low, high, key = graph.low[keep], graph.high[keep], graph.key[keep]
    by_edge = np.argsort(label[low], kind="stable")
    low, high, key = low[by_edge], high[by_edge], key[by_edge]
    edge_label = label[low]
    nodes = np.flatnonzero(inside)
    nodes = nodes[np.argsort(label[nodes], kind="stable")]
    node_label = label[nodes]
    cluster_starts = np.flatnonzero(np.r_[True, node_label[1:] != node_label[:-1]])
    node_cuts = np.r_[cluster_starts, len(nodes)]
    starts_label = node_label[cluster_starts]
    edge_starts = np.searchsorted(edge_label, starts_label, side="left")
    edge_ends = np.searchsorted(edge_label, starts_label, side="right")
    for cluster in range(len(cluster_starts)):
        members = nodes[node_cuts[cluster] : node_cuts[cluster + 1]]
        start, end = int(edge_starts[cluster]), int(edge_ends[cluster])
        if len(members) < 3 or end - start < 2:
            continue  # nothing to improve: one pair at most
        pairs = exact_pairs(graph, members, low[start:end], high[start:end], key[start:end])
        partner[members] = -1
        pair_up(partner, pairs)
