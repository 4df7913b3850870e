"""Local days: a member's own calendar, in the zone `member_zone` picks for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from functools import cache
from zoneinfo import ZoneInfo


@cache
def zone(name: str) -> ZoneInfo:
    """ZoneInfo keeps only 8 zones strongly cached; a community spans more, and re-reading a
    zone file on every lookup dominated check-ins and reminder ticks. IANA names are few."""
    return ZoneInfo(name)


class ZoneSource(Enum):
    """Where a member's effective time zone came from (replies say so)."""

    PROFILE = "profile"  # they chose it: /profile set timezone:...
    PLATFORM = "platform"  # their chat platform's profile says so (Slack's users.info `tz`)
    COMMUNITY = "community"  # neither is known: the community's zone, else UTC


@dataclass(frozen=True)
class MemberZone:
    zone: ZoneInfo
    source: ZoneSource


def member_zone(
    profile_tz: str | None, platform_tz: str | None, community_tz: str | None
) -> MemberZone:
    """The one rule for a member's zone: their own choice, else the zone their platform reports
    (where they most likely are), else the community's. Reminders, check-in days, streaks and
    matching all come through here, so they never disagree about what day it is for someone."""
    if profile_tz:
        return MemberZone(zone(profile_tz), ZoneSource.PROFILE)
    if platform_tz:
        return MemberZone(zone(platform_tz), ZoneSource.PLATFORM)
    return MemberZone(zone(community_tz or "UTC"), ZoneSource.COMMUNITY)


def zone_for(profile_tz: str | None, platform_tz: str | None, community_tz: str | None) -> ZoneInfo:
    return member_zone(profile_tz, platform_tz, community_tz).zone


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
