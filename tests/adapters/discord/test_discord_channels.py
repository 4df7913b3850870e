"""Choosing a channel on Discord: the reply says what the bot lacks there, from the real
discord.py permission maths over the fake's roles and channel overwrites."""

from __future__ import annotations

from tests.adapters.discord.discord_harness import Harness
from tests.fakes.discord import GUILD_ANNOUNCEMENT, FakeGuild, FakeRole
from tests.fakes.discord.constants import (
    ATTACH_FILES,
    BOT_PERMISSIONS,
    MANAGE_THREADS,
    SEND_MESSAGES,
)


def bot_role(guild: FakeGuild) -> FakeRole:
    return next(r for r in guild.roles.values() if r.bot_id is not None)


async def choose(harness: Harness, guild: FakeGuild, command: str, channel: str) -> str:
    reply = await harness.invoke(
        command,
        {"channel": guild.channel_named(channel)},
        user=guild.member_named("olga"),
        guild=guild,
    )
    return str(reply["content"])


async def test_a_buddy_channel_with_every_permission_is_ready(
    harness: Harness, guild: FakeGuild
) -> None:
    bot_role(guild).permissions = BOT_PERMISSIONS | MANAGE_THREADS
    text = await choose(harness, guild, "admin buddies", "study-buddies")
    assert "Saved." in text and "Not ready" not in text


async def test_a_buddy_channel_without_manage_threads_says_so(
    harness: Harness, guild: FakeGuild
) -> None:
    bot_role(guild).permissions = BOT_PERMISSIONS & ~MANAGE_THREADS
    text = await choose(harness, guild, "admin buddies", "study-buddies")
    assert "Not ready yet: I cannot open buddy threads in" in text
    assert "studybot lacks Manage Threads in #study-buddies" in text
    assert "Saved." in text  # kept: the organizer may fix the permission afterwards


async def test_an_announcement_channel_cannot_hold_buddy_threads(
    harness: Harness, guild: FakeGuild
) -> None:
    bot_role(guild).permissions = BOT_PERMISSIONS | MANAGE_THREADS
    guild.channel_named("general").type = GUILD_ANNOUNCEMENT
    text = await choose(harness, guild, "admin buddies", "general")
    assert "#general is an announcement channel; private threads only exist in text" in text


async def test_a_channel_overwrite_that_denies_files_is_named_for_the_digest(
    harness: Harness, guild: FakeGuild
) -> None:
    digests = guild.channel_named("digests")
    digests.overwrites.append(
        {"id": str(bot_role(guild).id), "type": 0, "allow": "0", "deny": str(ATTACH_FILES)}
    )
    text = await choose(harness, guild, "admin digest", "digests")
    assert "Not ready yet: I cannot post the digest in" in text
    assert "studybot lacks Attach Files in #digests" in text
    assert "Send Messages" not in text


async def test_running_the_setting_again_after_the_fix_says_ready(
    harness: Harness, guild: FakeGuild
) -> None:
    digests = guild.channel_named("digests")
    deny = {"id": str(bot_role(guild).id), "type": 0, "allow": "0", "deny": str(SEND_MESSAGES)}
    digests.overwrites.append(deny)
    assert "lacks Send Messages" in await choose(harness, guild, "admin digest", "digests")
    digests.overwrites.remove(deny)
    assert "Not ready" not in await choose(harness, guild, "admin digest", "digests")


async def test_the_chosen_channel_is_named_as_a_channel_mention(
    harness: Harness, guild: FakeGuild
) -> None:
    """The core writes `#<id>`; Discord shows `<#id>` as the channel's name, not digits."""
    bot_role(guild).permissions = BOT_PERMISSIONS | MANAGE_THREADS
    digests = guild.channel_named("digests")
    text = await choose(harness, guild, "admin digest", "digests")
    assert f"<#{digests.id}>" in text
    assert f" #{digests.id}" not in text
