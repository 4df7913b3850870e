"""Tenants and settings are cached in memory; writes through the repository are seen at once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.storage.db import Database, Params
from bot.storage.tenants import TenantRepo
from tests.helpers import START


@pytest.fixture
def repo(db: Database) -> TenantRepo:
    return TenantRepo(db)


async def test_a_cached_tenant_is_returned_without_a_query(db: Database, repo: TenantRepo) -> None:
    made = await repo.ensure("discord", "g1", "Guild", START)
    await db.execute("UPDATE tenants SET name = 'changed behind its back'")  # not via the repo
    assert await repo.find("discord", "g1") == made
    assert await repo.get(made.id) == made


async def test_a_rename_through_ensure_is_seen_by_find_and_get(
    db: Database, repo: TenantRepo
) -> None:
    made = await repo.ensure("discord", "g1", "Guild", START)
    assert (await repo.find("discord", "g1")) == made
    await repo.ensure("discord", "g1", "Renamed", START)
    found = await repo.find("discord", "g1")
    assert found is not None and found.name == "Renamed"
    by_id = await repo.get(made.id)
    assert by_id is not None and by_id.name == "Renamed"


async def test_a_settings_change_is_seen_by_the_next_read(db: Database, repo: TenantRepo) -> None:
    tenant = await repo.ensure("discord", "g1", "Guild", START)
    assert await repo.settings(tenant.id) == {}
    await repo.set_settings(tenant.id, {"timezone": "Europe/Berlin"})
    assert await repo.settings(tenant.id) == {"timezone": "Europe/Berlin"}
    await repo.set_settings(tenant.id, {"timezone": None})
    assert await repo.settings(tenant.id) == {}


async def test_settings_of_one_tenant_are_not_another_tenants(
    db: Database, repo: TenantRepo
) -> None:
    one = await repo.ensure("discord", "g1", "One", START)
    two = await repo.ensure("discord", "g2", "Two", START)
    await repo.set_settings(one.id, {"timezone": "Asia/Tokyo"})
    assert await repo.settings(two.id) == {}


async def test_changing_the_returned_settings_does_not_change_the_cache(
    db: Database, repo: TenantRepo
) -> None:
    tenant = await repo.ensure("discord", "g1", "Guild", START)
    (await repo.settings(tenant.id))["timezone"] = "Asia/Tokyo"
    assert await repo.settings(tenant.id) == {}


async def test_a_read_in_flight_during_a_write_does_not_cache_the_older_value(
    db: Database, repo: TenantRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = await repo.ensure("discord", "g1", "Guild", START)
    read_done, release = asyncio.Event(), asyncio.Event()
    fetchall = db.fetchall

    async def slow_fetchall(sql: str, params: Params = ()) -> list[Any]:
        rows = await fetchall(sql, params)  # the value before the write
        read_done.set()
        await release.wait()  # ...delivered only after the write committed
        return rows

    monkeypatch.setattr(db, "fetchall", slow_fetchall)
    read = asyncio.create_task(repo.settings(tenant.id))
    await read_done.wait()
    monkeypatch.setattr(db, "fetchall", fetchall)
    await repo.set_settings(tenant.id, {"timezone": "Asia/Tokyo"})
    release.set()
    assert await read == {}  # that read saw the older value...
    assert await repo.settings(tenant.id) == {"timezone": "Asia/Tokyo"}  # ...but did not keep it
