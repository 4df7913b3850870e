"""Stored DM conversation ids belong to one tenant of one platform."""

from __future__ import annotations

from bot.app import App
from bot.clock import ManualClock
from bot.storage.dm_channels import DmChannelRepo


async def test_an_id_is_found_only_in_its_own_tenant(app: App, clock: ManualClock) -> None:
    await app.tenants.ensure("slack", "T1", "", clock.now())
    await app.tenants.ensure("slack", "T2", "", clock.now())
    repo = DmChannelRepo(app.db)
    await repo.put("slack", "T1", "U1", "D1")
    assert await repo.get("slack", "T1", "U1") == "D1"
    assert await repo.get("slack", "T2", "U1") is None
    assert await repo.get("discord", "T1", "U1") is None


async def test_nothing_is_stored_for_an_unknown_tenant(app: App) -> None:
    repo = DmChannelRepo(app.db)
    await repo.put("slack", "T9", "U1", "D1")
    assert await repo.get("slack", "T9", "U1") is None


async def test_a_new_id_replaces_the_old_one(app: App, clock: ManualClock) -> None:
    await app.tenants.ensure("slack", "T1", "", clock.now())
    repo = DmChannelRepo(app.db)
    await repo.put("slack", "T1", "U1", "D1")
    await repo.put("slack", "T1", "U1", "D2")
    assert await repo.get("slack", "T1", "U1") == "D2"
