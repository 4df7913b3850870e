"""One buddy round as pure glue: participants, history and blocks in; groups and texts out.

The cog reads the database and the settings, calls `plan`, and writes what comes back (groups,
intros, "why you were left out" notes) in one transaction. Nothing here reads the clock or the
database: the round's date and everything else is passed in. `Cadence` says when rounds are
due, in the community's time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import rustworkx as rx

from bot.localtime import at_local, zone_for
from bot.matching.candidates import build_edges, history_from_rounds, plan_round, short_groups
from bot.matching.graph import SCALE
from bot.matching.score import (
    LEVELS,
    MatchProfile,
    PathStep,
    ScoreWeights,
    shared_step,
    suggest_first_step,
)
from bot.meeting_times import (
    Person,
    hours_summary,
    local_windows,
    session_for_room,
    sessions,
    shared_windows,
)
from bot.paths.progress import PathProgress
from bot.storage.models import Profile
from bot.text import WEEKDAYS, group_names, join, literal, plural

__all__ = ["local_windows", "shared_windows"]  # re-exported: /buddy status reads them here

GROUP_SIZES = (2, 3)
PAUSE_AFTER_MISSED = 2
"""Rounds in a row without a "did you meet" answer or a check-in before matching pauses."""
MAX_PAUSE_WEEKS = 12
"""The longest pause a member (/buddy pause) or an organizer (the dashboard) may choose."""
NOTICE = timedelta(hours=2)
"""The first suggested time to meet is at least this long after the intro goes out: the
evening of a round's first day is offered, a slot that starts as the intro arrives is not."""
HISTORY_ROUNDS = 26
"""Rounds of history read for "last paired N rounds ago" (the repeat window may be shorter)."""
_ANCHOR = date(2024, 1, 1)  # a Monday: "every N weeks" counts weeks from here

Pair = tuple[int, int]
SkillName = Callable[[str], str]


# --- when rounds happen -----------------------------------------------------------------------


@dataclass(frozen=True)
class Cadence:
    """Rounds start on `weekday` at `at` (community time), every `every_weeks` weeks."""

    weekday: int  # 0 = Monday
    at: time
    every_weeks: int
    zone: ZoneInfo

    @property
    def length(self) -> timedelta:
        return timedelta(weeks=self.every_weeks)

    def followup_at(self, started: datetime, ends: datetime | None = None) -> datetime:
        """Mid-round: halfway from `started` to `ends`, the next round that will run (by
        default the next scheduled start). A round started by hand between scheduled ones
        (`every:2`, a week early) is asked at its own middle, not half a cadence later, which
        could be just before the next round."""
        return started + ((ends or self.next_start(started)) - started) / 2

    def _start(self, monday: date) -> datetime:
        return at_local(monday + timedelta(days=self.weekday), self.at, self.zone)

    def _is_round_week(self, monday: date) -> bool:
        return ((monday - _ANCHOR).days // 7) % self.every_weeks == 0

    def _this_monday(self, now: datetime) -> date:
        today = now.astimezone(self.zone).date()
        return today - timedelta(days=today.weekday())

    def _period_monday(self, now: datetime) -> date:
        monday = self._this_monday(now)
        while not self._is_round_week(monday):
            monday -= timedelta(weeks=1)
        return monday

    def period(self, now: datetime) -> tuple[str, datetime]:
        """The round period holding `now` (key, its scheduled start): the `every_weeks` weeks
        from a round week's Monday (community time), keyed by that week (`2026-W10`). A round
        an organizer starts early belongs to the same period as the scheduled one."""
        monday = self._period_monday(now)
        year, week, _ = monday.isocalendar()
        return f"{year}-W{week:02d}", self._start(monday)

    def due(self, now: datetime) -> tuple[str, datetime] | None:
        """This week's round (period key, scheduled start) if its start has passed."""
        if self._period_monday(now) != self._this_monday(now):
            return None  # a later week of the period: its round is not caught up on
        key, start = self.period(now)
        return None if start > now else (key, start)

    def next_start(self, now: datetime) -> datetime:
        """The first scheduled start after `now`."""
        monday = self._this_monday(now)
        while True:
            start = self._start(monday)
            if self._is_round_week(monday) and start > now:
                return start
            monday += timedelta(weeks=1)


def describe_cadence(cadence: Cadence) -> str:
    every = "every week" if cadence.every_weeks == 1 else f"every {cadence.every_weeks} weeks"
    day = WEEKDAYS[cadence.weekday].capitalize()
    return f"{every} on {day} at {cadence.at:%H:%M} ({cadence.zone.key})"


# --- who takes part ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    member_id: int
    name: str
    profile: MatchProfile


def match_profile(
    member_id: int,
    profile: Profile,
    platform_zone: str | None,
    community_zone: str,
    progress: PathProgress | None = None,
) -> MatchProfile:
    """What matching uses of a stored profile, in the member's effective zone, and of their
    learning-path `progress` (their current milestone; none once every one is reached)."""
    current = progress.current if progress is not None else None
    return MatchProfile(
        member_id=member_id,
        goal=profile.goal,
        level=profile.level if profile.level in LEVELS else None,
        learning=frozenset(profile.learning),
        knows=frozenset(profile.knows),
        timezone=zone_for(profile.timezone, platform_zone, community_zone).key,
        hours=profile.hours,
        step=(
            PathStep(progress.path, progress.path.milestones.index(current))
            if progress is not None and current is not None
            else None
        ),
    )


@dataclass(frozen=True)
class PlannedGroup:
    members: tuple[Participant, ...]
    title: str
    intro: str


@dataclass(frozen=True)
class LeftOut:
    member: Participant
    reason: str  # the DM that tells them why


@dataclass(frozen=True)
class RoundOutcome:
    groups: tuple[PlannedGroup, ...]
    left_out: tuple[LeftOut, ...]


def plan(
    participants: Sequence[Participant],
    on: date,
    *,
    number: int,
    past_rounds: Sequence[Iterable[Iterable[int]]],
    blocks: Iterable[Pair],
    group_size: int = 2,
    repeat_window: int = 6,
    skill_name: SkillName = str,
    short_last_round: Iterable[int] | None = None,
    starts: datetime | None = None,
) -> RoundOutcome:
    """Group the round's participants and write each group's intro.

    `past_rounds` holds the member ids of each earlier group, newest round first; `blocks` are
    (blocker, blocked) pairs. Pairs of the last `repeat_window` rounds are avoided whenever a
    grouping without them covers as many members. `short_last_round`: the member ids whose
    group last round shared under 1 h of study time; when None it is worked out from the
    newest of `past_rounds` with today's profiles of the participants (a group with someone no
    longer taking part is then not known to have been short). `starts`: when the intros go
    out, for the suggested times to meet (see `intro_text`).
    """
    if group_size not in GROUP_SIZES:
        raise ValueError(f"group size must be one of {GROUP_SIZES}")
    by_id = {p.member_id: p for p in participants}
    profiles = [p.profile for p in participants]
    blocks = list(blocks)
    history = history_from_rounds(past_rounds)
    weights = ScoreWeights(recent_rounds=repeat_window)
    if short_last_round is None:
        last = past_rounds[0] if past_rounds else ()
        short_last_round = short_groups(last, {p.member_id: p for p in profiles}, on)
    result = plan_round(
        profiles,
        on,
        history=history,
        blocked=blocks,
        weights=weights,
        short_last_round=short_last_round,
    )
    groups = result.groups
    if group_size == 3:
        groups = _as_trios(groups, profiles, on, history, blocks, weights)
    planned = tuple(
        PlannedGroup(
            members=tuple(by_id[m] for m in g),
            title=group_title([by_id[m].name for m in g], number),
            intro=intro_text(
                [by_id[m] for m in g],
                on,
                number,
                history,
                skill_name,
                group_size=group_size,
                starts=starts,
            ),
        )
        for g in groups
    )
    blocked_by: dict[int, set[int]] = {}
    for blocker, blocked in blocks:
        blocked_by.setdefault(blocker, set()).add(blocked)
    left_out = [
        LeftOut(by_id[m], _no_candidates_reason(m, by_id, blocked_by)) for m in result.no_candidates
    ]
    left_out += [LeftOut(by_id[m], _TAKEN) for m in result.unmatched]
    return RoundOutcome(planned, tuple(sorted(left_out, key=lambda x: x.member.member_id)))


_ALONE = (
    "There was no buddy for you this round: you were the only member taking part. "
    "Invite a friend to /buddy join; you stay in for the next round."
)
_ALL_BLOCKED = (
    "There was no buddy for you this round: everyone else taking part is on your block list. "
    "You can change that with /buddy unblock; you stay in for the next round."
)
_NOBODY = (
    "There was no buddy for you this round: nobody taking part could be matched with you. "
    "You stay in for the next round."
)
_TAKEN = (
    "There was no buddy for you this round: everyone you could be matched with was already "
    "in a group. You stay in for the next round."
)


def _no_candidates_reason(
    member_id: int, by_id: Mapping[int, Participant], blocked_by: Mapping[int, set[int]]
) -> str:
    others = set(by_id) - {member_id}
    if not others:
        return _ALONE
    if others <= blocked_by.get(member_id, set()):
        return _ALL_BLOCKED
    return _NOBODY  # never says who blocked whom: the blocked member is not told


def _as_trios(
    groups: list[tuple[int, ...]],
    profiles: Sequence[MatchProfile],
    on: date,
    history: Mapping[Pair, int],
    blocks: Sequence[Pair],
    weights: ScoreWeights,
) -> list[tuple[int, ...]]:
    """Groups of three from the solver's pairs: the weakest pairs split up and each of their
    members joins another pair (the best assignment, both links needed). With 3t + 1 members
    two pairs remain, with 3t + 2 one; if blocks make a split impossible the pairs stay."""
    pairs = [g for g in groups if len(g) == 2]
    grouped = sum(len(g) for g in groups)
    keep_pairs = {0: 0, 1: 2, 2: 1}[grouped % 3]
    split = (len(pairs) - keep_pairs) // 3
    if split <= 0:
        return groups
    edges = build_edges(profiles, on, history=history, blocked=blocks, weights=weights)
    ids = [p.member_id for p in profiles]
    link: dict[frozenset[int], tuple[float, bool]] = {}
    avoid = edges.avoid if edges.avoid is not None else [False] * len(edges)
    for (u, v, w), recent in zip(edges, avoid, strict=True):
        link[frozenset((ids[u], ids[v]))] = (w, bool(recent))
    ranked = sorted(pairs, key=lambda p: (link.get(frozenset(p), (0.0, False))[0], p))
    dissolved, hosts = ranked[:split], ranked[split:]
    joiners = [m for p in dissolved for m in p]
    graph = rx.PyGraph()
    graph.add_nodes_from(range(len(joiners) + len(hosts)))
    bonus = 2 * SCALE + 1  # a fresh trio beats any trio with a recent partner
    for x, j in enumerate(joiners):
        for y, (a, b) in enumerate(hosts):
            la, lb = link.get(frozenset((j, a))), link.get(frozenset((j, b)))
            if la is None or lb is None:
                continue
            key = round((la[0] + lb[0]) * SCALE) + (0 if la[1] or lb[1] else bonus)
            graph.add_edge(x, len(joiners) + y, key)
    matching = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int)
    if len(matching) < len(joiners):
        return groups
    third: dict[int, int] = {}
    for x, y in matching:
        j, h = (x, y) if x < len(joiners) else (y, x)
        third[h - len(joiners)] = joiners[j]
    out: list[tuple[int, ...]] = [g for g in groups if len(g) == 3]
    for y, host in enumerate(hosts):
        out.append(tuple(sorted((*host, third[y]))) if y in third else host)
    return sorted(out)


# --- the intro --------------------------------------------------------------------------------


def group_title(people: Sequence[str], number: int) -> str:
    return f"Study buddies #{number}: {group_names(people)}"


def paired_text(rounds_ago: int | None) -> str:
    if rounds_ago is None:
        return "first time paired"
    return f"last paired {plural(rounds_ago, 'round')} ago"


def _skills(ids: Iterable[str], skill_name: SkillName) -> str:
    return join(sorted(skill_name(s) for s in ids))


def _step_line(members: Sequence[Participant], step: PathStep, both: str) -> str:
    """The milestone a group shares; when some are one milestone ahead, they are named as
    the ones who can help (never who is behind). Organizers' path texts are escaped."""
    path = step.path
    title = literal(step.milestone.title)
    where = f"milestone {step.index + 1} of {len(path.milestones)}: **{title}**"
    ahead = [m.name for m in members if m.profile.step != step]
    if not ahead:
        return f"• {both} on {literal(path.name)}, at {where}"
    reached = "has" if len(ahead) == 1 else "have"
    return (
        f"• {both} on {literal(path.name)}, around {where} "
        f"({group_names(ahead)} {reached} reached it and can help)"
    )


def intro_text(
    members: Sequence[Participant],
    on: date,
    number: int,
    history: Mapping[Pair, int],
    skill_name: SkillName = str,
    *,
    group_size: int = 2,
    starts: datetime | None = None,
) -> str:
    """Why these members were grouped and how to start: names, shared goal, the learning-path
    milestone they share (`shared_step`) and skills, the shared hours in each member's own
    time, how recently they were paired, a first step (that milestone's task, if any), and
    times to meet from `NOTICE` after `starts` (the intro's moment; without it, from the day
    after `on`, in UTC)."""
    members = [replace(m, name=literal(m.name)) for m in members]  # names as typed, no markup
    profiles = [m.profile for m in members]
    names = [m.name for m in members]
    both = "both" if len(members) == 2 else "all"
    lines = [f"**{group_title(names, number)}**", "Why you were matched:"]
    goals = {p.goal for p in profiles}
    if len(goals) == 1 and None not in goals:
        lines.append(f"• {both} working towards: {goals.pop()}")
    step = shared_step(p.step for p in profiles)
    if step is not None:
        lines.append(_step_line(members, step, both))
    levels = {p.level for p in profiles}
    if len(levels) == 1 and None not in levels:
        lines.append(f"• {both} at {levels.pop()} level")
    common = frozenset.intersection(*(p.learning for p in profiles))
    pair_shared: set[str] = set()
    if common:
        lines.append(f"• {both} learning {_skills(common, skill_name)}")
    for a, b in combinations(members, 2):
        shared = a.profile.learning & b.profile.learning
        pair_shared |= shared
        if shared - common:
            lines.append(f"• {a.name} and {b.name} both learning {_skills(shared, skill_name)}")
    helps: set[str] = set()
    for a in members:
        for b in members:
            can = a.profile.knows & b.profile.learning if a is not b else frozenset()
            if can:
                helps |= can
                lines.append(
                    f"• {a.name} knows {_skills(can, skill_name)}, which {b.name} is learning"
                )
    people = [Person(m.name, m.profile) for m in members]
    lines.append(f"• {hours_summary(people, on)}")
    ages = [
        history.get((min(a, b), max(a, b)))
        for a, b in combinations(sorted(m.member_id for m in members), 2)
    ]
    if len(members) == 2:
        lines.append(f"• {paired_text(ages[0])}")
    else:
        named = {m.member_id: m.name for m in members}
        parts = [
            f"{named[a]} & {named[b]} {paired_text(age)}"
            for (a, b), age in zip(combinations(sorted(named), 2), ages, strict=True)
        ]
        lines.append(f"• {'; '.join(parts)}")
    first = suggest_first_step(common or pair_shared or helps, step)
    lines.append(f"First step: {first}{'' if first.endswith(('!', '?')) else '.'}")
    if len(members) < group_size:
        lines.append(
            "You are a pair this round: the members taking part did not split evenly into trios."
        )
    after = (
        starts + NOTICE
        if starts is not None
        else datetime.combine(on + timedelta(days=1), time(), tzinfo=UTC)
    )
    suggested = sessions(profiles, after)
    if suggested:
        lines.append("Times to meet this week, each in your own time:")
        lines += [f"• {session_for_room(s, people)}" for s in suggested]
        lines.append("Pick one here. Mid-round I'll ask each of you if you met.")
    else:
        lines.append(
            "Say hi here and pick a time for a first session. Mid-round I'll ask each "
            "of you if you met."
        )
    return "\n".join(lines)
