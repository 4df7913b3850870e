"""Local days: a member's own calendar, from their profile zone, else the community's, else UTC."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo


@cache
def zone(name: str) -> ZoneInfo:
    """ZoneInfo keeps only 8 zones strongly cached; a community spans more, and re-reading a
    zone file on every lookup dominated check-ins and reminder ticks. IANA names are few."""
    return ZoneInfo(name)


def zone_for(profile_tz: str | None, community_tz: str | None) -> ZoneInfo:
    return zone(profile_tz or community_tz or "UTC")


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def at_local(day: date, clock_time: time, zone: ZoneInfo) -> datetime:
    """The instant a wall-clock time happens on a local day.

    A time skipped by a spring-forward gap resolves to the instant just after the gap
    (fold=0 with zoneinfo, normalised through UTC), so a 02:30 reminder still fires that day.
    """
    naive = datetime.combine(day, clock_time)
    return naive.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).astimezone(zone)


def end_of_local_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
