"""The weekly organizer report: the digest's figures and the latest buddy round report, by DM.

The digest tells the channel what the group did; organizers also want the numbers, privately,
whether or not a digest channel is set. When a community's digest is due (the digest job,
`cogs/digests.py`, drives this), every organizer seen in the last 90 days who has not turned
it off gets one DM, built from the same `WeekData` the digest uses. Exactly once per week:
the claim `(tenant, "organizer-report", week key)` and the messages (keyed per tenant,
organizer and week) commit together, so a tick run twice, a restart or a second process sends
nothing more.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Annotated

from bot.app import App
from bot.commands import CommandError, Invocation, Opt, Reply, command
from bot.digest import WeekData, content
from bot.digest.week import Week
from bot.ports import Message
from bot.storage import claims
from bot.storage.buddies import BuddyRepo
from bot.storage.organizers import RECENT
from bot.storage.outbox import Target, enqueue, message_key
from bot.text import date_span, plural
from cogs.buddies.report import Report, report_of

JOB = "organizer-report"
# Useful until the next week's report comes; one the platform could not take by then is dropped.
REPORT_TTL = timedelta(days=6)
STOP = "Stop these reports with /admin reports off:yes."
HEADING = "📊 **Weekly figures for"

Gather = Callable[[int, Week, date], Awaitable[WeekData]]


def organizer_report(data: WeekData, community: str, buddies: Report | None) -> Message:
    """The week's figures as the digest counts them, then the latest round's report."""
    checked_in = data.history.members_between(data.week.first, data.week.last)
    lines = [
        f"{HEADING} {community}** · {date_span(data.week.first, data.week.last)}"
        " (only organizers get this)",
        content.participation(data),
        f"✅ {plural(data.checkins, 'check-in')} · 🧱 {plural(len(data.blockers), 'open blocker')}",
    ]
    if checked_in.size:
        lines.append(f"Checked in: {content.names_of(data, checked_in)}")
    if data.buddies.groups:
        lines.append(
            f"🤝 This week's rounds: {data.buddies.met:,} of "
            f"{plural(data.buddies.groups, 'group')} met"
        )
    if buddies is None:
        lines.append("🤝 No buddy round has run yet; start one with /admin match now.")
    else:
        lines.append(f"🤝 Latest buddy round:\n{buddies.message.text}")
    lines.append(f"You get this as an organizer of {community}. {STOP}")
    return Message("\n".join(lines), details=buddies.message.details if buddies else None)


class OrganizerReports:
    def __init__(self, app: App, gather: Gather) -> None:
        self._app = app
        self._gather = gather
        self._buddies = BuddyRepo(app.db)

    async def send(self, tenant_id: int, week: Week, today: date, now: datetime) -> int:
        """Queue `week`'s report to each organizer who wants it; how many were queued (0 when
        this week's reports went out already, or nobody wants one)."""
        async with self._app.db.transaction() as tx:
            if await claims.is_claimed(tx, tenant_id, JOB, week.key):
                return 0  # cheap check first: build nothing nobody will get
        recipients = await self._app.organizers.wanting_reports(tenant_id, now - RECENT)
        if not recipients:
            return 0
        data = await self._gather(tenant_id, week, today)
        values = await self._app.community.get(tenant_id)
        buddies = await report_of(self._app.db, self._buddies, tenant_id, values, now)
        tenant = await self._app.tenants.get(tenant_id)
        community = tenant.name if tenant is not None and tenant.name else "your community"
        message = organizer_report(data, community, buddies)
        # The members it names (who checked in, the round's), whose erasure blanks it.
        named = data.history.members_between(week.first, week.last).tolist()
        named += buddies.named if buddies else ()
        async with self._app.db.transaction() as tx:
            if not await claims.claim(tx, tenant_id, JOB, week.key, now):
                return 0
            for member_id, external_id in recipients:
                await enqueue(
                    tx,
                    tenant_id,
                    message_key(JOB, tenant_id, week.key, member_id),
                    Target.dm(external_id),
                    message,
                    now,
                    member_id,
                    expires_at=now + REPORT_TTL,
                    mentions=named,
                )
        return len(recipients)

    @command(
        "admin reports",
        "Your weekly organizer report by DM (figures and the latest buddy round): on or off.",
        admin=True,
        examples=("/admin reports", "/admin reports off:yes", "/admin reports on:yes"),
    )
    async def reports(
        self,
        inv: Invocation,
        *,
        off: Annotated[bool | None, Opt("yes to stop your weekly report")] = None,
        on: Annotated[bool | None, Opt("yes to get your weekly report again")] = None,
    ) -> Reply:
        wanted = {choice for choice in (None if off is None else not off, on) if choice is not None}
        if len(wanted) > 1:
            raise CommandError("Choose one: off:yes or on:yes.", inv.command)
        if wanted:
            [state] = wanted
            await self._app.organizers.set_reports(inv.tenant.id, inv.member.id, state, inv.now)
        organizer = await self._app.organizers.get(inv.tenant.id, inv.member.id)
        receiving = organizer is None or organizer.reports
        if receiving:
            text = (
                "You get the weekly organizer report by DM when the digest is due (its day and "
                "time: /admin digest), even with no digest channel set: the week's figures and "
                f"the latest buddy round report. {STOP}"
            )
        else:
            text = (
                "You do not get the weekly organizer report. "
                "Turn it back on with /admin reports on:yes."
            )
        return Reply(text=("Saved. " if wanted else "") + text, private=True)
