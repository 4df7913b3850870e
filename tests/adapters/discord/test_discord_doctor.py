"""`python -m bot doctor` against the fake Discord: a clean report for a correct setup, and the
exact missing permission, intent or token for a broken one."""

from __future__ import annotations

import io
from pathlib import Path

from adapters.discord.doctor import DiscordProbe
from bot.doctor import examine, report
from tests.adapters.discord.discord_harness import Harness, make_settings
from tests.fakes.discord import INTENT_GUILD_MEMBERS, FakeDiscord, FakeGuild
from tests.fakes.discord.constants import ATTACH_FILES, BOT_PERMISSIONS, MANAGE_THREADS


async def doctor(fake: FakeDiscord, tmp_path: Path, token: str | None = None) -> tuple[int, str]:
    settings = make_settings(tmp_path, discord_token=token or fake.token)
    sections = await examine(settings, "discord", settings.studybot_db, DiscordProbe(settings))
    out = io.StringIO()
    return report(sections, out), out.getvalue()


async def configure(harness: Harness, guild: FakeGuild) -> None:
    olga = guild.member_named("olga")
    for command, channel in (("admin digest", "digests"), ("admin buddies", "study-buddies")):
        await harness.invoke(
            command, {"channel": guild.channel_named(channel)}, user=olga, guild=guild
        )


def grant_everything(guild: FakeGuild) -> None:
    role = next(r for r in guild.roles.values() if r.bot_id is not None)
    role.permissions = BOT_PERMISSIONS | MANAGE_THREADS


async def test_a_correct_setup_gets_a_clean_report(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild, tmp_path: Path
) -> None:
    grant_everything(guild)
    await configure(harness, guild)
    code, text = await doctor(fake, tmp_path)
    assert code == 0, text
    assert "token accepted: logged in as" in text
    assert "Server Members Intent is on" in text
    assert "in 1 server(s): Study Hall" in text
    assert "digest channel: #digests is ready" in text
    assert "buddy channel: #study-buddies is ready" in text
    assert "Everything checked is ready." in text


async def test_a_missing_channel_permission_is_named_with_its_fix(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild, tmp_path: Path
) -> None:
    grant_everything(guild)
    await configure(harness, guild)
    role = next(r for r in guild.roles.values() if r.bot_id is not None)
    guild.channel_named("digests").overwrites.append(
        {"id": str(role.id), "type": 0, "allow": "0", "deny": str(ATTACH_FILES)}
    )
    code, text = await doctor(fake, tmp_path)
    assert code == 1
    assert "FIX  studybot lacks Attach Files in #digests: allow them for the studybot role" in text
    assert "1 problem(s) found." in text


async def test_a_buddy_channel_without_manage_threads_is_a_problem(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild, tmp_path: Path
) -> None:
    role = next(r for r in guild.roles.values() if r.bot_id is not None)
    role.permissions = BOT_PERMISSIONS & ~MANAGE_THREADS  # invited without it, or removed
    await configure(harness, guild)
    code, text = await doctor(fake, tmp_path)
    assert code == 1 and "studybot lacks Manage Threads in #study-buddies" in text


async def test_the_members_intent_switched_off_is_a_problem(
    fake: FakeDiscord, guild: FakeGuild, tmp_path: Path
) -> None:
    fake.privileged_intents_enabled &= ~INTENT_GUILD_MEMBERS
    code, text = await doctor(fake, tmp_path)
    assert code == 1
    assert "Server Members Intent is off" in text
    assert "Privileged Gateway Intents: turn on Server Members Intent" in text


async def test_a_rejected_token_says_how_to_reset_it(
    fake: FakeDiscord, guild: FakeGuild, tmp_path: Path
) -> None:
    code, text = await doctor(fake, tmp_path, token="not-the-token")
    assert code == 1
    assert "FIX  Discord rejected DISCORD_TOKEN" in text and "Reset Token" in text


async def test_a_bot_in_no_server_gets_the_invite_link(fake: FakeDiscord, tmp_path: Path) -> None:
    code, text = await doctor(fake, tmp_path)
    assert code == 1
    assert "the bot is in no server yet" in text
    assert "scope=bot+applications.commands" in text and "permissions=" in text
