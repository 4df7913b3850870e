"""/checkin, /streak, /stats and daily reminders at each member's local time.

A member's day is their profile time zone, else the community's, else UTC. One check-in per
local day (a second one replaces it); streaks and freezes come from bot/streaks.py; the
reminder tick claims each (member, local date) before queueing its DM, so it goes out once.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from bot import reminders, streaks
from bot.app import App
from bot.commands import (
    NO_SKILLS,
    CommandError,
    Invocation,
    Opt,
    Reply,
    SkillList,
    command,
    parse_time,
)
from bot.community import STREAK_FREEZES, TIMEZONE
from bot.events import CheckinRecorded
from bot.localtime import local_date, zone_for
from bot.personal_data import PersonalData
from bot.ports import Button, Form, FormField, Message
from bot.scheduling import Job
from bot.storage.checkins import CheckinRepo, erase, queue_reminders, reminder_candidates
from bot.storage.models import Member, Tenant
from bot.text import long_date, plural

log = logging.getLogger(__name__)

TEXT_LIMIT = 500
REMINDER_JOB = "checkin-reminders"
CLAIMS_PRUNE_JOB = "checkin-reminder-claims-prune"
REMINDER = Message(
    text="Time for today's check-in! You have not checked in yet today: what did you do, "
    "what's next, anything blocking you? It takes a few seconds.",
    buttons=(Button("Check in now", "checkin", "primary"),),
)
# `/checkin remind:off` parses as a check-in whose text is "remind:off": it means the reminder.
_REMIND_SLIP = re.compile(r"remind\s*:\s*(\S+)", re.IGNORECASE)

CHECKIN_FORM = Form(
    title="Daily check-in",
    command="checkin",
    fields=(
        FormField(
            "did", "What did you do today?", required=True, multiline=True, max_length=TEXT_LIMIT
        ),
        FormField("next", "What's next?", multiline=True, max_length=TEXT_LIMIT),
        FormField(
            "blockers",
            "Blockers? (quoted in the weekly digest)",
            multiline=True,
            max_length=TEXT_LIMIT,
        ),
        FormField("skills", "Skills practised (comma-separated)", placeholder="docker, sql"),
        FormField("minutes", "Minutes spent (1-720)", max_length=3, placeholder="45"),
    ),
)


@dataclass(frozen=True)
class MemberDay:
    """Where a member is in time: their zone, today's local date, the community's freezes."""

    zone: ZoneInfo
    today: date
    freezes: int
    own_zone: bool  # the member set a profile time zone (else the community's applies)


class Checkins:
    def __init__(self, app: App) -> None:
        self._app = app
        self.repo = CheckinRepo(app.db)

    async def _member_day(self, tenant: Tenant, member: Member, now: datetime) -> MemberDay:
        settings = await self._app.community.get(tenant.id)
        zone = zone_for(member.timezone, settings[TIMEZONE])
        return MemberDay(
            zone, local_date(now, zone), settings[STREAK_FREEZES], member.timezone is not None
        )

    # --- /checkin ----------------------------------------------------------------------------

    @command(
        "checkin",
        "Check in for today: what you did, what's next, blockers, skills, minutes.",
        form=CHECKIN_FORM,
        examples=(
            '/checkin did:"Dockerised my Flask app" next:"compose file" skills:docker minutes:45',
            "/checkin finished the SQL joins chapter",
            "/checkin",
        ),
    )
    async def checkin(
        self,
        inv: Invocation,
        *,
        did: Annotated[str, Opt("what you did today", primary=True, max_length=TEXT_LIMIT)],
        next: Annotated[str, Opt("what you will do next", max_length=TEXT_LIMIT)] = "",
        blockers: Annotated[
            str,
            Opt(
                "anything blocking you; quoted in the weekly digest so a peer can help",
                max_length=TEXT_LIMIT,
            ),
        ] = "",
        skills: Annotated[SkillList, Opt("skills you practised, comma-separated")] = NO_SKILLS,
        minutes: Annotated[int | None, Opt("minutes spent", min=1, max=720)] = None,
    ) -> Reply:
        slip = _REMIND_SLIP.fullmatch(did)
        if slip:
            remind = self._app.commands.get("checkin remind")
            assert remind is not None
            return await self.remind(replace(inv, command=remind), time=slip[1])
        md = await self._member_day(inv.tenant, inv.member, inv.now)
        saved = await self.repo.save(
            inv.tenant.id,
            inv.member.id,
            md.today,
            md.zone.key,
            inv.now,
            did=did,
            next=next,
            blockers=blockers,
            minutes=minutes,
            skills=skills,
        )
        after = streaks.compute(saved.dates, md.today, md.freezes)
        before = (
            after
            if saved.updated
            else streaks.compute([d for d in saved.dates if d != md.today], md.today, md.freezes)
        )
        await self._publish(
            CheckinRecorded(
                tenant=inv.tenant,
                member=inv.member,
                checkin_id=saved.id,
                local_date=md.today,
                did=did,
                skills=skills,
                minutes=minutes,
                updated=saved.updated,
            )
        )
        if saved.updated:
            lines = [
                f"Updated your check-in for {long_date(md.today)} (it replaces the earlier one)."
            ]
        else:
            lines = [f"Checked in for {long_date(md.today)}."]
        logged = [f"{minutes} min"] if minutes else []
        if skills:
            logged.append(self._app.skills.names(skills))
        if logged:
            lines.append("Logged: " + " · ".join(logged))
        lines.append(
            f"🔥 Streak: {plural(after.current, 'day')} (longest {plural(after.longest, 'day')})"
        )
        yesterday = md.today - timedelta(days=1)
        if not saved.updated and yesterday in after.frozen:
            lines.append(
                f"{streaks.MARK_FROZEN} A streak freeze covered {long_date(yesterday)} "
                f"({after.freezes_left} left this week)."
            )
        reached = streaks.milestone(before, after)
        if reached:
            lines.append(f"🎉 Milestone: {reached} days in a row!")
        return Reply(text="\n".join(lines))

    async def _publish(self, event: CheckinRecorded) -> None:
        """Tell other cogs; the check-in is saved, so their failure must not undo the reply."""
        try:
            await self._app.events.publish(event)
        except Exception:
            log.exception("a CheckinRecorded handler failed for check-in %s", event.checkin_id)

    # --- /checkin remind ---------------------------------------------------------------------

    @command(
        "checkin remind",
        "Get a DM at your local time on days you have not checked in yet.",
        examples=("/checkin remind 19:00", "/checkin remind time:07:30", "/checkin remind off"),
    )
    async def remind(
        self,
        inv: Invocation,
        *,
        time: Annotated[
            str,
            Opt(
                "HH:MM (24-hour, your local time) or off; empty shows the current one",
                primary=True,
                max_length=10,
            ),
        ] = "",
    ) -> Reply:
        value = time.strip().lower()
        md = await self._member_day(inv.tenant, inv.member, inv.now)
        if not value:
            current = await self.repo.reminder(inv.tenant.id, inv.member.id)
            if current is None or not current.enabled:
                return Reply(
                    text="Your daily reminder is off. Turn it on with /checkin remind 19:00."
                )
            return Reply(
                text=f"Your daily reminder is at {current.remind_at:%H:%M} ({md.zone.key}) "
                "on days you have not checked in yet. Turn it off with /checkin remind off."
            )
        if value == "off":
            await self.repo.set_reminder(inv.tenant.id, inv.member.id, None, inv.now)
            return Reply(
                text="Daily reminders are off. Turn them back on with /checkin remind 19:00."
            )
        try:
            at = parse_time(value)
        except ValueError as exc:
            raise CommandError(f"{exc} Or say off.", inv.command) from None
        await self.repo.set_reminder(inv.tenant.id, inv.member.id, at, inv.now)
        zone_note = (
            ""
            if md.own_zone
            else (
                " That is the community's time zone; set your own with /profile set timezone:Area/City."
            )
        )
        return Reply(
            text=f"Reminder set for {at:%H:%M} every day, {md.zone.key} time. I'll DM you only on "
            f"days you have not checked in by then.{zone_note}"
        )

    # --- /streak and /stats ------------------------------------------------------------------

    @command(
        "streak",
        "Show current and longest streak, freezes left and the last 14 days.",
        examples=("/streak", "/streak user:@alice"),
    )
    async def streak(
        self, inv: Invocation, *, user: Annotated[Member | None, Opt("whose streak to show")] = None
    ) -> Reply:
        member = user or inv.member
        md = await self._member_day(inv.tenant, member, inv.now)
        dates = await self.repo.dates(inv.tenant.id, member.id)
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
        examples=("/stats",),
    )
    async def stats(self, inv: Invocation) -> Reply:
        md = await self._member_day(inv.tenant, inv.member, inv.now)
        monday = md.today - timedelta(days=md.today.weekday())
        week = await self.repo.between(inv.tenant.id, inv.member.id, monday, monday + timedelta(6))
        minutes = sum(c.minutes or 0 for c in week)
        counts = Counter(s for c in week for s in c.skills)
        top = ", ".join(f"{self._app.skills.name(s)} ({n})" for s, n in counts.most_common(3))
        latest = await self.repo.latest(inv.tenant.id, inv.member.id)
        blockers = (
            f"{latest.blockers} (from {long_date(latest.local_date)})"
            if latest is not None and latest.blockers
            else "none"
        )
        days = ", ".join(f"{c.local_date:%a}" for c in week)
        lines = [
            f"**Your week** ({long_date(monday)} - {long_date(monday + timedelta(6))})",
            f"Days checked in: {len(week)} of 7" + (f" ({days})" if days else ""),
            f"Minutes: {minutes}",
            f"Top skills: {top or 'none yet'}",
            f"Open blockers: {blockers}",
        ]
        return Reply(text="\n".join(lines))

    # --- admin -------------------------------------------------------------------------------

    @command(
        "admin checkins",
        "Set how many automatic streak freezes members get per week (0-3).",
        admin=True,
        examples=("/admin checkins freezes:2",),
    )
    async def admin(
        self,
        inv: Invocation,
        *,
        freezes: Annotated[
            int,
            Opt("freezes per member per ISO week", primary=True, min=0, max=streaks.MAX_FREEZES),
        ],
    ) -> Reply:
        await self._app.community.update(inv.tenant.id, {STREAK_FREEZES: freezes})
        return Reply(
            text=f"Streak freezes set to {freezes} per ISO week. Each covers one missed day; "
            "two missed days in a row always end a streak. Streaks are recounted with it."
        )

    # --- the reminder tick -------------------------------------------------------------------

    async def prune_claims(self, now: datetime) -> int:
        """Reminder claims older than the outbox's retention: one per member per day adds up."""
        days = self._app.settings.studybot_outbox_retention_days
        return await self.repo.prune_reminder_claims((now - timedelta(days=days)).date())

    async def remind_tick(self, now: datetime) -> int:
        """Claim and queue every reminder due at `now`; returns how many were queued."""
        queued = 0
        for tenant_id in await self.repo.tenants_with_reminders():
            settings = await self._app.community.get(tenant_id)
            async with self._app.db.transaction() as tx:
                candidates = await reminder_candidates(tx, tenant_id)
                due = reminders.due(candidates, now, settings[TIMEZONE])
                if due:
                    queued += await queue_reminders(tx, tenant_id, due, REMINDER, now)
        if queued:
            self._app.sender.kick()
        return queued


def setup(app: App) -> None:
    cog = Checkins(app)
    app.community.declare(STREAK_FREEZES)
    app.personal_data.register(
        PersonalData(
            "checkins",
            "your daily check-ins, the skills in them, and your reminder time",
            lambda tenant, member: cog.repo.export(tenant.id, member.id),
            lambda tx, tenant, member: erase(tx, tenant.id, member.id),
        )
    )
    app.add_job(Job(REMINDER_JOB, cog.remind_tick, timedelta(minutes=1)))
    app.add_job(Job(CLAIMS_PRUNE_JOB, cog.prune_claims, timedelta(hours=6)))
    app.add_cog(cog)
