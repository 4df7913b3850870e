from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import streaks
from bot.digest import HISTORY_DAYS, WeekData
from bot.digest.content import summarize
from bot.digest.week import week_before, week_so_far
from bot.storage.buddies import BuddyRepo
from bot.storage.checkins import CheckinRepo
from bot.storage.connect import open_database
from bot.storage.db import Database
from bot.storage.digests import DigestRepo
from bot.storage.members import MemberRepo
from bot.storage.migrations import migrate
from bot.storage.organizers import OrganizerRepo
from bot.storage.profiles import ProfileRepo
from bot.storage.tenants import TenantRepo
from tests.helpers import START

TODAY = date(2026, 3, 9)
WEEK = week_before(TODAY, ZoneInfo("UTC"))  # 2-8 March
EARLY = START - timedelta(days=60)  # members joined long before the week


class World:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.tenants = TenantRepo(db)
        self.members = MemberRepo(db)
        self.checkins = CheckinRepo(db)
        self.buddies = BuddyRepo(db)
        self.profiles = ProfileRepo(db, self.members)
        self.repo = DigestRepo(db)

    async def tenant(self, name: str) -> int:
        return (await self.tenants.ensure("test", name, name, EARLY)).id

    async def member(self, tenant_id: int, name: str, joined: datetime = EARLY) -> int:
        return (await self.members.ensure(tenant_id, name, name.capitalize(), joined)).id

    async def checkin(self, tenant_id: int, member_id: int, day: date, **fields: object) -> None:
        fields.setdefault("did", "studied")
        await self.checkins.save(tenant_id, member_id, day, "UTC", START, **fields)  # type: ignore[arg-type]

    async def week(self, tenant_id: int, member_rows: int = 30) -> WeekData:
        return await self.repo.week(
            tenant_id, WEEK, TODAY, freezes_per_week=1, member_rows=member_rows
        )


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    db = await open_database(database_url)
    await migrate(db, START)
    yield World(db)
    await db.close()


async def test_participation_counts_the_weeks_local_days_and_people_still_here(
    world: World,
) -> None:
    t = await world.tenant("A")
    ana, ben, gone = [await world.member(t, n) for n in ("ana", "ben", "gone")]
    await world.member(t, "idle")
    await world.checkin(t, ana, WEEK.first, minutes=30)
    await world.checkin(t, ana, WEEK.last, minutes=45)
    await world.checkin(t, ben, WEEK.first + timedelta(days=2))
    await world.checkin(t, ben, TODAY, minutes=99)  # the posting day is next week's
    await world.checkin(t, ana, WEEK.first - timedelta(days=1), minutes=20)  # previous week
    await world.checkin(t, gone, WEEK.first, minutes=500)
    await world.members.mark_left(t, "gone", START)
    data = await world.week(t)
    assert (data.checked_in, data.checkins, data.minutes) == (2, 4, 575)  # totals count all
    assert data.per_day == (2, 0, 1, 0, 0, 0, 1)
    assert data.active_members == 3
    assert (data.previous_checked_in, data.previous_minutes) == (1, 20)


async def test_the_counts_of_several_weeks_are_what_each_weeks_digest_says(
    world: World,
) -> None:
    t = await world.tenant("A")
    ana, ben, gone = [await world.member(t, n) for n in ("ana", "ben", "gone")]
    await world.checkin(t, ana, WEEK.first - timedelta(days=3), minutes=20, blockers="stuck")
    await world.checkin(t, ben, WEEK.first - timedelta(days=1), minutes=15)
    await world.checkin(t, gone, WEEK.first - timedelta(days=1), minutes=500)
    await world.checkin(t, ana, WEEK.first, minutes=30, blockers="still stuck")
    await world.checkin(t, ben, TODAY, minutes=99)  # the posting day is next week's
    await world.members.mark_left(t, "gone", START)
    before = WEEK.previous()
    weeks = [(before, WEEK.first), (WEEK, TODAY)]
    for counts, (week, today) in zip(await world.repo.counts(t, weeks), weeks, strict=True):
        data = await world.repo.week(t, week, today, freezes_per_week=1, member_rows=0)
        assert (
            counts.active_members,
            counts.checked_in,
            counts.checkins,
            counts.minutes,
            counts.per_day,
            counts.open_blockers,
        ) == (
            data.active_members,
            data.checked_in,
            data.checkins,
            data.minutes,
            data.per_day,
            len(data.blockers),
        )
        assert counts.history.members.tolist() == data.history.members.tolist()
        assert counts.history.days.tolist() == data.history.days.tolist()


async def test_the_week_before_counts_every_checkin_of_it_as_the_week_does(world: World) -> None:
    t = await world.tenant("A")
    ana, gone = await world.member(t, "ana"), await world.member(t, "gone")
    await world.checkin(t, ana, WEEK.first - timedelta(days=1), minutes=20)
    await world.checkin(t, gone, WEEK.first - timedelta(days=1), minutes=500)
    await world.members.mark_left(t, "gone", START)
    data = await world.week(t)
    assert (data.previous_checked_in, data.previous_minutes) == (1, 520)  # people: those here


async def test_another_tenant_never_shows_up(world: World) -> None:
    a, b = await world.tenant("A"), await world.tenant("B")
    ana = await world.member(a, "ana")
    bea = await world.member(b, "bea")
    await world.profiles.update(b, bea, START, {}, knows=("docker",), learning=("sql",))
    await world.checkin(b, bea, WEEK.first, blockers="docker", skills=("docker",))
    await world.buddies.block(b, bea, await world.member(b, "bob"), START)
    await world.checkin(a, ana, WEEK.first, blockers="docker")
    data = await world.week(a)
    assert data.checked_in == 1 and data.active_members == 1
    assert data.knows == {} and data.blocks == frozenset() and data.skills == ()
    assert [b.member_id for b in data.blockers] == [ana]
    assert set(data.names) == {ana}


async def test_a_later_check_in_without_a_blocker_leaves_it_open(world: World) -> None:
    t = await world.tenant("A")
    ana = await world.member(t, "ana")
    await world.checkin(t, ana, WEEK.first, blockers="joins confuse me", skills=("sql",))
    await world.checkin(t, ana, WEEK.last, did="window functions")
    data = await world.week(t)
    assert [(b.member_id, b.text, b.checkin_skills) for b in data.blockers] == [
        (ana, "joins confuse me", ("sql",))
    ]


async def test_every_open_blocker_of_the_week_is_read_with_its_check_ins_skills(
    world: World,
) -> None:
    t = await world.tenant("A")
    ana = await world.member(t, "ana")
    await world.checkin(t, ana, WEEK.first, blockers="old news")
    await world.checkin(
        t, ana, WEEK.last, blockers="compose networking", skills=("docker", "linux")
    )
    data = await world.week(t)
    assert [(b.text, b.checkin_skills) for b in data.blockers] == [
        ("old news", ()),
        ("compose networking", ("docker", "linux")),
    ]


async def _shown_after_solving(world: World, solved_at: datetime) -> bool:
    """Whether the week still shows a blocker of its first day that was solved at `solved_at`."""
    t = await world.tenant("A")
    ana = await world.member(t, "ana")
    await world.checkin(t, ana, WEEK.first, blockers="joins confuse me")
    [open_one] = (await world.week(t)).blockers
    assert await world.checkins.solve(t, ana, open_one.id, solved_at)
    return [b.id for b in (await world.week(t)).blockers] == [open_one.id]


async def test_a_blocker_marked_solved_in_the_week_is_not_shown(world: World) -> None:
    assert not await _shown_after_solving(world, WEEK.ends_at - timedelta(hours=1))


async def test_a_blocker_solved_after_the_week_ended_is_still_in_that_weeks_digest(
    world: World,
) -> None:
    assert await _shown_after_solving(world, WEEK.ends_at + timedelta(hours=1))


async def test_a_blocker_is_open_for_seven_days_up_to_the_weeks_last_day(world: World) -> None:
    t = await world.tenant("A")
    ana = await world.member(t, "ana")
    await world.checkin(t, ana, WEEK.first - timedelta(days=1), blockers="too old")
    await world.checkin(t, ana, WEEK.first, blockers="a week old")
    await world.checkin(t, ana, TODAY, blockers="after the week")
    data = await world.week(t)
    assert [b.text for b in data.blockers] == ["a week old"]


async def test_a_week_so_far_shows_blockers_of_the_seven_days_up_to_today(world: World) -> None:
    t = await world.tenant("A")
    ana = await world.member(t, "ana")
    so_far = week_so_far(TODAY + timedelta(days=2), 0, ZoneInfo("UTC"))  # Mon 9 - Wed 11
    await world.checkin(t, ana, so_far.last - timedelta(days=6), blockers="last thursday")
    await world.checkin(t, ana, so_far.last - timedelta(days=7), blockers="last wednesday")
    data = await world.repo.week(t, so_far, so_far.last, freezes_per_week=1, member_rows=30)
    assert [b.text for b in data.blockers] == ["last thursday"]


async def test_blockers_of_members_who_left_are_not_shown(world: World) -> None:
    t = await world.tenant("A")
    gone = await world.member(t, "gone")
    await world.checkin(t, gone, WEEK.first, blockers="joins confuse me")
    await world.members.mark_left(t, "gone", START)
    assert (await world.week(t)).blockers == ()


async def test_helpers_know_the_skill_are_still_here_and_did_not_opt_out(world: World) -> None:
    t = await world.tenant("A")
    ids = {n: await world.member(t, n) for n in ("kim", "lee", "max", "ned")}
    for n in ids:
        await world.profiles.update(t, ids[n], START, {}, knows=("docker",))
    await world.profiles.update(t, ids["ned"], START, {}, knows=(), learning=("docker",))
    await world.repo.set_helper(t, ids["lee"], False, START)
    await world.members.mark_left(t, "max", START)
    data = await world.week(t)
    assert data.knows == {"docker": (ids["kim"],)}
    await world.repo.set_helper(t, ids["lee"], True, START)
    assert (await world.week(t)).knows == {"docker": (ids["kim"], ids["lee"])}


async def test_blocks_are_read_in_both_directions_as_pairs(world: World) -> None:
    t = await world.tenant("A")
    ana, ben = await world.member(t, "ana"), await world.member(t, "ben")
    await world.buddies.block(t, ben, ana, START)
    assert (await world.week(t)).blocks == frozenset({(ben, ana)})


async def test_skill_counts_per_day_and_learners(world: World) -> None:
    t = await world.tenant("A")
    ana, ben = await world.member(t, "ana"), await world.member(t, "ben")
    await world.profiles.update(t, ana, START, {}, learning=("kubernetes", "sql"))
    await world.profiles.update(t, ben, START, {}, learning=("kubernetes",))
    await world.checkin(t, ana, WEEK.first, skills=("sql", "docker"))
    await world.checkin(t, ana, WEEK.first + timedelta(days=1), skills=("sql",))
    await world.checkin(t, ben, WEEK.first + timedelta(days=1), skills=("sql",))
    data = await world.week(t)
    stats = {s.skill: (s.checkins, s.learners) for s in data.skills}
    assert stats == {"sql": (3, 1), "docker": (1, 0), "kubernetes": (0, 2)}
    assert data.skill_days["sql"] == (1, 2, 0, 0, 0, 0, 0)


async def test_organizers_count_as_active_and_new_members_only_once_they_study(
    world: World,
) -> None:
    t = await world.tenant("A")
    ana = await world.member(t, "ana", joined=START)
    idle, reader, buddy = [await world.member(t, n, joined=START) for n in ("o1", "o2", "o3")]
    organizers = OrganizerRepo(world.db)
    for organizer in (idle, reader, buddy):
        await organizers.seen(t, organizer, START)
    await world.checkin(t, ana, WEEK.first)
    await world.checkin(t, reader, WEEK.first - timedelta(days=30))  # studied, just not lately
    await world.buddies.join(t, buddy, START)
    data = await world.week(t)
    assert (data.checked_in, data.active_members) == (1, 3)
    assert data.new_members == (ana, reader, buddy)


async def test_per_member_days_only_for_small_weeks(world: World) -> None:
    t = await world.tenant("A")
    ana, ben = await world.member(t, "ana"), await world.member(t, "ben")
    await world.checkin(t, ana, WEEK.first, minutes=30)
    await world.checkin(t, ben, WEEK.last)
    small = await world.week(t)
    assert small.member_days == {
        ana: (30, None, None, None, None, None, None),
        ben: (None, None, None, None, None, None, 0),
    }
    assert (await world.week(t, member_rows=1)).member_days == {}


async def test_history_gives_the_same_streaks_as_the_day_by_day_rules(world: World) -> None:
    t = await world.tenant("A")
    rng = random.Random(7)
    history: dict[int, set[date]] = {}
    for n in range(8):
        member = await world.member(t, f"m{n}")
        skip = rng.choice([0.05, 0.2, 0.5])
        days = {TODAY - timedelta(days=o) for o in range(0, 90) if rng.random() > skip}
        days.add(WEEK.last - timedelta(days=rng.randrange(0, 3)))  # everyone shows up this week
        history[member] = days
        for day in sorted(days):
            await world.checkin(t, member, day)
    data = await world.week(t)
    result = summarize(data.history, TODAY, WEEK.first, WEEK.last, 1)
    current = dict(zip(result.members.tolist(), result.current.tolist(), strict=True))
    assert current == {m: streaks.compute(d, TODAY, 1).current for m, d in history.items()}


async def test_history_covers_members_of_the_week_back_to_its_horizon(world: World) -> None:
    t = await world.tenant("A")
    ana, ben, gone, idle = [await world.member(t, n) for n in ("ana", "ben", "gone", "idle")]
    horizon = TODAY - timedelta(days=HISTORY_DAYS)
    for day in (horizon - timedelta(days=1), horizon, WEEK.first):
        await world.checkin(t, ana, day)
    await world.checkin(t, ben, TODAY)  # only on the posting day: still a current streak
    await world.checkin(t, gone, WEEK.first)
    await world.members.mark_left(t, "gone", START)
    await world.checkin(t, idle, WEEK.first - timedelta(days=3))
    data = await world.week(t)
    pairs = list(zip(data.history.members.tolist(), data.history.days.tolist(), strict=True))
    assert pairs == [
        (ana, horizon.toordinal()),
        (ana, WEEK.first.toordinal()),
        (ben, TODAY.toordinal()),
    ]
    assert data.history.since == horizon and data.checked_in == 1


async def test_a_comeback_follows_two_quiet_weeks(world: World) -> None:
    t = await world.tenant("A")
    back, regular = [await world.member(t, n) for n in ("back", "regular")]
    await world.checkin(t, back, WEEK.first - timedelta(days=20))
    await world.checkin(t, back, WEEK.first + timedelta(days=3))
    await world.checkin(t, regular, WEEK.first - timedelta(days=3))
    await world.checkin(t, regular, WEEK.first + timedelta(days=3))
    data = await world.week(t)
    assert summarize(data.history, TODAY, WEEK.first, WEEK.last, 1).comebacks.tolist() == [back]


async def test_buddy_rounds_of_the_week_groups_met_and_shout_outs(world: World) -> None:
    t = await world.tenant("A")
    ids = {n: await world.member(t, n) for n in ("ana", "ben", "cat", "dan", "eve", "fay")}
    during = WEEK.starts_at + timedelta(days=1)
    async with world.db.transaction() as tx:
        old = await world.buddies.create_round(
            tx, t, "old", WEEK.starts_at - timedelta(hours=1), during
        )
        await world.buddies.add_group(
            tx, t, old.id, "r0", [(ids["ana"], "Ana"), (ids["ben"], "Ben")]
        )
        rnd = await world.buddies.create_round(tx, t, "2026-W10", during, during)
        both = await world.buddies.add_group(
            tx, t, rnd.id, "r1", [(ids["ana"], "Ana"), (ids["ben"], "Ben")]
        )
        one = await world.buddies.add_group(
            tx, t, rnd.id, "r2", [(ids["cat"], "Cat"), (ids["dan"], "Dan")]
        )
        await world.buddies.add_group(
            tx, t, rnd.id, "r3", [(ids["eve"], "Eve"), (ids["fay"], "Fay")]
        )
    for name in ("ana", "ben"):
        await world.buddies.set_met(t, both, ids[name], True, during)
    await world.buddies.set_met(t, one, ids["cat"], True, during)
    await world.buddies.set_met(t, one, ids["dan"], False, during)
    buddies = (await world.week(t)).buddies
    assert (buddies.rounds, buddies.groups, buddies.met) == ((rnd.number,), 3, 2)
    assert buddies.shoutouts == (("Ana", "Ben"),)


async def test_new_members_joined_during_the_week(world: World) -> None:
    t = await world.tenant("A")
    await world.member(t, "old")
    new = await world.member(t, "new", WEEK.starts_at + timedelta(hours=5))
    await world.member(t, "later", WEEK.ends_at + timedelta(hours=1))
    assert (await world.week(t)).new_members == (new,)


async def test_erasing_a_member_removes_their_opt_out(world: World) -> None:
    t = await world.tenant("A")
    ana = await world.member(t, "ana")
    await world.repo.set_helper(t, ana, False, START)
    assert not await world.repo.is_helper(t, ana)
    async with world.db.transaction() as tx:
        assert await world.repo.erase(tx, t, ana) == 1
    assert await world.repo.is_helper(t, ana)
