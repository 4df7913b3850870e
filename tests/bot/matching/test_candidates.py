"""The candidate graph's penalties: recent partners and blocks, in every row chunk."""

from __future__ import annotations

from datetime import date, time

import numpy as np
import pytest

import bot.matching.candidates as candidates
from bot.matching.candidates import build_edges, history_from_rounds
from bot.matching.score import LEVELS, MatchProfile, score

ON = date(2026, 6, 10)


def _community(n: int) -> list[MatchProfile]:
    rng = np.random.default_rng(n)
    zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata"]
    skills = ["sql", "git", "docker", "python"]
    return [
        MatchProfile(
            member_id=1000 - i,  # ids descend while indices ascend
            goal=["internship", "exam"][int(rng.integers(0, 2))],
            level=LEVELS[int(rng.integers(0, len(LEVELS)))],
            learning=frozenset(rng.choice(skills, int(rng.integers(1, 3)), replace=False)),
            knows=frozenset(rng.choice(skills, 1, replace=False)),
            timezone=zones[i % 3],
            hours=(time(18), time(20)),
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("all_pairs_limit", [10_000, 0])
@pytest.mark.parametrize("chunk", [1 << 18, 64])
def test_penalties_hold_in_every_chunk(
    all_pairs_limit: int, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recent partners are flagged and discounted, blocked pairs left out, in any chunking."""
    monkeypatch.setattr(candidates, "_CHUNK", chunk)
    members = _community(90)
    ids = [p.member_id for p in members]
    # near-identical members: every pair is a candidate, so the penalties decide
    recent: list[list[tuple[int, ...]]] = [
        [(ids[0], ids[1]), (ids[50], ids[89])],
        [(ids[1], ids[0]), (ids[40], ids[41], ids[42])],
    ]
    history = history_from_rounds(recent)
    blocked = {(ids[2], ids[3]), (ids[88], ids[60]), (ids[70], 5)}  # 5 is not taking part
    graph = build_edges(
        members, ON, history=history, blocked=blocked, k=89, all_pairs_limit=all_pairs_limit
    )
    assert graph.avoid is not None
    pairs = {}
    for i, j, w, avoid in zip(
        graph.u.tolist(), graph.v.tolist(), graph.w.tolist(), graph.avoid.tolist(), strict=True
    ):
        key = (min(ids[i], ids[j]), max(ids[i], ids[j]))
        age = history.get(key)
        assert avoid == (age is not None)
        assert w == pytest.approx(score(members[i], members[j], ON, rounds_ago=age), abs=1e-12)
        pairs[key] = avoid
    assert (ids[3], ids[2]) not in pairs and (ids[88], ids[60]) not in pairs
    if all_pairs_limit:  # all pairs scored: every non-blocked pair is an edge
        assert len(pairs) == 90 * 89 // 2 - 2
        assert sum(pairs.values()) == len(history)


def test_chunking_does_not_change_the_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    members = _community(300)
    ids = [p.member_id for p in members]
    history = history_from_rounds([[(ids[x], ids[x + 1]) for x in range(0, 300, 2)]])
    blocked = {(ids[x], ids[x + 3]) for x in range(0, 300, 7)}
    whole = build_edges(members, ON, history=history, blocked=blocked, all_pairs_limit=0, k=96)
    monkeypatch.setattr(candidates, "_CHUNK", 100)
    pieces = build_edges(members, ON, history=history, blocked=blocked, all_pairs_limit=0, k=96)
    assert whole.avoid is not None and pieces.avoid is not None
    for field in ("u", "v", "w", "avoid"):
        assert np.array_equal(getattr(whole, field), getattr(pieces, field))
    assert whole.avoid.any()
