"""The rounds and blockers pages over HTTP: one round's groups and each blocker list a page at
a time, with links to the rest."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.app import App
from bot.dashboard import read
from tests.adapters.dashboard.harness import logged_in, login_token, served
from tests.helpers import say


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    async with served(app) as site, httpx.AsyncClient(base_url=site.url) as c:
        await logged_in(c, await login_token(app))
        yield c


async def test_the_rounds_page_counts_recent_rounds_and_pages_the_groups_of_one(
    app: App, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "GROUPS_PER_PAGE", 1)
    for name in ("amy", "bo", "cy", "di"):
        await say(app, "/buddy join", name)
    await say(app, "/admin match now", "olga", admin=True)
    first = await client.get("/rounds")
    second = await client.get("/rounds", params={"round": "1", "page": "2"})
    assert first.status_code == second.status_code == 200
    assert "page 1 of 2" in first.text and 'href="/rounds?round=1&amp;page=2"' in first.text
    assert "page 2 of 2" in second.text and 'href="/rounds?round=1&amp;page=1"' in second.text
    assert first.text.count("<tr><td>") == 1 + 1  # the round's summary row, one group


async def test_the_blockers_page_shows_a_page_of_each_list_and_how_many_more(
    app: App, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "BLOCKERS_PER_PAGE", 1)
    for name, text in (("amy", "my cat sits on the keyboard"), ("bo", "the wifi drops")):
        await say(app, f'/checkin did:x blockers:"{text}"', name)
    first = await client.get("/blockers")
    second = await client.get("/blockers", params={"list": "open", "page": "2"})
    assert "1 more →" in first.text and 'href="/blockers?list=open&amp;page=2"' in first.text
    assert "my cat" in first.text and "the wifi" not in first.text
    assert "the wifi" in second.text and "my cat" not in second.text


async def test_a_stopped_server_forgets_what_it_kept(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiohttp keeps a stopped app's handlers cached; its kept reads must not stay with them."""
    forgotten: list[read.Dashboard] = []
    monkeypatch.setattr(read.Dashboard, "forget", lambda board: forgotten.append(board))
    async with served(app):
        pass
    assert len(forgotten) == 1
