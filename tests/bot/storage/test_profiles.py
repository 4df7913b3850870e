"""Profile updates change only what is given and return the profile as stored."""

from __future__ import annotations

from datetime import time

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.storage.models import Member

Skills = tuple[str, ...] | None
Update = tuple[dict[str, str | None], tuple[time, time] | None, Skills, Skills]
UPDATES: list[Update] = [
    ({"timezone": "Europe/Berlin", "goal": "internship"}, None, ("sql", "docker"), None),
    ({}, (time(18), time(21)), None, ("python",)),
    ({"about": "stats student"}, None, ("git",), ("sql", "linux")),
    ({}, None, None, None),
]


async def _alice(app: App, clock: ManualClock) -> Member:
    tenant = await app.tenants.ensure("test", "T1", "", clock.now())
    return await app.members.ensure(tenant.id, "alice", "Alice", clock.now())


@pytest.mark.parametrize("order", [UPDATES, UPDATES[::-1]])
async def test_each_update_returns_what_a_fresh_read_returns(
    app: App, clock: ManualClock, order: list[Update]
) -> None:
    alice = await _alice(app, clock)
    for fields, hours, learning, knows in order:
        saved = await app.profiles.update(
            alice.tenant_id,
            alice.id,
            clock.now(),
            fields,
            hours=hours,
            learning=learning,
            knows=knows,
        )
        assert saved == await app.profiles.get(alice.tenant_id, alice.id)


async def test_fields_not_given_keep_their_values(app: App, clock: ManualClock) -> None:
    alice = await _alice(app, clock)
    await app.profiles.update(
        alice.tenant_id, alice.id, clock.now(), {"timezone": "Asia/Tokyo"}, learning=("sql",)
    )
    saved = await app.profiles.update(alice.tenant_id, alice.id, clock.now(), {"level": "beginner"})
    assert (saved.timezone, saved.level, saved.learning) == ("Asia/Tokyo", "beginner", ("sql",))
