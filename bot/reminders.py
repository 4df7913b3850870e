"""Which daily reminders are due: pure, from the candidates the reminder tick reads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.localtime import at_local, end_of_local_day, local_date, zone_for
from bot.storage.checkins import DueReminder, ReminderCandidate

BACK_OFF_AFTER = 7  # reminded days in a row without a check-in before reminders turn weekly
WEEKLY = timedelta(weeks=1)


def backed_off(weekly_from: date | None, last_checkin: date | None) -> bool:
    """Reminders are weekly: they turned weekly on `weekly_from` and no check-in came since."""
    return weekly_from is not None and (last_checkin is None or last_checkin < weekly_from)


def due(
    candidates: Iterable[ReminderCandidate], now: datetime, community_tz: str | None
) -> list[DueReminder]:
    """Members whose local reminder time has passed today and who have neither checked in nor
    been reminded on that local date.

    Only the member's current local day is considered, so a reminder missed while the bot was
    down goes out at start if that day is not over, and is skipped otherwise. A reminder set
    after its time had passed today starts tomorrow.

    Back-off: a member reminded on `BACK_OFF_AFTER` days without checking in gets reminders
    weekly from that last daily one (which `turns_weekly`, so its text can say so) until they
    check in again. Ignored daily DMs teach people to mute the bot; a weekly one is a nudge.
    """
    today_in: dict[ZoneInfo, date] = {}
    day_ends: dict[ZoneInfo, datetime] = {}
    instant: dict[tuple[ZoneInfo, time], datetime] = {}  # most members share a few times
    out: list[DueReminder] = []
    for c in candidates:
        zone = zone_for(c.timezone, c.platform_timezone, community_tz)  # cached instances
        if zone not in today_in:
            today_in[zone] = local_date(now, zone)
            day_ends[zone] = end_of_local_day(today_in[zone], zone)
        today = today_in[zone]
        if c.last_checkin is not None and c.last_checkin >= today:
            continue  # checked in today (or on a later date, before moving west)
        if c.last_reminded is not None and c.last_reminded >= today:
            continue
        weekly = backed_off(c.weekly_from, c.last_checkin)
        if weekly and c.last_reminded is not None and today < c.last_reminded + WEEKLY:
            continue
        key = (zone, c.remind_at)
        if key not in instant:  # in UTC, like `since` and `now`: compared without offsets
            instant[key] = at_local(today, c.remind_at, zone).astimezone(UTC)
        at = instant[key]
        if c.since <= at <= now:
            turns_weekly = not weekly and c.ignored + 1 >= BACK_OFF_AFTER
            out.append(DueReminder(c.member_id, c.external_id, today, day_ends[zone], turns_weekly))
    return out
