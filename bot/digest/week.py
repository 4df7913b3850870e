"""Digest weeks in the community's time zone (pure).

A digest posted on local day D covers the seven local days D-7 .. D-1. Its key is the ISO week
of D ("2026-W10"), so a community gets at most one scheduled digest per calendar week even when
the organizer moves the posting day. A preview may also cover the week so far: from the latest
posting day up to today, fewer than seven days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.localtime import at_local, end_of_local_day, local_date

LENGTH = 7


@dataclass(frozen=True)
class Week:
    key: str  # ISO week of the posting day: the claim period
    first: date  # first local day covered
    last: date  # last local day covered: the day before the post (today, for a week so far)
    zone: ZoneInfo

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(
            self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)
        )

    @property
    def complete(self) -> bool:
        return len(self.days) == LENGTH

    @property
    def starts_at(self) -> datetime:
        """The instant (UTC) the first day begins at local midnight."""
        return datetime.combine(self.first, time(0), tzinfo=self.zone).astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        """The instant (UTC) the last day ends: 167 or 169 hours after `starts_at` across DST.

        UTC, because Python subtracts two datetimes sharing a zone as wall-clock times.
        """
        return end_of_local_day(self.last, self.zone).astimezone(UTC)

    def previous(self) -> Week:
        """The same days one week earlier: a week so far is compared with as many days."""
        before = timedelta(days=LENGTH)
        return Week(week_key(self.first), self.first - before, self.last - before, self.zone)


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_before(post_day: date, zone: ZoneInfo) -> Week:
    """The week a digest posted on local day `post_day` reports on."""
    return Week(
        key=week_key(post_day),
        first=post_day - timedelta(days=LENGTH),
        last=post_day - timedelta(days=1),
        zone=zone,
    )


def week_at(instant: datetime, zone: ZoneInfo) -> Week:
    """The week a digest posted at `instant` reports on."""
    return week_before(local_date(instant, zone), zone)


def latest_posting_day(today: date, weekday: int) -> date:
    """The latest day on or before `today` that is the posting weekday (0 = Monday)."""
    return today - timedelta(days=(today.weekday() - weekday) % LENGTH)


def week_so_far(today: date, weekday: int, zone: ZoneInfo) -> Week:
    """The week the next digest will report on, from its first day up to `today`."""
    first = latest_posting_day(today, weekday)
    return Week(week_key(first + timedelta(days=LENGTH)), first, today, zone)


def last_full_week(today: date, weekday: int, zone: ZoneInfo) -> Week:
    """The seven days the latest posting day's digest reports on (posted or not yet)."""
    return week_before(latest_posting_day(today, weekday), zone)


def latest_slot(now: datetime, weekday: int, at: time, zone: ZoneInfo) -> datetime:
    """The most recent scheduled posting instant at or before `now` (weekday 0 = Monday)."""
    day = latest_posting_day(local_date(now, zone), weekday)
    slot = at_local(day, at, zone)
    if slot > now:
        slot = at_local(day - timedelta(days=LENGTH), at, zone)
    return slot


def next_slot(now: datetime, weekday: int, at: time, zone: ZoneInfo) -> datetime:
    """The first scheduled posting instant at or after `now`."""
    today = local_date(now, zone)
    day = today + timedelta(days=(weekday - today.weekday()) % LENGTH)
    slot = at_local(day, at, zone)
    return slot if slot >= now else at_local(day + timedelta(days=LENGTH), at, zone)


def due_week(
    now: datetime, weekday: int, at: time, zone: ZoneInfo, armed_at: datetime | None
) -> Week | None:
    """The week whose scheduled digest should be posted at `now`, if any.

    The latest slot is due until the next one comes, so a digest missed while the bot was down
    is posted once at start while its week is still current. Slots before the schedule was set
    (`armed_at`) are not due: choosing Monday on a Wednesday does not post last Monday's digest.
    """
    if armed_at is None:
        return None
    slot = latest_slot(now, weekday, at, zone)
    if slot < armed_at:
        return None
    return week_at(slot, zone)
