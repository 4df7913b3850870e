"""The one rule for a member's zone: their own, else their platform's, else the community's."""

from __future__ import annotations

from bot.localtime import ZoneSource, member_zone


def test_the_members_own_zone_wins() -> None:
    mz = member_zone("Asia/Tokyo", "America/Los_Angeles", "Europe/Paris")
    assert (mz.zone.key, mz.source) == ("Asia/Tokyo", ZoneSource.PROFILE)


def test_the_platform_zone_comes_before_the_community_zone() -> None:
    mz = member_zone(None, "America/Los_Angeles", "Europe/Paris")
    assert (mz.zone.key, mz.source) == ("America/Los_Angeles", ZoneSource.PLATFORM)


def test_without_either_the_community_zone_else_utc_applies() -> None:
    assert member_zone(None, None, "Europe/Paris").zone.key == "Europe/Paris"
    assert member_zone(None, None, None).source is ZoneSource.COMMUNITY
    assert member_zone(None, None, None).zone.key == "UTC"
