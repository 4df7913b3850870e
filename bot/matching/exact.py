"""Exact pairing: maximum-cardinality, maximum-key matching with Edmonds' blossom algorithm.

rustworkx's `max_weight_matching` (Rust, O(n^3)) is exact on integer weights, which the keys of
`graph.SolverGraph` are. It is fast enough for components of up to a few thousand nodes; the
solver uses it on small components whole, and on the parts of larger ones that the relaxation
leaves fractional, the clusters of the large-neighbourhood search and the rest of a trio.
"""

from __future__ import annotations

import numpy as np
import rustworkx as rx

from bot.matching.graph import BoolArray, IntArray, SolverGraph

BATCH_NODES = 256
"""Small components are solved together up to this many nodes: one rustworkx call, not many."""


def exact_pairs(
    graph: SolverGraph, nodes: IntArray, low: IntArray, high: IntArray, key: IntArray
) -> IntArray:
    """Exact max-cardinality, max-key matching of the subgraph on `nodes` with the edges
    (`low`, `high`, `key`); returns the pairs as a (pairs, 2) array of node ids, sorted."""
    local = np.full(graph.node_count, -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    subgraph = rx.PyGraph(multigraph=False)
    subgraph.add_nodes_from(range(len(nodes)))
    subgraph.add_edges_from(
        list(zip(local[low].tolist(), local[high].tolist(), key.tolist(), strict=True))
    )
    pairs = rx.max_weight_matching(subgraph, max_cardinality=True, weight_fn=int)
    return nodes[np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)]


def pair_up(partner: IntArray, pairs: IntArray) -> None:
    """Record the (pairs, 2) array `pairs` in `partner`, both ways."""
    partner[pairs[:, 0]], partner[pairs[:, 1]] = pairs[:, 1], pairs[:, 0]


def match_exactly(graph: SolverGraph, nodes: IntArray, partner: IntArray) -> None:
    """Exact matching of the subgraph induced by `nodes`, recorded in `partner`.

    The order of `nodes` is rustworkx's node order, which decides between equally good
    matchings: callers keep the order they always had, so that results do not change.
    """
    pairs = exact_pairs(graph, nodes, *graph.induced_edges(graph.mask(nodes)))
    pair_up(partner, pairs)


def match_small_components(
    graph: SolverGraph, inside: BoolArray, label: IntArray, partner: IntArray
) -> None:
    """Exact matching of the components in `inside` (`label`: component per node), batched so
    that tiny components share a call."""
    nodes = np.flatnonzero(inside)
    nodes = nodes[np.argsort(label[nodes], kind="stable")]
    cuts = np.flatnonzero(np.diff(label[nodes])) + 1
    batch: list[IntArray] = []
    for component in [*np.split(nodes, cuts), None]:
        if batch and (component is None or sum(map(len, batch)) + len(component) > BATCH_NODES):
            match_exactly(graph, np.concatenate(batch), partner)
            batch = []
        if component is not None:
            batch.append(component)
