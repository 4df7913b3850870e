"""Shared fixtures: the real app on a temp-file SQLite, a manual clock and a recording messenger.

Helpers that tests import (`say`, `actor`, `START`) live in `tests/helpers.py`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from cogs import load_all
from tests.fakes.recording import RecordingMessenger
from tests.helpers import START

# CI shares two cores with other work: a per-example deadline would only measure the machine.
hypothesis_settings.register_profile("studybot", deadline=None, print_blob=True)
hypothesis_settings.load_profile("studybot")


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
