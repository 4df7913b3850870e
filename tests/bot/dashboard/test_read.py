"""The dashboard's read model on the real app and cogs: the digest's numbers, the members table,
rounds, blockers and settings, and the buddy actions scoped by tenant."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.dashboard import Dashboard, MemberQuery, MemberRow, chart, read, weekly_csv
from bot.digest.week import last_full_week, week_so_far
from bot.localtime import zone
from bot.storage.buddies import BuddyRepo
from bot.streaks import compute
from cogs.digests import Digests
from tests.cogs.buddies.scenario import enrol, member
from tests.helpers import START, say

# START is Monday 2 March 2026 (the digest's default posting day); the scenario runs for 17
# days and stops on Wednesday 18 March, so two weeks are complete and three days are "so far".
DAYS = 17
TODAY = START + timedelta(days=DAYS - 1)


async def tenant_id(app: App, tenant: str = "T1") -> int:
    found = await app.tenants.find(app.platform, tenant)
    assert found is not None
    return found.id


async def seed(app: App, clock: ManualClock) -> int:
    """Alice checks in every day, Bob every other day (a blocker on his first), Carol never;
    Olga is the organizer. Zed is in another community."""
    await say(app, "/profile set learning:docker,sql knows:python", user="alice")
    await say(app, "/profile set learning:python knows:docker", user="bob")
    await say(app, "/profile set learning:sql", user="carol")
    await say(app, "/admin show", user="olga", admin=True)
    await say(app, "/profile set learning:docker", user="zed", tenant="T2")
    for day in range(DAYS):
        clock.set(START + timedelta(days=day))
        await say(app, f"/checkin did:day{day} minutes:{30 + day}", user="alice")
        if day % 2 == 0:
            blocker = ' blockers:"docker compose will not start"' if day == 0 else ""
            await say(app, f"/checkin did:bob{day} minutes:20 skills:docker{blocker}", user="bob")
        await say(app, "/checkin did:zed minutes:500", user="zed", tenant="T2")
    return await tenant_id(app)


async def row(board: Dashboard, tenant: int, name: str) -> MemberRow:
    rows = await board.all_members(tenant, TODAY)
    return next(r for r in rows if r.name == name)


# --- overview: the digest's numbers -----------------------------------------------------------


async def test_the_overview_shows_the_digests_numbers_for_each_week(
    app: App, clock: ManualClock
) -> None:
    tenant = await seed(app, clock)
    overview = await Dashboard(app).overview(tenant, TODAY)
    digests = Digests(app)
    utc = zone("UTC")
    today = TODAY.date()
    complete = last_full_week(today, 0, utc)
    so_far = week_so_far(today, 0, utc)
    for figures, week, as_of in (
        (overview.weeks[-1], complete, complete.last + timedelta(days=1)),
        (overview.this_week, so_far, today),
    ):
        data = await digests.gather(tenant, week, as_of)
        assert (figures.first, figures.last) == (week.first, week.last)
        assert (
            figures.active_members,
            figures.checked_in,
            figures.checkins,
            figures.minutes,
            figures.open_blockers,
        ) == (data.active_members, data.checked_in, data.checkins, data.minutes, len(data.blockers))


async def test_this_week_is_compared_with_the_same_days_a_week_earlier(
    app: App, clock: ManualClock
) -> None:
    tenant = await seed(app, clock)
    overview = await Dashboard(app).overview(tenant, TODAY)
    assert (overview.this_week.first, overview.this_week.last) == (date(2026, 3, 16), TODAY.date())
    assert (overview.last_week.first, overview.last_week.last) == (
        date(2026, 3, 9),
        date(2026, 3, 11),
    )
    # Mon-Wed: Alice three times, Bob on Monday and Wednesday (days 14 and 16, 7 and 9).
    assert (overview.this_week.checkins, overview.last_week.checkins) == (5, 4)
    assert overview.community == ""


async def test_the_chart_weeks_are_the_last_eight_complete_digest_weeks(
    app: App, clock: ManualClock
) -> None:
    tenant = await seed(app, clock)
    overview = await Dashboard(app).overview(tenant, TODAY + timedelta(weeks=8))
    firsts = [w.first for w in overview.weeks]
    assert len(firsts) == 8
    assert firsts[-1] == date(2026, 5, 4)
    assert all(b - a == timedelta(days=7) for a, b in pairwise(firsts))
    assert all(w.last - w.first == timedelta(days=6) for w in overview.weeks)
    assert overview.weeks[0].checked_in == 2  # Alice and Bob, week of 16 March
    assert overview.chart_svg.startswith("<svg")


async def test_weeks_before_the_community_had_a_member_are_not_charted(
    app: App, clock: ManualClock
) -> None:
    tenant = await seed(app, clock)  # everyone joined on 2 March: two complete weeks since
    overview = await Dashboard(app).overview(tenant, TODAY)
    assert [w.first for w in overview.weeks] == [date(2026, 3, 2), date(2026, 3, 9)]
    assert weekly_csv(overview).splitlines()[1].startswith("2026-03-02,")
    assert "last 2 weeks" in overview.chart_svg


async def test_the_weeks_csv_does_not_draw_the_chart(
    app: App, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = await seed(app, clock)
    drawn: list[int] = []

    def render(weeks: tuple[object, ...]) -> str:
        drawn.append(len(weeks))
        return "<svg/>"

    monkeypatch.setattr(chart, "render", render)
    overview = await Dashboard(app).overview(tenant, TODAY)
    weekly_csv(overview)
    assert drawn == []
    assert (overview.chart_svg, overview.chart_svg, drawn) == ("<svg/>", "<svg/>", [2])


async def test_the_median_streak_is_of_those_who_checked_in(app: App, clock: ManualClock) -> None:
    tenant = await seed(app, clock)
    week = (await Dashboard(app).overview(tenant, TODAY)).weeks[-1]
    posted = week.last + timedelta(days=1)  # streaks as the digest of that week counts them
    alice = compute([START.date() + timedelta(days=d) for d in range(15)], posted)
    bob = compute([START.date() + timedelta(days=d) for d in range(0, 15, 2)], posted)
    assert alice.current != bob.current
    assert week.median_streak == (alice.current + bob.current) / 2  # Carol: no check-in


async def test_median_streaks_longer_than_the_weeks_read_are_counted_whole(
    app: App, clock: ManualClock
) -> None:
    """Dana's streak started long before the ten weeks and the four before them."""
    days = 10 * 7 + read.RECENT_DAYS + 30
    first = TODAY - timedelta(days=days - 1)
    for day in range(days):
        clock.set(first + timedelta(days=day))
        await say(app, f"/checkin did:day{day} minutes:30", user="dana")
    overview = await Dashboard(app).overview(await tenant_id(app), TODAY)
    dana = [first.date() + timedelta(days=d) for d in range(days)]
    assert overview.this_week.median_streak == compute(dana, TODAY.date()).current == days
    oldest = overview.weeks[0]
    posted = oldest.last + timedelta(days=1)
    assert oldest.median_streak == compute([d for d in dana if d <= posted], posted).current


async def test_forgotten_reads_are_read_again(app: App, clock: ManualClock) -> None:
    tenant = await seed(app, clock)
    board = Dashboard(app)
    before = (await board.overview(tenant, TODAY)).this_week.checkins
    clock.set(TODAY)
    await say(app, "/checkin did:late", user="carol")
    board.forget()
    assert (await board.overview(tenant, TODAY)).this_week.checkins == before + 1
    assert (await row(board, tenant, "Carol")).last_checkin == TODAY.date()


async def test_weeks_are_read_again_after_a_minute(app: App, clock: ManualClock) -> None:
    tenant = await seed(app, clock)
    board = Dashboard(app)
    before = (await board.overview(tenant, TODAY)).this_week.checkins
    clock.set(TODAY)
    await say(app, "/checkin did:late", user="carol")
    assert (
        await board.overview(tenant, TODAY + timedelta(seconds=30))
    ).this_week.checkins == before
    later = await board.overview(tenant, TODAY + timedelta(minutes=2))
    assert later.this_week.checkins == before + 1


# --- members ----------------------------------------------------------------------------------


async def test_member_rows_show_checkins_streaks_minutes_and_skills(
    app: App, clock: ManualClock
) -> None:
    tenant = await seed(app, clock)
    board = Dashboard(app)
    alice = await row(board, tenant, "Alice")
    bob = await row(board, tenant, "Bob")
    carol = await row(board, tenant, "Carol")
    assert alice.last_checkin == TODAY.date()
    assert alice.streak == DAYS
    assert alice.minutes_week == (30 + 14) + (30 + 15) + (30 + 16)
    assert alice.week == (44, 45, 46)
    assert bob.week == (20, None, 20)
    bob_days = [START.date() + timedelta(days=d) for d in range(0, DAYS, 2)]
    assert bob.streak == compute(bob_days, TODAY.date()).current
    assert alice.skills == ("Docker", "SQL")
    assert (carol.last_checkin, carol.streak, carol.minutes_week) == (None, 0, 0)
    assert carol.week == (None, None, None)


async def test_a_streak_longer_than_the_recent_weeks_read_is_counted_whole(
    app: App, clock: ManualClock
) -> None:
    days = read.RECENT_DAYS + 15
    first = START - timedelta(days=days - DAYS)
    for day in range(days):
        clock.set(first + timedelta(days=day))
        await say(app, f"/checkin did:day{day} minutes:30", user="dana")
        if day >= days - 3:
            await say(app, f"/checkin did:day{day} minutes:30", user="eve")
    rows = {r.name: r for r in await Dashboard(app).all_members(await tenant_id(app), TODAY)}
    assert (rows["Dana"].streak, rows["Eve"].streak) == (days, 3)


async def test_members_of_another_community_and_organizers_who_never_studied_are_not_listed(
    app: App, clock: ManualClock
) -> None:
    tenant = await seed(app, clock)
    names = [r.name for r in await Dashboard(app).all_members(tenant, TODAY)]
    assert names == ["Alice", "Bob", "Carol"]


async def test_members_are_found_by_name_or_skill_in_any_case(app: App, clock: ManualClock) -> None:
    tenant = await seed(app, clock)
    board = Dashboard(app)
    by_skill = await board.members(tenant, TODAY, MemberQuery(search="DOCKER"))
    by_name = await board.members(tenant, TODAY, MemberQuery(search="car"))
    assert [r.name for r in by_skill.rows] == ["Alice"]
    assert [r.name for r in by_name.rows] == ["Carol"]


async def test_members_sort_by_streak_descending_and_page(app: App, clock: ManualClock) -> None:
    tenant = await seed(app, clock)
    query = MemberQuery(sort="streak", descending=True, per_page=2, page=2)
    page = await Dashboard(app).members(tenant, TODAY, query)
    assert (page.total, page.pages, page.page) == (3, 2, 2)
    assert [r.name for r in page.rows] == ["Carol"]
    assert page.days == (date(2026, 3, 16), date(2026, 3, 17), date(2026, 3, 18))


async def test_an_unknown_sort_or_status_reads_as_the_default_and_a_page_past_the_end_as_the_last(
    app: App, clock: ManualClock
) -> None:
    tenant = await seed(app, clock)
    page = await Dashboard(app).members(
        tenant, TODAY, MemberQuery(sort="password", status="weird", page=9)
    )
    assert (page.query.sort, page.query.status, page.page) == ("name", "all", 1)
    assert [r.name for r in page.rows] == ["Alice", "Bob", "Carol"]


async def test_quiet_members_have_no_checkin_this_week(app: App, clock: ManualClock) -> None:
    tenant = await seed(app, clock)
    page = await Dashboard(app).members(tenant, TODAY, MemberQuery(status="quiet"))
    assert [r.name for r in page.rows] == ["Carol"]


async def test_buddy_status_reads_as_a_person_would_say_it(app: App, clock: ManualClock) -> None:
    tenant = await seed(app, clock)
    await enrol(app, "alice", "bob", "carol")
    clock.set(TODAY)
    await say(app, "/checkin did:first", user="dan")
    await say(app, "/buddy pause weeks:2", user="alice")
    await say(app, "/buddy leave", user="carol")
    bob = await member(app, "bob")
    await BuddyRepo(app.db).set_status(tenant, bob.id, "paused", TODAY)  # as the bot pauses
    await app.db.execute("UPDATE buddies SET missed_rounds = 2 WHERE member_id = ?", (bob.id,))
    board = Dashboard(app)
    statuses = {r.name: r.buddy_status for r in await board.all_members(tenant, TODAY)}
    assert statuses == {
        "Alice": "paused until 1 Apr",
        "Bob": "auto-paused (missed 2 rounds)",
        "Carol": "left rounds",
        "Dan": "not in rounds",
    }
    auto = await board.members(tenant, TODAY, MemberQuery(status="auto-paused"))
    paused = await board.members(tenant, TODAY, MemberQuery(status="paused"))
    out = await board.members(tenant, TODAY, MemberQuery(status="not-in-rounds"))
    assert [r.name for r in auto.rows] == ["Bob"]
    assert [r.name for r in paused.rows] == ["Alice"]
    assert [r.name for r in out.rows] == ["Carol", "Dan"]


# --- actions ----------------------------------------------------------------------------------


async def test_pausing_from_the_dashboard_shows_in_buddy_status_and_the_table(
    app: App, clock: ManualClock
) -> None:
    tenant = await seed(app, clock)
    await enrol(app, "alice")
    board = Dashboard(app)
    assert (await row(board, tenant, "Alice")).in_rounds  # read (and kept) before the pause
    alice = await member(app, "alice")
    assert await board.pause(tenant, alice.id, 3, TODAY)
    clock.set(TODAY)
    assert "Matching: paused until" in (await say(app, "/buddy status", user="alice")).text
    assert (await row(board, tenant, "Alice")).buddy_status == "paused until 8 Apr"


async def test_resuming_from_the_dashboard_brings_the_member_back(
    app: App, clock: ManualClock
) -> None:
    tenant = await seed(app, clock)
    await enrol(app, "alice")
    clock.set(TODAY)
    await say(app, "/buddy pause weeks:2", user="alice")
    alice = await member(app, "alice")
    assert await Dashboard(app).resume(tenant, alice.id, TODAY)
    assert "Matching: on" in (await say(app, "/buddy status", user="alice")).text


async def test_removing_from_rounds_is_buddy_leave(app: App, clock: ManualClock) -> None:
    tenant = await seed(app, clock)
    await enrol(app, "alice")
    alice = await member(app, "alice")
    assert await Dashboard(app).remove_from_rounds(tenant, alice.id, TODAY)
    clock.set(TODAY)
    assert "Matching: not joined" in (await say(app, "/buddy status", user="alice")).text


@pytest.mark.parametrize("action", ["pause", "resume", "remove_from_rounds"])
async def test_an_action_on_another_communitys_member_is_refused_and_changes_nothing(
    app: App, clock: ManualClock, action: str
) -> None:
    tenant = await seed(app, clock)
    await say(app, "/buddy join", user="zed", tenant="T2")
    clock.set(TODAY)
    if action == "resume":
        await say(app, "/buddy pause weeks:2", user="zed", tenant="T2")
    zed = await member(app, "zed", tenant="T2")
    before = await BuddyRepo(app.db).get(zed.tenant_id, zed.id)
    board = Dashboard(app)
    if action == "pause":
        done = await board.pause(tenant, zed.id, 2, TODAY)
    elif action == "resume":
        done = await board.resume(tenant, zed.id, TODAY)
    else:
        done = await board.remove_from_rounds(tenant, zed.id, TODAY)
    assert not done
    assert await BuddyRepo(app.db).get(zed.tenant_id, zed.id) == before


async def test_actions_on_a_member_not_in_rounds_are_refused(app: App, clock: ManualClock) -> None:
    tenant = await seed(app, clock)
    carol = await member(app, "carol")
    board = Dashboard(app)
    assert not await board.pause(tenant, carol.id, 2, TODAY)
    assert not await board.resume(tenant, carol.id, TODAY)
    assert not await board.remove_from_rounds(tenant, carol.id, TODAY)
    assert await BuddyRepo(app.db).get(tenant, carol.id) is None


async def test_a_pause_longer_than_buddy_pause_allows_is_an_error(
    app: App, clock: ManualClock
) -> None:
    tenant = await seed(app, clock)
    await enrol(app, "alice")
    alice = await member(app, "alice")
    with pytest.raises(ValueError, match="1 to 12 weeks"):
        await Dashboard(app).pause(tenant, alice.id, 13, TODAY)


# --- buddy rounds -----------------------------------------------------------------------------


async def test_rounds_show_groups_answers_shared_time_and_why(app: App) -> None:
    await say(app, "/profile set hours:17:00-21:00 learning:docker", user="alice")
    await say(app, "/profile set hours:18:00-20:00 learning:docker", user="bob")
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
    await say(app, "/buddy met yes", user="alice")
    tenant = await tenant_id(app)
    view = await Dashboard(app).rounds(tenant, START)
    (only,) = view.rounds
    assert view.shown is not None
    (group,) = view.shown.groups
    assert (only.number, only.groups, only.met) == (1, 1, 1)
    assert (group.names, group.met, group.not_met, group.no_answer) == (
        ("Alice", "Bob"),
        ("Alice",),
        (),
        ("Bob",),
    )
    assert group.shared_time == "Mon 18:00-20:00 UTC"
    assert "both learning Docker" in group.why
    assert only.without_shared_time == 0


async def test_a_group_without_shared_hours_is_counted(app: App) -> None:
    await say(app, "/profile set hours:06:00-08:00", user="alice")
    await say(app, "/profile set hours:19:00-21:00", user="bob")
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
    view = await Dashboard(app).rounds(await tenant_id(app), START)
    assert view.shown is not None
    assert view.shown.groups[0].shared_time is None
    assert view.rounds[0].without_shared_time == 1


async def test_rounds_list_members_paused_by_the_bot(app: App) -> None:
    await enrol(app, "alice", "bob")
    tenant = await tenant_id(app)
    bob = await member(app, "bob")
    await BuddyRepo(app.db).set_status(tenant, bob.id, "paused", START)
    view = await Dashboard(app).rounds(tenant, START)
    assert (view.rounds, view.shown, view.waiting, view.auto_paused) == ((), None, (), ("Bob",))


async def test_another_communitys_rounds_are_not_shown(app: App) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
    await say(app, "/admin show", "yuri", tenant="T2", admin=True)
    view = await Dashboard(app).rounds(await tenant_id(app, "T2"), START)
    assert (view.rounds, view.shown) == ((), None)


async def test_another_communitys_round_number_shows_nothing_of_it(app: App) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
    await say(app, "/admin show", "yuri", tenant="T2", admin=True)
    view = await Dashboard(app).rounds(await tenant_id(app, "T2"), START, number=1)
    assert view.shown is None


async def test_a_round_shows_its_groups_a_page_at_a_time(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "GROUPS_PER_PAGE", 1)
    await enrol(app, "alice", "bob", "carol", "dave")
    await say(app, "/admin match now", "olga", admin=True)
    board = Dashboard(app)
    tenant = await tenant_id(app)
    first = (await board.rounds(tenant, START)).shown
    second = (await board.rounds(tenant, START, number=1, page=2)).shown
    past_the_end = (await board.rounds(tenant, START, number=1, page=9)).shown
    assert first is not None and second is not None and past_the_end is not None
    assert (first.page, first.pages, second.page, past_the_end.page) == (1, 2, 2, 2)
    assert {*first.groups[0].names, *second.groups[0].names} == {"Alice", "Bob", "Carol", "Dave"}
    assert first.summary.groups == 2


async def test_an_earlier_round_is_shown_by_its_number(app: App) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
    await say(app, "/admin match now extra:yes", "olga", admin=True)
    view = await Dashboard(app).rounds(await tenant_id(app), START, number=1)
    assert [r.number for r in view.rounds] == [2, 1]
    assert view.shown is not None and view.shown.summary.number == 1


# --- blockers ---------------------------------------------------------------------------------


async def blocker_day(app: App, clock: ManualClock) -> int:
    """Bob is stuck on Docker, which Alice knows; Carol on something nobody knows."""
    await say(app, "/profile set knows:docker", user="alice")
    await say(app, "/checkin did:x", user="alice")
    await say(app, '/checkin did:y skills:docker blockers:"compose will not start"', user="bob")
    await say(app, '/checkin did:z blockers:"my cat sits on the keyboard"', user="carol")
    return await tenant_id(app)


async def test_blockers_are_routed_to_the_peers_the_digest_names(
    app: App, clock: ManualClock
) -> None:
    tenant = await blocker_day(app, clock)
    view = await Dashboard(app).blockers(tenant, START)
    (routed,) = view.routed.items
    (still_open,) = view.open.items
    assert (routed.member, routed.text, routed.skills, routed.routed_to) == (
        "Bob",
        "compose will not start",
        ("Docker",),
        ("Alice",),
    )
    assert (still_open.member, still_open.routed_to, still_open.solved) == ("Carol", (), None)
    assert view.solved.items == ()


async def test_each_blocker_list_is_shown_a_page_at_a_time_newest_first(
    app: App, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "BLOCKERS_PER_PAGE", 1)
    tenant = await blocker_day(app, clock)
    clock.advance(timedelta(days=1))
    await say(app, '/checkin did:w blockers:"the wifi drops"', user="dave")
    board = Dashboard(app)
    now = START + timedelta(days=1)
    first = (await board.blockers(tenant, now)).open
    second = (await board.blockers(tenant, now, "open", 2)).open
    assert [b.member for b in first.items] == ["Dave"]  # the newest
    assert (first.total, first.pages, first.more) == (2, 2, 1)
    assert ([b.member for b in second.items], second.more) == (["Carol"], 0)


async def test_a_solved_blocker_moves_to_solved_at_once(app: App, clock: ManualClock) -> None:
    tenant = await blocker_day(app, clock)
    board = Dashboard(app)
    await board.blockers(tenant, START)  # read (and kept) while still open
    await say(app, "/checkin solved", user="bob")
    view = await board.blockers(tenant, START + timedelta(seconds=5))
    assert view.routed.items == ()
    assert [(b.member, b.solved) for b in view.solved.items] == [("Bob", START.date())]


# --- settings ---------------------------------------------------------------------------------


async def test_settings_show_their_value_and_the_command_that_changes_them(app: App) -> None:
    await say(app, "/admin digest day:friday", "olga", admin=True)
    rows = {r.key: r for r in await Dashboard(app).settings(await tenant_id(app))}
    assert rows["digest_day"].value == "friday"
    assert rows["digest_day"].command == "/admin digest day:monday"
    assert rows["streak_freezes"].value == "1 per week"
    assert set(rows) == set(app.community.declared)


async def test_the_overview_follows_the_digest_day(app: App, clock: ManualClock) -> None:
    await say(app, "/admin digest day:wednesday", "olga", admin=True)
    overview = await Dashboard(app).overview(
        await tenant_id(app), datetime(2026, 3, 5, 12, tzinfo=START.tzinfo)
    )
    assert overview.this_week.first == date(2026, 3, 4)  # Wednesday to Thursday
    assert overview.last_week.first == date(2026, 2, 25)
