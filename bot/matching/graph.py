"""The solver's graph: candidate edges turned into integer objective keys and an adjacency.

Every part of the solver works on a `SolverGraph`: nodes 0..n-1, each unordered pair at most
once (the smaller endpoint first, sorted), and per edge an integer *key* that encodes the
objective's last two priorities at once: a bonus for every pair that is not to be avoided,
larger than any total of weights, plus the weight scaled to an integer. Maximising the sum of
keys therefore first avoids recent partners, then maximises weight. (The first priority,
covering as many nodes as possible, is max-cardinality matching, or the `cover` value in
`trios`.)

A matching is kept as a `partner` array: the node each node is paired with, or -1.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

SCALE = 1_000_000
"""Weights are scaled to integers: rustworkx's blossom is exact only on integer weights."""


@dataclass(frozen=True, eq=False)
class EdgeArrays:
    """An edge list as parallel arrays; iterating yields (u, v, w) tuples.

    The short field names are the usual graph notation and public: `build_edges` returns this
    and the benchmark reads it.
    """

    u: IntArray
    v: IntArray
    w: FloatArray
    avoid: BoolArray | None = None
    """Pairs to use only when coverage needs them (partners of recent rounds)."""

    @classmethod
    def empty(cls) -> EdgeArrays:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))

    def __len__(self) -> int:
        return len(self.u)

    def __iter__(self) -> Iterator[tuple[int, int, float]]:
        return zip(self.u.tolist(), self.v.tolist(), self.w.tolist(), strict=True)


@dataclass(frozen=True, slots=True)
class SolverGraph:
    """A canonical edge list (`low` < `high`, sorted by pair, no duplicates) and its CSR
    adjacency over both directions, so that a node's neighbours are one slice."""

    node_count: int
    low: IntArray
    high: IntArray
    key: IntArray
    """Objective per edge: the bonus unless the pair is avoided, plus the scaled weight."""
    weight: IntArray
    """The scaled weight alone (what cluster coarsening sums)."""
    offsets: IntArray
    """Node x's neighbours are `neighbour[offsets[x]:offsets[x + 1]]`."""
    neighbour: IntArray
    neighbour_key: IntArray
    """Key of the edge to `neighbour` at the same position."""

    def neighbours(self, node: int) -> dict[int, int]:
        """Each neighbour of `node` with the key of the edge to it, in adjacency order."""
        start, end = int(self.offsets[node]), int(self.offsets[node + 1])
        return dict(
            zip(
                self.neighbour[start:end].tolist(),
                self.neighbour_key[start:end].tolist(),
                strict=True,
            )
        )

    def mask(self, nodes: IntArray) -> BoolArray:
        """A node mask that is true on `nodes`."""
        inside = np.zeros(self.node_count, dtype=np.bool_)
        inside[nodes] = True
        return inside

    def induced_edges(self, inside: BoolArray) -> tuple[IntArray, IntArray, IntArray]:
        """(low, high, key) of the edges with both ends in the mask `inside`."""
        keep = inside[self.low] & inside[self.high]
        return self.low[keep], self.high[keep], self.key[keep]

    def edges_leaving(self, nodes: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        """Every directed edge (tail, head, key) whose tail is in `nodes`, in that order."""
        starts = self.offsets[nodes]
        counts = self.offsets[nodes + 1] - starts
        total = int(counts.sum())
        tails = np.repeat(nodes, counts)
        # each edge's position in the adjacency arrays: its tail's start plus its rank in the run
        positions = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
        return tails, self.neighbour[positions], self.neighbour_key[positions]

    def partner_keys(self, partner: IntArray) -> IntArray:
        """Per node, the key of the edge to its partner (0 when unmatched)."""
        keys = np.zeros(self.node_count, dtype=np.int64)
        tails, heads, edge_keys = self.edges_leaving(np.flatnonzero(partner >= 0))
        to_partner = heads == partner[tails]
        keys[tails[to_partner]] = edge_keys[to_partner]
        return keys

    def component_labels(self) -> IntArray:
        """Component label (its smallest node) of every node, by hooking and pointer jumping."""
        parent = np.arange(self.node_count, dtype=np.int64)
        while True:
            low_root, high_root = parent[self.low], parent[self.high]
            smaller, larger = np.minimum(low_root, high_root), np.maximum(low_root, high_root)
            apart = smaller != larger  # edges whose ends are not in one tree yet
            if not apart.any():
                return parent
            np.minimum.at(parent, larger[apart], smaller[apart])
            while True:
                jumped = parent[parent]
                if np.array_equal(jumped, parent):
                    break
                parent = jumped


def as_edge_arrays(edges: Iterable[tuple[int, int, float]] | EdgeArrays) -> EdgeArrays:
    """`edges` as arrays; (u, v, w) tuples are converted, `EdgeArrays` pass through."""
    if isinstance(edges, EdgeArrays):
        return edges
    rows = list(edges)
    return EdgeArrays(
        np.array([row[0] for row in rows], dtype=np.int64),
        np.array([row[1] for row in rows], dtype=np.int64),
        np.array([row[2] for row in rows], dtype=np.float64),
    )


def _validate(node_count: int, edges: EdgeArrays) -> None:
    one_end, other_end, weights = edges.u, edges.v, edges.w
    if len(one_end) and (
        min(int(one_end.min()), int(other_end.min())) < 0
        or max(int(one_end.max()), int(other_end.max())) >= node_count
    ):
        raise ValueError("edge endpoint outside 0..n-1")
    if np.any(one_end == other_end):
        raise ValueError("self-loop edge")
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError("edge weights must be finite and >= 0")


def build_graph(node_count: int, edges: EdgeArrays) -> SolverGraph:
    """Validate `edges` over nodes 0..node_count-1 and bring them into canonical form.

    A pair given more than once keeps its best key, then the first given: so the same edges in
    any order give the same graph, which is what makes the solver's ties deterministic.
    """
    _validate(node_count, edges)
    low, high = np.minimum(edges.u, edges.v), np.maximum(edges.u, edges.v)
    avoid = edges.avoid if edges.avoid is not None else np.zeros(len(low), dtype=np.bool_)
    scaled = np.rint(edges.w * SCALE).astype(np.int64)
    # above the scaled weight of any matching (at most node_count // 2 edges)
    bonus = (int(scaled.max(initial=0)) + 1) * (node_count // 2 + 1)
    key = scaled + np.where(avoid, 0, bonus)
    pair_id = low * node_count + high
    if len(pair_id) > 1 and not np.all(pair_id[1:] > pair_id[:-1]):
        # sort by pair; for duplicates keep the best key, then the first given
        order = np.lexsort((np.arange(len(pair_id)), -key, pair_id))
        pair_id, low, high, key = pair_id[order], low[order], high[order], key[order]
        first_of_pair = np.ones(len(pair_id), dtype=np.bool_)
        first_of_pair[1:] = pair_id[1:] != pair_id[:-1]
        low, high, key = low[first_of_pair], high[first_of_pair], key[first_of_pair]
    weight = np.where(key >= bonus, key - bonus, key)
    ends = np.concatenate([low, high])
    by_end = np.argsort(ends, kind="stable")
    offsets = np.zeros(node_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends, minlength=node_count), out=offsets[1:])
    neighbour = np.concatenate([high, low])[by_end]
    neighbour_key = np.concatenate([key, key])[by_end]
    return SolverGraph(node_count, low, high, key, weight, offsets, neighbour, neighbour_key)
