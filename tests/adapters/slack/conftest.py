"""Fixtures for the Slack adapter tests: the fake Slack with its people, and the real bolt
app + real core app and cogs behind it (`slack_harness.py` has what tests import)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.slack.runner import SlackConfig, build
from bot.app import App
from bot.clock import Clock, ManualClock
from bot.commands import NO_FILES, Command, Reply
from bot.config import Settings
from bot.ports import Messenger
from cogs import load_all
from tests.adapters.slack.slack_harness import ADMIN_GROUP, Handled, SlackHarness, add_people
from tests.fakes.slack import BOT_TOKEN, SIGNING_SECRET, TEAM_ID, FakeSlack


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        add_people(server)
        yield server


@pytest.fixture
async def slack(
    fake: FakeSlack, settings: Settings, clock: ManualClock
) -> AsyncIterator[SlackHarness]:
    async def factory(messenger: Messenger, app_clock: Clock) -> App:
        return await App.create(settings, app_clock, messenger, load_all())

    config = SlackConfig(
        bot_token=BOT_TOKEN,
        http=True,
        signing_secret=SIGNING_SECRET,
        api_url=fake.base_url,
        admin_usergroup=ADMIN_GROUP,
    )
    adapter, installation = await build(config, factory, clock)
    assert installation.team_id == TEAM_ID
    handled = Handled()
    real_handle = adapter.app.handle

    async def spy(
        actor: Any, command: Command, raw: Any, prefix: str = "/", files: Any = NO_FILES
    ) -> Reply:
        handled.names.append(command.name)
        handled.admins.append(actor.is_admin)
        return await real_handle(actor, command, raw, prefix, files)

    adapter.app.handle = spy  # type: ignore[method-assign]
    fake.calls.clear()  # start each test from the first request
    try:
        yield SlackHarness(fake, adapter, installation, clock, handled)
    finally:
        await adapter.settle()
        await adapter.app.close()
