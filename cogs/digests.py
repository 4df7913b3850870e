"""Weekly digests: a short post in the study channel about the week's learning, details in a
thread, a chart attached. Exactly once per community per week (claim + outbox).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, TypeVar

from bot.app import App
from bot.channel_check import with_channel_check
from bot.commands import (
    ChannelName,
    CommandError,
    Invocation,
    Opt,
    Reply,
    WhichWeek,
    command,
    settings_reply,
)
from bot.community import DIGEST_CHANNEL, STREAK_FREEZES, TIMEZONE, CommunityValues, Setting
from bot.digest import WeekData, chart, content
from bot.digest.week import (
    Week,
    due_week,
    last_full_week,
    next_slot,
    week_at,
    week_so_far,
)
from bot.localtime import local_date, zone
from bot.paths.week import path_week
from bot.personal_data import PersonalData
from bot.ports import Attachment, ChannelUse, Message
from bot.scheduling import Job
from bot.storage import claims
from bot.storage.digests import DigestRepo, DigestSchedule
from bot.storage.organizers import RECENT
from bot.storage.outbox import Target, enqueue, message_key
from bot.storage.reviews import ReviewRepo
from bot.text import WEEKDAYS, date_span
from cogs.organizer_reports import OrganizerReports

log = logging.getLogger(__name__)
T = TypeVar("T")

JOB = "digest"
# A digest that could not go out within a day (an outage, a long rate limit) is dropped rather
# than posted about a week that is long over; `/digest post` can post it again.
DIGEST_TTL = timedelta(hours=24)


DAY = Setting.weekday(
    "digest_day", "monday", "weekday the digest is posted", "/admin digest day:monday"
)
TIME = Setting.time_of_day(
    "digest_time", time(9), "time the digest is posted, community time", "/admin digest time:09:00"
)


class Digests:
    def __init__(self, app: App) -> None:
        self._app = app
        self.repo = DigestRepo(app.db)
        self.reports = OrganizerReports(app, self.gather)
        self._reviews = ReviewRepo(app.db)

    # --- building -------------------------------------------------------------------------------

    async def gather(self, tenant_id: int, week: Week, today: date) -> WeekData:
        values = await self._app.community.get(tenant_id)
        freezes = values[STREAK_FREEZES]
        # Public posts show no member's days (who missed which day is the dashboard's view).
        data = await self.repo.week(tenant_id, week, today, freezes_per_week=freezes, member_rows=0)
        paths = await path_week(self._app.paths, self._reviews, tenant_id, week, data.names.keys())
        return replace(data, paths=paths)

    async def compose(self, data: WeekData) -> Message:
        """The digest message: headline, details for the thread, the chart as a PNG."""
        digest = content.build(data, self._app.skills)
        # Rendering is CPU-bound for a few hundred ms: keep the event loop answering commands.
        png = await asyncio.to_thread(chart.render, data, self._app.skills.name)
        picture = Attachment(
            f"digest-{data.week.key}.png",
            png,
            "Check-ins of the week by day and by skill",
        )
        return Message(
            text=digest.headline, details=digest.details, files=(picture,), buttons=digest.buttons
        )

    # --- posting (exactly once per week) --------------------------------------------------------

    async def post(
        self,
        tenant_id: int,
        channel: str,
        week: Week,
        today: date,
        now: datetime,
        *,
        trigger: str,
        force: bool = False,
        requested_by: int | None = None,
    ) -> str | None:
        """Queue the digest of `week`; the outbox key, or None when the week's digest exists.

        The claim, the digest row and the outbox message commit together, so a second tick, a
        racing process or a crash at any point leaves exactly one digest. `force` posts another
        one after the week's claim was taken, under its own key.
        """
        async with self._app.db.transaction() as tx:
            if await claims.is_claimed(tx, tenant_id, JOB, week.key) and not force:
                return None  # cheap check first: do not build a digest nobody will post
        data = await self.gather(tenant_id, week, today)
        message = await self.compose(data)
        key = message_key("digest", tenant_id, week.key)
        async with self._app.db.transaction() as tx:
            if not await claims.claim(tx, tenant_id, JOB, week.key, now):
                if not force:
                    return None
                key = f"{key}:extra-{await self.repo.count_for_week(tx, tenant_id, week.key)}"
                trigger = "forced"
            await self.repo.record(
                tx, tenant_id, data, channel, trigger, key, now, requested_by=requested_by
            )
            await enqueue(
                tx,
                tenant_id,
                key,
                Target.channel(channel),
                message,
                now,
                expires_at=now + DIGEST_TTL,
                mentions=data.names,  # every member it may name, in text or in the chart
            )
        return key

    async def tick(self, now: datetime) -> int:
        """Post every community's digest whose scheduled time has come and is not posted yet,
        and send its organizers their report of the week; how many digests and reports."""
        queued = 0
        for schedule in await self.repo.scheduled(DIGEST_CHANNEL.key, now - RECENT):
            if await self._app.runs_jobs_for(schedule.tenant_id):  # not another shard's
                queued += await self._due(schedule, now)
        if queued:
            self._app.sender.kick()
        return queued

    async def _due(self, schedule: DigestSchedule, now: datetime) -> int:
        """Queue what one community has due at `now`: its digest, its organizers' reports."""
        tenant_id = schedule.tenant_id
        values = await self._app.community.get(tenant_id)
        weekday, community = WEEKDAYS.index(values[DAY]), zone(values[TIMEZONE])
        queued = 0
        channel = values[DIGEST_CHANNEL]
        week = due_week(now, weekday, values[TIME], community, schedule.armed_at)
        if channel and week is not None:
            today = week.last + timedelta(days=1)
            key = await _isolated(
                "digest",
                tenant_id,
                self.post(tenant_id, channel, week, today, now, trigger="schedule"),
            )
            queued += key is not None
        # Organizers want their figures with or without a digest channel; a community whose
        # organizers never chose a schedule has had the default one since it was created.
        week = due_week(
            now, weekday, values[TIME], community, schedule.armed_at or schedule.created_at
        )
        if week is not None:
            today = week.last + timedelta(days=1)
            queued += (
                await _isolated(
                    "organizer report", tenant_id, self.reports.send(tenant_id, week, today, now)
                )
                or 0
            )
        return queued

    # --- commands -------------------------------------------------------------------------------

    async def _now_week(self, inv: Invocation) -> tuple[CommunityValues, Week, date]:
        values = await self._app.community.get(inv.tenant.id)
        community = zone(values[TIMEZONE])
        return values, week_at(inv.now, community), local_date(inv.now, community)

    @command(
        "admin digest",
        "Weekly digest settings: channel, day and time (community time zone).",
        admin=True,
        examples=("/admin digest channel:#study day:monday time:09:00", "/admin digest"),
    )
    async def configure(
        self,
        inv: Invocation,
        *,
        channel: Annotated[ChannelName | None, Opt("channel the digest is posted in")] = None,
        day: Annotated[str | None, Opt("weekday the digest is posted", choices=WEEKDAYS)] = None,
        time: Annotated[time | None, Opt("time the digest is posted, community time")] = None,
    ) -> Reply:
        changed = await self._app.community.update(
            inv.tenant.id, {DIGEST_CHANNEL: channel, DAY: day, TIME: time}
        )
        if changed:
            await self.repo.arm(inv.tenant.id, inv.now)
        values = await self._app.community.get(inv.tenant.id)
        reply = settings_reply(
            inv, self._describe(values, inv.now), saved=changed, title="Weekly digest settings"
        )
        return await with_channel_check(self._app.messenger, inv, reply, channel, ChannelUse.POSTS)

    def _describe(self, values: CommunityValues, now: datetime) -> str:
        community = values[TIMEZONE]
        when = f"{values[DAY].capitalize()}s at {values[TIME]:%H:%M} ({community})"
        if not values[DIGEST_CHANNEL]:
            return (
                f"Digests are off. They would be posted {when}; "
                "choose a channel to turn them on: /admin digest channel:#study. "
                "Organizers still get their weekly report by DM then (/admin reports)."
            )
        slot = next_slot(now, WEEKDAYS.index(values[DAY]), values[TIME], zone(community))
        return (
            f"The weekly digest is posted in #{values[DIGEST_CHANNEL]} {when}, about the 7 days before.\n"
            f"Next one: {slot:%A %d %b %H:%M} ({community}). "
            "Try /digest preview to see it now."
        )

    @command(
        "admin digest off",
        "Stop posting the weekly digest.",
        admin=True,
        examples=("/admin digest off",),
    )
    async def off(self, inv: Invocation) -> Reply:
        await self._app.community.reset(inv.tenant.id, DIGEST_CHANNEL)
        return Reply(
            text="Weekly digests are off. Turn them back on with /admin digest channel:#study."
        )

    @command(
        "digest preview",
        "See this week's digest so far, or last week's, with its chart (only you see it).",
        admin=True,
        slow=True,
        examples=("/digest preview", "/digest preview week:last"),
    )
    async def preview(self, inv: Invocation, *, week: WhichWeek = "this") -> Reply:
        values = await self._app.community.get(inv.tenant.id)
        community = zone(values[TIMEZONE])
        today = local_date(inv.now, community)
        weekday = WEEKDAYS.index(values[DAY])
        if week == "last":
            covered = last_full_week(today, weekday, community)
            # As its digest said it on its posting day: streaks then, blockers open then.
            as_of, label = covered.last + timedelta(days=1), "Last week"
        else:
            covered, as_of, label = (
                week_so_far(today, weekday, community),
                today,
                "This week so far",
            )
        message = await self.compose(await self.gather(inv.tenant.id, covered, as_of))
        note = (
            f"Preview (only you can see this; nothing was posted). "
            f"{label}: {_days(covered.first, covered.last)}\n"
        )
        return Reply(
            text=note + message.text,
            details=message.details,
            files=message.files,
            buttons=message.buttons,
            private=True,
        )

    @command(
        "digest post",
        "Post this week's digest now (once per week unless force:yes).",
        admin=True,
        slow=True,
        examples=("/digest post", "/digest post force:yes"),
    )
    async def post_now(
        self,
        inv: Invocation,
        *,
        force: Annotated[bool, Opt("post again although this week's was posted")] = False,
    ) -> Reply:
        values, week, today = await self._now_week(inv)
        channel = values[DIGEST_CHANNEL]
        if not channel:
            raise CommandError(
                "No digest channel is set. Choose one first: /admin digest channel:#study",
                inv.command,
            )
        # A week's digest that expired unsent (an outage) or that the platform refused (a
        # missing permission, since fixed) was never seen: post it again.
        scheduled = await self._app.outbox.by_key(message_key("digest", inv.tenant.id, week.key))
        unseen = scheduled is not None and scheduled.status in ("expired", "failed")
        key = await self.post(
            inv.tenant.id,
            channel,
            week,
            today,
            inv.now,
            trigger="manual",
            force=force or unseen,
            requested_by=inv.member.id,
        )
        if key is None:
            raise CommandError(
                f"This week's digest ({week.key}) was already posted in #{channel}. "
                "Add force:yes to post another one anyway.",
                inv.command,
            )
        return Reply(
            text=f"Posting the digest for {date_span(week.first, week.last)} in #{channel}."
        )

    @command(
        "digest next",
        "When the next weekly digest is posted, and where.",
        examples=("/digest next",),
    )
    async def next(self, inv: Invocation) -> Reply:
        values = await self._app.community.get(inv.tenant.id)
        if not values[DIGEST_CHANNEL]:
            return Reply(
                text="This community has no weekly digest yet; organizers turn it on with "
                "/admin digest channel:#study."
            )
        community = values[TIMEZONE]
        slot = next_slot(inv.now, WEEKDAYS.index(values[DAY]), values[TIME], zone(community))
        return Reply(
            text=f"Next digest: {slot:%A %d %b, %H:%M} ({community}) in "
            f"{DIGEST_CHANNEL.display(values[DIGEST_CHANNEL])}, about the week's check-ins. "
            "/digest preview shows it so far."
        )

    @command(
        "digest helper",
        "Whether the digest may suggest you to help with blockers about skills you know.",
        examples=("/digest helper off", "/digest helper on"),
    )
    async def helper(
        self,
        inv: Invocation,
        *,
        state: Annotated[
            str | None,
            Opt("on or off; empty shows the current choice", primary=True, choices=("on", "off")),
        ] = None,
    ) -> Reply:
        if state is not None:
            await self.repo.set_helper(inv.tenant.id, inv.member.id, state == "on", inv.now)
        willing = await self.repo.is_helper(inv.tenant.id, inv.member.id)
        if willing:
            text = (
                "The weekly digest may suggest you as a helper for blockers about skills you "
                "know (/profile set knows:...). Turn it off with /digest helper off."
            )
        else:
            text = (
                "The weekly digest will not suggest you as a helper for others' blockers. "
                "Turn it back on with /digest helper on."
            )
        return Reply(text=("Saved. " if state is not None else "") + text)

    async def export(self, tenant_id: int, member_id: int) -> dict[str, Any]:
        return {
            "suggested_as_helper": await self.repo.is_helper(tenant_id, member_id),
            "digests_you_posted": await self.repo.requested_by(tenant_id, member_id),
        }


async def _isolated(what: str, tenant_id: int, work: Awaitable[T]) -> T | None:
    """`work`'s result, or None when it failed: one community's failure must not hold up the
    others' digests and reports (the next tick retries it)."""
    try:
        return await work
    except Exception:
        log.exception("%s of tenant %s failed; the next tick retries", what, tenant_id)
        return None


def _days(first: date, last: date) -> str:
    """'Mon 30 Nov – Wed 2 Dec': weekdays, because a week so far ends on an ordinary day."""
    span = [f"{d:%a} {d.day} {d:%b}" for d in dict.fromkeys((first, last))]
    return " – ".join(span)


def setup(app: App) -> None:
    cog = Digests(app)
    app.community.declare(DIGEST_CHANNEL, DAY, TIME)
    app.personal_data.register(
        PersonalData(
            "digests",
            "whether the weekly digest may suggest you as a helper for others' blockers",
            lambda tenant, member: cog.export(tenant.id, member.id),
            lambda tx, tenant, member: cog.repo.erase(tx, tenant.id, member.id),
        )
    )
    app.add_job(Job(JOB, cog.tick, timedelta(minutes=1)))
    app.add_cog(cog)
    app.add_cog(cog.reports)
