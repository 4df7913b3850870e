"""Seeded generator of realistic study communities for the matching benchmark and tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import numpy as np

from bot.matching.score import LEVELS, MatchProfile, PathStep
from bot.paths.model import Milestone, Path, Resource

# (zone, share of members); regions: Americas 40 %, Europe/Africa 33 %, Asia 23 %, Oceania 4 %
ZONES: tuple[tuple[str, float], ...] = (
    ("America/Los_Angeles", 0.08),
    ("America/Denver", 0.03),
    ("America/Chicago", 0.06),
    ("America/New_York", 0.10),
    ("America/Toronto", 0.03),
    ("America/Mexico_City", 0.03),
    ("America/Bogota", 0.02),
    ("America/Sao_Paulo", 0.05),
    ("Europe/London", 0.06),
    ("Europe/Berlin", 0.07),
    ("Europe/Paris", 0.04),
    ("Europe/Madrid", 0.03),
    ("Europe/Warsaw", 0.03),
    ("Europe/Kyiv", 0.02),
    ("Africa/Lagos", 0.04),
    ("Africa/Nairobi", 0.02),
    ("Africa/Cairo", 0.02),
    ("Asia/Kolkata", 0.08),
    ("Asia/Dubai", 0.02),
    ("Asia/Singapore", 0.03),
    ("Asia/Shanghai", 0.04),
    ("Asia/Tokyo", 0.03),
    ("Asia/Seoul", 0.02),
    ("Asia/Manila", 0.01),
    ("Australia/Sydney", 0.02),
    ("Australia/Perth", 0.01),
    ("Pacific/Auckland", 0.01),
)

# ordered by popularity: member i's skills are drawn with Zipf weights 1 / rank
SKILLS: tuple[str, ...] = (
    "python",
    "sql",
    "git",
    "machine-learning",
    "docker",
    "statistics",
    "linux",
    "rest-apis",
    "aws",
    "deep-learning",
    "data-engineering",
    "testing",
    "ci-cd",
    "llms",
    "dsa",
    "fastapi",
    "kubernetes",
    "system-design",
    "gcp",
    "mlops",
    "frontend",
    "azure",
    "monitoring",
    "ab-testing",
)

GOALS: tuple[tuple[str, float], ...] = (
    ("internship", 0.30),
    ("first-job", 0.25),
    ("career-switch", 0.15),
    ("portfolio", 0.12),
    ("exam", 0.10),
    ("curiosity", 0.08),
)

# (earliest start hour, latest start hour, min length, max length, share)
WINDOWS: tuple[tuple[int, int, int, int, float], ...] = (
    (18, 21, 2, 3, 0.45),  # evening
    (21, 23, 2, 3, 0.12),  # late, often across midnight
    (6, 8, 1, 2, 0.13),  # before work or class
    (12, 13, 1, 2, 0.10),  # lunch
    (9, 15, 2, 4, 0.20),  # daytime
)


def _weights(
    pairs: tuple[tuple[str, float], ...] | tuple[tuple[int, int, int, int, float], ...],
) -> np.ndarray:
    p = np.array([row[-1] for row in pairs], dtype=np.float64)
    shares: np.ndarray = p / p.sum()
    return shares


def community(n: int, seed: int = 0) -> list[MatchProfile]:
    """n members with ids 1..n: zones, windows, goals, levels and Zipf-popular skills."""
    rng = np.random.default_rng(seed)
    zone = rng.choice(len(ZONES), size=n, p=_weights(ZONES))
    goal = rng.choice(len(GOALS), size=n, p=_weights(GOALS))
    no_goal = rng.random(n) < 0.05
    level = rng.choice(len(LEVELS), size=n, p=[0.45, 0.40, 0.15])
    no_level = rng.random(n) < 0.05
    kind = rng.choice(len(WINDOWS), size=n, p=_weights(WINDOWS))
    no_hours = rng.random(n) < 0.10
    half = rng.random(n) < 0.25
    zipf = 1.0 / np.arange(1, len(SKILLS) + 1)
    zipf /= zipf.sum()
    n_learn = rng.integers(1, 5, size=n)
    n_know = rng.integers(0, 4, size=n)
    profiles = []
    for i in range(n):
        picks = rng.choice(len(SKILLS), size=n_learn[i] + n_know[i], replace=False, p=zipf)
        learning = frozenset(SKILLS[s] for s in picks[: n_learn[i]])
        knows = frozenset(SKILLS[s] for s in picks[n_learn[i] :])
        hours = None
        if not no_hours[i]:
            lo, hi, min_len, max_len, _ = WINDOWS[kind[i]]
            start = int(rng.integers(lo, hi + 1))
            length = int(rng.integers(min_len, max_len + 1))
            minute = 30 if half[i] else 0
            hours = (time(start % 24, minute), time((start + length) % 24, minute))
        profiles.append(
            MatchProfile(
                member_id=i + 1,
                goal=None if no_goal[i] else GOALS[goal[i]][0],
                level=None if no_level[i] else LEVELS[level[i]],
                learning=learning,
                knows=knows,
                timezone=ZONES[zone[i]][0],
                hours=hours,
            )
        )
    return profiles


def learning_path(path_id: str, milestones: int = 10) -> Path:
    """A path whose milestone i (from 0) is titled "Step i+1" with the task "Task i+1."."""
    return Path(
        id=path_id,
        name=f"Path {path_id}",
        role="intern",
        summary="generated",
        milestones=tuple(
            Milestone(
                id=f"m{i + 1}",
                title=f"Step {i + 1}",
                skills=(SKILLS[i % len(SKILLS)],),
                task=f"Task {i + 1}.",
                minutes=120,
                needs_link=False,
                capstone=False,
                resources=(Resource("docs", "https://example.org/"),),
            )
            for i in range(milestones)
        ),
    )


def on_paths(profiles: list[MatchProfile], share: float, seed: int = 0) -> list[MatchProfile]:
    """`profiles` with a `share` of them on one of three 10-milestone paths (the first twice as
    popular as each other); current milestones lean early, as on a path people start at one."""
    if share <= 0:
        return profiles
    rng = np.random.default_rng(seed)
    paths = [learning_path(f"path-{k}") for k in range(3)]
    chosen = rng.random(len(profiles)) < share
    which = rng.choice(len(paths), size=len(profiles), p=[0.5, 0.25, 0.25])
    index = np.minimum(rng.geometric(0.25, size=len(profiles)) - 1, 9)
    return [
        replace(p, step=PathStep(paths[which[i]], int(index[i]))) if chosen[i] else p
        for i, p in enumerate(profiles)
    ]


def blocks(
    profiles: list[MatchProfile], share: float = 0.005, seed: int = 0
) -> set[tuple[int, int]]:
    """About `share` of members block one to three random others (member id pairs)."""
    rng = np.random.default_rng(seed + 1)
    n = len(profiles)
    ids = [p.member_id for p in profiles]
    out: set[tuple[int, int]] = set()
    for i in np.flatnonzero(rng.random(n) < share).tolist():
        for j in rng.choice(n, size=int(rng.integers(1, 4)), replace=False).tolist():
            if i != j:
                out.add((ids[i], ids[j]))
    return out
