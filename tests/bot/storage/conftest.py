"""Every storage test runs on both backends: SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.connect import open_database
from bot.storage.db import Database
from bot.storage.migrations import migrate
from tests.conftest import BACKENDS, test_database
from tests.helpers import START


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async for url in test_database(request, request.param, tmp_path):
        yield url


@pytest.fixture(params=BACKENDS)
async def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An open database without a single table, on each backend."""
    async for url in test_database(request, request.param, tmp_path, migrated=False):
        db = await open_database(url)
        yield db
        await db.close()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A migrated database, open, on each backend (a test file may define its own `db`)."""
    database = await open_database(database_url)
    await migrate(database, START)
    yield database
    await database.close()
