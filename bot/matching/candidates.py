"""The candidate graph of a round: which pairs are scored, and with what weight.

Small communities get every pair scored, and each member keeps its `k` best partners. Large
ones never touch all n^2 pairs: each member is compared with its neighbours in a few sort orders
(same learning skills, same goal and level, close study hours, and a seeded shuffle) and keeps
its `k` best of those. Scoring is vectorised with numpy and equals `score.score` up to float
rounding. Blocked pairs are never edges; partners of the last K rounds are flagged so that the
solver avoids them whenever coverage allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from bot.matching.graph import EdgeArrays
from bot.matching.score import (
    DEFAULT_WEIGHTS,
    LEVELS,
    FloatArray,
    Interval,
    MatchProfile,
    ScoreWeights,
    overlap_credit,
    overlap_hours,
    window_spans,
)
from bot.matching.solver import solve_groups

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_DAY = 86_400
_CHUNK = 1 << 18  # pair scores per numpy batch: keeps temporaries in cache-sized pieces

SHARED_TIME = 3600
"""Seconds of study time a pair needs in common for the group to count as having shared time:
below an hour buddies rarely hold a session (the solver's tier (c))."""

PairHistory = Mapping[tuple[int, int], int]
"""(member_id, member_id) -> rounds since the two were last grouped (1 = the previous round)."""


def history_from_rounds(rounds: Sequence[Iterable[Iterable[int]]]) -> dict[tuple[int, int], int]:
    """Pair ages from past rounds' groups of member ids, most recent round first."""
    ages: dict[tuple[int, int], int] = {}
    for age, groups in enumerate(rounds, start=1):
        for group in groups:
            members = sorted(group)
            for x, a in enumerate(members):
                for b in members[x + 1 :]:
                    ages.setdefault((a, b), age)
    return ages


def short_groups(
    groups: Iterable[Iterable[int]], profiles: Mapping[int, MatchProfile], on: date
) -> list[int]:
    """Member ids of the `groups` without shared study time on `on`: every member's hours are
    known and some pair shares under `SHARED_TIME`. Groups with a member missing from
    `profiles`, or without hours, are left out: nothing says their time did not overlap."""
    out: list[int] = []
    for group in groups:
        members = sorted(group)
        people = [profiles.get(m) for m in members]
        known = [p for p in people if p is not None and p.hours is not None]
        if len(known) < len(members):
            continue
        if any(
            overlap_hours(a, b, on) * 3600 < SHARED_TIME
            for x, a in enumerate(known)
            for b in known[x + 1 :]
        ):
            out += members
    return sorted(out)


@dataclass(frozen=True, slots=True)
class _Encoded:
    """Profiles as arrays. Goal+level and overlap credits are pre-weighted lookup tables."""

    kind: IntArray  # index into kind_table: (goal, level) with unknowns
    kind_table: FloatArray  # weighted goal + level credit
    learn: NDArray[np.uint64]  # (words, n) skill bitmasks
    knows: NDArray[np.uint64]
    n_learn: IntArray
    pattern: IntArray  # 1 + index of the member's UTC spans; 0: no hours
    spans: IntArray  # (1 + patterns, 3, 2) day_intervals, padded with empty (0, 0)
    overlap_table: FloatArray | None  # weighted overlap credit by pattern pair, if few patterns
    mid: IntArray  # UTC middle of the window on the round's date, seconds; -1: no hours
    levels: int  # kind // levels is the goal index
    goal_table: FloatArray  # weighted goal credit by goal index pair (0 = unknown)
    path: IntArray  # 1 + index of the member's path id; 0: on no step
    step: IntArray  # index of the current milestone on that path


def _encode(
    profiles: Sequence[MatchProfile], on: date, weights: ScoreWeights, table_limit: int
) -> _Encoded:
    n = len(profiles)
    skills = sorted({s for p in profiles for s in p.learning | p.knows})
    bit = {s: i for i, s in enumerate(skills)}
    words = max(1, -(-len(skills) // 64))
    masks: dict[frozenset[str], int] = {}
    learn_bits, know_bits = [0] * n, [0] * n
    goals = sorted({p.goal for p in profiles if p.goal is not None})
    goal_of = {g: i + 1 for i, g in enumerate(goals)}
    kind = np.zeros(n, dtype=np.int64)
    pattern = np.zeros(n, dtype=np.int64)
    mid = np.full(n, -1, dtype=np.int64)
    path_ids = sorted({p.step.path.id for p in profiles if p.step is not None})
    path_of = {path_id: x + 1 for x, path_id in enumerate(path_ids)}
    path = np.array([path_of[p.step.path.id] if p.step else 0 for p in profiles], dtype=np.int64)
    step = np.array([p.step.index if p.step else 0 for p in profiles], dtype=np.int64)
    zones: dict[str, ZoneInfo] = {}
    windows: dict[tuple[str, time, time], tuple[int, int]] = {}  # -> (pattern, mid)
    patterns: dict[tuple[Interval, ...], int] = {}
    origin = datetime.combine(on, time(), tzinfo=UTC)
    levels = len(LEVELS) + 1
    for i, p in enumerate(profiles):
        for skills_of, out in ((p.learning, learn_bits), (p.knows, know_bits)):
            if skills_of not in masks:
                masks[skills_of] = sum(1 << bit[s] for s in skills_of)
            out[i] = masks[skills_of]
        g = goal_of[p.goal] if p.goal is not None else 0
        kind[i] = g * levels + (LEVELS.index(p.level) + 1 if p.level is not None else 0)
        if p.hours is None:
            continue
        key = (p.timezone, *p.hours)
        if key not in windows:
            zone = zones.setdefault(p.timezone, ZoneInfo(p.timezone))
            spans = tuple(window_spans(zone, p.hours, on))
            start = datetime.combine(on, p.hours[0], tzinfo=zone).astimezone(UTC) - origin
            length = (datetime.combine(on, p.hours[1]) - datetime.combine(on, p.hours[0])).seconds
            centre = (int(start.total_seconds()) + (length or _DAY) // 2) % _DAY
            windows[key] = (patterns.setdefault(spans, len(patterns) + 1), centre)
        pattern[i], mid[i] = windows[key]
    word_mask = (1 << 64) - 1
    learn = np.array(
        [[(m >> (64 * w)) & word_mask for m in learn_bits] for w in range(words)], dtype=np.uint64
    ).reshape(words, n)
    knows = np.array(
        [[(m >> (64 * w)) & word_mask for m in know_bits] for w in range(words)], dtype=np.uint64
    ).reshape(words, n)
    spans_arr = np.zeros((len(patterns) + 1, 3, 2), dtype=np.int64)
    for spans, x in patterns.items():
        for y, span in enumerate(spans):
            spans_arr[x, y] = span
    table = None
    if len(patterns) + 1 <= table_limit:
        table = _overlap_credit(spans_arr[:, None], spans_arr[None, :], weights)
        table[0, :] = table[:, 0] = weights.overlap * weights.unknown_credit
    goal_table, level_table = _credit_tables(len(goals) + 1, levels, weights)
    return _Encoded(
        kind=kind,
        kind_table=(goal_table[:, None, :, None] + level_table[None, :, None, :]).reshape(
            len(goal_table) * levels, -1
        ),
        learn=learn,
        knows=knows,
        n_learn=np.bitwise_count(learn).sum(axis=0, dtype=np.int64),
        pattern=pattern,
        spans=spans_arr,
        overlap_table=table,
        mid=mid,
        levels=levels,
        goal_table=goal_table,
        path=path,
        step=step,
    )


def _credit_tables(goals: int, levels: int, weights: ScoreWeights) -> tuple[FloatArray, FloatArray]:
    """Weighted goal credit for every pair of goal indices, and level credit for every pair of
    level indices; index 0 = unknown. A member's kind indexes both: goal * levels + level."""
    g, lv = np.arange(goals), np.arange(levels)
    gr, gc, lr, lc = g[:, None], g[None, :], lv[:, None], lv[None, :]
    goal = np.where((gr == 0) | (gc == 0), weights.unknown_credit, (gr == gc).astype(np.float64))
    level = np.where(
        (lr == 0) | (lc == 0), weights.unknown_credit, 1.0 - np.abs(lr - lc) / (len(LEVELS) - 1)
    )
    return weights.goal * goal, weights.level * level


def _overlap_seconds(a: IntArray, b: IntArray) -> IntArray:
    """Shared seconds of day_intervals arrays (..., 3, 2), counting overlaps starting that day."""
    total = np.zeros(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]), dtype=np.int64)
    for x in range(3):
        for y in range(3):
            lo = np.maximum(a[..., x, 0], b[..., y, 0])
            hi = np.minimum(a[..., x, 1], b[..., y, 1])
            total += np.where((hi > lo) & (lo >= 0) & (lo < _DAY), hi - lo, 0)
    return total


def _overlap_credit(a: IntArray, b: IntArray, weights: ScoreWeights) -> FloatArray:
    credit: FloatArray = weights.overlap * overlap_credit(_overlap_seconds(a, b) / 3600.0, weights)
    return credit


def _base_scores(
    enc: _Encoded, rows: IntArray, cols: IntArray, weights: ScoreWeights
) -> FloatArray:
    """`score.base_score` of rows[:, None] against cols (rows x candidates), vectorised."""
    r = rows[:, None]
    shared = np.zeros(cols.shape, dtype=np.int64)
    helps_c = np.zeros(cols.shape, dtype=np.int64)
    helps_r = np.zeros(cols.shape, dtype=np.int64)
    for word in range(enc.learn.shape[0]):
        learn, knows = enc.learn[word], enc.knows[word]
        shared += np.bitwise_count(learn[r] & learn[cols])
        helps_c += np.bitwise_count(knows[r] & learn[cols])
        helps_r += np.bitwise_count(knows[cols] & learn[r])
    n_r, n_c = enc.n_learn[r], enc.n_learn[cols]
    union = n_r + n_c - shared
    jaccard = shared / np.maximum(union, 1)
    complement = (helps_c / np.maximum(n_c, 1) + helps_r / np.maximum(n_r, 1)) / 2
    p_r, p_c = enc.pattern[r], enc.pattern[cols]
    if enc.overlap_table is not None:
        overlap = enc.overlap_table[p_r, p_c]
    else:
        known = (p_r > 0) & (p_c > 0)
        credit = _overlap_credit(enc.spans[p_r], enc.spans[p_c], weights)
        overlap = np.where(known, credit, weights.overlap * weights.unknown_credit)
    kind_r, kind_c = enc.kind[r], enc.kind[cols]
    total = (
        enc.kind_table[kind_r, kind_c]
        + weights.learning * jaccard
        + weights.complement * complement
        + overlap
    )
    if not enc.path.any():
        result: FloatArray = total / weights.total
        return result
    # pairs on the same step (`score.shared_step`): full goal credit, and same_step in the mean
    path_r, step_r, step_c = enc.path[r], enc.step[r], enc.step[cols]
    same = (path_r > 0) & (path_r == enc.path[cols]) & (np.abs(step_r - step_c) <= 1)
    goal_gap = weights.goal - enc.goal_table[kind_r // enc.levels, kind_c // enc.levels]
    total = total + np.where(same, goal_gap + weights.same_step, 0.0)
    result = total / (weights.total + np.where(same, weights.same_step, 0.0))
    return result


def _neighbour_orders(enc: _Encoded, n: int) -> list[IntArray]:
    """Orders in which good partners sit close: by skills, by path step then goal and level
    (members on no path all share step 0, so without paths it is by goal and level), by hours;
    plus a shuffle (seeded by n) that links the rest of the community."""
    learn = list(enc.learn)
    hour = enc.mid // 3600
    by_skills = np.lexsort((enc.mid, enc.kind, *learn))
    by_kind = np.lexsort((*learn, enc.mid, enc.kind, enc.step, enc.path))
    by_hours = np.lexsort((enc.mid, *learn, enc.kind, hour))
    shuffled = np.random.default_rng(n).permutation(n)
    return [o.astype(np.int64) for o in (by_skills, by_kind, by_hours, shuffled)]


@dataclass(frozen=True, slots=True)
class _Penalties:
    """Recent partners and blocks as sorted keys row * n + col (both orders of every pair)."""

    recent: IntArray  # keys of (member, recent partner)
    factor: FloatArray  # history factor of that partner (the strongest when listed twice)
    blocked: IntArray  # keys of blocked pairs


def _penalties(
    profiles: Sequence[MatchProfile],
    history: PairHistory,
    blocked: Iterable[tuple[int, int]],
    weights: ScoreWeights,
) -> _Penalties:
    n = len(profiles)
    ids = np.array([p.member_id for p in profiles], dtype=np.int64)
    by_id = np.argsort(ids, kind="stable")
    sorted_ids = ids[by_id]

    def index(pairs: IntArray) -> IntArray:
        """Profile indices of member-id pairs, -1 where a member is not taking part."""
        at = np.minimum(np.searchsorted(sorted_ids, pairs), max(n - 1, 0))
        return np.where(sorted_ids[at] == pairs, by_id[at], -1)

    k = weights.recent_rounds
    ages = np.fromiter(history.values(), dtype=np.int64, count=len(history))
    pairs = index(np.array(list(history), dtype=np.int64).reshape(-1, 2))
    keep = (ages >= 1) & (ages <= k) & (pairs.min(axis=1) >= 0) & (pairs[:, 0] != pairs[:, 1])
    pairs, ages = pairs[keep], ages[keep]
    factor_of = weights.recent_floor + (1.0 - weights.recent_floor) * (ages - 1) / max(k, 1)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    factors = np.concatenate([factor_of, factor_of])
    order = np.lexsort((factors, cols, rows))  # per (row, col): the strongest penalty first
    rows, cols, factors = rows[order], cols[order], factors[order]
    first = np.ones(len(rows), dtype=np.bool_)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, factors = rows[first], cols[first], factors[first]
    block = index(np.array(list(blocked), dtype=np.int64).reshape(-1, 2))
    block = block[(block.min(axis=1) >= 0) & (block[:, 0] != block[:, 1])]
    both = np.concatenate([block, block[:, ::-1]])
    return _Penalties(rows * n + cols, factors, np.unique(both[:, 0] * n + both[:, 1]))


def _lookup(keys: IntArray, flat: IntArray, lo: int, hi: int) -> tuple[IntArray, IntArray]:
    """Positions in the sorted `flat` of the sorted `keys` within [lo, hi), and which keys."""
    a, b = np.searchsorted(keys, [lo, hi])
    part = keys[a:b]
    at = np.minimum(np.searchsorted(flat, part), max(len(flat) - 1, 0))
    hit = flat[at] == part if len(flat) else np.zeros(0, dtype=np.bool_)
    return at[hit], np.arange(a, b)[hit]


def build_edges(
    profiles: Sequence[MatchProfile],
    on: date,
    *,
    history: PairHistory | None = None,
    blocked: Iterable[tuple[int, int]] = (),
    weights: ScoreWeights = DEFAULT_WEIGHTS,
    k: int = 20,
    all_pairs_limit: int = 2000,
    window: int = 12,
) -> EdgeArrays:
    """The weighted candidate graph of a round on `on`, over profile indices 0..n-1.

    Each member keeps its `k` best partners by final weight (score x history factor); the graph
    is the union of those choices. Above `all_pairs_limit` members, partners are looked for
    among the `window` neighbours on each side in each sort order instead of among everyone.
    `history` and `blocked` use member ids. Edges to partners of the last K rounds come back
    flagged in `avoid`; blocked pairs are left out.
    """
    n = len(profiles)
    if k < 1 or window < 1:
        raise ValueError("k and window must be >= 1")
    if n < 2:
        return EdgeArrays.empty()
    dense = n <= all_pairs_limit
    width = n if dense else 8 * window
    enc = _encode(profiles, on, weights, table_limit=int((n * width) ** 0.5))
    pen = _penalties(profiles, history or {}, blocked, weights)
    orders = _neighbour_orders(enc, n)
    offsets = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])
    positions = [np.argsort(o) for o in orders]
    keep = min(k, n - 1)
    step = max(1, _CHUNK // width)
    heads, tails, ws, recents = [], [], [], []
    for start in range(0, n, step):
        rows = np.arange(start, min(n, start + step), dtype=np.int64)
        if dense:
            cols = np.broadcast_to(np.arange(n, dtype=np.int64), (len(rows), n))
            invalid = cols == rows[:, None]
        else:
            near = [
                o[(pos[rows][:, None] + offsets) % n]
                for o, pos in zip(orders, positions, strict=True)
            ]
            cols = np.sort(np.concatenate(near, axis=1), axis=1)
            invalid = cols == rows[:, None]
            invalid[:, 1:] |= cols[:, 1:] == cols[:, :-1]  # seen in another order
        w = _base_scores(enc, rows, cols, weights)
        # cols are sorted within each row and rows ascend, so the keys are sorted: look the
        # few recent partners and blocks up instead of comparing every candidate with them
        flat = (rows[:, None] * n + cols).ravel()
        first_key, end_key = int(rows[0]) * n, (int(rows[-1]) + 1) * n
        factor = np.ones(w.size)
        flagged = np.zeros(w.size, dtype=np.bool_)
        at, which = _lookup(pen.recent, flat, first_key, end_key)
        factor[at], flagged[at] = pen.factor[which], True
        ruled_out = invalid.ravel()
        ruled_out[_lookup(pen.blocked, flat, first_key, end_key)[0]] = True
        w = np.where(ruled_out, -1.0, w.ravel() * factor).reshape(w.shape)
        recent = flagged.reshape(w.shape)
        top = np.argpartition(-w, keep - 1, axis=1)[:, :keep]
        picked = np.take_along_axis(w, top, axis=1)
        ok = picked >= 0
        heads.append(np.broadcast_to(rows[:, None], top.shape)[ok])
        tails.append(np.take_along_axis(cols, top, axis=1)[ok])
        ws.append(picked[ok])
        recents.append(np.take_along_axis(recent, top, axis=1)[ok])
    i, j = np.concatenate(heads), np.concatenate(tails)
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    _, first = np.unique(lo * n + hi, return_index=True)
    lo, hi = lo[first], hi[first]
    return EdgeArrays(
        u=lo,
        v=hi,
        w=np.concatenate(ws)[first],
        avoid=np.concatenate(recents)[first],
        short=_short_pairs(enc, lo, hi),
    )


def _short_pairs(enc: _Encoded, lo: IntArray, hi: IntArray) -> BoolArray:
    """Which pairs share under `SHARED_TIME` on the round's date; unknown hours are not short
    (nothing says their time does not overlap). Computed once per distinct pair of UTC span
    patterns, of which there are few."""
    p, q = enc.pattern[lo], enc.pattern[hi]
    known = (p > 0) & (q > 0)
    patterns = len(enc.spans)
    codes, pair_of = np.unique(p[known] * patterns + q[known], return_inverse=True)
    seconds = _overlap_seconds(enc.spans[codes // patterns], enc.spans[codes % patterns])
    short = np.zeros(len(lo), dtype=np.bool_)
    short[known] = seconds[pair_of.reshape(-1)] < SHARED_TIME
    return short


@dataclass(frozen=True, slots=True)
class RoundPlan:
    """A round's outcome in member ids."""

    groups: list[tuple[int, ...]]
    """Pairs, and a trio where someone would otherwise be left out; each sorted."""
    unmatched: list[int]
    """Members who had possible partners, but every one of them was taken."""
    no_candidates: list[int]
    """Members with no possible partner at all (blocks rule out everyone)."""


def plan_round(
    profiles: Sequence[MatchProfile],
    on: date,
    *,
    history: PairHistory | None = None,
    blocked: Iterable[tuple[int, int]] = (),
    weights: ScoreWeights = DEFAULT_WEIGHTS,
    short_last_round: Iterable[int] = (),
) -> RoundPlan:
    """Score, build the candidate graph and solve: the one call a matching round needs.

    `profiles` are the round's participants (paused members already left out), `history` the
    pair ages from `history_from_rounds`, `blocked` the member-id pairs that must never meet,
    `short_last_round` the member ids whose group last round shared under 1 h of study time
    (`short_groups`): they get such a group again only if nothing repeat-free avoids it.
    """
    graph = build_edges(profiles, on, history=history, blocked=blocked, weights=weights)
    ids = [p.member_id for p in profiles]
    flagged = set(short_last_round)
    short_before = np.array([i in flagged for i in ids], dtype=np.bool_)
    result = solve_groups(len(profiles), graph, short_before=short_before)
    isolated = set(result.isolated)
    return RoundPlan(
        groups=sorted(tuple(sorted(ids[x] for x in g)) for g in result.groups),
        unmatched=sorted(ids[x] for x in result.uncovered if x not in isolated),
        no_candidates=sorted(ids[x] for x in isolated),
    )
