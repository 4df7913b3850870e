from __future__ import annotations

from datetime import UTC, datetime, time

from bot.app import Actor, App
from bot.clock import ManualClock
from bot.events import TimeZoneChanged
from tests.helpers import say


async def test_profile_round_trip(app: App) -> None:
    reply = await say(
        app,
        "/profile set timezone:Europe/Berlin learning:docker,sql level:beginner "
        'hours:18:00-21:00 goal:internship knows:python about:"stats student"',
    )
    assert "Saved." in reply.text and "Europe/Berlin" in reply.text
    tenant = await app.tenants.find("test", "T1")
    assert tenant is not None
    member = await app.members.find(tenant.id, "alice")
    assert member is not None
    profile = await app.profiles.get(tenant.id, member.id)
    assert profile.timezone == "Europe/Berlin"
    assert profile.learning == ("docker", "sql") and profile.knows == ("python",)
    assert profile.hours == (time(18), time(21))
    assert profile.goal == "internship" and profile.about == "stats student"


async def test_bad_time_zone_changes_nothing(app: App) -> None:
    await say(app, "/profile set timezone:Europe/Berlin")
    reply = await say(app, "/profile set timezone:Europe/Berln level:advanced")
    assert reply.error and "Did you mean Europe/Berlin" in reply.text
    shown = await say(app, "/profile show")
    assert "Europe/Berlin" in shown.text and "advanced" not in shown.text


async def test_validation_error_writes_nothing(app: App) -> None:
    await say(app, "/profile set level:expert")
    assert await app.tenants.find("test", "T1") is None


async def test_another_tenants_member_cannot_be_shown(app: App) -> None:
    await say(app, "/profile set timezone:Asia/Tokyo", user="alice", tenant="A")
    reply = await say(app, "/profile show user:alice", user="bob", tenant="B")
    assert reply.error and "Asia/Tokyo" not in reply.text


async def test_help_lists_every_member_command(app: App) -> None:
    reply = await say(app, "/help")
    for command in app.commands:
        if not command.admin:
            assert f"/{command.name} " in reply.text


async def test_help_for_one_command_shows_usage_and_examples(app: App) -> None:
    reply = await say(app, "/help profile set")
    assert "Usage: /profile set" in reply.text and "Example:" in reply.text


async def test_admin_commands_refuse_members(app: App) -> None:
    reply = await say(app, "/admin timezone Europe/Berlin")
    assert reply.error and "admins only" in reply.text
    assert await app.tenants.find("test", "T1") is None


async def test_time_zones_and_hours_as_students_type_them(app: App) -> None:
    reply = await say(app, "/profile set timezone:mumbai hours:6-9pm")
    assert "Time zone: Asia/Kolkata" in reply.text and "Study hours: 18:00-21:00" in reply.text


async def test_an_offset_asks_for_a_city_unless_fixed(app: App, clock: ManualClock) -> None:
    clock.set(datetime(2026, 7, 15, 12, tzinfo=UTC))
    asked = await say(app, "/profile set timezone:UTC+2 level:advanced")
    assert asked.error and "Europe/Berlin" in asked.text and "fixed:yes" in asked.text
    assert "advanced" not in (await say(app, "/profile show")).text
    saved = await say(app, "/profile set timezone:UTC+2 fixed:yes")
    # POSIX signs are backwards (Etc/GMT-2 is two hours ahead of UTC): the profile says so
    assert "Time zone: Etc/GMT-2 (UTC+2 all year)" in saved.text


async def test_an_abbreviation_asks_for_the_city_zone(app: App) -> None:
    reply = await say(app, "/profile set timezone:CET")
    assert reply.error and "'CET' is not a place" in reply.text and "Europe/Paris" in reply.text
    assert "Usage: /profile set" in reply.text


async def test_the_community_zone_takes_a_city_or_a_fixed_offset(app: App) -> None:
    reply = await say(app, "/admin timezone new york", admin=True)
    assert "Community time zone set to America/New_York" in reply.text
    reply = await say(app, "/admin timezone GMT+1 fixed:yes", admin=True)
    assert "Community time zone set to Etc/GMT-1 (UTC+1 all year)" in reply.text


async def test_profile_set_accepts_the_other_names_people_type(app: App) -> None:
    reply = await say(
        app,
        "/profile set tz:tokyo lvl:advanced roles:exam want:docker skills:python "
        "availability:6pm-9pm",
    )
    assert "Time zone: Asia/Tokyo" in reply.text and "Level: advanced" in reply.text
    assert "Goal: exam" in reply.text and "Learning: Docker" in reply.text
    assert "Knows: Python" in reply.text and "Study hours: 18:00-21:00" in reply.text


async def test_the_zone_changes_from_the_platform_zone_not_the_community_one(app: App) -> None:
    """A Slack member's zone is their Slack zone until they set one: changing another field
    changes no zone, and setting one reports the Slack zone as the one before."""
    changes: list[TimeZoneChanged] = []

    async def record(event: TimeZoneChanged) -> None:
        changes.append(event)

    app.events.subscribe(TimeZoneChanged, record)
    slack = Actor("T1", "alice", "Alice", platform_timezone="America/Los_Angeles")
    await app.handle_line(slack, "/profile set level:beginner")
    assert changes == []
    await app.handle_line(slack, "/profile set timezone:berlin")
    assert [(c.old, c.new) for c in changes] == [("America/Los_Angeles", "Europe/Berlin")]
