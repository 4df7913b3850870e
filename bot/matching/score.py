"""How well two members fit as study buddies, and why.

`score(a, b, on)` is a weighted mean of five components, each in [0, 1], times a history factor
that keeps recent partners apart; a pair on the same learning-path step adds a sixth (full
credit) to the mean. Every weight lives in `ScoreWeights`. Study windows are daily
local times; they are compared in UTC on a given date, so daylight-saving changes are applied
exactly as they happen that day (the caller passes the date, nothing here reads the clock).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from bot.paths.model import Milestone, Path
from bot.text import literal

LEVELS: tuple[str, ...] = ("beginner", "intermediate", "advanced")
_DAY = 86_400

FloatArray = NDArray[np.float64]
Interval = tuple[int, int]
"""Seconds from 00:00 UTC of the round's date; start inclusive, end exclusive."""


@dataclass(frozen=True, slots=True)
class PathStep:
    """Where a member is on their learning path: the path and the index of their current
    milestone (the first one not reached). A member who reached every milestone has no step."""

    path: Path
    index: int

    def __post_init__(self) -> None:
        if not 0 <= self.index < len(self.path.milestones):
            raise ValueError(f"milestone index {self.index} is not on path {self.path.id!r}")

    @property
    def milestone(self) -> Milestone:
        return self.path.milestones[self.index]


def shared_step(steps: Iterable[PathStep | None]) -> PathStep | None:
    """The step a group shares: all on the same path, at the same or the next milestone (current
    indices at most one apart). It is the earliest member's current milestone, which the others
    are on too or have reached. None when someone is on no step or the steps are apart."""
    known = list(steps)
    if not known or any(s is None for s in known):
        return None
    on_path = [s for s in known if s is not None]
    earliest = min(on_path, key=lambda s: s.index)
    if any(s.path.id != earliest.path.id or s.index > earliest.index + 1 for s in on_path):
        return None
    return earliest


@dataclass(frozen=True, slots=True)
class MatchProfile:
    """What matching knows about one opted-in member (skills are catalogue ids)."""

    member_id: int
    goal: str | None
    level: str | None
    learning: frozenset[str]
    knows: frozenset[str]
    timezone: str
    hours: tuple[time, time] | None
    """Daily study window in local time; end <= start crosses midnight, start == end is all day."""
    step: PathStep | None = None
    """The member's learning-path step; None when on no path (or past its last milestone)."""

    def __post_init__(self) -> None:
        if self.level is not None and self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}; expected one of {LEVELS}")
        ZoneInfo(self.timezone)  # fail at construction, not in the middle of a round


@dataclass(frozen=True, slots=True)
class ScoreWeights:
    """Every knob of the score. Component weights are relative: the score divides by their sum.

    Defaults: time to actually meet matters most (0.60, full credit from two shared hours,
    at most `short_overlap` of it below), then learning the same skills (0.30), the same goal
    and a similar level (0.15 each), and one knowing what the other is learning (0.10).
    Buddies without two hours in common rarely hold a session; with overlap at 0.30 and linear
    credit the optimum traded such hours for skill overlap and made only 64-87 % of the >= 2 h
    pairs the benchmark's communities allow (see docs/matching.md).

    A pair on the same path step (`shared_step`) has the strongest form of the same goal: full
    goal credit whatever their profiles' goals, and `same_step` joins the mean with full credit,
    which moves the pair's score 10 % of the way to 1 (0.15 / 1.45); it never makes up for
    sharing less than two hours with a pair that shares two (docs/matching.md has the numbers).
    """

    goal: float = 0.15
    """Both have the same goal (internship, first-job, ...)."""
    learning: float = 0.30
    """Jaccard overlap of the skills both are learning."""
    complement: float = 0.10
    """Share of each one's learning skills the other already knows, averaged over both ways."""
    level: float = 0.15
    """1 for the same level, 0.5 one step apart, 0 for beginner with advanced."""
    overlap: float = 0.60
    """Shared study hours on the round's date, full credit from `full_overlap_hours`."""
    full_overlap_hours: float = 2.0
    short_overlap: float = 0.60
    """The most a pair with less than `full_overlap_hours` in common earns of the overlap credit
    (linear in the hours below that): two hours make a study session, 1 h 50 min rarely does."""
    same_step: float = 0.15
    """Both on the same path, at the same or the next milestone: counted (with full credit) only
    for such pairs, so every other pair scores exactly as without paths."""
    unknown_credit: float = 0.5
    """Credit for the goal, level or hours component when either side did not say (neutral)."""
    recent_rounds: int = 6
    """K: a partner from the last K rounds is penalised (and avoided by the solver)."""
    recent_floor: float = 0.05
    """History factor for last round's partner; it rises linearly to 1 after K rounds."""

    def __post_init__(self) -> None:
        parts = (self.goal, self.learning, self.complement, self.level, self.overlap)
        if min(parts) < 0 or sum(parts) <= 0 or self.same_step < 0:
            raise ValueError("component weights must be >= 0 with a positive sum")
        if self.full_overlap_hours <= 0 or self.recent_rounds < 0:
            raise ValueError("full_overlap_hours must be > 0 and recent_rounds >= 0")
        if not all(
            0 <= x <= 1 for x in (self.unknown_credit, self.recent_floor, self.short_overlap)
        ):
            raise ValueError("unknown_credit, recent_floor and short_overlap must be in [0, 1]")

    @property
    def total(self) -> float:
        return self.goal + self.learning + self.complement + self.level + self.overlap


DEFAULT_WEIGHTS = ScoreWeights()
"""The defaults; `ScoreWeights` is frozen, so sharing one instance is safe."""


def history_factor(rounds_ago: int | None, weights: ScoreWeights) -> float:
    """Multiplier for a pair last grouped `rounds_ago` rounds ago (1 = the previous round).

    floor + (1 - floor) * (age - 1) / K for ages 1..K, so it decays towards 1 with age; 1 for
    older pairs or pairs never grouped.
    """
    k = weights.recent_rounds
    if rounds_ago is None or rounds_ago > k:
        return 1.0
    if rounds_ago < 1:
        raise ValueError("rounds_ago counts from 1 (the previous round)")
    return weights.recent_floor + (1.0 - weights.recent_floor) * (rounds_ago - 1) / k


def day_intervals(profile: MatchProfile, on: date) -> list[Interval]:
    """The member's windows of the local dates around `on`, in seconds from `on` 00:00 UTC.

    Three local days are enough to find every overlap that starts during the UTC day of `on`;
    touching windows (an all-day member) are merged.
    """
    if profile.hours is None:
        return []
    return window_spans(ZoneInfo(profile.timezone), profile.hours, on)


def window_spans(zone: ZoneInfo, hours: tuple[time, time], on: date) -> list[Interval]:
    """`day_intervals` for a zone and a daily window (shared with the vectorised scorer)."""
    start, end = hours
    origin = datetime.combine(on, time(), tzinfo=UTC)
    spans: list[Interval] = []
    for shift in (-1, 0, 1):
        day = on + timedelta(days=shift)
        end_day = day if end > start else day + timedelta(days=1)
        s = datetime.combine(day, start, tzinfo=zone).astimezone(UTC) - origin
        e = datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC) - origin
        lo, hi = int(s.total_seconds()), int(e.total_seconds())
        if hi <= lo:  # a window inside a DST gap
            continue
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
        else:
            spans.append((lo, hi))
    return spans


def intersect_day(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """Overlaps of two `day_intervals` that start during the UTC day (each daily overlap once)."""
    out: list[Interval] = []
    for a_lo, a_hi in a:
        for b_lo, b_hi in b:
            lo, hi = max(a_lo, b_lo), min(a_hi, b_hi)
            if hi > lo and 0 <= lo < _DAY:
                out.append((lo, hi))
    return sorted(out)


def overlap_windows(a: MatchProfile, b: MatchProfile, on: date) -> list[tuple[datetime, datetime]]:
    """The shared study windows of `on` as aware UTC datetimes (empty if unknown or none)."""
    origin = datetime.combine(on, time(), tzinfo=UTC)
    return [
        (origin + timedelta(seconds=lo), origin + timedelta(seconds=hi))
        for lo, hi in intersect_day(day_intervals(a, on), day_intervals(b, on))
    ]


def overlap_hours(a: MatchProfile, b: MatchProfile, on: date) -> float:
    """Hours both are studying on `on` (0.0 when either window is unknown)."""
    shared = intersect_day(day_intervals(a, on), day_intervals(b, on))
    return sum(hi - lo for lo, hi in shared) / 3600


def overlap_credit(hours: FloatArray | float, weights: ScoreWeights) -> FloatArray:
    """The overlap component for shared hours (scalars or arrays, so one rule serves both the
    pairwise score and the vectorised scorer): 1 from `full_overlap_hours`, below that
    `short_overlap` * hours / full."""
    full = weights.full_overlap_hours
    credit: FloatArray = np.where(hours >= full, 1.0, weights.short_overlap * hours / full)
    return credit


def jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    union = len(x | y)
    return len(x & y) / union if union else 0.0


def _coverage(knows: frozenset[str], learning: frozenset[str]) -> float:
    return len(knows & learning) / len(learning) if learning else 0.0


def base_score(
    a: MatchProfile, b: MatchProfile, on: date, weights: ScoreWeights = DEFAULT_WEIGHTS
) -> float:
    """The score before the history factor, in [0, 1]."""
    unknown = weights.unknown_credit
    same_step = shared_step((a.step, b.step)) is not None
    if same_step:
        goal = 1.0
    else:
        goal = unknown if a.goal is None or b.goal is None else float(a.goal == b.goal)
    if a.level is None or b.level is None:
        level = unknown
    else:
        level = 1.0 - abs(LEVELS.index(a.level) - LEVELS.index(b.level)) / (len(LEVELS) - 1)
    if a.hours is None or b.hours is None:
        overlap = unknown
    else:
        overlap = float(overlap_credit(overlap_hours(a, b, on), weights))
    complement = (_coverage(a.knows, b.learning) + _coverage(b.knows, a.learning)) / 2
    total = (
        weights.goal * goal
        + weights.learning * jaccard(a.learning, b.learning)
        + weights.complement * complement
        + weights.level * level
        + weights.overlap * overlap
    )
    if same_step:
        return (total + weights.same_step) / (weights.total + weights.same_step)
    return total / weights.total


def score(
    a: MatchProfile,
    b: MatchProfile,
    on: date,
    *,
    rounds_ago: int | None = None,
    weights: ScoreWeights = DEFAULT_WEIGHTS,
) -> float:
    """How good a pair `a`, `b` is for the round held on `on`, in [0, 1].

    `rounds_ago` is how many rounds ago they were last grouped (None: never). Blocked pairs and
    paused members are not scored at all: the caller leaves them out of the graph.
    """
    return base_score(a, b, on, weights) * history_factor(rounds_ago, weights)


_FIRST_STEPS: dict[str, str] = {
    "sql": "each pick one SQL exercise from this week and review each other's query",
    "git": "make a shared practice repo, open a pull request each and review the other's",
    "docker": "write a Dockerfile for a small app each, then swap and get the other's running",
    "kubernetes": "deploy one small app to a local cluster (kind or minikube) together",
    "python": "solve one small Python exercise each and review each other's code",
    "rest-apis": "design a tiny REST API together: agree on three endpoints, then each build one",
    "fastapi": "build one FastAPI endpoint each with a test, then review each other's",
    "testing": "pick a function one of you wrote and write its tests together",
    "ci-cd": "add a CI workflow that runs the tests to one of your repos, pairing on it",
    "cloud-basics": "deploy a hello-world app to a free cloud tier together, one driving",
    "aws": "deploy a hello-world app on AWS's free tier together, one of you driving",
    "gcp": "deploy a hello-world app on Google Cloud's free tier together, one driving",
    "azure": "deploy a hello-world app on Azure's free tier together, one of you driving",
    "linux": "each share three shell commands you use daily and try the other's",
    "terraform": "write a Terraform config for one small resource together and plan it",
    "data-engineering": "sketch a small pipeline together (source, transform, storage)",
    "mlops": "take one trained model and plan together how you would ship and monitor it",
    "monitoring": "add logging and one metric to a small app and look at it together",
    "statistics": "each bring one statistics problem and explain your solution to the other",
    "ab-testing": "design an A/B test for an app you both use: metric, sample size, duration",
    "machine-learning": "pick one small dataset and each train a baseline model, then compare",
    "deep-learning": "reproduce one small training run together and compare your results",
    "llms": "build one small prompt or retrieval experiment each and demo it to the other",
    "pandas": "pick one public dataset and each answer the same question with pandas",
    "data-visualization": "make one chart each from the same dataset and critique each other's",
    "frontend": "build one small UI component each and review each other's code",
    "system-design": "take one system (a URL shortener) and design it together in 30 minutes",
    "dsa": "each solve the same two practice problems, then compare approaches",
    "networking": "trace what happens when you open a web page together, layer by layer",
    "security": "review one of your apps together for the OWASP top 10",
    "nosql": "model the same small app in a document store each and compare the designs",
    "interview-prep": "do a 20-minute mock interview each, taking turns as interviewer",
    "flask": "build one Flask route each with a test, then review each other's",
    "django": "add one Django model and view each to a shared project and review them",
}
_GENERIC_STEP = "share what you are each working on this week and set one small goal to review"


def suggest_first_step(shared_skills: Iterable[str], step: PathStep | None = None) -> str:
    """A concrete first session: the task of the milestone the group shares on its path (as a
    clause: the intro ends the sentence), else one tied to the first skill (sorted) that has a
    suggestion."""
    if step is not None:  # an organizer's text: escaped like a member's
        return literal(step.milestone.task.rstrip("."))
    for skill in sorted(shared_skills):
        if skill in _FIRST_STEPS:
            return _FIRST_STEPS[skill]
    return _GENERIC_STEP


@dataclass(frozen=True, slots=True)
class MatchReason:
    """Why two members were grouped; the buddies cog turns it into text."""

    same_goal: str | None
    shared_learning: tuple[str, ...]
    a_can_help_b: tuple[str, ...]
    """Skills `a` knows that `b` is learning."""
    b_can_help_a: tuple[str, ...]
    overlap_hours: float | None
    """None when either member has not set study hours."""
    overlap_windows: tuple[tuple[datetime, datetime], ...] = field(default=())
    """Shared windows in UTC; show each in the member's own zone."""
    last_paired_rounds_ago: int | None = None
    """None: first time these two are grouped."""
    shared_step: PathStep | None = None
    """The learning-path step both are on (`shared_step`), if any."""
    first_step: str = _GENERIC_STEP

    @property
    def first_time(self) -> bool:
        return self.last_paired_rounds_ago is None


def explain(
    a: MatchProfile, b: MatchProfile, on: date, last_paired_rounds_ago: int | None
) -> MatchReason:
    """The facts behind a pairing, in a stable order (skills sorted)."""
    shared = tuple(sorted(a.learning & b.learning))
    a_helps = tuple(sorted(a.knows & b.learning))
    b_helps = tuple(sorted(b.knows & a.learning))
    known = a.hours is not None and b.hours is not None
    windows = tuple(overlap_windows(a, b, on)) if known else ()
    step = shared_step((a.step, b.step))
    return MatchReason(
        same_goal=a.goal if a.goal is not None and a.goal == b.goal else None,
        shared_learning=shared,
        a_can_help_b=a_helps,
        b_can_help_a=b_helps,
        overlap_hours=sum((e - s).total_seconds() for s, e in windows) / 3600 if known else None,
        overlap_windows=windows,
        last_paired_rounds_ago=last_paired_rounds_ago,
        shared_step=step,
        first_step=suggest_first_step(shared or (a_helps + b_helps), step),
    )
