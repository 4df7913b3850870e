"""Matching benchmark: score + solve time, memory and quality on generated communities.

    python -m bench.matching                      # 100, 1,000, 10,000 and 100,000 members
    python -m bench.matching --sizes 1000,10000   # a subset

Per size: a seeded community (bench._gen), ~0.5 % of members blocking someone, and `--history`
previous weekly rounds produced by the solver itself (so last rounds' partners are exactly the
most attractive pairs: the hard case for "no repeats"). Then one timed round: `build_edges`
(scoring, the candidate graph) and `solve_groups`, as wall and CPU time, with the machine's
1-minute load average when the round started (other work on the machine inflates wall time).
Memory: "RSS+" is the peak resident set above the level before the round (VmHWM reset through
/proc/self/clear_refs, Linux only); memory freed by the history rounds is reused, so it is what
the round adds to a warm process. "traced" is the tracemalloc peak of a second, untimed run of
the round (numpy and Python allocations; rustworkx's own allocations are not traced).
Quality references:
  * exact: rustworkx blossom on the whole candidate graph (solve_groups with no size limit),
    up to --exact-limit members; networkx cross-checks that optimum up to --nx-limit members;
  * all pairs: the exact optimum when every pair is a candidate, up to --dense-limit members;
  * random shuffle: what most coffee bots do, scored with the same `score`.
Study time: the share of groups (all members with hours set) whose every pair shares >= 1 h and
>= 2 h, and the >= 2 h groups against the most the community allows: a maximum matching on the
graph of pairs that share >= 2 h, bounded by its fractional value (a max flow over the
members' distinct UTC windows, so it never touches all n^2 pairs; checked against rustworkx's
exact maximum-cardinality matching). Up to --bound-limit members the bound is that exact
matching without blocked pairs and partners of the last K rounds (shown in brackets), and the
share is taken against it; above, against the fractional bound, which ignores history and blocks
and so can only overstate what is possible (conservative). "skills": the mean Jaccard of the
learning sets over the pairs inside groups, the skill match that study time is traded against;
`--short-overlap 1` scores hours below two linearly (the weights before) to compare.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import random
import time as clock
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import networkx as nx
import numpy as np
import rustworkx as rx
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_flow

from bench._gen import blocks, community, on_paths
from bot.matching.candidates import (
    SHARED_TIME,
    build_edges,
    history_from_rounds,
    plan_round,
    short_groups,
)
from bot.matching.graph import BoolArray, EdgeArrays, build_graph
from bot.matching.score import (
    Interval,
    MatchProfile,
    ScoreWeights,
    day_intervals,
    intersect_day,
    jaccard,
    overlap_hours,
    score,
    shared_step,
)
from bot.matching.solver import solve_groups

ROUND_DATE = date(2026, 6, 10)
Groups = list[tuple[int, ...]]


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass(frozen=True)
class Quality:
    weight: float
    ungrouped: int
    repeats: int  # members grouped with a partner of the last K rounds
    blocked: int  # groups holding a blocked pair
    share_1h: float  # of groups whose members all set hours: every pair shares >= 1 h
    share_2h: float
    groups_2h: int  # groups whose every pair shares >= 2 h
    short: int  # groups whose members all set hours and some pair shares < 1 h
    skills: float  # mean Jaccard of the learning sets over the pairs inside groups
    same_step: int  # groups whose members share a learning-path step (score.shared_step)


def _quality(
    members: Sequence[MatchProfile],
    groups: Groups,
    history: dict[tuple[int, int], int],  # by member id
    blocked: set[tuple[int, int]],
    weights: ScoreWeights,
) -> Quality:
    weight, repeats, bad, known, one, two, stepped = 0.0, 0, 0, 0, 0, 0, 0
    overlaps: list[float] = []
    for group in groups:
        people = [members[x] for x in group]
        stepped += shared_step(p.step for p in people) is not None
        pairs = list(itertools.combinations(people, 2))
        overlaps += [jaccard(a.learning, b.learning) for a, b in pairs]
        ids = [(min(a.member_id, b.member_id), max(a.member_id, b.member_id)) for a, b in pairs]
        if any(p in blocked or p[::-1] in blocked for p in ids):
            bad += 1
        else:
            weight += sum(
                score(a, b, ROUND_DATE, rounds_ago=history.get(i), weights=weights)
                for (a, b), i in zip(pairs, ids, strict=True)
            )
        recent = {x for p in ids if history.get(p, 10**9) <= weights.recent_rounds for x in p}
        repeats += len(recent)
        if all(p.hours is not None for p in people):
            known += 1
            shared = min(overlap_hours(a, b, ROUND_DATE) for a, b in pairs)
            one += shared >= 1
            two += shared >= 2
    grouped = sum(len(g) for g in groups)
    return Quality(
        weight=weight,
        ungrouped=len(members) - grouped,
        repeats=repeats,
        blocked=bad,
        share_1h=one / known if known else float("nan"),
        share_2h=two / known if known else float("nan"),
        groups_2h=two,
        short=known - one,
        skills=sum(overlaps) / len(overlaps) if overlaps else float("nan"),
        same_step=stepped,
    )


_TWO_HOURS = 2 * 3600


def _two_hour_bound(
    members: Sequence[MatchProfile],
    exact: bool,
    ruled_out: set[tuple[int, int]],
    seconds: int = _TWO_HOURS,
    unknown_fits: bool = False,
) -> tuple[int, int | None]:
    """Most disjoint pairs sharing >= `seconds`: floor of the fractional maximum over all such
    pairs, and (if `exact`) the exact maximum-cardinality matching (rustworkx) on those pairs
    that are not `ruled_out` (member-id pairs, smaller id first: blocked, or partners within K
    rounds). With `unknown_fits`, members without hours fit everyone (the solver does not count
    their groups as short).

    Members with the same UTC spans are interchangeable, so the fractional matching is a max
    flow source -> window (capacity: its members) -> compatible window -> sink, halved.
    """
    kinds: dict[tuple[Interval, ...], int] = {}
    of = [
        kinds.setdefault(tuple(day_intervals(p, ROUND_DATE)), len(kinds))
        if p.hours
        else (-2 if unknown_fits else -1)
        for p in members
    ]
    spans = list(kinds)
    if unknown_fits:  # one more kind, last: no hours, fits every kind
        of = [len(spans) if k == -2 else k for k in of]
    t = len(spans) + unknown_fits
    counts = np.bincount([k for k in of if k >= 0], minlength=t).astype(np.int32)
    fits = [
        (a, b)
        for a in range(t)
        for b in range(t)
        if a >= len(spans)
        or b >= len(spans)
        or sum(hi - lo for lo, hi in intersect_day(spans[a], spans[b])) >= seconds
    ]
    empty = np.array([], dtype=np.int64)
    a, b = (
        (np.array(x, dtype=np.int64) for x in zip(*fits, strict=True)) if fits else (empty, empty)
    )
    source, sink = 2 * t, 2 * t + 1
    flow = csr_array(
        (
            np.concatenate([counts, np.full(len(a), len(members), np.int32), counts]),
            (
                np.concatenate([np.full(t, source), a, t + np.arange(t)]),
                np.concatenate([np.arange(t), t + np.asarray(b), np.full(t, sink)]),
            ),
        ),
        shape=(2 * t + 2, 2 * t + 2),
    )
    bound = int(maximum_flow(flow, source, sink).flow_value) // 2
    if not exact:
        return bound, None
    graph = rx.PyGraph()
    graph.add_nodes_from(range(len(members)))
    pairs = set(fits)
    graph.add_edges_from(
        [
            (i, j, 1)
            for i, j in itertools.combinations(range(len(members)), 2)
            if of[i] >= 0
            and of[j] >= 0
            and (of[i], of[j]) in pairs
            and (members[i].member_id, members[j].member_id) not in ruled_out
        ]
    )
    return bound, len(rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int))


def _shuffle(n: int, seed: int) -> Groups:
    """Random pairs; an odd member joins the last pair."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    groups: Groups = [tuple(sorted(order[i : i + 2])) for i in range(0, n - n % 2, 2)]
    if n % 2 and groups:
        groups[-1] = tuple(sorted((*groups[-1], order[-1])))
    return groups


def _graph_weight(graph: EdgeArrays, groups: Groups) -> float:
    w = dict(
        zip(zip(graph.u.tolist(), graph.v.tolist(), strict=True), graph.w.tolist(), strict=True)
    )
    return float(sum(w[(a, b)] for g in groups for a, b in itertools.combinations(sorted(g), 2)))


def _nx_check(n: int, graph: EdgeArrays, short_before: BoolArray) -> str:
    """networkx max-cardinality optimum (pairs only) against the solver's exact pairs."""
    g = nx.Graph()
    keyed = build_graph(n, graph, short_before)  # the solver's tiered keys
    for a, b, key in zip(keyed.low.tolist(), keyed.high.tolist(), keyed.key.tolist(), strict=True):
        g.add_edge(a, b, weight=key)
    best = nx.max_weight_matching(g, maxcardinality=True)
    pairs = solve_groups(n, graph, trio=False, exact_limit=10**9, short_before=short_before).groups
    ours = sum(g[a][b]["weight"] for a, b in pairs)
    return "ok" if ours == sum(g[a][b]["weight"] for a, b in best) else "MISMATCH"


def run_size(n: int, rounds: int, args: argparse.Namespace) -> dict[str, str]:
    weights = ScoreWeights(short_overlap=args.short_overlap)
    members = on_paths(community(n, seed=n), args.on_paths, seed=n)
    blocked = blocks(members, seed=n)
    by_id = {p.member_id: p for p in members}
    past: list[Groups] = []  # member-id groups, most recent first
    short_last: list[int] = []  # members whose group of the newest round shared < 1 h
    for r in range(rounds, 0, -1):
        on = ROUND_DATE - timedelta(weeks=r)
        plan = plan_round(
            members,
            on,
            history=history_from_rounds(past),
            blocked=blocked,
            weights=weights,
            short_last_round=short_last,
        )
        past.insert(0, plan.groups)
        short_last = short_groups(plan.groups, by_id, on)
    history = history_from_rounds(past)
    flagged = {p.member_id for p in members} & set(short_last)
    short_before = np.array([p.member_id in flagged for p in members], dtype=np.bool_)

    gc.collect()
    reset = _reset_peak()
    before = _rss_mb("VmRSS")
    load = os.getloadavg()[0]
    cpu = clock.process_time()
    start = clock.perf_counter()
    graph = build_edges(members, ROUND_DATE, history=history, blocked=blocked, weights=weights)
    scored = clock.perf_counter()
    result = solve_groups(n, graph, short_before=short_before)
    solved = clock.perf_counter()
    cpu = clock.process_time() - cpu
    peak = _rss_mb("VmHWM") - before if reset else float("nan")
    tracemalloc.start()
    solve_groups(
        n,
        build_edges(members, ROUND_DATE, history=history, blocked=blocked, weights=weights),
        short_before=short_before,
    )
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    ours = _quality(members, result.groups, history, blocked, weights)
    shuffled = _quality(members, _shuffle(n, seed=n), history, blocked, weights)

    row = {
        "members": f"{n:,}",
        "edges": f"{len(graph):,}",
        "score s": f"{scored - start:.2f}",
        "solve s": f"{solved - scored:.2f}",
        "total s": f"{solved - start:.2f}",
        "cpu s": f"{cpu:.2f}",
        "load": f"{load:.1f}",
        "RSS+ MB": f"{peak:.0f}",
        "traced MB": f"{traced:.0f}",
        "path": "exact"
        if result.exact
        else "exact pairs"
        if n <= 2000
        else "relaxation"
        if n <= 20_000
        else "clusters",
        "% exact (same graph)": "n/a",
        "% all pairs": "n/a",
        "nx check": "n/a",
        "ungrouped": str(ours.ungrouped),
        "trios": str(sum(len(g) == 3 for g in result.groups)),
        "repeats": str(ours.repeats),
        "blocked": str(ours.blocked),
        ">=1h": f"{100 * ours.share_1h:.1f}%",
        ">=2h": f"{100 * ours.share_2h:.1f}%",
        "<1h groups": str(ours.short),
        "<1h fewest": "",
        "<1h twice": str(
            len(
                set(
                    short_groups(
                        [[members[x].member_id for x in g] for g in result.groups],
                        by_id,
                        ROUND_DATE,
                    )
                )
                & flagged
            )
        ),
        ">=2h bound": "",
        ">=2h of bound": "",
        "skills": f"{ours.skills:.2f}",
        "same step": str(ours.same_step),
        "shuffle %": "",
        "shuffle repeats": str(shuffled.repeats),
        "shuffle >=2h": f"{100 * shuffled.share_2h:.1f}%",
    }
    reference = ours.weight
    if n <= args.exact_limit:
        start = clock.perf_counter()
        exact = solve_groups(n, graph, exact_limit=10**9, short_before=short_before)
        reference = _graph_weight(graph, exact.groups)
        row["% exact (same graph)"] = (
            f"{100 * _graph_weight(graph, result.groups) / reference:.2f}%"
            f" ({clock.perf_counter() - start:.0f} s)"
        )
        if n <= args.nx_limit:
            row["nx check"] = _nx_check(n, graph, short_before)
    if n <= args.dense_limit:
        dense = build_edges(
            members, ROUND_DATE, history=history, blocked=blocked, k=n, weights=weights
        )
        best = solve_groups(n, dense, exact_limit=10**9, short_before=short_before)
        ratio = _graph_weight(graph, result.groups) / _graph_weight(dense, best.groups)
        row["% all pairs"] = f"{100 * ratio:.2f}%"
    row["shuffle %"] = f"{100 * shuffled.weight / reference:.1f}%"
    recent = {p for p, age in history.items() if age <= weights.recent_rounds}
    ruled_out = recent | {(min(p), max(p)) for p in blocked}
    good, good_allowed = _two_hour_bound(
        members, n <= args.bound_limit, ruled_out, seconds=SHARED_TIME, unknown_fits=True
    )
    # every group beyond the most disjoint pairs with shared time lacks it
    if good_allowed is None:
        row["<1h fewest"] = f">= {max(0, n // 2 - good):,} (bound)"
    else:
        row["<1h fewest"] = f"{max(0, n // 2 - good_allowed):,}"
    bound, allowed = _two_hour_bound(members, n <= args.bound_limit, ruled_out)
    row[">=2h bound"] = f"{bound:,}" + ("" if allowed is None else f" ({allowed:,})")
    most = bound if allowed is None else allowed
    row[">=2h of bound"] = f"{ours.groups_2h:,} = {100 * ours.groups_2h / most:.1f}%"
    return row


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--sizes", default="100,1000,10000,100000")
    parser.add_argument("--history", type=int, default=4, help="previous rounds to generate")
    parser.add_argument("--exact-limit", type=int, default=20_000)
    parser.add_argument("--nx-limit", type=int, default=1_000)
    parser.add_argument("--dense-limit", type=int, default=2_000)
    parser.add_argument(
        "--bound-limit",
        type=int,
        default=2_000,
        help="up to this size, the >= 2 h bound is exact and respects history and blocks",
    )
    parser.add_argument(
        "--short-overlap",
        type=float,
        default=ScoreWeights().short_overlap,
        help="ScoreWeights.short_overlap, to compare (1.0: linear credit up to two hours)",
    )
    parser.add_argument(
        "--on-paths",
        type=float,
        default=0.0,
        help="share of members on a generated learning path (bench._gen.on_paths)",
    )
    args = parser.parse_args(argv)
    rows = []
    for n in (int(s.replace("_", "")) for s in args.sizes.split(",")):
        rows.append(run_size(n, args.history, args))
        print(" | ".join(f"{k}: {v}" for k, v in rows[-1].items()), flush=True)
    header = list(rows[0])
    print("\n| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row[h] for h in header) + " |")


if __name__ == "__main__":
    main()
