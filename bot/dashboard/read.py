"""The organizers' dashboard: one community's figures, members, rounds, blockers and settings,
read from the code the digest and buddy rounds use, and the buddy actions of `/buddy`.

Every method takes the tenant it shows and reads or changes nothing of another: a member id
of another community is refused (False) or not shown. Domain time comes in as `now`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from itertools import dropwhile
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

import numpy as np

from bot.blockers import BLOCKER_DAYS
from bot.community import STREAK_FREEZES, TIMEZONE, CommunityValues
from bot.dashboard import chart
from bot.dashboard.recent import Recent
from bot.dashboard.table import BuddyStatus, MemberTable
from bot.dashboard.views import (
    SORTS,
    STATUSES,
    BlockerList,
    BlockersView,
    BlockerView,
    GroupView,
    MemberQuery,
    MembersPage,
    Overview,
    RoundsView,
    RoundView,
    SettingRow,
    WeekFigures,
)
from bot.digest import HISTORY_DAYS, Blocker, History, content
from bot.digest.week import Week, last_full_week, week_so_far
from bot.localtime import local_date, zone
from bot.matching.round import MAX_PAUSE_WEEKS, match_profile
from bot.meeting_times import local_windows, shared_windows
from bot.skills import SkillCatalogue

# The module, not its class: bot.storage.dashboard imports this package's views, so when it is
# imported first it is not done yet here (its class is looked up on first use instead).
from bot.storage import dashboard as dashboard_storage
from bot.storage.buddies import BuddyRepo, Group, Round
from bot.storage.digests import DigestRepo, WeekCounts
from bot.storage.models import Profile
from bot.text import WEEKDAYS

if TYPE_CHECKING:
    from bot.app import App

CHART_WEEKS = 8
# The digest's posting weekday, declared by the digests cog (bot/ cannot import it).
DIGEST_DAY_KEY = "digest_day"
# The overview and the members table are kept this long: they are the slowest pages to read
# at 10,000 members (about 0.2 s each: ten weeks' figures; every member's facts and streak),
# and an organizer clicking through them, or sorting, searching and paging the table, reuses
# one read. The actions here drop the table at once; a member's own /buddy, a check-in or an
# erasure shows up to this much later. Rounds and blockers are fast enough to read each time.
KEPT_FOR = timedelta(minutes=1)
KEPT_TABLES = 16  # per kind: overviews and member tables (a 10,000-member one is a few MB)
RECENT_ROUNDS = 6  # counted on the rounds page
GROUPS_PER_PAGE = 50  # of the round shown: a 10,000-member round has 5,000 groups
BLOCKERS_PER_PAGE = 100  # of each list: a big community has thousands open in a week
# A streak is still alive when its last check-in is at most this many days before today: the
# day before today may be covered by a freeze, and today is not over (bot.streaks).
STREAK_ALIVE_DAYS = 2
# Streaks are read from this many days of check-ins for everyone (and more only for those
# whose streak is longer): four weeks before the earliest day asked about, as few outlast.
RECENT_DAYS = 28
_WHY = "Why you were matched:"
T = TypeVar("T")
_WHY_ENDS = "First step:"


# Most members' status is one of these: one object each, not one per member.
_NOT_IN_ROUNDS = BuddyStatus("not in rounds", False, False, False)
_LEFT_ROUNDS = BuddyStatus("left rounds", False, False, False)
_IN_ROUNDS = BuddyStatus("in rounds", False, False, True)


Streaks = list[tuple[np.ndarray, np.ndarray]]  # per day: members, their current streaks


def figures(counts: Sequence[WeekCounts], streaks: Streaks) -> list[WeekFigures]:
    """The digest's numbers of each week, with the current streaks as of its posting day: the
    median streak is that of the members who checked in in the week."""
    found = []
    for c, (members, current) in zip(counts, streaks, strict=True):
        checked_in = c.checked_in_members  # sorted, as `members` are: found by bisection
        at = np.minimum(np.searchsorted(checked_in, members), max(0, checked_in.size - 1))
        of_week = current[checked_in[at] == members] if checked_in.size else current[:0]
        found.append(
            WeekFigures(
                first=c.week.first,
                last=c.week.last,
                active_members=c.active_members,
                checked_in=int(checked_in.size),
                checkins=c.checkins,
                minutes=c.minutes,
                median_streak=float(np.median(of_week)) if of_week.size else 0.0,
                open_blockers=c.open_blockers,
            )
        )
    return found


def enrolment(
    buddy: dashboard_storage.Enrolment | None, now: datetime, zone: ZoneInfo
) -> BuddyStatus:
    """What a person reads about a member's buddy rounds, as `/buddy status` decides it."""
    if buddy is None:
        return _NOT_IN_ROUNDS
    if buddy.status == "left":
        return _LEFT_ROUNDS
    if buddy.paused_at(now):
        if buddy.paused_until is not None:
            until = buddy.paused_until.astimezone(zone)
            return BuddyStatus(f"paused until {until.day} {until:%b}", True, False, False)
        missed = buddy.missed_rounds
        why = f"missed {missed} rounds" if missed else 'no answer to "Still in?"'
        return BuddyStatus(f"auto-paused ({why})", True, True, False)
    return _IN_ROUNDS


def matched_because(intro: str | None) -> str:
    """The "Why you were matched" lines of a group's intro, as sent ("" when not kept)."""
    if not intro or _WHY not in intro:
        return ""
    # The heading starts a line: a path's or milestone's name may say "First step:" too.
    reasons = intro.split(_WHY, 1)[1].split(f"\n{_WHY_ENDS}", 1)[0]
    return "\n".join(line.strip() for line in reasons.strip().splitlines())


class Dashboard:
    """What an organizer's dashboard shows of one community; every method is scoped by tenant."""

    def __init__(self, app: App) -> None:
        self._app = app
        self._repo = dashboard_storage.DashboardRepo(app.db)
        self._digests = DigestRepo(app.db)
        self._buddies = BuddyRepo(app.db)
        self._rows: Recent[int, MemberTable] = Recent(KEPT_FOR, KEPT_TABLES)
        self._overviews: Recent[tuple[int, date, date], Overview] = Recent(KEPT_FOR, KEPT_TABLES)

    def forget(self) -> None:
        """Drop every kept read (the server stops: a 10,000-member table is megabytes)."""
        self._rows.clear()
        self._overviews.clear()

    # --- where the community is in time -------------------------------------------------------

    def _zone(self, values: CommunityValues) -> ZoneInfo:
        return zone(values[TIMEZONE])

    def _weekday(self, values: CommunityValues) -> int:
        """The digest's posting weekday (0 = Monday); Monday when no digest is declared."""
        setting = self._app.community.declared.get(DIGEST_DAY_KEY)
        return WEEKDAYS.index(values[setting]) if setting is not None else 0

    def _this_week(self, values: CommunityValues, now: datetime) -> Week:
        community = self._zone(values)
        return week_so_far(local_date(now, community), self._weekday(values), community)

    # --- overview -----------------------------------------------------------------------------

    async def overview(self, tenant_id: int, now: datetime) -> Overview:
        """This week so far against the same days a week earlier (the digest preview's
        comparison), and the last CHART_WEEKS complete digest weeks, each as of its posting day,
        from the first the community had a member in (a 3-week-old community charts 3)."""
        values = await self._app.community.get(tenant_id)
        community = self._zone(values)
        today = local_date(now, community)
        this = week_so_far(today, self._weekday(values), community)
        key = (tenant_id, this.first, today)
        kept = self._overviews.get(key, now)
        if kept is not None:
            return kept
        before = this.previous()
        newest = last_full_week(today, self._weekday(values), community)
        history = [newest]
        for _ in range(CHART_WEEKS - 1):
            history.insert(0, history[0].previous())
        asked = [(this, today), (before, before.last + timedelta(days=1))] + [
            (w, w.last + timedelta(days=1)) for w in history
        ]
        posted = [d for _, d in asked]
        since = content.window_start(min(posted) - timedelta(days=RECENT_DAYS))
        counts = await self._digests.counts(tenant_id, asked, since)
        streaks = await self._streaks_on(tenant_id, counts[0].whole, posted, values[STREAK_FREEZES])
        this_week, last_week, *charted = figures(counts, streaks)
        weeks = tuple(dropwhile(lambda w: w.active_members == 0, charted))
        tenant = await self._app.tenants.get(tenant_id)
        found = Overview(
            community=tenant.name if tenant is not None else "",
            this_week=this_week,
            last_week=last_week,
            weeks=weeks,
            draw=chart.render,
        )
        return self._overviews.put(key, found, now)

    # --- members ------------------------------------------------------------------------------

    async def all_members(self, tenant_id: int, now: datetime) -> MemberTable:
        """Every member still here, by name (the CSV export)."""
        return await self._member_table(tenant_id, now)

    async def members(self, tenant_id: int, now: datetime, query: MemberQuery) -> MembersPage:
        """One page of the members table: filtered, searched and sorted in Python over the
        kept table's columns (a 10,000-member table takes milliseconds; SQL would read them
        again), and only the page's rows made."""
        query = replace(
            query,
            status=query.status if query.status in STATUSES else "all",
            sort=query.sort if query.sort in SORTS else "name",
            per_page=max(1, query.per_page),
        )
        table = await self._member_table(tenant_id, now)
        found = table.sorted_by(
            table.matching(query.status, query.search), query.sort, query.descending
        )
        pages = max(1, math.ceil(len(found) / query.per_page))
        page = min(max(1, query.page), pages)
        start = (page - 1) * query.per_page
        return MembersPage(
            rows=tuple(table[i] for i in found[start : start + query.per_page]),
            total=len(found),
            page=page,
            pages=pages,
            query=replace(query, page=page),
            days=table.days,
        )

    async def _member_table(self, tenant_id: int, now: datetime) -> MemberTable:
        """Every member's row, kept for KEPT_FOR: sorting, searching and paging a
        10,000-member table reuse one read; the actions here drop it at once."""
        kept = self._rows.get(tenant_id, now)
        if kept is not None:
            return kept
        values = await self._app.community.get(tenant_id)
        community = self._zone(values)
        week = self._this_week(values, now)
        today = week.last
        facts = await self._repo.members(tenant_id, week.first, week.last)
        recent = await self._digests.history(
            tenant_id,
            today - timedelta(days=STREAK_ALIVE_DAYS),
            today,
            since=content.window_start(today - timedelta(days=RECENT_DAYS)),
        )
        ((members, streaks),) = await self._streaks_on(
            tenant_id, recent, [today], values[STREAK_FREEZES]
        )
        streak_of = dict(zip(members.tolist(), streaks.tolist(), strict=True))
        skill_name = self._app.skills.name
        # Members share a few skill sets and enrolments: each is named once.
        skills = {s: tuple(skill_name(k) for k in s) for s in set(facts.learning)}
        statuses = {b: enrolment(b, now, community) for b in set(facts.buddies)}
        table = MemberTable.by_name(
            days=week.days,
            member_ids=facts.member_ids,
            names=facts.names,
            last_checkins=facts.last_checkins,
            streaks=[streak_of.get(m, 0) for m in facts.member_ids],
            weeks=facts.weeks,
            statuses=[statuses[b] for b in facts.buddies],
            skills=[skills[s] for s in facts.learning],
        )
        return self._rows.put(tenant_id, table, now)

    async def _streaks_on(
        self, tenant_id: int, recent: History, days: Sequence[date], freezes: int
    ) -> Streaks:
        """The current streaks as of each of `days`, from `recent` (a few weeks of check-ins,
        from a `content.window_start`), and from the HISTORY_DAYS only for the members whose
        streak reaches back further: a community's year of check-ins is ten times the weeks
        most streaks need."""
        found = content.current_streaks_on(recent, days, freezes)
        longer = np.unique(np.concatenate([d.members[d.capped] for d in found]))
        if longer.size == 0:
            return [(d.members, d.current) for d in found]
        earliest = min(days) - timedelta(days=HISTORY_DAYS)
        whole = await self._digests.history(
            tenant_id, earliest, max(days), since=earliest, members=longer.tolist()
        )
        streaks = []
        for d, again in zip(found, content.current_streaks_on(whole, days, freezes), strict=True):
            current = d.current.copy()
            # Every capped member checked in within `recent`, so within `whole` too.
            current[d.capped] = again.current[np.searchsorted(again.members, d.members[d.capped])]
            streaks.append((d.members, current))
        return streaks

    # --- buddy rounds -------------------------------------------------------------------------

    async def rounds(
        self, tenant_id: int, now: datetime, number: int | None = None, page: int = 1
    ) -> RoundsView:
        """The latest RECENT_ROUNDS rounds counted, newest first; one page of the groups of
        round `number` (the latest when None) with answers, shared study time and why they
        were matched; and who waits for a group or is paused by the bot now."""
        community = (await self._app.community.get(tenant_id))[TIMEZONE]
        recent = await self._repo.round_counts(tenant_id, RECENT_ROUNDS)
        latest = recent[0][0] if recent else None
        rnd = await self._buddies.round_numbered(self._app.db, tenant_id, number)
        waiting = await self._repo.round_notes(tenant_id, latest, "waiting") if latest else []
        return RoundsView(
            rounds=tuple(summary for _, summary in recent),
            shown=await self._round(tenant_id, rnd, community, page) if rnd else None,
            waiting=tuple(waiting),
            auto_paused=tuple(await self._repo.auto_paused(tenant_id)),
        )

    async def _round(self, tenant_id: int, rnd: Round, community: str, page: int) -> RoundView:
        ((_, summary),) = await self._repo.round_counts(tenant_id, 1, rnd.number)
        pages = max(1, math.ceil(summary.groups / GROUPS_PER_PAGE))
        page = min(max(1, page), pages)
        groups = await self._buddies.round_groups(
            tenant_id, rnd.id, limit=GROUPS_PER_PAGE, offset=(page - 1) * GROUPS_PER_PAGE
        )
        notes = await self._repo.group_notes(tenant_id, [g.id for g in groups])
        # Only groups the round found study time in common for have hours worth showing.
        sharing = [g for g in groups if notes.get(g.id, (None, None))[0] in ("shared", None)]
        profiles = await self._app.profiles.of(
            tenant_id, [m.member_id for g in sharing for m in g.members if m.member_id is not None]
        )
        day = local_date(rnd.started_at, zone(community))
        shared = {g.id: _shared_time(g, profiles, community, day) for g in sharing}
        return RoundView(
            summary=summary,
            groups=tuple(
                GroupView(
                    names=tuple(m.display_name for m in g.members),
                    met=tuple(m.display_name for m in g.members if m.met is True),
                    not_met=tuple(m.display_name for m in g.members if m.met is False),
                    no_answer=tuple(m.display_name for m in g.members if m.met is None),
                    shared_time=shared.get(g.id),
                    why=matched_because(notes.get(g.id, (None, None))[1]),
                )
                for g in groups
            ),
            page=page,
            pages=pages,
        )

    # --- blockers -----------------------------------------------------------------------------

    async def blockers(
        self, tenant_id: int, now: datetime, listed: str = "", page: int = 1
    ) -> BlockersView:
        """Blockers open now (the digest's week so far): those the digest asks peers about,
        with the peers it names, then the others; and those solved in the last BLOCKER_DAYS
        (so one solved a moment ago leaves the open lists at once). Each list newest first,
        BLOCKERS_PER_PAGE at a time: page `page` of the list named `listed`, the first of
        the others."""
        values = await self._app.community.get(tenant_id)
        week = self._this_week(values, now)
        asking = await self._digests.asking(tenant_id, week)
        catalogue = self._app.skills
        community = self._zone(values)
        solved = await self._repo.solved_blockers(tenant_id, now - timedelta(days=BLOCKER_DAYS))
        done = {s.blocker.id for s in solved}
        routed = [
            r
            for r in content.routed_blockers(
                asking.blockers, asking.knows, asking.blocks, week.key, catalogue, asking.checked_in
            )
            if r.helpers and r.blocker.id not in done
        ]
        asked = {r.blocker.id for r in routed}
        names = asking.names
        others = sorted(
            (b for b in asking.blockers if b.id not in asked and b.id not in done),
            key=lambda b: (-b.local_date.toordinal(), b.id),
        )

        def page_of(name: str) -> int:
            return page if name == listed else 1

        return BlockersView(
            open=_listed(
                "open",
                others,
                page_of("open"),
                lambda b: _blocker_view(
                    b, names.get(b.member_id, ""), content.tag(b, catalogue), catalogue
                ),
            ),
            routed=_listed(
                "routed",
                routed,
                page_of("routed"),
                lambda r: _blocker_view(
                    r.blocker,
                    names.get(r.blocker.member_id, ""),
                    r.skills,
                    catalogue,
                    tuple(names.get(h, "") for h in r.helpers),
                ),
            ),
            solved=_listed(
                "solved",
                solved,
                page_of("solved"),
                lambda s: _blocker_view(
                    s.blocker,
                    s.member,
                    content.tag(s.blocker, catalogue),
                    catalogue,
                    solved=local_date(s.solved_at, community),
                ),
            ),
        )

    # --- settings -----------------------------------------------------------------------------

    async def settings(self, tenant_id: int) -> list[SettingRow]:
        values = await self._app.community.get(tenant_id)
        return [
            SettingRow(key, setting.display(values[setting]), setting.description, setting.command)
            for key, setting in sorted(self._app.community.declared.items())
        ]

    # --- actions (as /buddy pause, /buddy resume and /buddy leave do them) --------------------

    async def _enrolled(self, tenant_id: int, member_id: int) -> bool:
        """A member here in buddy matching: what /buddy pause, resume and leave require."""
        if not await self._repo.is_member(tenant_id, member_id):
            return False
        buddy = await self._buddies.get(tenant_id, member_id)
        return buddy is not None and buddy.status != "left"

    async def _set_status(
        self,
        tenant_id: int,
        member_id: int,
        status: str,
        now: datetime,
        paused_until: datetime | None = None,
    ) -> None:
        await self._buddies.set_status(tenant_id, member_id, status, now, paused_until)
        self._rows.drop(tenant_id)  # the organizer sees the change on the next page

    async def pause(self, tenant_id: int, member_id: int, weeks: int, now: datetime) -> bool:
        if not 1 <= weeks <= MAX_PAUSE_WEEKS:
            raise ValueError(f"a pause is 1 to {MAX_PAUSE_WEEKS} weeks, not {weeks}")
        if not await self._enrolled(tenant_id, member_id):
            return False
        until = now + timedelta(weeks=weeks)
        await self._set_status(tenant_id, member_id, "paused", now, until)
        return True

    async def resume(self, tenant_id: int, member_id: int, now: datetime) -> bool:
        if not await self._enrolled(tenant_id, member_id):
            return False
        await self._set_status(tenant_id, member_id, "active", now)
        return True

    async def remove_from_rounds(self, tenant_id: int, member_id: int, now: datetime) -> bool:
        if not await self._enrolled(tenant_id, member_id):
            return False
        await self._set_status(tenant_id, member_id, "left", now)
        return True


def _blocker_view(
    blocker: Blocker,
    member: str,
    skills: tuple[str, ...],
    catalogue: SkillCatalogue,
    routed_to: tuple[str, ...] = (),
    solved: date | None = None,
) -> BlockerView:
    return BlockerView(
        id=blocker.id,
        member=member,
        reported=blocker.local_date,
        text=blocker.text,
        skills=tuple(catalogue.name(s) for s in skills),
        routed_to=routed_to,
        solved=solved,
    )


def _listed(
    name: str, items: Sequence[T], page: int, view: Callable[[T], BlockerView]
) -> BlockerList:
    """Page `page` of `items` (the last page when past it), each made a view only when shown:
    tagging 7,000 blockers' texts for a page of 100 would be most of the page's time."""
    pages = max(1, math.ceil(len(items) / BLOCKERS_PER_PAGE))
    page = min(max(1, page), pages)
    start = (page - 1) * BLOCKERS_PER_PAGE
    shown = items[start : start + BLOCKERS_PER_PAGE]
    return BlockerList(
        name=name,
        items=tuple(view(i) for i in shown),
        total=len(items),
        page=page,
        pages=pages,
        more=len(items) - start - len(shown),
    )


def _shared_time(
    group: Group, profiles: dict[int, Profile], community: str, on: date
) -> str | None:
    """The group's study hours in common on the round's day, in the community's time."""
    present = [m for m in group.members if m.member_id is not None]
    if len(present) < 2:
        return None
    windows = shared_windows(
        [
            match_profile(m.member_id, profiles[m.member_id], m.platform_timezone, community)
            for m in present
            if m.member_id is not None
        ],
        on,
    )
    if not windows:
        return None
    return f"{local_windows(windows, community, weekday=True)} {community}"
