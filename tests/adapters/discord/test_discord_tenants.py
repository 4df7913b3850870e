"""Guild = tenant: what one server does never reaches another server's data."""

from __future__ import annotations

import sqlite3

from tests.adapters.discord.discord_harness import Harness
from tests.fakes.discord import EPHEMERAL, FakeDiscord, FakeGuild
from tests.helpers import sqlite_of


async def test_guild_a_never_touches_guild_b(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """The same Discord user in two servers has two separate members and profiles."""
    alice = guild.member_named("alice")
    other = fake.add_guild("Night Owls")
    alice_there = fake.add_member(other, alice.user)
    saved = await harness.invoke(
        "profile set", {"timezone": "Europe/Berlin"}, user=alice, guild=guild
    )
    assert "Time zone: Europe/Berlin" in saved["content"]
    shown = await harness.invoke("profile show", user=alice_there, guild=other)
    assert "Time zone: not set" in shown["content"]

    with sqlite3.connect(sqlite_of(harness.app).path) as db:
        tenants = dict(db.execute("SELECT external_id, id FROM tenants").fetchall())
        members = db.execute(
            "SELECT tenant_id FROM members WHERE external_id = ?", (str(alice.id),)
        ).fetchall()
    assert set(tenants) == {str(guild.id), str(other.id)}
    assert sorted(t for (t,) in members) == sorted(tenants.values())


async def test_a_user_option_cannot_name_a_member_of_another_guild(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """Resolved users are looked up in the invoking guild's tenant only."""
    other = fake.add_guild("Night Owls")
    stranger = fake.add_member(other, "stranger")
    await harness.invoke("profile show", user=stranger, guild=other)  # known in B only
    alice = guild.member_named("alice")
    fake.add_member(guild, stranger.user)  # now also in A's guild, but unknown to A's tenant
    reply = await harness.invoke("profile show", {"user": stranger}, user=alice, guild=guild)
    assert "don't know a member" in reply["content"]


async def test_commands_in_a_dm_are_answered_not_run(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """Commands are guild-only; if a DM invocation arrives anyway it gets a clear answer."""
    reply = await harness.invoke("help", user=guild.member_named("alice").user, guild=None)
    assert "inside a server" in reply["content"]
    assert reply["flags"] & EPHEMERAL


async def test_an_unknown_command_gets_an_answer(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """A command Discord still shows but the bot no longer has (a stale sync)."""
    payload = fake.slash_command(
        "retired", user=guild.member_named("alice"), guild=guild, option_types={}
    )
    reply = await harness.feed(payload)
    assert "That command has changed" in reply["content"]
