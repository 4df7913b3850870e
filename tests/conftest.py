"""Shared fixtures: the real app on a temp-file SQLite, a manual clock and a recording messenger."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from bot.app import Actor, App
from bot.clock import ManualClock
from bot.commands import Reply
from bot.config import Settings
from cogs import load_all
from tests.fakes.recording import RecordingMessenger

# CI shares two cores with other work: a per-example deadline would only measure the machine.
hypothesis_settings.register_profile("studybot", deadline=None, print_blob=True)
hypothesis_settings.load_profile("studybot")

START = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, studybot_db=tmp_path / "test.sqlite3", studybot_send_rate=0)  # type: ignore[call-arg]


@pytest.fixture
async def app(
    settings: Settings, clock: ManualClock, messenger: RecordingMessenger
) -> AsyncIterator[App]:
    application = await App.create(settings, clock, messenger, load_all())
    yield application
    await application.close()


def actor(user: str = "alice", *, tenant: str = "T1", admin: bool = False) -> Actor:
    return Actor(tenant_id=tenant, user_id=user, display_name=user.capitalize(), is_admin=admin)


async def say(
    app: App, line: str, user: str = "alice", *, tenant: str = "T1", admin: bool = False
) -> Reply:
    """Type a command line as `user` in `tenant`, then deliver whatever it queued."""
    reply = await app.handle_line(actor(user, tenant=tenant, admin=admin), line)
    await app.sender.drain()
    return reply
