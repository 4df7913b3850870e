"""Trios and repair: members a matching leaves out join a pair, forming a trio.

A node is left over when its component has an odd count, or when all its possible partners are
taken. It joins the pair it adds most to (it needs an edge to both members), or, if better, it
takes a partner away from a pair whose other member can join a pair instead; at most one third
member per pair. The single leftover of a component gets more: a member may join a pair while
its partner is re-paired along an alternating path that ends at the leftover (`shifted_trio`),
and in components of up to `trio_exact_limit` nodes a branch and bound proves the best trio.

Values compare groupings of one component: `cover` per grouped node (more than any total of
keys, so coverage comes first), plus the keys of every pair inside a group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from bot.matching.exact import exact_pairs, match_exactly
from bot.matching.graph import BoolArray, IntArray, SolverGraph
from bot.matching.paths import NOT_REACHED, step_to_partners

Trios = dict[int, int]
"""A pair's smaller node -> the third member that joined the pair."""


@dataclass(frozen=True, slots=True)
class LeftoverOutcome:
    """Where the leftovers of a matching went."""

    trios: Trios
    uncovered: list[int]
    """Leftovers that could join no pair."""
    proven: bool
    """False when some leftover was placed heuristically (see `place_free_nodes`)."""


def place_free_nodes(
    graph: SolverGraph,
    label: IntArray,
    partner: IntArray,
    free: IntArray,
    *,
    trio_exact_limit: int,
) -> LeftoverOutcome:
    """Group the `free` nodes (`label`: component per node) with pairs of `partner`.

    The single leftover of a component of up to `trio_exact_limit` nodes gets the proven best
    trio, one in a larger component the two heuristics; several leftovers in one component
    (whose partners were all taken) join pairs one by one. Only the proven case keeps `proven`.
    """
    trios: Trios = {}
    uncovered: list[int] = []
    proven = True
    several: list[int] = []  # leftovers that share their component with another one
    counts = np.bincount(label[free], minlength=graph.node_count)
    for leftover in free.tolist():
        if counts[label[leftover]] > 1:
            several.append(leftover)
            continue
        nodes = np.flatnonzero(label == label[leftover])
        if len(nodes) <= trio_exact_limit:
            placed, left = exact_trio(graph, nodes, partner, leftover)
        else:
            proven = False
            placed, left = better_trio(graph, nodes, partner, leftover)
        trios.update(placed)
        uncovered += left
    proven &= not several
    placed, left = place_leftovers(graph, partner, several)
    trios.update(placed)
    uncovered += left
    return LeftoverOutcome(trios, uncovered, proven)


def best_host(
    graph: SolverGraph, node: int, partner: IntArray, taken: set[int]
) -> tuple[int, int] | None:
    """The best pair (by its smaller node) for `node` to join, not one in `taken`, and the
    keys it adds; None if `node` has an edge to both members of no such pair."""
    near = graph.neighbours(node)
    best: tuple[int, int] | None = None
    for member, member_key in near.items():
        other = int(partner[member])
        if other > member and other in near and member not in taken:
            gain = member_key + near[other]
            if best is None or gain > best[1]:
                best = (member, gain)
    return best


class _Placement(NamedTuple):
    gain: int
    host: int
    """Smaller node of the pair that gets a third member."""
    taken_from: int
    """The leftover's new partner, whose old partner `displaced` joins `host`; -1: none."""
    displaced: int


def place_leftovers(
    graph: SolverGraph, partner: IntArray, leftovers: list[int]
) -> tuple[Trios, list[int]]:
    """Each leftover joins the pair where it adds the most, or takes a partner from a pair
    whose other member can join a pair instead (whichever is better); one trio per pair.
    Returns the trios and the leftovers that found no place."""
    trios: Trios = {}
    uncovered: list[int] = []
    for leftover in leftovers:
        taken = set(trios)
        direct = best_host(graph, leftover, partner, taken)
        best = _Placement(direct[1], direct[0], -1, -1) if direct else None
        for member, member_key in graph.neighbours(leftover).items():
            other = int(partner[member])
            if other < 0 or min(member, other) in taken:
                continue
            partner[member], partner[other] = -1, -1  # other would be displaced: where to?
            moved = best_host(graph, other, partner, taken)
            partner[member], partner[other] = other, member
            if moved is not None:
                gain = member_key - graph.neighbours(member)[other] + moved[1]
                if best is None or gain > best.gain:
                    best = _Placement(gain, moved[0], member, other)
        if best is None:
            uncovered.append(leftover)
        elif best.taken_from < 0:
            trios[best.host] = leftover
        else:
            partner[leftover], partner[best.taken_from] = best.taken_from, leftover
            partner[best.displaced] = -1
            trios[best.host] = best.displaced
    return trios, uncovered


def shifted_trio(
    graph: SolverGraph, nodes: IntArray, partner: IntArray, leftover: int, *, steps: int = 24
) -> tuple[IntArray, Trios] | None:
    """The best trio where a joiner joins a pair (first, second) and the joiner's old partner is
    re-paired along an alternating path that ends at the leftover; None if no such move exists.

    Returns the new partner array and the trio, leaving `partner` alone. One alternating forest
    from the leftover (`steps` deep) prices every possible old partner at once.
    """
    inside = graph.mask(nodes)
    partner_key = graph.partner_keys(partner)
    predecessor, reach, via = _paths_from_leftover(
        graph, inside, partner, partner_key, leftover, steps=steps
    )
    moves: list[tuple[int, int, int, int]] = []  # (gain, joiner, first, second)
    for first in nodes.tolist():
        second = int(partner[first])
        if second < first:
            continue
        near_first, near_second = graph.neighbours(first), graph.neighbours(second)
        for joiner in near_first.keys() & near_second.keys():
            old_partner = int(partner[joiner])
            if (
                old_partner >= 0
                and reach[old_partner] > NOT_REACHED
                and old_partner not in (first, second)
            ):
                joins = near_first[joiner] + near_second[joiner] - int(partner_key[joiner])
                moves.append((joins + int(reach[old_partner]), joiner, first, second))
    for _, joiner, first, second in sorted(moves, key=lambda move: (-move[0], move[1:])):
        old_partner = int(partner[joiner])
        chain = [int(via[old_partner])]  # the old partner's new partner, back to the leftover
        while chain[-1] != leftover:
            chain.append(int(predecessor[chain[-1]]))
        inner = [int(partner[node]) for node in chain[:-1]]
        on_path = {*chain, *inner}
        if len(on_path) < len(chain) + len(inner) or {joiner, first, second, old_partner} & on_path:
            continue  # not a simple path, or it runs through the trio
        trial = partner.copy()
        trial[joiner], trial[old_partner] = -1, -1
        for one, other in [(chain[0], old_partner), *zip(chain[1:], inner, strict=True)]:
            trial[one], trial[other] = other, one
        return trial, {first: joiner}
    return None


def _paths_from_leftover(
    graph: SolverGraph,
    inside: BoolArray,
    partner: IntArray,
    partner_key: IntArray,
    leftover: int,
    *,
    steps: int,
) -> tuple[IntArray, IntArray, IntArray]:
    """One alternating forest from `leftover` over the matched nodes of `inside`.

    Returns (predecessor, reach, via): each outer node's predecessor on its path; for every
    matched node, the best gain of a path from the leftover that ends with an edge to it
    (NOT_REACHED if none), and that path's last outer node (the smallest of equals).
    """
    gain = np.full(graph.node_count, NOT_REACHED, dtype=np.int64)
    predecessor = np.full(graph.node_count, -1, dtype=np.int64)
    gain[leftover] = 0
    frontier = np.array([leftover], dtype=np.int64)
    for _ in range(steps):
        outer, head, edge_key = graph.edges_leaving(frontier)
        keep = inside[head] & (partner[head] >= 0)
        outer, reached, path_gain = step_to_partners(
            outer[keep], head[keep], edge_key[keep], partner, partner_key, gain
        )
        if not len(reached):
            break
        # label each reached node once: by its best gain, then by the smallest outer node
        order = np.lexsort((outer, -path_gain, reached))
        outer, reached, path_gain = outer[order], reached[order], path_gain[order]
        best = np.r_[True, reached[1:] != reached[:-1]]
        gain[reached[best]], predecessor[reached[best]] = path_gain[best], outer[best]
        frontier = reached[best]
    outer, head, edge_key = graph.edges_leaving(np.flatnonzero(gain > NOT_REACHED))
    keep = inside[head] & (partner[head] >= 0)
    outer, head, total = outer[keep], head[keep], (gain[outer] + edge_key)[keep]
    reach = np.full(graph.node_count, NOT_REACHED, dtype=np.int64)
    np.maximum.at(reach, head, total)
    via = np.full(graph.node_count, graph.node_count, dtype=np.int64)
    hit = total == reach[head]
    np.minimum.at(via, head[hit], outer[hit])
    return predecessor, reach, via


def better_trio(
    graph: SolverGraph, nodes: IntArray, partner: IntArray, leftover: int
) -> tuple[Trios, list[int]]:
    """Place the single leftover of a component: joining a pair, or shifting the trio."""
    before = partner.copy()
    trios, uncovered = place_leftovers(graph, partner, [leftover])
    shifted = shifted_trio(graph, nodes, before, leftover)
    if shifted is None:
        return trios, uncovered
    cover = cover_value(graph, nodes)
    trial, shifted_trios = shifted
    if uncovered or grouping_value(graph, nodes, trial, shifted_trios, cover) > grouping_value(
        graph, nodes, partner, trios, cover
    ):
        partner[nodes] = trial[nodes]
        return shifted_trios, []
    return trios, uncovered


def exact_trio(
    graph: SolverGraph, nodes: IntArray, partner: IntArray, leftover: int
) -> tuple[Trios, list[int]]:
    """The best grouping of a component with one leftover: heuristic first, then proven."""
    before = partner.copy()
    trios, uncovered = better_trio(graph, nodes, partner, leftover)
    cover = cover_value(graph, nodes)
    incumbent = grouping_value(graph, nodes, partner, trios, cover)
    found = best_trio(graph, nodes, before, incumbent)
    if found is None:
        return trios, uncovered
    joiner, first, second = found
    inside = graph.mask(nodes)
    inside[[joiner, first, second]] = False
    partner[nodes] = -1
    match_exactly(graph, nodes[inside[nodes]], partner)
    partner[first], partner[second] = second, first
    return {min(first, second): joiner}, []


def best_trio(
    graph: SolverGraph, nodes: IntArray, partner: IntArray, incumbent: int
) -> tuple[int, int, int] | None:
    """Branch and bound over the trios of a component whose best matching (`partner`) leaves
    one node; returns the trio (joiner, first, second) that beats `incumbent`, if any.

    Value = max over triangles T of value(T) + best matching of the rest. For a joiner added to
    the pair (first, second), the rest plus that pair is a matching avoiding the joiner, so the
    value is at most best(V - joiner) + what the joiner adds, and best(V - joiner) <= best(V).
    """
    cover = cover_value(graph, nodes)
    whole = pairs_value(graph, nodes, partner, cover)
    near = {node: graph.neighbours(node) for node in nodes.tolist()}
    # joiner -> [(what it adds to the pair (first, second), first, second)], best first
    adds: dict[int, list[tuple[int, int, int]]] = {}
    for joiner, near_joiner in near.items():
        triangles = [
            (first_key + near_joiner[second], first, second)
            for first, first_key in near_joiner.items()
            for second in near[first]
            if second > first and second in near_joiner
        ]
        if triangles:
            adds[joiner] = sorted(triangles, reverse=True)
    best, found = incumbent, None
    for joiner in sorted(adds, key=lambda node: (-adds[node][0][0], node)):
        if whole + cover + adds[joiner][0][0] <= best:
            break
        rest = nodes[nodes != joiner]
        without_joiner = matching_value(graph, rest, cover)
        for gain, first, second in adds[joiner]:
            if without_joiner + cover + gain <= best:
                break
            others = rest[(rest != first) & (rest != second)]
            value = 3 * cover + gain + near[first][second] + matching_value(graph, others, cover)
            if value > best:
                best, found = value, (joiner, first, second)
    return found


def cover_value(graph: SolverGraph, nodes: IntArray) -> int:
    """Value of grouping one more node: more than any total of keys on `nodes`."""
    return 3 * (int(graph.key.max(initial=0)) + 1) * (len(nodes) + 1)


def pairs_value(graph: SolverGraph, nodes: IntArray, partner: IntArray, cover: int) -> int:
    """Value of the pairs of `partner` on `nodes`."""
    paired = nodes[partner[nodes] >= 0]
    keys = graph.partner_keys(partner)[paired]
    # in Python ints: keys of large graphs summed over many pairs would pass int64
    total: int = sum(keys.tolist())
    return len(paired) * cover + total // 2


def grouping_value(
    graph: SolverGraph, nodes: IntArray, partner: IntArray, trios: Trios, cover: int
) -> int:
    """Value of the pairs of `partner` on `nodes` with the third members of `trios`."""
    value = pairs_value(graph, nodes, partner, cover)
    for low, third in trios.items():
        near = graph.neighbours(third)
        value += cover + near[low] + near[int(partner[low])]
    return value


def matching_value(graph: SolverGraph, nodes: IntArray, cover: int) -> int:
    """Value of the best matching on `nodes` (exact)."""
    low, high, key = graph.induced_edges(graph.mask(nodes))
    if not len(low):
        return 0
    pairs = exact_pairs(graph, nodes, low, high, key)
    return sum(2 * cover + graph.neighbours(first)[second] for first, second in pairs.tolist())
