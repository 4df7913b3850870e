"""/checkin remind and the tick that sends each member's reminder at their local time, once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from bot import reminders
from bot.app import App
from bot.commands import CommandError, Invocation, Opt, Reply, command, parse_time
from bot.community import TIMEZONE
from bot.localtime import ZoneSource
from bot.ports import Button, Message
from bot.storage.checkins import CheckinRepo, queue_reminders, reminder_candidates
from bot.timezones import describe
from cogs.checkins.days import member_day, zone_advice, zone_origin

REMINDER_JOB = "checkin-reminders"
CLAIMS_PRUNE_JOB = "checkin-reminder-claims-prune"
REMINDER = Message(
    text="Time for today's check-in! You have not checked in yet today: what did you do, "
    "what's next, anything blocking you? It takes a few seconds.",
    buttons=(Button("Check in now", "checkin", "primary"),),
)
# The last daily reminder before the back-off (bot.reminders): says what changes and how to undo.
TURNING_WEEKLY = Message(
    text=f"{REMINDER.text}\nNo check-in after {reminders.BACK_OFF_AFTER} reminders, so I'll "
    "remind you weekly from now on; check in any day and daily reminders come back, or "
    "/checkin remind off.",
    buttons=REMINDER.buttons,
)


class ReminderCommands:
    def __init__(self, app: App, repo: CheckinRepo) -> None:
        self._app = app
        self._repo = repo

    @command(
        "checkin remind",
        "Get a DM at your local time on days you have not checked in yet.",
        examples=("/checkin remind 19:00", "/checkin remind 7pm", "/checkin remind off"),
    )
    async def remind(
        self,
        inv: Invocation,
        *,
        time: Annotated[
            str,
            Opt(
                "a time (19:00, 7pm; your local time) or off; empty shows the current one",
                primary=True,
                max_length=20,
                aliases=("at",),
            ),
        ] = "",
    ) -> Reply:
        value = time.strip().lower()
        md = await member_day(self._app, inv.tenant, inv.member, inv.now)
        if not value:
            current = await self._repo.reminder(inv.tenant.id, inv.member.id)
            if current is None or not current.enabled:
                return Reply(
                    text="Your daily reminder is off. Turn it on with /checkin remind 19:00."
                )
            if reminders.backed_off(current.weekly_from, current.last_checkin):
                return Reply(
                    text=f"Your reminder is at {current.remind_at:%H:%M} "
                    f"({describe(md.zone.key)}), once a week for now: there was no check-in "
                    f"after {reminders.BACK_OFF_AFTER} daily ones. Check in any day and daily "
                    "reminders come back. Turn it off with /checkin remind off."
                )
            return Reply(
                text=f"Your daily reminder is at {current.remind_at:%H:%M} ({describe(md.zone.key)}) "
                "on days you have not checked in yet. Turn it off with /checkin remind off."
            )
        if value in ("off", "no", "stop", "none"):
            await self._repo.set_reminder(inv.tenant.id, inv.member.id, None, inv.now)
            return Reply(
                text="Daily reminders are off. Turn them back on with /checkin remind 19:00."
            )
        try:
            at = parse_time(value)
        except ValueError as exc:
            raise CommandError(f"{exc} Or say off.", inv.command) from None
        await self._repo.set_reminder(inv.tenant.id, inv.member.id, at, inv.now)
        zone_note = (
            ""
            if md.zone_source is ZoneSource.PROFILE
            else f" That is {zone_origin(self._app, md)}. {zone_advice(md)}"
        )
        return Reply(
            text=f"Reminder set for {at:%H:%M} every day, {describe(md.zone.key)} time. I'll DM you only on "
            f"days you have not checked in by then.{zone_note}"
        )

    async def tick(self, now: datetime) -> int:
        """Claim and queue every reminder due at `now`; returns how many were queued."""
        queued = 0
        for tenant_id in await self._repo.tenants_with_reminders():
            if not await self._app.runs_jobs_for(tenant_id):
                continue  # the bot was removed from it, or another shard owns it
            settings = await self._app.community.get(tenant_id)
            async with self._app.db.transaction() as tx:
                candidates = await reminder_candidates(tx, tenant_id)
                due = reminders.due(candidates, now, settings[TIMEZONE])
                if due:
                    queued += await queue_reminders(
                        tx, tenant_id, due, REMINDER, now, turning_weekly=TURNING_WEEKLY
                    )
        if queued:
            self._app.sender.kick()
        return queued

    async def prune_claims(self, now: datetime) -> int:
        """Reminder claims older than the outbox's retention: one per member per day adds up."""
        days = self._app.settings.studybot_outbox_retention_days
        return await self._repo.prune_reminder_claims((now - timedelta(days=days)).date())
