"""The solver's graph: candidate edges turned into integer objective keys and an adjacency.

Every part of the solver works on a `SolverGraph`: nodes 0..n-1, each unordered pair at most
once (the smaller endpoint first, sorted), and per edge an integer *key* that encodes every
priority of the objective after coverage at once, lexicographically (`tiered_keys`): from the
top, (b) not a recent partner, (c') no member who had no shared study time last round gets a
pair without it again, (c) the pair shares study time (>= 1 h), (d) the weight scaled to an
integer. Each tier's unit is larger than the most by which all lower tiers of two groupings
can differ, so maximising the sum of keys never trades a higher tier for any amount of the
lower ones. (The first priority, covering as many nodes as possible, is max-cardinality
matching, or the `cover` value in `trios`.)

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

KEY_LIMIT = 2**55
"""Largest edge key: sums along alternating paths (up to 64 steps) stay within int64. When
the tiers' units would exceed it (very large communities), the weights get a coarser scale
than `SCALE`; the tiers above them stay exact."""


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
    short: BoolArray | None = None
    """Pairs sharing under 1 h of study time on the round's date (unknown hours: not short)."""

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
    fresh: BoolArray
    """Not a partner of a recent round."""
    short: BoolArray
    """Under 1 h of shared study time."""
    strain: IntArray
    """Short pairs only: how many of the two ends had no shared time last round (0-2)."""
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


def tiered_keys(
    weight: FloatArray,
    tiers: list[tuple[IntArray, int]],
    edges_per_grouping: int,
    limit: int = KEY_LIMIT,
    scale: float = SCALE,
) -> tuple[IntArray, IntArray]:
    """Integer keys whose sum orders groupings lexicographically: `tiers` from the lowest to
    the highest as (credit per edge >= 0, the most by which two groupings' credit sums can
    differ), below them the weight. Returns (keys, scaled weights).

    A tier's unit is one more than the most all lower tiers can differ, so one unit of credit
    outweighs everything below it. The weight scale is `scale`, or coarser (quartered until the
    keys fit `limit`); ValueError when the weights would all round to 0.
    """
    top_weight = float(weight.max(initial=0.0))
    while True:
        scaled = np.rint(weight * scale).astype(np.int64)
        spread = int(scaled.max(initial=0)) * edges_per_grouping  # lower tiers' difference
        units = []
        for _, tier_spread in tiers:
            unit = spread + 1 if tier_spread else 0  # a constant tier needs no room
            units.append(unit)
            spread += tier_spread * unit
        top = int(scaled.max(initial=0)) + sum(
            unit * int(credit.max(initial=0))
            for unit, (credit, _) in zip(units, tiers, strict=True)
        )
        if top <= limit:
            break
        scale /= 4
        if top_weight * scale < 1:
            raise ValueError("the objective's tiers do not fit into integer keys")
    key = scaled.copy()
    for unit, (credit, _) in zip(units, tiers, strict=True):
        if unit:
            key += unit * credit
    return key, scaled


def objective_tiers(
    fresh: BoolArray, short: BoolArray, strain: IntArray, edges_per_grouping: int
) -> list[tuple[IntArray, int]]:
    """The solver's tiers after coverage, lowest first: (c) shares study time, (c') spares
    members who had no shared time last round another such pair, (b) not a recent partner."""
    flagged_ends = int(strain.sum())  # bounds how far two groupings' strain sums can differ
    return [
        ((~short).astype(np.int64), min(edges_per_grouping, int(short.sum()))),
        (2 - strain, min(2 * edges_per_grouping, flagged_ends)),
        (fresh.astype(np.int64), min(edges_per_grouping, int(fresh.sum()))),
    ]


def build_graph(
    node_count: int, edges: EdgeArrays, short_before: BoolArray | None = None
) -> SolverGraph:
    """Validate `edges` over nodes 0..node_count-1 and bring them into canonical form.

    `short_before` marks the nodes whose group last round shared no study time (< 1 h): a
    short pair touching them is avoided above plain short pairs (tier c').
    A pair given more than once keeps its best key, then the first given: so the same edges in
    any order give the same graph, which is what makes the solver's ties deterministic.
    """
    _validate(node_count, edges)
    low, high = np.minimum(edges.u, edges.v), np.maximum(edges.u, edges.v)
    count = len(low)
    fresh = ~edges.avoid if edges.avoid is not None else np.ones(count, dtype=np.bool_)
    short = edges.short if edges.short is not None else np.zeros(count, dtype=np.bool_)
    strain = np.zeros(count, dtype=np.int64)
    if short_before is not None:
        if len(short_before) != node_count:
            raise ValueError("short_before needs one flag per node")
        strain = np.where(short, short_before[low].astype(np.int64) + short_before[high], 0)
    # a grouping of pairs has at most node_count // 2 edges; one trio adds one more
    per_grouping = node_count // 2 + 1
    key, scaled = tiered_keys(
        edges.w, objective_tiers(fresh, short, strain, per_grouping), per_grouping
    )
    pair_id = low * node_count + high
    if len(pair_id) > 1 and not np.all(pair_id[1:] > pair_id[:-1]):
        # sort by pair; for duplicates keep the best key, then the first given
        order = np.lexsort((np.arange(len(pair_id)), -key, pair_id))
        order = order[np.r_[True, pair_id[order][1:] != pair_id[order][:-1]]]
        low, high, key, scaled = low[order], high[order], key[order], scaled[order]
        fresh, short, strain = fresh[order], short[order], strain[order]
    weight = scaled
    ends = np.concatenate([low, high])
    by_end = np.argsort(ends, kind="stable")
    offsets = np.zeros(node_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends, minlength=node_count), out=offsets[1:])
    neighbour = np.concatenate([high, low])[by_end]
    neighbour_key = np.concatenate([key, key])[by_end]
    return SolverGraph(
        node_count,
        low,
        high,
        key,
        weight,
        fresh,
        short,
        strain,
        offsets,
        neighbour,
        neighbour_key,
    )
