from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.app import App
from bot.storage.buddies import BuddyRepo
from bot.storage.models import Member
from bot.storage.paths import PathRepo, erase
from tests.helpers import START

DAY = START.date()


@pytest.fixture
def repo(app: App) -> PathRepo:
    return app.paths.repo


async def _members(app: App, *names: str, tenant: str = "T1") -> list[Member]:
    t = await app.tenants.ensure("test", tenant, "", START)
    return [await app.members.ensure(t.id, n, n.capitalize(), START) for n in names]


async def _checkin(app: App, m: Member, on: date, minutes: int | None, *skills: str) -> None:
    await app.db.execute(
        "INSERT INTO checkins (tenant_id, member_id, local_date, timezone, did, minutes,"
        " created_at, updated_at) VALUES (?, ?, ?, 'UTC', 'x', ?, '', '')",
        (m.tenant_id, m.id, on.isoformat(), minutes),
    )
    row = await app.db.fetchone(
        "SELECT id FROM checkins WHERE member_id = ? AND local_date = ?", (m.id, on.isoformat())
    )
    assert row is not None
    for skill in skills:
        await app.db.execute(
            "INSERT INTO checkin_skills (checkin_id, tenant_id, skill) VALUES (?, ?, ?)",
            (row["id"], m.tenant_id, skill),
        )


async def test_picking_another_path_keeps_one_active_and_the_first_pick(
    app: App, repo: PathRepo
) -> None:
    (alice,) = await _members(app, "alice")
    await repo.pick(alice.tenant_id, alice.id, "a", START, DAY)
    await repo.pick(alice.tenant_id, alice.id, "b", START + timedelta(days=1), DAY)
    again = await repo.pick(alice.tenant_id, alice.id, "a", START + timedelta(days=2), DAY)
    assert again.picked_at == START
    active = await repo.active(alice.tenant_id, alice.id)
    assert active is not None and active.path_id == "a"
    assert [p.path_id for p in await repo.picked(alice.tenant_id, alice.id)] == ["a", "b"]


async def test_leave_ends_the_active_path_and_says_which(app: App, repo: PathRepo) -> None:
    (alice,) = await _members(app, "alice")
    await repo.pick(alice.tenant_id, alice.id, "a", START, DAY)
    left = await repo.leave(alice.tenant_id, alice.id)
    assert left is not None and left.path_id == "a"
    assert await repo.active(alice.tenant_id, alice.id) is None
    assert await repo.leave(alice.tenant_id, alice.id) is None


async def test_active_all_is_scoped_to_the_tenant(app: App, repo: PathRepo) -> None:
    (alice,) = await _members(app, "alice")
    (bob,) = await _members(app, "bob", tenant="T2")
    await repo.pick(alice.tenant_id, alice.id, "a", START, DAY)
    await repo.pick(bob.tenant_id, bob.id, "b", START, DAY)
    assert {m: p.path_id for m, p in (await repo.active_all(alice.tenant_id)).items()} == {
        alice.id: "a"
    }


async def test_reaching_again_keeps_the_instant_and_adds_a_later_link(
    app: App, repo: PathRepo
) -> None:
    (alice,) = await _members(app, "alice")
    later = START + timedelta(hours=5)
    await repo.reach(alice.tenant_id, alice.id, "a", ["m1"], START)
    await repo.reach(alice.tenant_id, alice.id, "a", ["m1"], later, "https://github.com/a/b")
    await repo.reach(alice.tenant_id, alice.id, "a", ["m1"], later)
    got = (await repo.reached(alice.tenant_id, alice.id, "a"))["m1"]
    assert (got.at, got.link) == (START, "https://github.com/a/b")


async def test_reached_between_lists_the_window_only(app: App, repo: PathRepo) -> None:
    alice, bob = await _members(app, "alice", "bob")
    await repo.reach(alice.tenant_id, alice.id, "a", ["m1"], START)
    await repo.reach(bob.tenant_id, bob.id, "a", ["m2"], START + timedelta(days=1))
    await repo.reach(bob.tenant_id, bob.id, "a", ["m3"], START + timedelta(days=7))
    found = await repo.reached_between(alice.tenant_id, START, START + timedelta(days=7))
    assert [(m, p, r.milestone_id) for m, p, r in found] == [
        (alice.id, "a", "m1"),
        (bob.id, "a", "m2"),
    ]


async def test_skill_minutes_count_days_since_the_pick_by_their_skills(
    app: App, repo: PathRepo
) -> None:
    (alice,) = await _members(app, "alice")
    await _checkin(app, alice, DAY - timedelta(days=1), 60, "docker")  # before the pick
    await _checkin(app, alice, DAY, 30, "docker")
    await _checkin(app, alice, DAY + timedelta(days=1), 45, "sql", "docker")
    await _checkin(app, alice, DAY + timedelta(days=2), 20, "docker")
    await _checkin(app, alice, DAY + timedelta(days=3), None, "docker")
    await repo.pick(alice.tenant_id, alice.id, "a", START, DAY)
    assert await repo.skill_minutes(alice.tenant_id, alice.id) == {
        alice.id: {frozenset({"docker"}): 50, frozenset({"docker", "sql"}): 45}
    }


async def test_skill_minutes_of_everyone_come_in_one_call(app: App, repo: PathRepo) -> None:
    alice, bob, carol = await _members(app, "alice", "bob", "carol")
    for m in (alice, bob):
        await repo.pick(m.tenant_id, m.id, "a", START, DAY)
        await _checkin(app, m, DAY, 30, "git")
    await _checkin(app, carol, DAY, 30, "git")  # on no path
    found = await repo.skill_minutes(alice.tenant_id)
    assert found == {alice.id: {frozenset({"git"}): 30}, bob.id: {frozenset({"git"}): 30}}


async def test_helpers_skip_the_paused_the_blocked_and_those_who_left(
    app: App, repo: PathRepo
) -> None:
    asker, ready, paused, blocked, gone, knows = await _members(
        app, "asker", "ready", "paused", "blocked", "gone", "knows"
    )
    t = asker.tenant_id
    for m in (ready, paused, blocked, gone, knows):
        await repo.pick(t, m.id, "a", START, DAY)
        await repo.reach(t, m.id, "a", ["m1"], START)
    buddies = BuddyRepo(app.db)
    await buddies.join(t, paused.id, START)
    await buddies.set_status(t, paused.id, "paused", START, None)
    await buddies.block(t, blocked.id, asker.id, START)
    await app.members.mark_left(t, "gone", START)
    await app.db.execute(
        "INSERT INTO member_skills (member_id, tenant_id, kind, skill) VALUES (?, ?, 'knows', 'docker')",
        (knows.id, t),
    )
    found = await repo.helpers(t, "a", "m1", ["docker"], asker.id, START)
    assert [(h.member_id, h.knows) for h in found] == [(knows.id, True), (ready.id, False)]


async def test_removing_a_community_path_takes_its_members_off_it(app: App, repo: PathRepo) -> None:
    (alice,) = await _members(app, "alice")
    assert not await repo.add_path(alice.tenant_id, "own", "{}", START)
    assert await repo.add_path(alice.tenant_id, "own", "{ }", START)
    await repo.pick(alice.tenant_id, alice.id, "own", START, DAY)
    assert await repo.members_on(alice.tenant_id, "own") == 1
    assert await repo.remove_path(alice.tenant_id, "own") == 1
    assert await repo.active(alice.tenant_id, alice.id) is None
    assert await repo.remove_path(alice.tenant_id, "own") == -1


async def test_erase_deletes_the_members_rows_only(app: App, repo: PathRepo) -> None:
    alice, bob = await _members(app, "alice", "bob")
    for m in (alice, bob):
        await repo.pick(m.tenant_id, m.id, "a", START, DAY)
        await repo.reach(m.tenant_id, m.id, "a", ["m1"], START)
    async with app.db.transaction() as tx:
        assert await erase(tx, alice.tenant_id, alice.id) == 2
    assert await repo.export(alice.tenant_id, alice.id) == {
        "active": None,
        "picked": [],
        "milestones_reached": [],
    }
    assert await repo.active(bob.tenant_id, bob.id) is not None


async def test_a_deleted_communitys_rows_go_with_it(app: App, repo: PathRepo) -> None:
    (alice,) = await _members(app, "alice")
    await repo.pick(alice.tenant_id, alice.id, "own", START, DAY)
    await repo.reach(alice.tenant_id, alice.id, "own", ["m1"], START)
    await repo.add_path(alice.tenant_id, "own", "{}", START)
    await app.db.execute("DELETE FROM tenants WHERE id = ?", (alice.tenant_id,))
    for table in ("member_paths", "path_milestones", "tenant_paths"):
        assert await app.db.fetchall(f"SELECT * FROM {table}") == [], table
