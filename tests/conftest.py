"""Shared fixtures: the real app on a temp-file SQLite, a manual clock and a recording messenger.

The storage tests (tests/bot/storage) run on SQLite and on PostgreSQL (a server the tests start,
tests/postgres.py); `STUDYBOT_TEST_DATABASE=postgresql` runs every test on PostgreSQL.
`STUDYBOT_POSTGRES_TESTS=required` (`make test`) fails them, rather than skips them, when no
PostgreSQL server is installed.

Helpers that tests import (`say`, `actor`, `START`) live in `tests/helpers.py`."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from cogs import load_all
from tests.fakes.recording import RecordingMessenger
from tests.helpers import START
from tests.postgres import PostgresServer, PostgresUnavailable

# CI shares two cores with other work: a per-example deadline would only measure the machine.
hypothesis_settings.register_profile("studybot", deadline=None, print_blob=True)
hypothesis_settings.load_profile("studybot")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger()


@pytest.fixture(autouse=True)
def root_logging_restored() -> Iterator[None]:
    """A test that runs `bot.__main__.main` gets its root handler (on the test's captured
    stderr, closed afterwards) and level; later tests must not log into that closed stream."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


BACKENDS = ("sqlite", "postgresql")
_SKIPPED = "PostgreSQL tests skipped"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One server per test worker, started when a test first asks for it."""
    try:
        server = PostgresServer.start()
    except PostgresUnavailable as exc:
        if os.environ.get("STUDYBOT_POSTGRES_TESTS") == "required":
            pytest.fail(str(exc))
        pytest.skip(f"{_SKIPPED}: {exc}")
    try:
        yield server
    finally:
        server.stop()


async def test_database(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, *, migrated: bool = True
) -> AsyncIterator[str]:
    """Where a test's data lives: a fresh SQLite file (created by whoever opens it), or a fresh
    PostgreSQL database (migrated, unless asked for an empty one)."""
    if backend == "sqlite":
        yield str(tmp_path / "test.sqlite3")
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = await server.fresh_database(migrated=migrated)
    yield url
    await server.drop(url)


@pytest.fixture
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    backend = os.environ.get("STUDYBOT_TEST_DATABASE", "sqlite")
    async for url in test_database(request, backend, tmp_path):
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(_env_file=None, studybot_db=database_url, studybot_send_rate=0)  # type: ignore[call-arg]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if _SKIPPED in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep(
            "!", f"{len(skipped)} PostgreSQL tests SKIPPED: only SQLite was tested", red=True
        )


@pytest.fixture
async def app(
    settings: Settings, clock: ManualClock, messenger: RecordingMessenger
) -> AsyncIterator[App]:
    application = await App.create(settings, clock, messenger, load_all())
    yield application
    await application.close()
