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


async def test_profiles_of_some_members_are_theirs_set_or_not(app: App, clock: ManualClock) -> None:
    alice = await _alice(app, clock)
    bob = await app.members.ensure(alice.tenant_id, "bob", "Bob", clock.now())
    other = await app.tenants.ensure("test", "T2", "", clock.now())
    zed = await app.members.ensure(other.id, "zed", "Zed", clock.now())
    await app.profiles.update(
        alice.tenant_id, alice.id, clock.now(), {}, (time(18), time(21)), ("sql",)
    )
    await app.profiles.update(other.id, zed.id, clock.now(), {}, (time(6), time(7)))
    found = await app.profiles.of(alice.tenant_id, [alice.id, bob.id, zed.id])
    assert (found[alice.id].hours, found[alice.id].learning) == ((time(18), time(21)), ("sql",))
    assert found[bob.id].hours is None
    assert found[zed.id].hours is None  # another community's member: not read
