"""/streak and /stats: how a member is doing, by their own local days."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Annotated

from bot import streaks
from bot.app import App
from bot.blockers import BLOCKER_DAYS
from bot.commands import Invocation, Opt, Reply, WhichWeek, command
from bot.ports import Button
from bot.storage.checkins import CheckinRepo
from bot.storage.models import Member
from bot.text import long_date, plural, total_time
from cogs.checkins.days import member_day

SOLVED_BUTTONS = 5  # a row of buttons; the rest are solved by number


class ProgressCommands:
    def __init__(self, app: App, repo: CheckinRepo) -> None:
        self._app = app
        self._repo = repo

    @command(
        "streak",
        "Show current and longest streak, freezes left and the last 14 days.",
        examples=("/streak", "/streak user:@alice"),
    )
    async def streak(
        self, inv: Invocation, *, user: Annotated[Member | None, Opt("whose streak to show")] = None
    ) -> Reply:
        member = user or inv.member
        md = await member_day(self._app, inv.tenant, member, inv.now)
        dates = await self._repo.dates(inv.tenant.id, member.id)
        s = streaks.compute(dates, md.today, md.freezes)
        own = member.id == inv.member.id
        whose = "Your" if own else f"{member.label}'s"
        lines = [
            f"**{whose} streak**",
            f"🔥 Current: {plural(s.current, 'day')} · Longest: {plural(s.longest, 'day')}",
            f"{streaks.MARK_FROZEN} Freezes left this week: {s.freezes_left} of {md.freezes}",
            f"Last 14 days (oldest first, today last): {streaks.marks(dates, s, md.today)}",
            f"{streaks.MARK_DONE} checked in  {streaks.MARK_FROZEN} freeze  "
            f"{streaks.MARK_MISSED} missed  {streaks.MARK_OPEN} today, not yet",
        ]
        if own and not dates:
            lines.append("Start one with /checkin did:what you did today")
        return Reply(text="\n".join(lines))

    @command(
        "stats",
        "Your week: days checked in, minutes, top skills, open blockers.",
        examples=("/stats", "/stats week:last"),
    )
    async def stats(
        self,
        inv: Invocation,
        *,
        week: WhichWeek = "this",
    ) -> Reply:
        md = await member_day(self._app, inv.tenant, inv.member, inv.now)
        monday = md.today - timedelta(days=md.today.weekday() + (7 if week == "last" else 0))
        sunday = monday + timedelta(days=6)
        checkins = await self._repo.between(inv.tenant.id, inv.member.id, monday, sunday)
        minutes = sum(c.minutes or 0 for c in checkins)
        counts = Counter(s for c in checkins for s in c.skills)
        top = ", ".join(f"{self._app.skills.name(s)} ({n})" for s, n in counts.most_common(3))
        days = ", ".join(f"{c.local_date:%a}" for c in checkins)
        title = "Your week so far" if week == "this" else "Your last week"
        lines = [
            f"**{title}** ({long_date(monday)} - {long_date(sunday)})",
            f"Days checked in: {len(checkins)} of 7" + (f" ({days})" if days else ""),
            f"Time: {total_time(minutes)}",
            f"Top skills: {top or 'none yet'}",
        ]
        open_ones = await self._repo.open_blockers(
            inv.tenant.id, inv.member.id, inv.now - timedelta(days=BLOCKER_DAYS)
        )
        if open_ones:
            lines.append("Open blockers (mark one with /checkin solved blocker:N):")
            lines += [f"  #{b.id} {long_date(b.local_date)}: {b.text[:120]}" for b in open_ones]
        else:
            lines.append("Open blockers: none")
        buttons = tuple(
            Button(f"Solved #{b.id}", f"checkin solved blocker:{b.id}")
            for b in open_ones[:SOLVED_BUTTONS]
        )
        return Reply(text="\n".join(lines), buttons=buttons)
