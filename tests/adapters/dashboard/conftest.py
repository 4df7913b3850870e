"""The dashboard served on 127.0.0.1 for a test, and an httpx client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.app import App
from tests.adapters.dashboard.harness import Served, served


@pytest.fixture
async def site(app: App) -> AsyncIterator[Served]:
    async with served(app) as s:
        yield s


@pytest.fixture
async def client(site: Served) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=site.url) as c:
        yield c
