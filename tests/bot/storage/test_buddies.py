from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.app import App
from bot.storage.buddies import BuddyRepo
from bot.storage.models import Member
from bot.storage.privacy import FORMER_MEMBER
from tests.helpers import START, sqlite_of

AFTER = START + timedelta(days=7)  # past the follow-up of rounds started at START


@pytest.fixture
def repo(app: App) -> BuddyRepo:
    return BuddyRepo(app.db)


async def _members(app: App, *names: str, tenant: str = "T1") -> list[Member]:
    t = await app.tenants.ensure("test", tenant, "", START)
    return [await app.members.ensure(t.id, n, n.capitalize(), START) for n in names]


async def _round_with(
    app: App, repo: BuddyRepo, tenant_id: int, period: str, *groups: list[Member]
) -> int:
    async with app.db.transaction() as tx:
        rnd = await repo.create_round(tx, tenant_id, period, START, START + timedelta(days=3))
        for x, group in enumerate(groups):
            await repo.add_group(
                tx, tenant_id, rnd.id, f"{period}-{x}", [(m.id, m.label) for m in group]
            )
    return rnd.id


async def test_join_twice_keeps_one_enrolment_and_clears_a_pause(app: App, repo: BuddyRepo) -> None:
    (alice,) = await _members(app, "alice")
    await repo.join(alice.tenant_id, alice.id, START)
    await repo.set_status(alice.tenant_id, alice.id, "paused", START, START + timedelta(days=7))
    again = await repo.join(alice.tenant_id, alice.id, START + timedelta(days=1))
    assert again.status == "active" and again.paused_until is None
    assert again.joined_at == START


async def test_a_timed_pause_ends_when_the_next_round_reads_participants(
    app: App, repo: BuddyRepo
) -> None:
    alice, bob = await _members(app, "alice", "bob")
    for m in (alice, bob):
        await repo.join(m.tenant_id, m.id, START)
    await repo.set_status(alice.tenant_id, alice.id, "paused", START, START + timedelta(days=7))
    async with app.db.transaction() as tx:
        during = await repo.participants(tx, alice.tenant_id, START + timedelta(days=6))
        after = await repo.participants(tx, alice.tenant_id, START + timedelta(days=7))
    assert [p.member_id for p in during] == [bob.id]
    assert [p.member_id for p in after] == [alice.id, bob.id]


async def test_a_nudge_is_recorded_once_per_local_day(app: App, repo: BuddyRepo) -> None:
    (alice,) = await _members(app, "alice")
    await repo.join(alice.tenant_id, alice.id, START)
    today = date(2026, 3, 2)
    assert await repo.mark_nudged(alice.tenant_id, alice.id, today)
    assert not await repo.mark_nudged(alice.tenant_id, alice.id, today)
    assert await repo.mark_nudged(alice.tenant_id, alice.id, today + timedelta(days=1))


async def test_blocks_are_listed_for_the_blocker_only(app: App, repo: BuddyRepo) -> None:
    alice, bob = await _members(app, "alice", "bob")
    assert await repo.block(alice.tenant_id, alice.id, bob.id, START)
    assert not await repo.block(alice.tenant_id, alice.id, bob.id, START)
    assert await repo.blocked_by(alice.tenant_id, alice.id) == ["Bob"]
    assert await repo.blocked_by(bob.tenant_id, bob.id) == []
    assert await repo.unblock(alice.tenant_id, alice.id, bob.id)
    assert await repo.blocked_by(alice.tenant_id, alice.id) == []


async def test_past_groups_are_newest_round_first(app: App, repo: BuddyRepo) -> None:
    a, b, c, d = await _members(app, "a", "b", "c", "d")
    await _round_with(app, repo, a.tenant_id, "p1", [a, b], [c, d])
    await _round_with(app, repo, a.tenant_id, "p2", [a, c], [b, d])
    async with app.db.transaction() as tx:
        past = await repo.past_groups(tx, a.tenant_id, 6)
        last_only = await repo.past_groups(tx, a.tenant_id, 1)
    assert past == [[[a.id, c.id], [b.id, d.id]], [[a.id, b.id], [c.id, d.id]]]
    assert last_only == [[[a.id, c.id], [b.id, d.id]]]


async def test_closing_a_round_pauses_after_two_silent_rounds(app: App, repo: BuddyRepo) -> None:
    alice, bob = await _members(app, "alice", "bob")
    for m in (alice, bob):
        await repo.join(m.tenant_id, m.id, START)
    paused: list[list[int]] = []
    for period in ("p1", "p2"):
        await _round_with(app, repo, alice.tenant_id, period, [alice, bob])
        group = await repo.current_group(bob.tenant_id, bob.id)
        assert group is not None
        await repo.set_met(bob.tenant_id, group.id, bob.id, True, START)
        async with app.db.transaction() as tx:
            closed = await repo.close_open_rounds(tx, alice.tenant_id, AFTER, pause_after=2)
            paused.append([m for m, _ in closed])
    assert paused == [[], [alice.id]]
    buddy = await repo.get(alice.tenant_id, alice.id)
    assert buddy is not None and buddy.status == "paused" and buddy.paused_until is None
    assert await repo.current_group(alice.tenant_id, alice.id) is None


async def test_a_round_closed_before_its_follow_up_counts_for_nobody(
    app: App, repo: BuddyRepo
) -> None:
    alice, bob = await _members(app, "alice", "bob")
    for m in (alice, bob):
        await repo.join(m.tenant_id, m.id, START)
    for period in ("p1", "p2", "p3"):
        await _round_with(app, repo, alice.tenant_id, period, [alice, bob])
        async with app.db.transaction() as tx:
            assert await repo.close_open_rounds(tx, alice.tenant_id, START, pause_after=2) == []
    buddy = await repo.get(alice.tenant_id, alice.id)
    assert buddy is not None and buddy.missed_rounds == 0


async def test_leaving_marks_the_open_group_and_ends_enrolment(app: App, repo: BuddyRepo) -> None:
    alice, bob = await _members(app, "alice", "bob")
    await repo.join(alice.tenant_id, alice.id, START)
    await _round_with(app, repo, alice.tenant_id, "p1", [alice, bob])
    async with app.db.transaction() as tx:
        groups = await repo.leave(tx, alice.tenant_id, alice.id, START)
    assert len(groups) == 1
    buddy = await repo.get(alice.tenant_id, alice.id)
    assert buddy is not None and buddy.status == "left"
    assert await repo.current_group(alice.tenant_id, alice.id) is None
    bobs = await repo.current_group(bob.tenant_id, bob.id)
    assert bobs is not None and bobs.member(alice.id) is not None
    left = bobs.member(alice.id)
    assert left is not None and left.left_at == START


async def test_erase_tombstones_groups_and_drops_blocks_both_ways(
    app: App, repo: BuddyRepo
) -> None:
    alice, bob, cy = await _members(app, "alice", "bob", "cy")
    await repo.join(alice.tenant_id, alice.id, START)
    await repo.block(alice.tenant_id, alice.id, bob.id, START)
    await repo.block(alice.tenant_id, cy.id, alice.id, START)
    await _round_with(app, repo, alice.tenant_id, "p1", [alice, bob])
    async with app.db.transaction() as tx:
        assert await repo.erase(tx, alice.tenant_id, alice.id) == 4
    assert await repo.get(alice.tenant_id, alice.id) is None
    assert await repo.blocked_by(cy.tenant_id, cy.id) == []
    (group,) = await repo.groups_of(bob.tenant_id, bob.id)
    assert [m.display_name for m in group.others(bob.id)] == [FORMER_MEMBER]
    assert await repo.groups_of(alice.tenant_id, alice.id) == []


async def test_queries_never_cross_tenants(app: App, repo: BuddyRepo) -> None:
    (alice,) = await _members(app, "alice", tenant="T1")
    (zed,) = await _members(app, "zed", tenant="T2")
    for m in (alice, zed):
        await repo.join(m.tenant_id, m.id, START)
    await _round_with(app, repo, alice.tenant_id, "p1", [alice])
    async with app.db.transaction() as tx:
        t2 = await repo.participants(tx, zed.tenant_id, START)
        past = await repo.past_groups(tx, zed.tenant_id, 6)
    assert [p.member_id for p in t2] == [zed.id] and past == []
    assert await repo.get(zed.tenant_id, alice.id) is None
    assert await repo.current_group(zed.tenant_id, alice.id) is None


async def test_recent_rounds_are_the_tenants_latest_newest_first(app: App, repo: BuddyRepo) -> None:
    alice, bob = await _members(app, "alice", "bob")
    (zed, yuri) = await _members(app, "zed", "yuri", tenant="T2")
    for period in ("p1", "p2", "p3"):
        await _round_with(app, repo, alice.tenant_id, period, [alice, bob])
    await _round_with(app, repo, zed.tenant_id, "p1", [zed, yuri])
    recent = await repo.recent_rounds(alice.tenant_id, 2)
    assert [(r.number, r.period, r.tenant_id) for r in recent] == [
        (3, "p3", alice.tenant_id),
        (2, "p2", alice.tenant_id),
    ]


async def test_a_rounds_members_are_found_by_its_groups_not_the_whole_community(
    app: App, repo: BuddyRepo
) -> None:
    """Found by (tenant, member), the members of a 5,000-group round meant reading every
    group_members row the community ever had."""
    alice, bob = await _members(app, "alice", "bob")
    round_id = await _round_with(app, repo, alice.tenant_id, "p1", [alice, bob])
    statements: list[str] = []
    await sqlite_of(app).trace(statements.append)
    await repo.round_groups(alice.tenant_id, round_id)
    await sqlite_of(app).trace(None)
    (members,) = [s for s in statements if "FROM group_members gm" in s]
    plan = [r[3] for r in await app.db.fetchall(f"EXPLAIN QUERY PLAN {members}")]
    assert any("gm USING INDEX sqlite_autoindex_group_members_1 (group_id=?)" in p for p in plan)
