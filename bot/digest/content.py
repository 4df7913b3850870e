"""The digest's words, built from one week's data by pure functions.

The headline fits in one message; everything else goes in `details` (a thread under the post,
an indented block on the console). The digest celebrates what people did: nobody is named for
what they did not do, and names are never written as mentions.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from bot.digest import Blocker, Run, SkillStat, WeekData
from bot.skills import SkillCatalogue
from bot.streaks import MAX_FREEZES, MILESTONES

TOP_STREAKS = 5
MIN_STREAK = 2  # a one-day "streak" is just a check-in
TOP_SKILLS = 8
HEADLINE_SKILLS = 3
UNDERPRACTISED = 3
MIN_LEARNERS = 3  # "many people are learning": at least this many
UNDERPRACTISED_SHARE = 0.25  # ... and at most this share of them practised it
MAX_BLOCKERS = 8
HELPERS_PER_BLOCKER = 2
SUGGESTIONS_PER_HELPER = 2  # spread the asks: nobody is suggested for every blocker
MAX_NAMES = 10
NAME_LIMIT = 32
BLOCKER_LIMIT = 120
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Digest:
    headline: str
    details: str | None


@dataclass(frozen=True)
class StreakNews:
    member_id: int
    current: int  # as of the posting day
    milestones: tuple[int, ...]  # reached on a day of the week


@dataclass(frozen=True)
class Routed:
    blocker: Blocker
    skills: tuple[str, ...]  # the skills the blocker is tagged with
    helpers: tuple[int, ...]  # members who know one of them, best first


# --- text hygiene -------------------------------------------------------------------------------


def safe(text: str, limit: int) -> str:
    """One line of member-written text that cannot ping anyone (@everyone, <@id>, <!channel>)."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text.replace("@", "@\u200b").replace("<", "<\u200b")


def _name(data: WeekData, member_id: int) -> str:
    return safe(data.names.get(member_id, "a member"), NAME_LIMIT)


def _join(items: Sequence[str], total: int | None = None, word: str = "and") -> str:
    """'A', 'A and B', 'A, B and C', 'A, B and 3 more'."""
    extra = (total if total is not None else len(items)) - len(items)
    if extra > 0:
        return f"{', '.join(items)} and {extra} more"
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def span(first: date, last: date) -> str:
    return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"


def _change(now: int, before: int, percent: bool = False) -> str:
    if before == 0:
        return ""
    if now == before:
        return " (same as last week)"
    if percent:
        return f" ({(now - before) / before:+.0%} vs last week)"
    return f" ({now - before:+d} vs last week)"


def _hours(minutes: int) -> str:
    return f"{minutes / 60:,.1f} h" if minutes >= 60 else f"{minutes} min"


# --- streaks ------------------------------------------------------------------------------------


def _iso_week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def streak_news(
    runs: Iterable[Run], today: date, first: date, last: date, freezes_per_week: int
) -> list[StreakNews]:
    """Current streaks and the week's milestones, from runs of consecutive check-in days.

    The same rules as `bot.streaks.compute` (a tested equivalence), run by run instead of day
    by day so that thousands of members cost milliseconds: a single missed day between two runs
    is covered by a freeze if its ISO week has one left; two missed days end the streak; the
    day before `today` may still be covered because today is not over.
    """
    allowed = max(0, min(MAX_FREEZES, freezes_per_week))
    news: list[StreakNews] = []
    for member_id, member_runs in groupby(runs, key=lambda r: r.member_id):
        used: Counter[tuple[int, int]] = Counter()
        length = 0
        reached: list[int] = []
        previous: date | None = None
        for run in member_runs:
            if previous is not None:
                missed = previous + timedelta(days=1)
                if run.first - previous == timedelta(days=2) and used[_iso_week(missed)] < allowed:
                    used[_iso_week(missed)] += 1
                else:
                    length = 0
            days = (run.last - run.first).days + 1
            for m in MILESTONES:
                if length < m <= length + days:
                    on = run.first + timedelta(days=m - length - 1)
                    if first <= on <= last:
                        reached.append(m)
            length += days
            previous = run.last
        if previous is None:
            continue
        gap = (today - previous).days
        alive = gap <= 1 or (gap == 2 and used[_iso_week(today - timedelta(days=1))] < allowed)
        news.append(StreakNews(member_id, length if alive else 0, tuple(reached)))
    return news


# --- skills -------------------------------------------------------------------------------------


def top_skills(skills: Sequence[SkillStat], limit: int) -> list[SkillStat]:
    practised = [s for s in skills if s.checkins > 0]
    return sorted(practised, key=lambda s: (-s.checkins, -s.members, s.skill))[:limit]


def underpractised(skills: Sequence[SkillStat]) -> list[SkillStat]:
    """Skills many members are learning but few practised this week: worth a study session."""
    found = [
        s
        for s in skills
        if s.learners >= MIN_LEARNERS and s.members <= s.learners * UNDERPRACTISED_SHARE
    ]
    return sorted(found, key=lambda s: (-(s.learners - s.members), s.skill))[:UNDERPRACTISED]


# --- blockers -----------------------------------------------------------------------------------


def tag(blocker: Blocker, catalogue: SkillCatalogue) -> tuple[str, ...]:
    """Skills named in the blocker text win; otherwise the skills of that day's check-in."""
    return catalogue.mentioned(blocker.text) or blocker.checkin_skills


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
    data: WeekData, catalogue: SkillCatalogue
) -> list[tuple[Blocker, tuple[str, ...]]]:
    """Blockers to show: tagged ones first, then the most recent."""
    tagged = [(b, tag(b, catalogue)) for b in data.blockers]
    tagged.sort(key=lambda bt: (not bt[1], -bt[0].local_date.toordinal(), bt[0].member_id))
    return tagged[:MAX_BLOCKERS]


# --- the digest ---------------------------------------------------------------------------------


def build(data: WeekData, catalogue: SkillCatalogue) -> Digest:
    week = data.week
    title = f"📚 **Weekly study digest** · {span(week.first, week.last)}"
    if data.empty:
        return Digest(_quiet(data, title), None)
    streaks = streak_news(data.runs, data.today, week.first, week.last, data.freezes_per_week)
    current = sorted(
        (s for s in streaks if s.current >= MIN_STREAK), key=lambda s: (-s.current, s.member_id)
    )
    skills = top_skills(data.skills, TOP_SKILLS)
    checked_in = frozenset(r.member_id for r in data.runs if r.last >= week.first)
    routed = route(
        open_blockers(data, catalogue), data.knows, data.blocks, week.key, prefer=checked_in
    )
    headline = [title, _participation(data)]
    if current:
        tops = [f"{_name(data, s.member_id)} {s.current}" for s in current[:HEADLINE_SKILLS]]
        headline.append(f"🔥 Longest streaks (days): {' · '.join(tops)}")
    if skills:
        tops = [f"{catalogue.name(s.skill)} {s.checkins}" for s in skills[:HEADLINE_SKILLS]]
        headline.append(f"🛠️ Most practised: {' · '.join(tops)}")
    if data.buddies.groups:
        b = data.buddies
        headline.append(f"🤝 Buddies: {b.met} of {b.groups} groups met")
    if data.new_members:
        count = len(data.new_members)
        headline.append(f"👋 Welcome to {count} new member{'s' if count != 1 else ''}!")
    headline.append("🧵 Streaks, skills, blockers with peers who can help, and more in the thread.")
    details = [
        _participation_details(data),
        _streak_details(data, streaks, current),
        _skill_details(data, catalogue, skills),
        _blocker_details(data, catalogue, routed),
        _buddy_details(data),
        _welcome_details(data),
    ]
    return Digest("\n".join(headline), "\n\n".join(d for d in details if d))


def _quiet(data: WeekData, title: str) -> str:
    lines = [
        title,
        "A quiet week: no check-ins yet. Every streak starts with a single day, so today is a "
        "great day to start one: tell us one thing you learned with /checkin. Ten minutes counts!",
    ]
    if data.new_members:
        names = [_name(data, m) for m in data.new_members[:MAX_NAMES]]
        lines.append(f"👋 Welcome, {_join(names, len(data.new_members))}!")
    return "\n".join(lines)


def _participation(data: WeekData) -> str:
    members = (
        f"👥 **{data.checked_in}** of {data.active_members} members checked in"
        f"{_change(data.checked_in, data.previous_checked_in)}"
    )
    if not data.minutes:
        return members
    time = (
        f"⏱️ **{_hours(data.minutes)}** studied{_change(data.minutes, data.previous_minutes, True)}"
    )
    return f"{members} · {time}"


def _participation_details(data: WeekData) -> str:
    days = " · ".join(
        f"{DAY_NAMES[day.weekday()]} {n}"
        for day, n in zip(data.week.days, data.per_day, strict=True)
    )
    lines = [
        "**Who showed up**",
        f"{data.checkins:,} check-ins from {data.checked_in:,} members; "
        f"{data.minutes:,} minutes logged.",
        f"Check-ins per day: {days}",
    ]
    return "\n".join(lines)


def _streak_details(
    data: WeekData, streaks: Sequence[StreakNews], current: Sequence[StreakNews]
) -> str:
    lines = ["**Streaks**"]
    if current:
        tops = [f"{_name(data, s.member_id)} {s.current} days" for s in current[:TOP_STREAKS]]
        lines.append(f"🔥 Longest current streaks: {' · '.join(tops)}")
    for m in sorted(MILESTONES, reverse=True):
        ids = sorted(s.member_id for s in streaks if m in s.milestones)
        if ids:
            names = [_name(data, i) for i in ids[:MAX_NAMES]]
            lines.append(f"🏅 {m} days in a row: {_join(names, len(ids))}")
    if data.comebacks:
        names = [_name(data, i) for i in data.comebacks[:MAX_NAMES]]
        lines.append(f"🌱 Welcome back: {_join(names, len(data.comebacks))}. Great to see you!")
    return "\n".join(lines) if len(lines) > 1 else ""


def _skill_details(data: WeekData, catalogue: SkillCatalogue, skills: Sequence[SkillStat]) -> str:
    lines = ["**Skills practised**"]
    if skills:
        tops = [
            f"{catalogue.name(s.skill)} {s.checkins} ({s.members} {'person' if s.members == 1 else 'people'})"
            for s in skills
        ]
        lines.append(" · ".join(tops))
    gaps = underpractised(data.skills)
    if gaps:
        asks = [
            f"{catalogue.name(s.skill)} ({s.learners} learning, {s.members} practised)"
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
        who = _name(data, r.blocker.member_id)
        about = f" ({catalogue.names(r.skills)})" if r.skills else ""
        text = safe(r.blocker.text, BLOCKER_LIMIT)
        if r.helpers:
            ask = _join([_name(data, h) for h in r.helpers], word="or")
            lines.append(f"• {who}{about}: “{text}” → {ask} can help")
        elif r.skills:
            lines.append(f"• {who}{about}: “{text}” → know this? Reply in the thread!")
        else:
            lines.append(f"• {who}: “{text}”")
    more = len(data.blockers) - len(routed)
    if more > 0:
        lines.append(f"…and {more} more this week.")
    lines.append(
        "Know a skill? /profile set knows:docker,sql puts you on the helper list; "
        "/digest helper off takes you off it."
    )
    return "\n".join(lines)


def _buddy_details(data: WeekData) -> str:
    b = data.buddies
    if not b.groups:
        return ""
    rounds = ", ".join(f"#{n}" for n in b.rounds)
    lines = [
        "**Study buddies**",
        f"Round {rounds}: {b.groups} groups, {b.met} met ({b.met / b.groups:.0%}).",
    ]
    if b.shoutouts:
        pairs = [" & ".join(safe(n, NAME_LIMIT) for n in group) for group in b.shoutouts]
        lines.append(f"👏 Shout-out to {_join(pairs)} for meeting up!")
    return "\n".join(lines)


def _welcome_details(data: WeekData) -> str:
    if not data.new_members:
        return ""
    names = [_name(data, m) for m in data.new_members[:MAX_NAMES]]
    return f"**New members**\n👋 Welcome, {_join(names, len(data.new_members))}!"
