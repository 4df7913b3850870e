"""The member lookup every command makes is cached; every write through the repositories is
seen by the next lookup, and a lookup racing a write never keeps the older row."""

from __future__ import annotations

import asyncio
from datetime import time, timedelta
from typing import Any

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.storage.db import Params
from bot.storage.models import Member


async def _alice(app: App, clock: ManualClock) -> Member:
    tenant = await app.tenants.ensure("test", "T1", "", clock.now())
    await app.members.ensure(tenant.id, "alice", "Alice", clock.now())
    found = await app.members.find(tenant.id, "alice")
    assert found is not None
    return found


async def test_a_cached_member_is_returned_without_a_query(app: App, clock: ManualClock) -> None:
    alice = await _alice(app, clock)
    await app.db.execute("UPDATE members SET display_name = 'behind its back'")
    assert await app.members.find(alice.tenant_id, "alice") == alice


async def test_a_new_display_name_is_seen_by_the_next_lookup(app: App, clock: ManualClock) -> None:
    alice = await _alice(app, clock)
    await app.members.ensure(alice.tenant_id, "alice", "Alice B.", clock.now())
    found = await app.members.find(alice.tenant_id, "alice")
    assert found is not None and found.display_name == "Alice B."


async def test_leaving_and_closed_dms_are_seen_by_the_next_lookup(
    app: App, clock: ManualClock
) -> None:
    alice = await _alice(app, clock)
    await app.members.set_dm_closed(alice.id, True)
    found = await app.members.find(alice.tenant_id, "alice")
    assert found is not None and found.dm_closed
    await app.members.mark_left(alice.tenant_id, "alice", clock.now() + timedelta(hours=1))
    found = await app.members.find(alice.tenant_id, "alice")
    assert found is not None and found.left_at is not None


async def test_a_profile_time_zone_change_is_seen_by_the_next_lookup(
    app: App, clock: ManualClock
) -> None:
    alice = await _alice(app, clock)
    assert alice.timezone is None
    await app.profiles.update(alice.tenant_id, alice.id, clock.now(), {"timezone": "Asia/Tokyo"})
    found = await app.members.find(alice.tenant_id, "alice")
    assert found is not None and found.timezone == "Asia/Tokyo"
    await app.profiles.update(
        alice.tenant_id, alice.id, clock.now(), {}, hours=(time(18), time(20))
    )
    found = await app.members.find(alice.tenant_id, "alice")
    assert found is not None and found.timezone == "Asia/Tokyo"


async def test_a_lookup_racing_a_write_does_not_keep_the_older_row(
    app: App, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = await _alice(app, clock)
    app.members.forget(alice.id)
    read_done, release = asyncio.Event(), asyncio.Event()
    fetchone = app.db.fetchone

    async def slow_fetchone(sql: str, params: Params = ()) -> Any:
        row = await fetchone(sql, params)  # the row before the write
        read_done.set()
        await release.wait()  # ...delivered only after the write committed
        return row

    monkeypatch.setattr(app.db, "fetchone", slow_fetchone)
    lookup = asyncio.create_task(app.members.find(alice.tenant_id, "alice"))
    await read_done.wait()
    monkeypatch.setattr(app.db, "fetchone", fetchone)
    await app.members.set_dm_closed(alice.id, True)
    release.set()
    stale = await lookup
    assert stale is not None and not stale.dm_closed  # that lookup saw the older row...
    found = await app.members.find(alice.tenant_id, "alice")
    assert found is not None and found.dm_closed  # ...but did not keep it


async def test_a_platform_zone_change_is_seen_by_the_next_lookup(
    app: App, clock: ManualClock
) -> None:
    alice = await _alice(app, clock)
    await app.members.ensure(alice.tenant_id, "alice", "", clock.now(), "America/Los_Angeles")
    found = await app.members.find(alice.tenant_id, "alice")
    assert found is not None and found.platform_timezone == "America/Los_Angeles"
    assert found.display_name == "Alice"  # an empty name keeps the stored one
