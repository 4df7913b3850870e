"""The digest's words, built from one week's data by pure functions.

The headline fits in one message; everything else goes in `details` (a thread under the post,
an indented block on the console). The digest celebrates what people did: nobody is named for
what they did not do, and names are never written as mentions.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from bot.digest import HISTORY_DAYS, Blocker, History, SkillStat, WeekData
from bot.ports import Button
from bot.skills import SkillCatalogue
from bot.streaks import MAX_FREEZES, MILESTONES
from bot.text import date_span, group_names, join, literal, plural, shorten, total_time

TOP_STREAKS = 5
COMEBACK_QUIET_DAYS = 14  # a comeback: no check-in in the 14 days before the week, one before
MIN_STREAK = 2  # a one-day "streak" is just a check-in
TOP_SKILLS = 8
HEADLINE_SKILLS = 3
UNDERPRACTISED = 3
MIN_LEARNERS = 3  # "many people are learning": at least this many
UNDERPRACTISED_SHARE = 0.25  # ... and check-ins practising it at most this share of them
# Each blocker shown gets a Solved button: 8 fit two Discord rows of 5 (25 per message) and one
# Slack actions block (25 elements), so no platform drops one.
MAX_BLOCKERS = 8
HELPERS_PER_BLOCKER = 2
SUGGESTIONS_PER_HELPER = 2  # spread the asks: nobody is suggested for every blocker
MAX_NAMES = 10
NAME_LIMIT = 32
TITLE_LIMIT = 60  # a learning path's or milestone's name
BLOCKER_LIMIT = 120
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Digest:
    headline: str
    details: str | None
    buttons: tuple[Button, ...] = ()  # one "Solved" per blocker shown, run as the clicker


@dataclass(frozen=True, eq=False)
class StreakSummary:
    """Per member (sorted ids, parallel arrays) and the week's highlights."""

    members: np.ndarray
    current: np.ndarray  # streak as of the posting day, 0 when broken
    capped: np.ndarray  # reaches back to the history's first day: may be longer
    milestones: Mapping[int, np.ndarray]  # milestone -> members who reached it in the week
    checked_in: np.ndarray  # members with a check-in in the week
    comebacks: np.ndarray  # members back after COMEBACK_QUIET_DAYS without a check-in

    def top(self, limit: int, minimum: int) -> list[tuple[int, int, bool]]:
        """(member, current, capped) of the longest current streaks, longest first."""
        order = np.lexsort((self.members, -self.current))[:limit]
        return [
            (int(self.members[i]), int(self.current[i]), bool(self.capped[i]))
            for i in order
            if self.current[i] >= minimum
        ]


@dataclass(frozen=True)
class Routed:
    blocker: Blocker
    skills: tuple[str, ...]  # the skills the blocker is tagged with
    helpers: tuple[int, ...]  # members who know one of them, best first


# --- text hygiene -------------------------------------------------------------------------------


def plain(text: str, limit: int) -> str:
    """One line of member-written text that cannot ping anyone (@everyone, <@id>, <!channel>)."""
    text = shorten(" ".join(text.split()), limit)
    return text.replace("@", "@\u200b").replace("<", "<\u200b")


def safe(text: str, limit: int) -> str:
    """`plain`, with formatting escaped too: for the digest's text (the chart draws `plain`)."""
    return literal(plain(text, limit))


def _name(data: WeekData, member_id: int, clean: Callable[[str, int], str] = safe) -> str:
    return clean(data.names.get(member_id, "a member"), NAME_LIMIT)


def _change(now: int, before: int, percent: bool = False) -> str:
    if before == 0:
        return ""
    if now == before:
        return " (same as last week)"
    if percent:
        return f" ({(now - before) / before:+.0%} vs last week)"
    return f" ({now - before:+d} vs last week)"


# --- streaks ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Runs:
    """Each member's runs of consecutive check-in days up to the posting day, joined into
    streak chains by the freezes (parallel arrays, one entry a run, sorted by member, day)."""

    member: np.ndarray  # whose run
    start: np.ndarray  # its first and last day (ordinals)
    end: np.ndarray
    length: np.ndarray
    opens: np.ndarray  # the member's first run
    before: np.ndarray  # days done in its chain before it
    bridged: np.ndarray  # the one-day gap before it is covered by a freeze
    chain_first: np.ndarray  # the first day of its chain
    members: np.ndarray  # per member (sorted ids): current streak, and whether it may be longer
    current: np.ndarray
    capped: np.ndarray


def _runs(history: History, today: date, freezes_per_week: int) -> _Runs | None:
    """The runs and current streaks of `history` as of `today` (None: nobody checked in).

    The same rules as `bot.streaks.compute` (a tested equivalence), vectorised over runs of
    consecutive days so that 10,000 members cost milliseconds: a single missed day between two
    runs is covered by a freeze while its ISO week has one left; two missed days end a streak;
    the day before `today` may still be covered because today is not over.
    """
    allowed = max(0, min(MAX_FREEZES, freezes_per_week))
    t = today.toordinal()
    keep = history.days <= t
    m, d = history.members[keep], history.days[keep]
    if m.size == 0:
        return None
    new_member = np.r_[True, m[1:] != m[:-1]]
    starts = np.flatnonzero(new_member | np.r_[True, np.diff(d) != 1])
    ends = np.r_[starts[1:] - 1, d.size - 1]
    rm, rs, re = m[starts], d[starts], d[ends]
    length = re - rs + 1
    opens = new_member[starts]  # the member's first run
    member_index = np.cumsum(opens) - 1
    # A one-day gap before a run is bridged while the missed day's ISO week has a freeze left:
    # rank each member's one-day gaps within their ISO week (ordinal 1 is a Monday).
    one_day = ~opens & (rs - np.r_[0, re[:-1]] == 2)
    week_of = (rs - 2) // 7  # the ISO week of the missed day rs - 1
    gaps = np.flatnonzero(one_day)
    gm, gw = rm[gaps], week_of[gaps]
    group = np.r_[True, (gm[1:] != gm[:-1]) | (gw[1:] != gw[:-1])]
    first_in_group = np.maximum.accumulate(np.where(group, np.arange(gaps.size), 0))
    bridged = np.zeros(rs.size, bool)
    bridged[gaps] = np.arange(gaps.size) - first_in_group < allowed
    # Streak chains: runs joined by bridged gaps; days done in the chain before each run.
    chain_starts = np.flatnonzero(~bridged)
    chain = np.cumsum(~bridged) - 1
    total = np.cumsum(length)
    before = total - length - (total - length)[chain_starts][chain]
    chain_first = rs[chain_starts][chain]
    last_run = np.r_[np.flatnonzero(opens)[1:] - 1, rs.size - 1]
    members = rm[last_run]
    yesterday_week = (t - 2) // 7
    used = np.bincount(member_index[bridged & (week_of == yesterday_week)], minlength=members.size)
    gap = t - re[last_run]
    alive = (gap <= 1) | ((gap == 2) & (used < allowed))
    current = np.where(alive, before[last_run] + length[last_run], 0)
    capped = alive & (chain_first[last_run] <= history.since.toordinal() + 1)
    return _Runs(rm, rs, re, length, opens, before, bridged, chain_first, members, current, capped)


def current_streaks(
    history: History, today: date, freezes_per_week: int
) -> tuple[np.ndarray, np.ndarray]:
    """(members, their current streaks) as of `today`: `summarize`'s, without the week's
    milestones and comebacks (half its time; the dashboard charts ten weeks' medians)."""
    runs = _runs(history, today, freezes_per_week)
    if runs is None:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return runs.members, runs.current


def window_start(earliest: date) -> date:
    """The Sunday on or before `earliest`: a history from then shows every freeze used in the
    weeks it covers, so a streak it does not cap is the one a longer history counts (a tested
    equivalence). From a later weekday, a freeze used before the first day would be unseen."""
    return earliest - timedelta(days=earliest.toordinal() % 7)  # ordinal 7 is a Sunday


@dataclass(frozen=True, eq=False)
class DayStreaks:
    """Streaks as of one day: members with a check-in in the days looked at, sorted."""

    members: np.ndarray
    current: np.ndarray
    # The streak reaches back to the first days of a history shorter than HISTORY_DAYS: a
    # longer history may make it longer (never shorter).
    capped: np.ndarray


def current_streaks_on(
    history: History, days: Sequence[date], freezes_per_week: int
) -> list[DayStreaks]:
    """For each of `days`, `current_streaks` as of that day over the HISTORY_DAYS up to it, or
    over `history` when it starts later (from a `window_start`: then `capped` marks the
    streaks it cannot see the start of). One pass over the runs of the latest day rather than
    one a day: the dashboard's ten weeks of medians in a fifth of the time.

    A run goes into the same chain whatever comes after it, so a day's streaks are its last
    runs, cut at the day. With the whole HISTORY_DAYS in sight, a chain that starts within a
    week of the day's first looked-at day could have been bridged differently had the days
    before that been out of sight, as they are in `current_streaks`' own history; such a day
    (a streak of over a year) is counted on its own history instead.
    """
    if not days:
        return []
    runs = _runs(history, max(days), freezes_per_week)
    empty = np.zeros(0, np.int64)
    if runs is None:
        return [DayStreaks(empty, empty, empty.astype(bool)) for _ in days]
    allowed = max(0, min(MAX_FREEZES, freezes_per_week))
    owner = np.cumsum(runs.opens) - 1  # each run's member, as an index into runs.members
    week_of = (runs.start - 2) // 7  # the ISO week of the day missed before it
    first_seen = history.since.toordinal()
    found = []
    for day in days:
        t, since = day.toordinal(), day.toordinal() - HISTORY_DAYS
        started = runs.start <= t
        upto = np.flatnonzero(started)
        if upto.size == 0:
            found.append(DayStreaks(empty, empty, empty.astype(bool)))
            continue
        who = runs.member[upto]
        last = upto[np.r_[who[1:] != who[:-1], True]]  # each member's last run started by t
        end = np.minimum(runs.end[last], t)
        seen = end >= since
        gap = t - end
        yesterday_week = (t - 2) // 7
        used = np.bincount(
            owner[runs.bridged & started & (week_of == yesterday_week)],
            minlength=runs.members.size,
        )[owner[last]]
        alive = (gap <= 1) | ((gap == 2) & (used < allowed))
        reaching = alive & seen & (runs.chain_first[last] <= max(since + 8, first_seen + 1))
        if first_seen <= since and reaching.any():
            window = history.cut(day - timedelta(days=HISTORY_DAYS), day)
            members, current = current_streaks(window, day, freezes_per_week)
            found.append(DayStreaks(members, current, np.zeros(members.size, bool)))
            continue
        current = np.where(alive, runs.before[last] + end - runs.start[last] + 1, 0)
        capped = reaching if first_seen > since else np.zeros(last.size, bool)
        found.append(DayStreaks(runs.member[last][seen], current[seen], capped[seen]))
    return found


def summarize(
    history: History, today: date, first: date, last: date, freezes_per_week: int
) -> StreakSummary:
    """Current streaks (`_runs`), the week's milestones and comebacks for every member at once."""
    runs = _runs(history, today, freezes_per_week)
    if runs is None:
        none = np.zeros(0, np.int64)
        return StreakSummary(none, none, none.astype(bool), {}, none, none)
    lo, hi = first.toordinal(), last.toordinal()
    rm, rs, re, before = runs.member, runs.start, runs.end, runs.before
    milestones: dict[int, np.ndarray] = {}
    for goal in MILESTONES:
        on = rs + (goal - before - 1)
        reached = (before < goal) & (before + runs.length >= goal) & (on >= lo) & (on <= hi)
        if reached.any():
            milestones[goal] = np.unique(rm[reached])
    checked_in = np.unique(rm[(rs <= hi) & (re >= lo)])
    # The latest day each member checked in before the week (0: none in the history).
    earlier = np.where(rs < lo, np.minimum(re, lo - 1), 0)
    latest_before = np.maximum.reduceat(earlier, np.flatnonzero(runs.opens))
    quiet = (latest_before > 0) & (latest_before < lo - COMEBACK_QUIET_DAYS)
    comebacks = np.intersect1d(runs.members[quiet], checked_in)
    return StreakSummary(runs.members, runs.current, runs.capped, milestones, checked_in, comebacks)


# --- skills -------------------------------------------------------------------------------------


def top_skills(skills: Sequence[SkillStat], limit: int) -> list[SkillStat]:
    practised = [s for s in skills if s.checkins > 0]
    return sorted(practised, key=lambda s: (-s.checkins, s.skill))[:limit]


def underpractised(skills: Sequence[SkillStat]) -> list[SkillStat]:
    """Skills many members are learning but few check-ins practised: worth a study session."""
    found = [
        s
        for s in skills
        if s.learners >= MIN_LEARNERS and s.checkins <= s.learners * UNDERPRACTISED_SHARE
    ]
    return sorted(found, key=lambda s: (-(s.learners - s.checkins), s.skill))[:UNDERPRACTISED]


# --- blockers -----------------------------------------------------------------------------------


def tag(blocker: Blocker, catalogue: SkillCatalogue) -> tuple[str, ...]:
    """The check-in's skills, then those the blocker text names: a blocker on a FastAPI
    check-in that says "frontend" is asked of people who know either. The check-in's come
    first because the member chose them; route() fills helpers in this order.
    """
    return tuple(dict.fromkeys((*blocker.checkin_skills, *catalogue.mentioned(blocker.text))))


def _rotation(week_key: str, member_id: int) -> int:
    """A stable order that changes every week, so the same expert is not always asked first."""
    return zlib.crc32(f"{week_key}:{member_id}".encode())


def route(
    blockers: Sequence[tuple[Blocker, tuple[str, ...]]],
    knows: Mapping[str, Sequence[int]],
    blocks: frozenset[tuple[int, int]],
    week_key: str,
    prefer: frozenset[int] = frozenset(),
) -> list[Routed]:
    """Pair each tagged blocker with up to two members who know one of its skills.

    `knows` holds only willing helpers (active, not opted out) of this community. Never the
    asker, never anyone in a block relation with the asker in either direction. Members who
    checked in this week are preferred; nobody is suggested more than twice per digest.
    """
    order: dict[str, list[int]] = {}
    load: Counter[int] = Counter()
    routed: list[Routed] = []
    for blocker, skills in blockers:
        asker = blocker.member_id
        chosen: list[int] = []
        for skill in skills:
            if skill not in order:
                order[skill] = sorted(
                    knows.get(skill, ()),
                    key=lambda m: (m not in prefer, _rotation(week_key, m), m),
                )
            for helper in order[skill]:
                if len(chosen) == HELPERS_PER_BLOCKER:
                    break
                if (
                    helper == asker
                    or helper in chosen
                    or load[helper] >= SUGGESTIONS_PER_HELPER
                    or (asker, helper) in blocks
                    or (helper, asker) in blocks
                ):
                    continue
                chosen.append(helper)
        load.update(chosen)
        routed.append(Routed(blocker, skills, tuple(chosen)))
    return routed


def open_blockers(
    blockers: Sequence[Blocker], catalogue: SkillCatalogue
) -> list[tuple[Blocker, tuple[str, ...]]]:
    """Blockers to show: the most recent tagged ones, then untagged ones if room is left.

    Tags are worked out newest first and only until the list is full: a big community has
    thousands of blockers and shows a handful.
    """
    tagged: list[tuple[Blocker, tuple[str, ...]]] = []
    untagged: list[tuple[Blocker, tuple[str, ...]]] = []
    for blocker in sorted(blockers, key=lambda b: (-b.local_date.toordinal(), b.member_id)):
        skills = tag(blocker, catalogue)
        (tagged if skills else untagged).append((blocker, skills))
        if len(tagged) == MAX_BLOCKERS:
            break
    return (tagged + untagged)[:MAX_BLOCKERS]


def routed_blockers(
    blockers: Sequence[Blocker],
    knows: Mapping[str, Sequence[int]],
    blocks: frozenset[tuple[int, int]],
    week_key: str,
    catalogue: SkillCatalogue,
    checked_in: np.ndarray,
) -> list[Routed]:
    """The week's blockers the digest shows, each with the peers it asks (the dashboard lists
    the same); `checked_in`: the members who checked in in the week, preferred as helpers."""
    prefer = frozenset(int(m) for m in checked_in)
    return route(open_blockers(blockers, catalogue), knows, blocks, week_key, prefer)


# --- the digest ---------------------------------------------------------------------------------


def build(data: WeekData, catalogue: SkillCatalogue) -> Digest:
    week = data.week
    name = "Weekly study digest" if week.complete else "Study digest, this week so far"
    title = f"📚 **{name}** · {date_span(week.first, week.last)}"
    if data.empty:
        return Digest(_quiet(data, title), None)
    streaks = summarize(data.history, data.today, week.first, week.last, data.freezes_per_week)
    current = streaks.top(TOP_STREAKS, MIN_STREAK)
    skills = top_skills(data.skills, TOP_SKILLS)
    routed = routed_blockers(
        data.blockers, data.knows, data.blocks, week.key, catalogue, streaks.checked_in
    )
    headline = [title, participation(data)]
    if current:
        tops = [_streak(data, *s) for s in current[:HEADLINE_SKILLS]]
        headline.append(f"🔥 Longest streaks: {' · '.join(tops)}")
    if skills:
        tops = [f"{catalogue.name(s.skill)} {s.checkins:,}" for s in skills[:HEADLINE_SKILLS]]
        headline.append(f"🛠️ Most practised (check-ins): {' · '.join(tops)}")
    if data.buddies.groups:
        b = data.buddies
        headline.append(f"🤝 Buddies: {b.met:,} of {plural(b.groups, 'group')} met")
    paths = _path_headline(data)
    if paths:
        headline.append(paths)
    if data.new_members:
        headline.append(f"👋 Welcome to {plural(len(data.new_members), 'new member')}!")
    headline.append("🧵 Streaks, skills, blockers with peers who can help, and more in the thread.")
    details = [
        _participation_details(data),
        _streak_details(data, streaks, current),
        _skill_details(data, catalogue, skills),
        _blocker_details(data, catalogue, routed),
        _buddy_details(data),
        _path_details(data),
        _welcome_details(data),
    ]
    buttons = tuple(_solved_button(data, r.blocker) for r in routed)
    return Digest("\n".join(headline), "\n\n".join(d for d in details if d), buttons)


def _solved_button(data: WeekData, blocker: Blocker) -> Button:
    """Runs as whoever clicks it; /checkin solved lets only the author close it. Labels are
    plain text on every platform, so the name is not escaped (`plain`, not `safe`)."""
    return Button(
        f"Solved #{blocker.id} ({_name(data, blocker.member_id, plain)})",
        f"checkin solved blocker:{blocker.id}",
    )


def _quiet(data: WeekData, title: str) -> str:
    lines = [
        title,
        "A quiet week: no check-ins yet. Every streak starts with a single day, so today is a "
        "great day to start one: tell us one thing you learned with /checkin. Ten minutes counts!",
    ]
    if data.new_members:
        names = [_name(data, m) for m in data.new_members[:MAX_NAMES]]
        lines.append(f"👋 Welcome, {join(names, total=len(data.new_members))}!")
    return "\n".join(lines)


def participation(data: WeekData) -> str:
    """The 'N of M members checked in · hours studied' line, with the change on last week
    (also the organizer report's)."""
    members = (
        f"👥 **{data.checked_in:,}** of {data.active_members:,} members checked in"
        f"{_change(data.checked_in, data.previous_checked_in)}"
    )
    if not data.minutes:
        return members
    time = f"⏱️ **{total_time(data.minutes)}** studied{_change(data.minutes, data.previous_minutes, True)}"
    return f"{members} · {time}"


def _participation_details(data: WeekData) -> str:
    days = " · ".join(
        f"{DAY_NAMES[day.weekday()]} {n:,}"
        for day, n in zip(data.week.days, data.per_day, strict=True)
    )
    lines = [
        "**Who showed up**",
        f"{plural(data.checkins, 'check-in')}, {plural(data.checked_in, 'member')}; "
        f"{plural(data.minutes, 'minute')} logged.",
        f"Check-ins per day: {days}",
    ]
    return "\n".join(lines)


def _streak(data: WeekData, member_id: int, days: int, capped: bool) -> str:
    return f"{_name(data, member_id)} {days}{'+' if capped else ''} days"


def names_of(data: WeekData, ids: np.ndarray | Sequence[int]) -> str:
    """Up to MAX_NAMES of these members' names, then "and N more"."""
    return join([_name(data, int(i)) for i in ids[:MAX_NAMES]], total=len(ids))


def _streak_details(
    data: WeekData, streaks: StreakSummary, current: Sequence[tuple[int, int, bool]]
) -> str:
    lines = ["**Streaks**"]
    if current:
        lines.append(
            f"🔥 Longest current streaks: {' · '.join(_streak(data, *s) for s in current)}"
        )
    for goal in sorted(streaks.milestones, reverse=True):
        lines.append(f"🏅 {goal} days in a row: {names_of(data, streaks.milestones[goal])}")
    if streaks.comebacks.size:
        lines.append(f"🌱 Welcome back: {names_of(data, streaks.comebacks)}. Great to see you!")
    return "\n".join(lines) if len(lines) > 1 else ""


def _skill_details(data: WeekData, catalogue: SkillCatalogue, skills: Sequence[SkillStat]) -> str:
    lines = ["**Skills practised** (check-ins)"]
    if skills:
        lines.append(" · ".join(f"{catalogue.name(s.skill)} {s.checkins:,}" for s in skills))
    gaps = underpractised(data.skills)
    if gaps:
        asks = [
            f"{catalogue.name(s.skill)} ({s.learners} learning, {s.checkins} check-ins)"
            for s in gaps
        ]
        lines.append(
            f"Many are learning, few practised: {' · '.join(asks)}. A study session, anyone?"
        )
    return "\n".join(lines) if len(lines) > 1 else ""


def _blocker_details(data: WeekData, catalogue: SkillCatalogue, routed: Sequence[Routed]) -> str:
    if not routed:
        return ""
    lines = ["**Blockers: peers who can help**"]
    for r in routed:
        who = f"#{r.blocker.id} {_name(data, r.blocker.member_id)}"
        about = f" ({catalogue.names(r.skills)})" if r.skills else ""
        text = safe(r.blocker.text, BLOCKER_LIMIT)
        if r.helpers:
            ask = join([_name(data, h) for h in r.helpers], conjunction="or")
            lines.append(f"• {who}{about}: “{text}” → {ask} can help")
        elif r.skills:
            lines.append(f"• {who}{about}: “{text}” → know this? Reply in the thread!")
        else:
            lines.append(f"• {who}: “{text}”")
    more = len(data.blockers) - len(routed)
    if more > 0:
        lines.append(f"…and {more:,} more this week.")
    lines.append(
        "Know a skill? /profile set knows:docker,sql puts you on the helper list; "
        "/digest helper off takes you off it."
    )
    return "\n".join(lines)


def _buddy_details(data: WeekData) -> str:
    b = data.buddies
    if not b.groups:
        return ""
    rounds = f"Round{'s' if len(b.rounds) > 1 else ''} {', '.join(str(n) for n in b.rounds)}"
    lines = [
        "**Study buddies**",
        f"{rounds}: {plural(b.groups, 'group')}, {b.met:,} met ({b.met / b.groups:.0%}).",
    ]
    if b.shoutouts:
        pairs = [group_names([safe(n, NAME_LIMIT) for n in group]) for group in b.shoutouts]
        lines.append(f"👏 Shout-out to {join(pairs)} for meeting up!")
    return "\n".join(lines)


def _present(data: WeekData, ids: Sequence[int]) -> list[int]:
    """The members still here, of `ids`: the digest names nobody who left."""
    return [m for m in ids if m in data.names]


def _path_headline(data: WeekData) -> str:
    p = data.paths
    parts = []
    reached = _present(data, [m for m, _ in p.reached])
    if reached:
        parts.append(plural(len(reached), "milestone") + " reached")
    submitted = _present(data, p.submitted)
    if submitted:
        parts.append(plural(len(submitted), "project") + " submitted")
    return f"🧭 Learning paths: {' · '.join(parts)}" if parts else ""


def _path_details(data: WeekData) -> str:
    """Counts of where members are on each path; the names of those who reached a milestone,
    submitted a project or reviewed one this week (never of who did not)."""
    p = data.paths
    lines = ["**Learning paths**"]
    for count in p.on_paths:
        steps = [f"{safe(title, TITLE_LIMIT)} {n:,}" for title, n in count.at if n]
        if count.finished:
            steps.append(f"finished {count.finished:,}")
        where = f": {' · '.join(steps)}" if steps else ""
        lines.append(
            f"🧭 {safe(count.path, TITLE_LIMIT)}, {plural(count.members, 'member')}{where}"
        )
    reached: dict[int, list[str]] = {}
    for member, title in p.reached:
        if member in data.names:
            reached.setdefault(member, []).append(safe(title, TITLE_LIMIT))
    if reached:
        shown = [f"{_name(data, m)} ({', '.join(t)})" for m, t in list(reached.items())[:MAX_NAMES]]
        lines.append(f"🎯 Milestones reached: {join(shown, total=len(reached))}. Well done!")
    submitted = _present(data, p.submitted)
    if submitted:
        lines.append(f"🚀 Projects submitted for peer review: {names_of(data, submitted)}")
    if p.reviewed:
        lines.append(f"📝 {plural(p.reviewed, 'project')} got a peer review this week.")
    reviewers = _present(data, p.reviewers)
    if reviewers:
        lines.append(f"🙏 Thank you for reviewing, {names_of(data, reviewers)}!")
    return "\n".join(lines) if len(lines) > 1 else ""


def _welcome_details(data: WeekData) -> str:
    if not data.new_members:
        return ""
    names = [_name(data, m) for m in data.new_members[:MAX_NAMES]]
    return f"**New members**\n👋 Welcome, {join(names, total=len(data.new_members))}!"
