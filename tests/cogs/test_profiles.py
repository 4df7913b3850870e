from __future__ import annotations

from datetime import time

from bot.app import App
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
