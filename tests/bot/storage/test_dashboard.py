"""The dashboard's own reads: one row per member, solved blockers, round notes and group notes,
each scoped by tenant."""

from __future__ import annotations

from datetime import date, timedelta

from bot.app import App
from bot.storage.buddies import BuddyRepo
from bot.storage.checkins import MAX_DAY_MINUTES, CheckinRepo
from bot.storage.dashboard import DashboardRepo
from bot.storage.db import to_db
from bot.storage.models import Member
from tests.helpers import START

DAY = START.date()


async def _members(app: App, *names: str, tenant: str = "T1") -> list[Member]:
    t = await app.tenants.ensure("test", tenant, "", START)
    return [await app.members.ensure(t.id, n, n.capitalize(), START) for n in names]


async def _checkin(app: App, m: Member, day: date, minutes: int | None, blocker: str = "") -> None:
    await CheckinRepo(app.db).save(
        m.tenant_id, m.id, day, "UTC", START, did="x", blockers=blocker, minutes=minutes
    )


async def test_member_rows_carry_the_days_asked_about_skills_and_enrolment(app: App) -> None:
    alice, _ = await _members(app, "alice", "bob")
    (zed,) = await _members(app, "zed", tenant="T2")
    await _checkin(app, alice, DAY - timedelta(days=9), 50)
    await _checkin(app, alice, DAY, 30)
    await _checkin(app, alice, DAY + timedelta(days=1), None)
    await _checkin(app, alice, DAY + timedelta(days=6), MAX_DAY_MINUTES)
    await _checkin(app, zed, DAY, 99)
    await app.profiles.update(alice.tenant_id, alice.id, START, {}, learning=("sql", "docker"))
    await BuddyRepo(app.db).join(alice.tenant_id, alice.id, START)
    facts = await DashboardRepo(app.db).members(alice.tenant_id, DAY, DAY + timedelta(days=6))
    assert sorted(facts.names) == ["Alice", "Bob"]
    a, b = facts.names.index("Alice"), facts.names.index("Bob")
    assert facts.last_checkins[a] == DAY + timedelta(days=6)
    assert facts.weeks[a].tolist() == [30, 0, -1, -1, -1, -1, MAX_DAY_MINUTES]
    assert facts.learning[a] == ("docker", "sql")
    alice_buddy = facts.buddies[a]
    assert alice_buddy is not None and alice_buddy.status == "active"
    assert (facts.last_checkins[b], facts.learning[b], facts.buddies[b]) == (None, (), None)
    assert facts.weeks[b].tolist() == [-1] * 7


async def test_members_who_left_are_not_rows(app: App) -> None:
    alice, _ = await _members(app, "alice", "bob")
    await app.members.mark_left(alice.tenant_id, "bob", START)
    facts = await DashboardRepo(app.db).members(alice.tenant_id, DAY, DAY)
    assert facts.names == ["Alice"]
    assert not await DashboardRepo(app.db).is_member(alice.tenant_id, facts.member_ids[0] + 1)


async def test_a_community_without_students_has_no_rows(app: App) -> None:
    (olga,) = await _members(app, "olga")
    await app.db.execute(
        "INSERT INTO organizers (tenant_id, member_id, last_seen_at) VALUES (?, ?, ?)",
        (olga.tenant_id, olga.id, to_db(START)),
    )
    facts = await DashboardRepo(app.db).members(olga.tenant_id, DAY, DAY + timedelta(days=6))
    assert (facts.names, facts.weeks.shape) == ([], (0, 7))


async def test_another_tenants_member_is_no_member_here(app: App) -> None:
    (alice,) = await _members(app, "alice")
    (zed,) = await _members(app, "zed", tenant="T2")
    repo = DashboardRepo(app.db)
    assert await repo.is_member(alice.tenant_id, alice.id)
    assert not await repo.is_member(alice.tenant_id, zed.id)


async def test_solved_blockers_are_this_tenants_solved_since(app: App) -> None:
    alice, bob = await _members(app, "alice", "bob")
    (zed,) = await _members(app, "zed", tenant="T2")
    checkins = CheckinRepo(app.db)
    for m in (alice, bob, zed):
        await _checkin(app, m, DAY, 10, blocker=f"{m.external_id} is stuck")
    for m in (alice, zed):
        (open_one,) = await checkins.open_blockers(m.tenant_id, m.id, START - timedelta(days=1))
        await checkins.solve(m.tenant_id, m.id, open_one.id, START + timedelta(hours=1))
    solved = await DashboardRepo(app.db).solved_blockers(alice.tenant_id, START)
    assert [(s.member, s.blocker.text, s.solved_at) for s in solved] == [
        ("Alice", "alice is stuck", START + timedelta(hours=1))
    ]
    later = await DashboardRepo(app.db).solved_blockers(alice.tenant_id, START + timedelta(hours=2))
    assert later == []


async def test_group_notes_are_this_tenants_study_time_and_intro(app: App) -> None:
    alice, bob = await _members(app, "alice", "bob")
    zed, yuri = await _members(app, "zed", "yuri", tenant="T2")
    repo = BuddyRepo(app.db)
    groups = []
    async with app.db.transaction() as tx:
        for t, pair in ((alice.tenant_id, (alice, bob)), (zed.tenant_id, (zed, yuri))):
            rnd = await repo.create_round(tx, t, "p1", START, START + timedelta(days=3))
            groups.append(
                await repo.add_group(
                    tx, t, rnd.id, f"room-{t}", [(m.id, m.label) for m in pair], "no_overlap"
                )
            )
    notes = await DashboardRepo(app.db).group_notes(alice.tenant_id, groups)
    assert notes == {groups[0]: ("no_overlap", None)}  # no intro queued; Zed's group not read
