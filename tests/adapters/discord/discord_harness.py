"""The real app (cogs, SQLite, a manual clock) behind the real Discord adapter, logged in to
the fake Discord over REST. Shared by the Discord adapter tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.discord.client import StudyBot
from adapters.discord.components import parse_issued
from adapters.discord.messenger import DiscordMessenger
from adapters.discord.runner import room_parent_for
from bot.app import App, CogSetup
from bot.clock import ManualClock
from bot.config import Settings
from tests.fakes.discord import FakeChannel, FakeDiscord, FakeGuild, FakeMember, FakeUser

START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)  # a Monday morning


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "studybot_db": tmp_path / "studybot.sqlite3",
        "studybot_send_rate": 0,  # the outbox would pace itself with real sleeps
        # one installation: a restarted harness (another database) accepts the old buttons
        "studybot_secret_key": "discord-harness-secret",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class Harness:
    """The real app + adapter, logged in to the fake over REST (no gateway: Mode A)."""

    def __init__(self, fake: FakeDiscord, app: App, bot: StudyBot, clock: ManualClock) -> None:
        self.fake = fake
        self.app = app
        self.bot = bot
        self.clock = clock

    async def invoke(
        self,
        path: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: FakeMember | FakeUser,
        guild: FakeGuild | None,
        channel: FakeChannel | None = None,
    ) -> dict[str, Any]:
        """Run a slash command through discord.py's parser; the reply the member sees."""
        payload = self.fake.slash_command(path, options, user=user, guild=guild, channel=channel)
        return await self.feed(payload)

    async def feed(self, payload: dict[str, Any]) -> dict[str, Any]:
        self.fake.feed(self.bot, payload)
        return await self.fake.wait_for_reply(payload)

    async def click(
        self, custom_id: str, *, user: FakeMember | FakeUser, guild: FakeGuild | None = None
    ) -> dict[str, Any]:
        return await self.feed(self.fake.button_click(custom_id, user=user, guild=guild))

    async def submit(
        self, values: Mapping[str, str], *, user: FakeMember, guild: FakeGuild
    ) -> dict[str, Any]:
        return await self.feed(self.fake.modal_submit(values, user=user, guild=guild))

    async def drain(self) -> int:
        """Send what the cogs queued in the outbox (reminders, intros, digests)."""
        return await self.app.sender.drain()

    async def join(self, guild: FakeGuild, *members: FakeMember) -> None:
        """Make members known to the core, as a command of theirs would."""
        for member in members:
            await self.app.member_joined(str(guild.id), str(member.id), member.user.username)


def issued(custom_id: str) -> tuple[str, str, str, str]:
    """A component id as (kind, server, member or *, payload), its signature checked apart."""
    found = parse_issued(custom_id)
    assert found is not None, custom_id
    return found.kind, found.tenant, found.user, found.payload


async def start_harness(
    fake: FakeDiscord,
    tmp_path: Path,
    *,
    cogs: Iterable[CogSetup] | None = None,
    guild_id: int | None = None,
    defer_after: float | None = None,
    single_instance: bool = True,
    database: str | None = None,
) -> Harness:
    if cogs is None:
        from cogs import load_all

        cogs = load_all()
    clock = ManualClock(START)
    messenger = DiscordMessenger()
    settings = make_settings(tmp_path, **({"studybot_db": database} if database else {}))
    app = await App.create(settings, clock, messenger, cogs, single_instance=single_instance)
    bot = StudyBot(app, guild_id=guild_id, defer_after=defer_after)
    messenger.bind(bot)
    messenger.set_room_parent(room_parent_for(app))
    await bot.login(fake.token)  # runs setup_hook: dynamic items and the command sync
    return Harness(fake, app, bot, clock)


@asynccontextmanager
async def harness_with(fake: FakeDiscord, tmp_path: Path, cog: object) -> AsyncIterator[Harness]:
    """A harness whose app has just `cog` (a test's own commands), closed afterwards."""

    def setup(app: App) -> None:
        app.add_cog(cog)

    harness = await start_harness(fake, tmp_path, cogs=[setup])
    try:
        yield harness
    finally:
        await harness.bot.close()
        await harness.app.close()
