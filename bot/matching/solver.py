"""Maximum-weight study groups: pairs, and a trio where someone would otherwise be left out.

Objective, in priority order: (1) group as many members as possible, (2) use as few `avoid`
pairs (recent partners) as possible, (3) maximise the total weight inside groups. A group only
holds members that are pairwise connected: a missing edge (a blocked pair) never shares a
group, so a trio needs all three of its pairs to be edges.

Components of up to `exact_limit` nodes are matched exactly: Edmonds' blossom algorithm
(rustworkx, max cardinality) on integer-scaled weights. Up to `relax_limit` nodes: the pairs of
the matching LP's optimum without odd-set constraints (an assignment problem, scipy), the rest
exactly. Larger components: a greedy matching, then rounds of exact re-solving of clusters of a
few hundred nodes found by coarsening the graph around the current pairs (large-neighbourhood
search; never worse). Both then pair whoever is left free along alternating paths.

A node left over joins the pair it adds most to, or, if better, some u joins a pair and u's
partner is re-paired along an alternating path ending at the leftover. When a component of at
most `trio_exact_limit` nodes has one leftover, a branch and bound then proves the best trio.
Everything is deterministic: no randomness, ties broken by node and edge index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import rustworkx as rx
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

SCALE = 1_000_000
"""Weights are scaled to integers: rustworkx's blossom is exact only on integer weights."""

_NONE = np.iinfo(np.int64).min // 4  # "not reached" in path searches
_REST_LIMIT = 3000
"""Above this many nodes off the LP's 2-cycles (ties make long cycles), no exact solve of them."""


@dataclass(frozen=True, eq=False)
class EdgeArrays:
    """An edge list as parallel arrays; iterating yields (u, v, w) tuples."""

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
class GroupingResult:
    groups: list[tuple[int, ...]]
    """Disjoint groups of 2 or 3 nodes, each sorted; the list is sorted."""
    uncovered: list[int]
    """Every node in no group, sorted: the isolated ones and those whose partners were taken."""
    isolated: list[int]
    """The uncovered nodes that have no edge at all (nobody they could be grouped with)."""
    exact: bool
    """True when the grouping is provably optimal for the objective (see module doc)."""


@dataclass(frozen=True, slots=True)
class _Graph:
    n: int
    u: IntArray  # u < v, no duplicates
    v: IntArray
    key: IntArray  # objective per edge: bonus unless avoided, plus the scaled weight
    weight: IntArray  # scaled weight alone
    indptr: IntArray  # CSR over both directions
    nbr: IntArray
    nkey: IntArray  # key of the edge to nbr

    def neighbours(self, x: int) -> dict[int, int]:
        lo, hi = int(self.indptr[x]), int(self.indptr[x + 1])
        return dict(zip(self.nbr[lo:hi].tolist(), self.nkey[lo:hi].tolist(), strict=True))


def _as_arrays(edges: Iterable[tuple[int, int, float]] | EdgeArrays) -> EdgeArrays:
    if isinstance(edges, EdgeArrays):
        return edges
    rows = list(edges)
    return EdgeArrays(
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([r[1] for r in rows], dtype=np.int64),
        np.array([r[2] for r in rows], dtype=np.float64),
    )


def _build(n: int, edges: EdgeArrays) -> _Graph:
    u, v, w = edges.u, edges.v, edges.w
    if len(u) and (min(int(u.min()), int(v.min())) < 0 or max(int(u.max()), int(v.max())) >= n):
        raise ValueError("edge endpoint outside 0..n-1")
    if np.any(u == v):
        raise ValueError("self-loop edge")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("edge weights must be finite and >= 0")
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    avoid = edges.avoid if edges.avoid is not None else np.zeros(len(lo), dtype=np.bool_)
    scaled = np.rint(w * SCALE).astype(np.int64)
    bonus = (int(scaled.max(initial=0)) + 1) * (n // 2 + 1)
    key = scaled + np.where(avoid, 0, bonus)
    pair = lo * n + hi
    if len(pair) > 1 and not np.all(pair[1:] > pair[:-1]):
        # sort by pair; for duplicates keep the best key, then the first given
        order = np.lexsort((np.arange(len(pair)), -key, pair))
        pair, lo, hi, key = pair[order], lo[order], hi[order], key[order]
        first = np.ones(len(pair), dtype=np.bool_)
        first[1:] = pair[1:] != pair[:-1]
        lo, hi, key = lo[first], hi[first], key[first]
    weight = np.where(key >= bonus, key - bonus, key)
    ends = np.concatenate([lo, hi])
    by = np.argsort(ends, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(ends, minlength=n), out=indptr[1:])
    nbr, nkey = np.concatenate([hi, lo])[by], np.concatenate([key, key])[by]
    return _Graph(n, lo, hi, key, weight, indptr, nbr, nkey)


def _matching(g: _Graph, nodes: IntArray, lo: IntArray, hi: IntArray, key: IntArray) -> IntArray:
    """Exact max-cardinality, max-key matching of a subgraph; returns (pairs, 2) node ids."""
    local = np.full(g.n, -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    sub = rx.PyGraph(multigraph=False)
    sub.add_nodes_from(range(len(nodes)))
    sub.add_edges_from(list(zip(local[lo].tolist(), local[hi].tolist(), key.tolist(), strict=True)))
    pairs = rx.max_weight_matching(sub, max_cardinality=True, weight_fn=int)
    return nodes[np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)]


def _induced(g: _Graph, inside: BoolArray) -> tuple[IntArray, IntArray, IntArray]:
    keep = inside[g.u] & inside[g.v]
    return g.u[keep], g.v[keep], g.key[keep]


def _value(g: _Graph, nodes: IntArray, cover: int) -> int:
    """Objective of the best matching on `nodes`: cover per matched node plus keys."""
    inside = np.zeros(g.n, dtype=np.bool_)
    inside[nodes] = True
    lo, hi, key = _induced(g, inside)
    if not len(lo):
        return 0
    pairs = _matching(g, nodes, lo, hi, key)
    return sum(2 * cover + g.neighbours(a)[b] for a, b in pairs.tolist())


def _components(g: _Graph) -> IntArray:
    """Component label (smallest node) of every node, by hooking and pointer jumping."""
    parent = np.arange(g.n, dtype=np.int64)
    while True:
        pu, pv = parent[g.u], parent[g.v]
        lo, hi = np.minimum(pu, pv), np.maximum(pu, pv)
        moved = lo != hi
        if not moved.any():
            return parent
        np.minimum.at(parent, hi[moved], lo[moved])
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped


def _dominant_matching(a: IntArray, b: IntArray, key: IntArray, n: int) -> IntArray:
    """Greedy (heaviest first) matching as rounds of locally dominant edges; partner or -1."""
    order = np.argsort(-key, kind="stable")
    a, b = a[order], b[order]
    rank = np.arange(len(a), dtype=np.int64)
    partner = np.full(n, -1, dtype=np.int64)
    alive = np.ones(len(a), dtype=np.bool_)
    while alive.any():
        a, b, rank = a[alive], b[alive], rank[alive]
        best = np.full(n, len(order), dtype=np.int64)
        np.minimum.at(best, a, rank)
        np.minimum.at(best, b, rank)
        win = (best[a] == rank) & (best[b] == rank)
        partner[a[win]] = b[win]
        partner[b[win]] = a[win]
        alive = (partner[a] < 0) & (partner[b] < 0)
    return partner


def _expand(g: _Graph, nodes: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Every directed edge (x, y, key) leaving `nodes`."""
    starts, counts = g.indptr[nodes], g.indptr[nodes + 1] - g.indptr[nodes]
    total = int(counts.sum())
    heads = np.repeat(nodes, counts)
    pos = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
    return heads, g.nbr[pos], g.nkey[pos]


def _on_to_mates(
    x: IntArray, b: IntArray, k: IntArray, mate: IntArray, mkey: IntArray, gain: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """From x over the edge (weight k) to the matched b, on to b's mate y, for mates not reached
    yet: (x, y, y's gain through x, which gives up b's current pair)."""
    y = mate[b]
    fresh = gain[y] == _NONE
    return x[fresh], y[fresh], (gain[x] + k - mkey[b])[fresh]


def _mate_keys(g: _Graph, mate: IntArray) -> IntArray:
    keys = np.zeros(g.n, dtype=np.int64)
    x, y, k = _expand(g, np.flatnonzero(mate >= 0))
    hit = y == mate[x]
    keys[x[hit]] = k[hit]
    return keys


def _augment(
    g: _Graph, inside: BoolArray, mate: IntArray, rounds: int = 12, meet: bool = False
) -> int:
    """Match free nodes along alternating paths (x - a = a' - b = b' - ... - y).

    Grows one breadth-first alternating forest from all free nodes at once; each node is
    labelled once, by the best path reaching it in that round, so paths stay simple. A path is
    found where a tree touches another free node or, with `meet`, another tree's outer node
    (trees meeting half-way: free nodes far apart are joined too, by long paths that can cost
    weight, so this is the last resort). Stops once every tree has reached another one. Then
    applies the best node-disjoint paths. Returns how many paths were applied.
    """
    free = np.flatnonzero(inside & (mate < 0))
    if len(free) < 2:
        return 0
    mkey = _mate_keys(g, mate)
    gain = np.full(g.n, _NONE, dtype=np.int64)
    root = np.full(g.n, -1, dtype=np.int64)
    pred = np.full(g.n, -1, dtype=np.int64)
    gain[free], root[free] = 0, free
    frontier, ends = free, []
    touched = np.zeros(g.n, dtype=np.bool_)  # roots whose tree reached another tree
    for _ in range(rounds):
        x, b, k = _expand(g, frontier)
        ok = inside[b]
        x, b, k = x[ok], b[ok], k[ok]
        if meet:  # a free root or an outer node of another tree
            done = (gain[b] > _NONE) & (root[b] != root[x])
            grow = (gain[b] == _NONE) & (mate[b] >= 0)
        else:
            done = (mate[b] < 0) & (root[x] != b)
            grow = ~done & (mate[b] >= 0)
        ends.append((x[done], b[done], gain[x[done]] + k[done] + gain[b[done]]))
        touched[root[x[done]]] = True
        if touched[free].all():
            break
        x, y, cand = _on_to_mates(x[grow], b[grow], k[grow], mate, mkey, gain)
        if not len(y):
            break
        best = np.full(g.n, _NONE, dtype=np.int64)
        np.maximum.at(best, y, cand)
        win = cand == best[y]
        x, y, cand = x[win], y[win], cand[win]
        first = np.full(g.n, g.n, dtype=np.int64)
        np.minimum.at(first, y, x)
        win = x == first[y]
        x, y, cand = x[win], y[win], cand[win]
        gain[y], pred[y], root[y] = cand, x, root[x]
        frontier = y
    x = np.concatenate([e[0] for e in ends])
    t = np.concatenate([e[1] for e in ends])
    total = np.concatenate([e[2] for e in ends])
    order = np.lexsort((t, x, -total))
    used = np.zeros(g.n, dtype=np.bool_)
    applied = 0

    def chain(o: int) -> list[int]:
        """Outer nodes from `o` back to its tree's root."""
        out = [o]
        while pred[out[-1]] >= 0:
            out.append(int(pred[out[-1]]))
        return out

    for last, end in zip(x[order].tolist(), t[order].tolist(), strict=True):
        if used[root[last]] or used[root[end]]:
            continue
        one, other = chain(last), chain(end)
        inner = [int(mate[o]) for o in one[:-1] + other[:-1]]
        nodes = one + other + inner
        if used[nodes].any() or len(set(nodes)) != len(nodes):
            continue
        used[nodes] = True
        # each outer node's predecessor takes its partner (an inner node); last meets end
        pairs = [(int(pred[o]), int(mate[o])) for o in one[:-1] + other[:-1]]
        for a, c in [(last, end), *pairs]:
            mate[a], mate[c] = c, a
        applied += 1
    return applied


def _clusters(g: _Graph, inside: BoolArray, mate: IntArray, size: int, salt: int) -> IntArray:
    """Cluster label per node: the current pairs merged along heavy links, up to `size` nodes.

    Heavy-edge coarsening: repeatedly match clusters by the summed weight between them,
    perturbed by `salt` so that each round cuts the graph somewhere else.
    """
    n = g.n
    ids = np.arange(n, dtype=np.int64)
    label = np.where(mate >= 0, np.minimum(ids, mate), ids)
    keep = inside[g.u] & inside[g.v]
    a, b, w = _links(label[g.u[keep]], label[g.v[keep]], g.weight[keep], n)
    while True:
        sizes = np.bincount(label, minlength=n)
        ok = sizes[a] + sizes[b] <= size
        if not ok.any():
            return label
        jitter = 1024 + (a[ok] * 2654435761 + b[ok] * 40503 + salt * 7919) % 512
        partner = _dominant_matching(a[ok], b[ok], w[ok] * jitter, n)
        merged = np.where(partner >= 0, np.minimum(ids, partner), ids)
        label = merged[label]
        a, b, w = _links(merged[a], merged[b], w, n)


def _links(a: IntArray, b: IntArray, w: IntArray, n: int) -> tuple[IntArray, IntArray, IntArray]:
    """Summed weight between distinct clusters, one row per unordered pair."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    pairs, where = np.unique(lo[keep] * n + hi[keep], return_inverse=True)
    total = np.bincount(where, weights=w[keep], minlength=len(pairs)).astype(np.int64)
    return pairs // n, pairs % n, total


def _resolve_clusters(g: _Graph, inside: BoolArray, label: IntArray, mate: IntArray) -> None:
    """Re-solve every cluster exactly; pairs never straddle clusters, so this never worsens."""
    keep = inside[g.u] & inside[g.v] & (label[g.u] == label[g.v])
    lo, hi, key = g.u[keep], g.v[keep], g.key[keep]
    by_edge = np.argsort(label[lo], kind="stable")
    lo, hi, key, elab = lo[by_edge], hi[by_edge], key[by_edge], label[lo[by_edge]]
    nodes = np.flatnonzero(inside)
    nodes = nodes[np.argsort(label[nodes], kind="stable")]
    nlab = label[nodes]
    groups = np.flatnonzero(np.r_[True, nlab[1:] != nlab[:-1]])
    node_cuts = np.r_[groups, len(nodes)]
    edge_cuts = np.searchsorted(elab, nlab[groups], side="left")
    edge_ends = np.searchsorted(elab, nlab[groups], side="right")
    for c in range(len(groups)):
        part = nodes[node_cuts[c] : node_cuts[c + 1]]
        e0, e1 = int(edge_cuts[c]), int(edge_ends[c])
        if len(part) < 3 or e1 - e0 < 2:
            continue
        pairs = _matching(g, part, lo[e0:e1], hi[e0:e1], key[e0:e1])
        mate[part] = -1
        mate[pairs[:, 0]], mate[pairs[:, 1]] = pairs[:, 1], pairs[:, 0]


def _schedule(nodes: int, relaxed: bool, cluster_size: int | None, rounds: int | None) -> list[int]:
    """Cluster size of each round of re-solving for `nodes` approximate nodes.

    After the relaxation none by default: it is already within ~0.2 % of the optimum, and a
    round of 300 adds ~0.3 s per 10,000 nodes for ~0.05 %. Otherwise (measured on the
    benchmark's communities, share of the exact optimum on the same graph, CPU time): up to
    50,000 nodes two rounds of 300; above, one round of 350 (a round of 500 costs ~1.5 s more
    per 100,000 nodes for ~0.07 % of weight).
    """
    size, count = (300, 0) if relaxed else (300, 2) if nodes <= 50_000 else (350, 1)
    return [cluster_size or size] * (count if rounds is None else rounds)


def _relaxation(g: _Graph, inside: BoolArray, mate: IntArray) -> bool:
    """Match `inside` from the optimum of the matching LP without odd-set constraints.

    That LP is an assignment problem on the bipartite double cover (every node once as a row
    and once as a column; the diagonal means unmatched), solved exactly by scipy's sparse
    Jonker-Volgenant. Its optimum is a permutation: 2-cycles are pairs, longer cycles are the
    fractional rest. On the benchmark's communities the LP bound is within 10^-7 of the integral
    optimum and ~90 % of the nodes are in 2-cycles; those pairs are kept and the rest (a few
    small odd and even cycles) is matched exactly with rustworkx, unless ties made it larger
    than `_REST_LIMIT` (then its cycles are split directly). Superlinear: 0.1 s for 5,000
    nodes, 0.5 s for 10,000, ~2 s for 20,000.

    The costs are integers, so the solver's potentials (at most ~m times the largest cost) stay
    exact in float64: with fractional costs scipy's LAPJVsp looped forever on a 500-node test
    graph. Returns False, leaving `mate` alone, where that exactness is not guaranteed.
    """
    nodes = np.flatnonzero(inside)
    m = len(nodes)
    lo, hi, key = _induced(g, inside)
    top = int(key.max(initial=0)) + 1
    if 4 * top * (m + 1) >= 2**53:
        return False
    local = np.full(g.n, -1, dtype=np.int64)
    local[nodes] = np.arange(m)
    cost = (top - key).astype(np.float64)  # > 0: scipy reads a zero entry as "no edge"
    diagonal = np.arange(m)
    biadjacency = csr_array(
        (
            np.concatenate([cost, cost, np.full(m, 2.0 * top)]),
            (
                np.concatenate([local[lo], local[hi], diagonal]),
                np.concatenate([local[hi], local[lo], diagonal]),
            ),
        ),
        shape=(m, m),
    )
    rows, cols = min_weight_full_bipartite_matching(biadjacency)
    sigma = np.empty(m, dtype=np.int64)
    sigma[rows] = cols
    paired = (sigma[sigma] == diagonal) & (sigma != diagonal)
    mate[nodes[paired]] = nodes[sigma[paired]]
    if np.count_nonzero(~paired) > _REST_LIMIT:
        succ = np.full(g.n, -1, dtype=np.int64)
        succ[nodes] = nodes[sigma]
        _split_cycles(g, succ, nodes[~paired & (sigma != diagonal)], mate)
        return True
    rest = inside.copy()
    rest[nodes[paired]] = False
    lo, hi, key = _induced(g, rest)
    if len(lo):
        pairs = _matching(g, np.flatnonzero(rest), lo, hi, key)
        mate[pairs[:, 0]], mate[pairs[:, 1]] = pairs[:, 1], pairs[:, 0]
    return True


def _split_cycles(g: _Graph, succ: IntArray, starts: IntArray, mate: IntArray) -> None:
    """Pair along the LP's longer cycles through `starts` (`succ`: each node's next one): an
    even cycle takes the better of its two alternating halves (worth at least its LP value), an
    odd one leaves out the node whose removal leaves the best alternating path."""
    pair_key = g.u * g.n + g.v
    seen = np.zeros(g.n, dtype=np.bool_)
    for start in starts.tolist():
        if seen[start]:
            continue
        cycle = [start]
        while (nxt := int(succ[cycle[-1]])) != start:
            cycle.append(nxt)
        seen[cycle] = True
        c = np.array(cycle, dtype=np.int64)
        d = np.roll(c, -1)
        e = g.key[np.searchsorted(pair_key, np.minimum(c, d) * g.n + np.maximum(c, d))]
        length = len(c)
        if length % 2 == 0:
            skip = int(e[1::2].sum() > e[0::2].sum())  # pairs (c[i], c[i+1]) from i = skip
        else:  # dropping c[j] keeps the edges j+1, j+3, ..., j+length-2 (indices mod length)
            twice = np.concatenate([e, e])
            every_other = np.empty_like(twice)  # running sums with step 2
            every_other[0::2], every_other[1::2] = np.cumsum(twice[0::2]), np.cumsum(twice[1::2])
            j = np.arange(length)
            before = np.where(j >= 1, every_other[np.maximum(j - 1, 0)], 0)
            skip = int(np.argmax(every_other[j + length - 2] - before)) + 1
            c = np.roll(c, -skip)[: length - 1]
            skip = 0
        c = np.roll(c, -skip)
        mate[c[0::2]], mate[c[1::2]] = c[1::2], c[0::2]


def _approximate(
    g: _Graph, inside: BoolArray, mate: IntArray, relaxed: bool, sizes: list[int]
) -> None:
    """Near-optimal matching of `inside`: a start (the relaxation's, or greedy), alternating
    paths for whoever is left free, then the rounds of cluster re-solving in `sizes`."""
    if not (relaxed and _relaxation(g, inside, mate)):
        lo, hi, key = _induced(g, inside)
        partner = _dominant_matching(lo, hi, key, g.n)
        mate[inside] = partner[inside]
    for meet in (False, True):  # then the few left, which may be far apart
        for _ in range(3):  # later phases find few paths; leftovers can still join a trio
            if not _augment(g, inside, mate, rounds=64 if meet else 12, meet=meet):
                break
    for salt, size in enumerate(sizes):
        _resolve_clusters(g, inside, _clusters(g, inside, mate, size, salt), mate)
        _augment(g, inside, mate)


def _exact_components(g: _Graph, inside: BoolArray, label: IntArray, mate: IntArray) -> None:
    """Exact matching of small components, batched so that tiny ones share a call."""
    nodes = np.flatnonzero(inside)
    nodes = nodes[np.argsort(label[nodes], kind="stable")]
    cuts = np.flatnonzero(np.diff(label[nodes])) + 1
    batch: list[IntArray] = []
    for comp in [*np.split(nodes, cuts), None]:
        if batch and (comp is None or sum(map(len, batch)) + len(comp) > 256):
            part = np.concatenate(batch)
            mask = np.zeros(g.n, dtype=np.bool_)
            mask[part] = True
            pairs = _matching(g, part, *_induced(g, mask))
            mate[pairs[:, 0]], mate[pairs[:, 1]] = pairs[:, 1], pairs[:, 0]
            batch = []
        if comp is not None:
            batch.append(comp)


def _insertion(g: _Graph, x: int, mate: IntArray, taken: set[int]) -> tuple[int, int] | None:
    """Best pair (by its smaller node) for `x` to join, and the keys it adds; None if none."""
    near = g.neighbours(x)
    best: tuple[int, int] | None = None
    for a, ka in near.items():
        b = int(mate[a])
        if b > a and b in near and a not in taken:
            gain = ka + near[b]
            if best is None or gain > best[1]:
                best = (a, gain)
    return best


def _place_leftovers(
    g: _Graph, mate: IntArray, free: list[int]
) -> tuple[dict[int, int], list[int]]:
    """Each leftover joins the pair where it adds the most, or takes a partner from a pair
    whose other member can join a pair instead (whichever is better); one trio per pair."""
    joined: dict[int, int] = {}  # pair's smaller node -> third member
    uncovered: list[int] = []
    for x in free:
        taken = set(joined)
        direct = _insertion(g, x, mate, taken)
        best = (direct[1], direct[0], -1, -1) if direct else None
        for a, ka in g.neighbours(x).items():
            b = int(mate[a])
            if b < 0 or min(a, b) in taken:
                continue
            mate[a], mate[b] = -1, -1  # b would be displaced: where can it go?
            moved = _insertion(g, b, mate, taken)
            mate[a], mate[b] = b, a
            if moved is not None:
                gain = ka - g.neighbours(a)[b] + moved[1]
                if best is None or gain > best[0]:
                    best = (gain, moved[0], a, b)
        if best is None:
            uncovered.append(x)
            continue
        _, host, a, b = best
        if a < 0:
            joined[host] = x
        else:
            mate[x], mate[a], mate[b] = a, x, -1
            joined[host] = b
    return joined, uncovered


def _cover(g: _Graph, nodes: IntArray) -> int:
    """Value of grouping one more node: more than any total of keys on `nodes`."""
    return 3 * (int(g.key.max(initial=0)) + 1) * (len(nodes) + 1)


def _pairs_value(g: _Graph, nodes: IntArray, mate: IntArray, cover: int) -> int:
    paired = nodes[mate[nodes] >= 0]
    keys = _mate_keys(g, mate)[paired]
    return len(paired) * cover + int(keys.sum()) // 2


def _best_trio(
    g: _Graph, nodes: IntArray, mate: IntArray, incumbent: int
) -> tuple[int, int, int] | None:
    """Branch and bound over the trios of a component whose best matching leaves one node.

    Value = max over triangles T of value(T) + best matching of the rest. For a trio (u, a, b)
    the rest plus the pair (a, b) is a matching avoiding u, so the value is at most
    best(V - u) + what u adds to (a, b), and best(V - u) <= best(V). Returns the trio that
    beats `incumbent` (the value of the heuristic placement), if any.
    """
    cover = _cover(g, nodes)
    whole = _pairs_value(g, nodes, mate, cover)
    near = {x: g.neighbours(x) for x in nodes.tolist()}
    adds: dict[int, list[tuple[int, int, int]]] = {}  # u -> [(what u adds, a, b)] best first
    for x, nx in near.items():
        tri = [(ka + nx[b], a, b) for a, ka in nx.items() for b in near[a] if b > a and b in nx]
        if tri:
            adds[x] = sorted(tri, reverse=True)
    best, found = incumbent, None
    for u in sorted(adds, key=lambda x: (-adds[x][0][0], x)):
        if whole + cover + adds[u][0][0] <= best:
            break
        rest = nodes[nodes != u]
        without_u = _value(g, rest, cover)
        for gain, a, b in adds[u]:
            if without_u + cover + gain <= best:
                break
            others = rest[(rest != a) & (rest != b)]
            value = 3 * cover + gain + near[a][b] + _value(g, others, cover)
            if value > best:
                best, found = value, (u, a, b)
    return found


def _grouping_value(
    g: _Graph, nodes: IntArray, mate: IntArray, trios: dict[int, int], cover: int
) -> int:
    value = _pairs_value(g, nodes, mate, cover)
    for low, third in trios.items():
        near = g.neighbours(third)
        value += cover + near[low] + near[int(mate[low])]
    return value


def _shifted_trio(
    g: _Graph, nodes: IntArray, mate: IntArray, leftover: int, rounds: int = 24
) -> tuple[IntArray, dict[int, int]] | None:
    """The best trio where some u joins a pair (a, b) and u's partner p is re-paired along an
    alternating path that ends at the leftover (p - z ... = r); None if no such move exists.

    One alternating forest from the leftover prices every possible p at once.
    """
    inside = np.zeros(g.n, dtype=np.bool_)
    inside[nodes] = True
    mkey = _mate_keys(g, mate)
    gain = np.full(g.n, _NONE, dtype=np.int64)
    pred = np.full(g.n, -1, dtype=np.int64)
    gain[leftover] = 0
    frontier = np.array([leftover], dtype=np.int64)
    for _ in range(rounds):
        x, b, k = _expand(g, frontier)
        keep = inside[b] & (mate[b] >= 0)
        x, y, cand = _on_to_mates(x[keep], b[keep], k[keep], mate, mkey, gain)
        if not len(y):
            break
        order = np.lexsort((x, -cand, y))
        x, y, cand = x[order], y[order], cand[order]
        first = np.r_[True, y[1:] != y[:-1]]
        gain[y[first]], pred[y[first]] = cand[first], x[first]
        frontier = y[first]
    z, p, k = _expand(g, np.flatnonzero(gain > _NONE))
    keep = inside[p] & (mate[p] >= 0)
    z, p, total = z[keep], p[keep], (gain[z] + k)[keep]
    reach = np.full(g.n, _NONE, dtype=np.int64)
    np.maximum.at(reach, p, total)
    via = np.full(g.n, g.n, dtype=np.int64)
    hit = total == reach[p]
    np.minimum.at(via, p[hit], z[hit])
    moves: list[tuple[int, int, int, int]] = []  # (gain, u, first, second)
    for first in nodes.tolist():
        second = int(mate[first])
        if second < first:
            continue
        near_1, near_2 = g.neighbours(first), g.neighbours(second)
        for u in near_1.keys() & near_2.keys():
            pu = int(mate[u])
            if pu >= 0 and reach[pu] > _NONE and pu not in (first, second):
                adds = near_1[u] + near_2[u] - int(mkey[u]) + int(reach[pu])
                moves.append((adds, u, first, second))
    for _, u, first, second in sorted(moves, key=lambda m: (-m[0], m[1:])):
        pu = int(mate[u])
        chain = [int(via[pu])]
        while chain[-1] != leftover:
            chain.append(int(pred[chain[-1]]))
        inner = [int(mate[o]) for o in chain[:-1]]
        on_path = {*chain, *inner}
        if len(on_path) < len(chain) + len(inner) or {u, first, second, pu} & on_path:
            continue  # not a simple path, or it runs through the trio
        trial = mate.copy()
        trial[u], trial[pu] = -1, -1
        for one, other in [(chain[0], pu), *zip(chain[1:], inner, strict=True)]:
            trial[one], trial[other] = other, one
        return trial, {first: u}
    return None


def _better_trio(
    g: _Graph, nodes: IntArray, mate: IntArray, leftover: int
) -> tuple[dict[int, int], list[int]]:
    """Place the single leftover of a component: joining a pair, or shifting the trio."""
    before = mate.copy()
    joined, uncovered = _place_leftovers(g, mate, [leftover])
    shifted = _shifted_trio(g, nodes, before, leftover)
    if shifted is None:
        return joined, uncovered
    cover = _cover(g, nodes)
    trial, trios = shifted
    if uncovered or _grouping_value(g, nodes, trial, trios, cover) > _grouping_value(
        g, nodes, mate, joined, cover
    ):
        mate[nodes] = trial[nodes]
        return trios, []
    return joined, uncovered


def _exact_trio(
    g: _Graph, nodes: IntArray, mate: IntArray, leftover: int
) -> tuple[dict[int, int], list[int]]:
    """The best grouping of a component with one leftover: heuristic first, then proven."""
    before = mate.copy()
    joined, uncovered = _better_trio(g, nodes, mate, leftover)
    cover = _cover(g, nodes)
    found = _best_trio(g, nodes, before, _grouping_value(g, nodes, mate, joined, cover))
    if found is None:
        return joined, uncovered
    u, a, b = found
    inside = np.zeros(g.n, dtype=np.bool_)
    inside[nodes] = True
    inside[[u, a, b]] = False
    mate[nodes] = -1
    pairs = _matching(g, nodes[inside[nodes]], *_induced(g, inside))
    mate[pairs[:, 0]], mate[pairs[:, 1]] = pairs[:, 1], pairs[:, 0]
    mate[a], mate[b] = b, a
    return {min(a, b): u}, []


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
) -> GroupingResult:
    """Groups over nodes 0..n-1 maximising (grouped, non-avoided pairs, weight), see module doc.

    `edges` are (u, v, w) with w >= 0, or an `EdgeArrays` (which may flag `avoid` pairs).
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
    g = _build(n, _as_arrays(edges))
    mate = np.full(n, -1, dtype=np.int64)
    linked = np.diff(g.indptr) > 0
    label = _components(g)
    comp, size = np.unique(label[linked], return_counts=True)
    small = np.isin(label, comp[size <= exact_limit]) & linked
    large = linked & ~small
    if small.any():
        _exact_components(g, small, label, mate)
    relaxed = np.isin(label, comp[size <= relax_limit]) & large
    for c in np.unique(label[relaxed]).tolist():
        part = label == c
        _approximate(g, part, mate, True, _schedule(int(part.sum()), True, cluster_size, rounds))
    clustered = large & ~relaxed
    if clustered.any():
        sizes = _schedule(int(clustered.sum()), False, cluster_size, rounds)
        _approximate(g, clustered, mate, False, sizes)
    free = np.flatnonzero(linked & (mate < 0))
    exact = not large.any()
    joined: dict[int, int] = {}
    uncovered: list[int] = []
    if not trio:
        uncovered = free.tolist()
    else:
        rest: list[int] = []
        counts = np.bincount(label[free], minlength=n)
        for x in free.tolist():
            nodes = np.flatnonzero(label == label[x])
            if counts[label[x]] > 1:
                rest.append(x)
            elif len(nodes) <= min(trio_exact_limit, exact_limit):
                done, left = _exact_trio(g, nodes, mate, x)
                joined.update(done)
                uncovered += left
            else:
                exact = False
                done, left = _better_trio(g, nodes, mate, x)
                joined.update(done)
                uncovered += left
        exact &= not rest
        done, left = _place_leftovers(g, mate, rest)
        joined.update(done)
        uncovered += left
    groups = []
    for a in np.flatnonzero(mate > np.arange(n)).tolist():
        third = joined.get(a)
        b = int(mate[a])
        groups.append(tuple(sorted((a, b) if third is None else (a, b, third))))
    isolated = np.flatnonzero(~linked).tolist()
    return GroupingResult(sorted(groups), sorted(uncovered + isolated), isolated, exact)


def max_weight_groups(
    n: int, edges: Iterable[tuple[int, int, float]], *, trio: bool = True
) -> list[tuple[int, ...]]:
    """Disjoint groups of 2 (one of 3 when needed) over 0..n-1 maximising the total weight.

    Every node with an edge is grouped when the edges allow it; see `solve_groups`, which also
    reports who could not be grouped.
    """
    return solve_groups(n, edges, trio=trio).groups
