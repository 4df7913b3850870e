"""The check-in repository: one row per member per local day, reminders, export and erase."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from bot.app import App
from bot.clock import ManualClock
from bot.ports import Message
from bot.storage.checkins import (
    MAX_DAY_MINUTES,
    CheckinRepo,
    DueReminder,
    erase,
    queue_reminders,
    reminder_candidates,
    reminder_key,
)
from bot.storage.models import Member, Tenant
from bot.storage.outbox import Target, enqueue

DAY = date(2026, 3, 2)
END_OF_DAY = datetime(2026, 3, 3, tzinfo=UTC)


async def member(app: App, clock: ManualClock, name: str, tenant: str = "T1") -> Member:
    t = await app.tenants.ensure("test", tenant, "", clock.now())
    return await app.members.ensure(t.id, name, name.capitalize(), clock.now())


async def tenant(app: App, m: Member) -> Tenant:
    t = await app.tenants.get(m.tenant_id)
    assert t is not None
    return t


async def test_a_second_session_the_same_day_adds_to_the_first(
    app: App, clock: ManualClock
) -> None:
    repo = CheckinRepo(app.db)
    alice = await member(app, clock, "alice")
    first = await repo.save(
        alice.tenant_id,
        alice.id,
        DAY,
        "UTC",
        clock.now(),
        did="a",
        blockers="b",
        minutes=30,
        skills=("docker", "sql"),
    )
    assert not first.updated and first.dates == (DAY,) and first.minutes == 30
    second = await repo.save(
        alice.tenant_id, alice.id, DAY, "UTC", clock.now(), did="a2", minutes=50, skills=("git",)
    )
    assert second.updated and second.id == first.id and second.dates == (DAY,)
    assert (second.sessions, second.minutes) == (2, 80)
    [saved] = await repo.between(alice.tenant_id, alice.id, DAY, DAY)
    assert (saved.did, saved.blockers, saved.minutes) == ("a\na2", "b", 80)
    assert saved.skills == ("docker", "git", "sql")


async def test_a_days_minutes_stop_at_the_most_a_day_records(app: App, clock: ManualClock) -> None:
    repo = CheckinRepo(app.db)
    alice = await member(app, clock, "alice")
    for _ in range(3):
        saved = await repo.save(
            alice.tenant_id, alice.id, DAY, "UTC", clock.now(), did="x", minutes=300
        )
    assert saved.minutes == MAX_DAY_MINUTES and saved.sessions == 3


async def test_two_saves_at_once_the_same_day_make_one_checkin_with_every_session(
    app: App, clock: ManualClock
) -> None:
    repo = CheckinRepo(app.db)
    alice = await member(app, clock, "alice")
    saves = await asyncio.gather(
        *(
            repo.save(alice.tenant_id, alice.id, DAY, "UTC", clock.now(), did=d, skills=(s,))
            for d, s in (("a", "git"), ("b", "sql"), ("c", "docker"))
        )
    )
    assert sorted(s.sessions for s in saves) == [1, 2, 3]
    assert {s.id for s in saves} == {saves[0].id} and all(s.dates == (DAY,) for s in saves)
    [saved] = await repo.between(alice.tenant_id, alice.id, DAY, DAY)
    assert sorted(saved.skills) == ["docker", "git", "sql"]
    assert sorted(saved.did.split("\n")) == ["a", "b", "c"]


async def test_an_edit_replaces_the_day_and_duplicates_count_once(
    app: App, clock: ManualClock
) -> None:
    repo = CheckinRepo(app.db)
    alice = await member(app, clock, "alice")
    await repo.save(
        alice.tenant_id, alice.id, DAY, "UTC", clock.now(), did="a", skills=("sql", "git", "sql")
    )
    [first] = await repo.between(alice.tenant_id, alice.id, DAY, DAY)
    assert await repo.replace(
        alice.tenant_id,
        alice.id,
        DAY,
        clock.now(),
        did="a2",
        next="",
        blockers="",
        minutes=None,
        skills=(),
    )
    [edited] = await repo.between(alice.tenant_id, alice.id, DAY, DAY)
    assert first.skills == ("git", "sql") and edited.skills == () and edited.did == "a2"
    assert not await repo.replace(
        alice.tenant_id,
        alice.id,
        DAY + timedelta(days=1),
        clock.now(),
        did="x",
        next="",
        blockers="",
        minutes=None,
        skills=(),
    )


async def test_dates_are_sorted_and_per_member(app: App, clock: ManualClock) -> None:
    """Each save returns all of that member's days, sorted; the reads agree."""
    repo = CheckinRepo(app.db)
    alice, bob = await member(app, clock, "alice"), await member(app, clock, "bob")
    await repo.save(bob.tenant_id, bob.id, DAY + timedelta(5), "UTC", clock.now(), did="y")
    for offset in (2, 0, 1):
        saved = await repo.save(
            alice.tenant_id, alice.id, DAY + timedelta(offset), "UTC", clock.now(), did="x"
        )
    assert saved.dates == tuple(DAY + timedelta(n) for n in range(3))
    await repo.save(bob.tenant_id, bob.id, DAY, "UTC", clock.now(), did="y")
    assert await repo.dates(alice.tenant_id, alice.id) == [DAY + timedelta(n) for n in range(3)]
    both = await repo.dates_for(alice.tenant_id, [alice.id, bob.id])
    assert both[bob.id] == [DAY, DAY + timedelta(5)] and len(both[alice.id]) == 3


async def test_reads_are_scoped_by_tenant(app: App, clock: ManualClock) -> None:
    repo = CheckinRepo(app.db)
    alice = await member(app, clock, "alice", tenant="A")
    other = await member(app, clock, "mallory", tenant="B")
    await repo.save(alice.tenant_id, alice.id, DAY, "UTC", clock.now(), did="secret")
    assert await repo.dates(other.tenant_id, alice.id) == []
    assert await repo.dates_for(other.tenant_id, [alice.id]) == {}
    assert await repo.between(other.tenant_id, alice.id, date.min, date.max) == []
    assert await repo.latest(other.tenant_id, alice.id) is None


async def test_latest_is_the_most_recent_local_day(app: App, clock: ManualClock) -> None:
    repo = CheckinRepo(app.db)
    alice = await member(app, clock, "alice")
    await repo.save(alice.tenant_id, alice.id, DAY + timedelta(1), "UTC", clock.now(), did="new")
    await repo.save(alice.tenant_id, alice.id, DAY, "UTC", clock.now(), did="old")
    latest = await repo.latest(alice.tenant_id, alice.id)
    assert latest is not None and latest.did == "new"


async def test_a_check_in_cancels_that_days_queued_reminder(app: App, clock: ManualClock) -> None:
    repo = CheckinRepo(app.db)
    alice = await member(app, clock, "alice")
    async with app.db.transaction() as tx:
        for day in (DAY, DAY + timedelta(1)):
            await enqueue(
                tx,
                alice.tenant_id,
                reminder_key(alice.tenant_id, alice.id, day),
                Target.dm("alice"),
                Message("remind"),
                clock.now(),
                member_id=alice.id,
            )
    await repo.save(alice.tenant_id, alice.id, DAY, "UTC", clock.now(), did="x")
    today = await app.outbox.by_key(reminder_key(alice.tenant_id, alice.id, DAY))
    tomorrow = await app.outbox.by_key(reminder_key(alice.tenant_id, alice.id, DAY + timedelta(1)))
    assert today is not None and today.status == "cancelled"
    assert tomorrow is not None and tomorrow.status == "pending"


async def test_reminder_on_off_on(app: App, clock: ManualClock) -> None:
    repo = CheckinRepo(app.db)
    alice = await member(app, clock, "alice")
    assert await repo.reminder(alice.tenant_id, alice.id) is None
    await repo.set_reminder(alice.tenant_id, alice.id, time(19), clock.now())
    await repo.set_reminder(alice.tenant_id, alice.id, None, clock.now())
    off = await repo.reminder(alice.tenant_id, alice.id)
    assert off is not None and not off.enabled and off.remind_at == time(19)
    assert await repo.tenants_with_reminders() == []
    await repo.set_reminder(alice.tenant_id, alice.id, time(7, 30), clock.now())
    on = await repo.reminder(alice.tenant_id, alice.id)
    assert on is not None and on.enabled and on.remind_at == time(7, 30)
    assert await repo.tenants_with_reminders() == [alice.tenant_id]


async def test_candidates_skip_members_who_left_or_turned_reminders_off(
    app: App, clock: ManualClock
) -> None:
    repo = CheckinRepo(app.db)
    alice, bob, carol = [await member(app, clock, n) for n in ("alice", "bob", "carol")]
    for m in (alice, bob, carol):
        await repo.set_reminder(m.tenant_id, m.id, time(19), clock.now())
    await repo.set_reminder(bob.tenant_id, bob.id, None, clock.now())
    await app.members.mark_left(carol.tenant_id, "carol", clock.now())
    await repo.save(alice.tenant_id, alice.id, DAY, "UTC", clock.now(), did="x")
    async with app.db.transaction() as tx:
        [only] = await reminder_candidates(tx, alice.tenant_id)
    assert only.member_id == alice.id and only.last_checkin == DAY
    assert only.last_reminded is None and only.timezone is None


async def test_queue_reminders_claims_each_member_day_once(app: App, clock: ManualClock) -> None:
    repo = CheckinRepo(app.db)
    alice = await member(app, clock, "alice")
    await repo.set_reminder(alice.tenant_id, alice.id, time(19), clock.now())
    due = [DueReminder(alice.id, "alice", DAY, END_OF_DAY)]
    for expected in (1, 0):
        async with app.db.transaction() as tx:
            assert await queue_reminders(tx, alice.tenant_id, due, Message("r"), clock.now()) == (
                expected
            )
    async with app.db.transaction() as tx:
        [candidate] = await reminder_candidates(tx, alice.tenant_id)
    assert candidate.last_reminded == DAY
    assert await app.outbox.counts() == {"pending": 1}


async def test_export_and_erase(app: App, clock: ManualClock) -> None:
    repo = CheckinRepo(app.db)
    alice, bob = await member(app, clock, "alice"), await member(app, clock, "bob")
    for m in (alice, bob):
        await repo.save(
            m.tenant_id,
            m.id,
            DAY,
            "Europe/Berlin",
            clock.now(),
            did="x",
            skills=("sql",),
            minutes=20,
        )
        await repo.set_reminder(m.tenant_id, m.id, time(19), clock.now())
        async with app.db.transaction() as tx:
            await queue_reminders(
                tx,
                m.tenant_id,
                [DueReminder(m.id, m.external_id, DAY, END_OF_DAY)],
                Message("r"),
                clock.now(),
            )
    exported = await repo.export(alice.tenant_id, alice.id)
    assert exported["checkins"][0]["skills"] == ["sql"]
    assert exported["checkins"][0]["timezone"] == "Europe/Berlin"
    assert exported["reminder"]["time"] == "19:00"
    async with app.db.transaction() as tx:
        assert await erase(tx, alice.tenant_id, alice.id) == 4  # skill, check-in, reminder, claim
    assert await repo.export(alice.tenant_id, alice.id) == {
        "checkins": [],
        "blockers": [],
        "reminder": None,
    }
    assert await repo.dates(bob.tenant_id, bob.id) == [DAY]
    assert (await repo.export(bob.tenant_id, bob.id))["reminder"] is not None
