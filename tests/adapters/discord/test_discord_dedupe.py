"""An interaction that reaches the bot twice (a second process, a gateway replay) is handled
once: one answer, one run of the command; two interactions are two runs."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.adapters.discord.discord_harness import Harness
from tests.fakes.discord import FakeDiscord, FakeGuild


class Sightings:
    """What `App.first_sight` answered, in order (the real method runs)."""

    def __init__(self, harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answers: list[tuple[str, bool]] = []
        self._changed = asyncio.Event()
        real = harness.app.first_sight

        async def recorded(event_id: str) -> bool:
            answer = await real(event_id)
            self.answers.append((event_id, answer))
            self._changed.set()
            return answer

        monkeypatch.setattr(harness.app, "first_sight", recorded)

    async def wait_for(self, count: int) -> None:
        async with asyncio.timeout(3):
            while len(self.answers) < count:
                self._changed.clear()
                await self._changed.wait()


def callbacks(fake: FakeDiscord, payload: dict[str, Any]) -> int:
    return len(fake.find_requests("POST", f"/interactions/{payload['id']}/"))


async def test_a_slash_command_delivered_twice_runs_once(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild, monkeypatch: pytest.MonkeyPatch
) -> None:
    sightings = Sightings(harness, monkeypatch)
    bob = guild.member_named("bob")
    payload = fake.slash_command(
        "checkin", {"did": "SQL joins", "minutes": 30}, user=bob, guild=guild
    )
    reply = await harness.feed(payload)
    assert "Checked in" in reply["content"]
    fake.redeliver(harness.bot, payload)
    await sightings.wait_for(2)
    assert sightings.answers == [(payload["id"], True), (payload["id"], False)]
    assert callbacks(fake, payload) == 1
    streak = await harness.invoke("streak", user=bob, guild=guild)
    assert "Current: 1 day" in streak["content"]


async def test_a_form_submitted_twice_is_saved_once(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild, monkeypatch: pytest.MonkeyPatch
) -> None:
    sightings = Sightings(harness, monkeypatch)
    alice = guild.member_named("alice")
    await harness.invoke("checkin", user=alice, guild=guild)  # opens the modal
    payload = fake.modal_submit({"did": "Docker", "minutes": "45"}, user=alice, guild=guild)
    reply = await harness.feed(payload)
    assert reply["content"].startswith("Checked in")
    fake.redeliver(harness.bot, payload)
    await sightings.wait_for(3)
    assert sightings.answers[-1] == (payload["id"], False)
    assert callbacks(fake, payload) == 1


async def test_two_interactions_with_the_same_command_both_run(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    carol = guild.member_named("carol")
    first = await harness.invoke("checkin", {"did": "Git", "minutes": 20}, user=carol, guild=guild)
    second = await harness.invoke("checkin", {"did": "Git", "minutes": 50}, user=carol, guild=guild)
    assert "20 min" in first["content"]
    assert "50 min" in second["content"]
