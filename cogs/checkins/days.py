"""Whose day is it: a member's zone, today's local date there, and the days they may log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.app import App
from bot.commands import CommandError, DayRef, Invocation
from bot.community import STREAK_FREEZES, TIMEZONE, Setting
from bot.localtime import ZoneSource, local_date, member_zone
from bot.storage.models import Member, Tenant
from bot.text import long_date, plural
from bot.timezones import describe

BACKFILL = Setting.integer(
    "checkin_backfill_days",
    1,
    "how many days back members may log a forgotten check-in (0: today only)",
    "/admin checkins backfill:3",
    show=lambda n: f"{plural(n, 'day')} back" if n else "today only",
)
MAX_BACKFILL = 14
SET_ZONE = "/profile set timezone:Berlin (your city or Area/City)"


@dataclass(frozen=True)
class MemberDay:
    """Where a member is in time: their zone, today's local date, the community's freezes."""

    zone: ZoneInfo
    today: date
    freezes: int
    zone_source: ZoneSource  # their own choice, their platform's, or the community's
    backfill: int  # days back a check-in may be logged


async def member_day(app: App, tenant: Tenant, member: Member, now: datetime) -> MemberDay:
    settings = await app.community.get(tenant.id)
    mz = member_zone(member.timezone, member.platform_timezone, settings[TIMEZONE])
    return MemberDay(
        mz.zone,
        local_date(now, mz.zone),
        settings[STREAK_FREEZES],
        mz.source,
        settings[BACKFILL],
    )


def zone_origin(app: App, md: MemberDay) -> str:
    """Whose zone the member's day follows, when it is not one they chose."""
    if md.zone_source is ZoneSource.PLATFORM:
        return f"the time zone of your {app.messenger.capabilities.profile_name}"
    return "the community's time zone"


def zone_advice(md: MemberDay) -> str:
    """How to choose a zone of their own: it beats the platform's and the community's."""
    if md.zone_source is ZoneSource.PLATFORM:
        return f"{SET_ZONE} overrides it."
    return f"Set your own with {SET_ZONE}."


def loggable_day(md: MemberDay, day: DayRef, inv: Invocation) -> date:
    """The local date `day` names for this member, if a check-in may go there."""
    on = day.resolve(md.today)
    if on > md.today:
        raise CommandError(
            f"{long_date(on)} has not come yet where you are ({describe(md.zone.key)}); check in on the"
            " day, or log a day that has passed.",
            inv.command,
        )
    back = (md.today - on).days
    if back > md.backfill:
        allowed = "only today" if not md.backfill else f"up to {plural(md.backfill, 'day')} back"
        raise CommandError(
            f"{long_date(on)} was {plural(back, 'day')} ago; here you can log {allowed}"
            " (an organizer sets this with /admin checkins backfill:N).",
            inv.command,
        )
    return on


def when(md: MemberDay, on: date) -> str:
    """'today', 'yesterday', or the weekday and date."""
    back = (md.today - on).days
    return {0: "today", 1: "yesterday"}.get(back, long_date(on))
