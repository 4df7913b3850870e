"""Fixtures for the Discord adapter tests: a fake Discord on 127.0.0.1, discord.py aimed at it,
and the real app behind the real adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import discord
import pytest
import yarl

from tests.adapters.discord.discord_harness import Harness, start_harness
from tests.fakes.discord import FakeDiscord, FakeGuild


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A running fake Discord; discord.py's REST and gateway URLs point at it.

    At teardown the test fails if the bot broke a rule Discord enforces (a late or double
    interaction reply, an unanswered interaction, an invalid payload, an unknown route).
    """
    async with FakeDiscord() as server:
        monkeypatch.setattr(discord.http.Route, "BASE", server.api_url)
        monkeypatch.setattr(
            discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url)
        )
        yield server
        server.assert_clean()


@pytest.fixture
def guild(fake: FakeDiscord) -> FakeGuild:
    """A guild with a student (alice, bob, carol) and an organizer (olga)."""
    guild = fake.add_guild("Study Hall")
    for name in ("alice", "bob", "carol"):
        fake.add_member(guild, name)
    fake.add_member(guild, "olga", organizer=True)
    return guild


@pytest.fixture
async def harness(fake: FakeDiscord, guild: FakeGuild, tmp_path: Path) -> AsyncIterator[Harness]:
    h = await start_harness(fake, tmp_path)
    try:
        yield h
    finally:
        await h.bot.close()
        await h.app.close()


@pytest.fixture(autouse=True)
def no_button_dropped(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A button whose command line does not fit a custom id is dropped with a warning: the
    member would see a reply without it (the delete confirmation once lost both buttons)."""
    yield
    dropped = [r.getMessage() for r in caplog.records if "dropping button" in r.getMessage()]
    assert not dropped, dropped
