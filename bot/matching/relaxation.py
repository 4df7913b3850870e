"""Relaxed pairing for large components: the matching LP as an assignment problem (scipy).

Without its odd-set constraints, the matching LP is an assignment problem on the bipartite
double cover (every node once as a row and once as a column; the diagonal means unmatched),
which scipy's sparse Jonker-Volgenant solves exactly. Its optimum is a permutation: 2-cycles
are pairs, longer cycles are the fractional rest. On the benchmark's communities the LP bound
is within 10^-7 of the integral optimum and ~90 % of the nodes are in 2-cycles; those pairs are
kept and the rest (a few small odd and even cycles) is matched exactly with rustworkx, unless
ties made it larger than `REST_LIMIT` (then its cycles are split directly). Superlinear: 0.1 s
for 5,000 nodes, 0.5 s for 10,000, ~2 s for 20,000, hence the solver's `relax_limit`.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from bot.matching.exact import exact_pairs, pair_up
from bot.matching.graph import BoolArray, IntArray, SolverGraph, tiered_keys

REST_LIMIT = 3000
"""Above this many nodes off the LP's 2-cycles (ties make long cycles), no exact solve of them:
a random graph with weights in {0, 1/4, 1/2, 3/4} left most of 10,000 nodes there, and the
exact solve of them took 39 s."""


def match_by_relaxation(graph: SolverGraph, inside: BoolArray, partner: IntArray) -> bool:
    """Match the nodes of `inside` from the optimum of the matching LP (see module doc).

    The costs are integers, so the solver's potentials (at most about the node count times the
    largest cost) stay exact in float64: with fractional costs scipy's LAPJVsp looped forever on
    a 500-node test graph. Returns False, leaving `partner` alone, where that exactness is not
    guaranteed.

    The LP gets keys of its own, small enough for that at 20,000 nodes: the weights on a
    coarser scale, and the two study-time tiers merged into one (a shared hour and a member
    spared a second round without one count alike); above them repeats stay a tier of their
    own. The exact solve of the rest, the alternating paths and the trios then use the full
    keys, so the LP only proposes pairs.
    """
    nodes = np.flatnonzero(inside)
    count = len(nodes)
    edge = inside[graph.low] & inside[graph.high]
    low, high = graph.low[edge], graph.high[edge]
    short, strain, fresh = graph.short[edge], graph.strain[edge], graph.fresh[edge]
    per_grouping = count // 2 + 1
    time_spread = min(per_grouping, int(short.sum())) + min(2 * per_grouping, int(strain.sum()))
    try:
        key, _ = tiered_keys(
            graph.weight[edge].astype(np.float64),
            [
                ((~short).astype(np.int64) + 2 - strain, time_spread),
                (fresh.astype(np.int64), min(per_grouping, int(fresh.sum()))),
            ],
            per_grouping,
            limit=2**53 // (4 * (count + 1)) - 1,
            scale=1.0,
        )
    except ValueError:
        return False
    top = int(key.max(initial=0)) + 1
    local = np.full(graph.node_count, -1, dtype=np.int64)
    local[nodes] = np.arange(count)
    cost = (top - key).astype(np.float64)  # > 0: scipy reads a zero entry as "no edge"
    diagonal = np.arange(count)
    biadjacency = csr_array(
        (
            np.concatenate([cost, cost, np.full(count, 2.0 * top)]),
            (
                np.concatenate([local[low], local[high], diagonal]),
                np.concatenate([local[high], local[low], diagonal]),
            ),
        ),
        shape=(count, count),
    )
    rows, cols = min_weight_full_bipartite_matching(biadjacency)
    successor = np.empty(count, dtype=np.int64)  # the permutation, in local indices
    successor[rows] = cols
    paired = (successor[successor] == diagonal) & (successor != diagonal)
    partner[nodes[paired]] = nodes[successor[paired]]
    if np.count_nonzero(~paired) > REST_LIMIT:
        next_node = np.full(graph.node_count, -1, dtype=np.int64)
        next_node[nodes] = nodes[successor]
        split_cycles(graph, next_node, nodes[~paired & (successor != diagonal)], partner)
        return True
    rest = inside.copy()
    rest[nodes[paired]] = False
    low, high, key = graph.induced_edges(rest)
    if len(low):
        pair_up(partner, exact_pairs(graph, np.flatnonzero(rest), low, high, key))
    return True


def split_cycles(
    graph: SolverGraph, next_node: IntArray, starts: IntArray, partner: IntArray
) -> None:
    """Pair along the LP's longer cycles through `starts` (`next_node`: each node's successor
    on its cycle): an even cycle takes the better of its two alternating halves (worth at least
    its LP value), an odd one leaves out the node whose removal leaves the best alternating path.
    """
    pair_id = graph.low * graph.node_count + graph.high  # sorted: the edges are canonical
    seen = np.zeros(graph.node_count, dtype=np.bool_)
    for start in starts.tolist():
        if seen[start]:
            continue
        cycle_list = [start]
        while (following := int(next_node[cycle_list[-1]])) != start:
            cycle_list.append(following)
        seen[cycle_list] = True
        cycle = np.array(cycle_list, dtype=np.int64)
        successors = np.roll(cycle, -1)
        # edge_key[i]: key of the cycle's edge (cycle[i], cycle[i + 1])
        edge_key = graph.key[
            np.searchsorted(
                pair_id,
                np.minimum(cycle, successors) * graph.node_count + np.maximum(cycle, successors),
            )
        ]
        length = len(cycle)
        if length % 2 == 0:
            # pairs (cycle[i], cycle[i + 1]) from i = skip, in steps of two
            skip = int(edge_key[1::2].sum() > edge_key[0::2].sum())
        else:
            cycle = np.roll(cycle, -_best_node_to_drop(edge_key))[: length - 1]
            skip = 0
        cycle = np.roll(cycle, -skip)
        partner[cycle[0::2]], partner[cycle[1::2]] = cycle[1::2], cycle[0::2]


def _best_node_to_drop(edge_key: IntArray) -> int:
    """For an odd cycle with edge keys `edge_key`: where to start its path so that dropping the
    last node leaves the best alternating pairs (the index after the dropped node).

    Dropping node j keeps the edges j+1, j+3, ..., j+length-2 (indices mod length), summed for
    every j at once from running sums with step 2 over the keys written out twice."""
    length = len(edge_key)
    twice = np.concatenate([edge_key, edge_key])
    every_other = np.empty_like(twice)
    every_other[0::2], every_other[1::2] = np.cumsum(twice[0::2]), np.cumsum(twice[1::2])
    dropped = np.arange(length)
    before = np.where(dropped >= 1, every_other[np.maximum(dropped - 1, 0)], 0)
    return int(np.argmax(every_other[dropped + length - 2] - before)) + 1
