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
from zoneinfo import ZoneInfo

from bot import reminders, streaks
from bot.app import App
from bot.commands import (
    Command,
    CommandError,
    Invocation,
    Option,
    OptionType,
    Reply,
    parse_time,
)
from bot.community import Setting
from bot.events import CheckinRecorded
from bot.localtime import local_date, zone_for
from bot.personal_data import PersonalData
from bot.ports import Button, Form, FormField, Message
from bot.scheduling import Job
from bot.storage.checkins import CheckinRepo, erase, queue_reminders, reminder_candidates
from bot.storage.models import Member, Tenant

log = logging.getLogger(__name__)

TEXT_LIMIT = 500
FREEZES = "streak_freezes"
REMINDER_JOB = "checkin-reminders"
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
        FormField("did", "What did you do today?", True, True, TEXT_LIMIT),
        FormField("next", "What's next?", False, True, TEXT_LIMIT),
        FormField(
            "blockers",
            "Blockers? (quoted in the weekly digest)",
            False,
            True,
            TEXT_LIMIT,
        ),
        FormField("skills", "Skills practised (comma-separated)", placeholder="docker, sql"),
        FormField("minutes", "Minutes spent (1-720)", max_length=3, placeholder="45"),
    ),
)


def _day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B}"


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


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
        self.remind_command = Command(
            "checkin remind",
            "Get a DM at your local time on days you have not checked in yet.",
            self.remind,
            options=(
                Option(
                    "time",
                    OptionType.TEXT,
                    "HH:MM (24-hour, your local time) or off; empty shows the current one",
                    primary=True,
                    max_length=10,
                ),
            ),
            examples=("/checkin remind 19:00", "/checkin remind time:07:30", "/checkin remind off"),
        )

    async def _member_day(self, tenant: Tenant, member: Member, now: datetime) -> MemberDay:
        settings = await self._app.community.get(tenant.id)
        zone = zone_for(member.timezone, settings.get("timezone"))
        return MemberDay(
            zone, local_date(now, zone), int(settings[FREEZES]), member.timezone is not None
        )

    # --- /checkin ----------------------------------------------------------------------------

    async def checkin(self, inv: Invocation) -> Reply:
        did: str = inv.args["did"]
        slip = _REMIND_SLIP.fullmatch(did)
        if slip:
            return await self.remind(
                replace(inv, command=self.remind_command, args={"time": slip[1]})
            )
        md = await self._member_day(inv.tenant, inv.member, inv.now)
        skills: tuple[str, ...] = inv.args.get("skills", ())
        minutes: int | None = inv.args.get("minutes")
        saved = await self.repo.save(
            inv.tenant.id,
            inv.member.id,
            md.today,
            md.zone.key,
            inv.now,
            did=did,
            next=inv.args.get("next", ""),
            blockers=inv.args.get("blockers", ""),
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
            lines = [f"Updated your check-in for {_day(md.today)} (it replaces the earlier one)."]
        else:
            lines = [f"Checked in for {_day(md.today)}."]
        logged = [f"{minutes} min"] if minutes else []
        if skills:
            logged.append(self._app.skills.names(skills))
        if logged:
            lines.append("Logged: " + " · ".join(logged))
        lines.append(f"🔥 Streak: {_days(after.current)} (longest {_days(after.longest)})")
        yesterday = md.today - timedelta(days=1)
        if not saved.updated and yesterday in after.frozen:
            lines.append(
                f"{streaks.MARK_FROZEN} A streak freeze covered {_day(yesterday)} "
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

    async def remind(self, inv: Invocation) -> Reply:
        value = str(inv.args.get("time", "")).strip().lower()
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

    async def streak(self, inv: Invocation) -> Reply:
        member: Member = inv.args.get("user", inv.member)
        md = await self._member_day(inv.tenant, member, inv.now)
        dates = await self.repo.dates(inv.tenant.id, member.id)
        s = streaks.compute(dates, md.today, md.freezes)
        own = member.id == inv.member.id
        whose = "Your" if own else f"{member.label}'s"
        lines = [
            f"**{whose} streak**",
            f"🔥 Current: {_days(s.current)} · Longest: {_days(s.longest)}",
            f"{streaks.MARK_FROZEN} Freezes left this week: {s.freezes_left} of {md.freezes}",
            f"Last 14 days (oldest first, today last): {streaks.marks(dates, s, md.today)}",
            f"{streaks.MARK_DONE} checked in  {streaks.MARK_FROZEN} freeze  "
            f"{streaks.MARK_MISSED} missed  {streaks.MARK_OPEN} today, not yet",
        ]
        if own and not dates:
            lines.append("Start one with /checkin did:what you did today")
        return Reply(text="\n".join(lines))

    async def stats(self, inv: Invocation) -> Reply:
        md = await self._member_day(inv.tenant, inv.member, inv.now)
        monday = md.today - timedelta(days=md.today.weekday())
        week = await self.repo.between(inv.tenant.id, inv.member.id, monday, monday + timedelta(6))
        minutes = sum(c.minutes or 0 for c in week)
        counts = Counter(s for c in week for s in c.skills)
        top = ", ".join(f"{self._app.skills.name(s)} ({n})" for s, n in counts.most_common(3))
        latest = await self.repo.latest(inv.tenant.id, inv.member.id)
        blockers = (
            f"{latest.blockers} (from {_day(latest.local_date)})"
            if latest is not None and latest.blockers
            else "none"
        )
        days = ", ".join(f"{c.local_date:%a}" for c in week)
        lines = [
            f"**Your week** ({_day(monday)} - {_day(monday + timedelta(6))})",
            f"Days checked in: {len(week)} of 7" + (f" ({days})" if days else ""),
            f"Minutes: {minutes}",
            f"Top skills: {top or 'none yet'}",
            f"Open blockers: {blockers}",
        ]
        return Reply(text="\n".join(lines))

    # --- admin -------------------------------------------------------------------------------

    async def admin(self, inv: Invocation) -> Reply:
        freezes = int(inv.args["freezes"])
        await self._app.community.set(inv.tenant.id, {FREEZES: str(freezes)})
        return Reply(
            text=f"Streak freezes set to {freezes} per ISO week. Each covers one missed day; "
            "two missed days in a row always end a streak. Streaks are recounted with it."
        )

    # --- the reminder tick -------------------------------------------------------------------

    async def remind_tick(self, now: datetime) -> int:
        """Claim and queue every reminder due at `now`; returns how many were queued."""
        queued = 0
        for tenant_id in await self.repo.tenants_with_reminders():
            settings = await self._app.community.get(tenant_id)
            async with self._app.db.transaction() as tx:
                candidates = await reminder_candidates(tx, tenant_id)
                due = reminders.due(candidates, now, settings.get("timezone"))
                if due:
                    queued += await queue_reminders(tx, tenant_id, due, REMINDER, now)
        if queued:
            self._app.sender.kick()
        return queued


def setup(app: App) -> None:
    cog = Checkins(app)
    app.community.declare(
        Setting(
            FREEZES,
            str(streaks.DEFAULT_FREEZES),
            "automatic streak freezes per member per ISO week, each covering one missed day",
            show=lambda v: f"{v} per week",
        )
    )
    app.personal_data.register(
        PersonalData(
            "checkins",
            "your daily check-ins, the skills in them, and your reminder time",
            lambda tenant, member: cog.repo.export(tenant.id, member.id),
            lambda tx, tenant, member: erase(tx, tenant.id, member.id),
        )
    )
    app.add_job(Job(REMINDER_JOB, cog.remind_tick, timedelta(minutes=1)))
    app.add_commands(
        Command(
            "checkin",
            "Check in for today: what you did, what's next, blockers, skills, minutes.",
            cog.checkin,
            options=(
                Option(
                    "did",
                    OptionType.TEXT,
                    "what you did today",
                    required=True,
                    primary=True,
                    max_length=TEXT_LIMIT,
                ),
                Option("next", OptionType.TEXT, "what you will do next", max_length=TEXT_LIMIT),
                Option(
                    "blockers",
                    OptionType.TEXT,
                    "anything blocking you; quoted in the weekly digest so a peer can help",
                    max_length=TEXT_LIMIT,
                ),
                Option("skills", OptionType.SKILLS, "skills you practised, comma-separated"),
                Option("minutes", OptionType.INT, "minutes spent", min_value=1, max_value=720),
            ),
            form=CHECKIN_FORM,
            examples=(
                '/checkin did:"Dockerised my Flask app" next:"compose file" skills:docker'
                " minutes:45",
                "/checkin finished the SQL joins chapter",
                "/checkin   (no options: opens the check-in form)",
            ),
        ),
        cog.remind_command,
        Command(
            "streak",
            "Show current and longest streak, freezes left and the last 14 days.",
            cog.streak,
            options=(Option("user", OptionType.USER, "whose streak to show"),),
            examples=("/streak", "/streak user:@alice"),
        ),
        Command(
            "stats",
            "Your week: days checked in, minutes, top skills, open blockers.",
            cog.stats,
            examples=("/stats",),
        ),
        Command(
            "admin checkins",
            "Set how many automatic streak freezes members get per week (0-3).",
            cog.admin,
            admin=True,
            options=(
                Option(
                    "freezes",
                    OptionType.INT,
                    "freezes per member per ISO week",
                    required=True,
                    primary=True,
                    min_value=0,
                    max_value=streaks.MAX_FREEZES,
                ),
            ),
            examples=("/admin checkins freezes:2",),
        ),
    )
