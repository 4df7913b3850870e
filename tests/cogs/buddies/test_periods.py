"""One round per period: /admin match now takes this period's round, extra rounds, reports."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from cogs import load_all
from cogs.buddies.rounds import EXTRA_NOTE
from tests.cogs.buddies.scenario import (
    NEXT_MONDAY,
    about_buddies,
    count,
    enrol,
    intros,
    member,
    tick,
)
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say

MONDAY_MORNING = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)  # two hours before the scheduled round


async def test_match_now_on_monday_morning_is_that_periods_only_round(
    app: App, clock: ManualClock
) -> None:
    await enrol(app, "alice", "bob")
    clock.set(MONDAY_MORNING)
    reply = await say(app, "/admin match now", "olga", admin=True)
    assert "Round 1 started: 1 group." in reply.text
    assert "Next scheduled round: Monday 16 March, 10:00 UTC" in reply.text
    assert "Mon 16 Mar, 10:00 (UTC)" in (await say(app, "/buddy status")).text
    clock.set(NEXT_MONDAY)
    await tick(app)
    await tick(app)
    assert await count(app, "rounds") == 1
    clock.set(NEXT_MONDAY + timedelta(weeks=1))
    await tick(app)
    assert await count(app, "rounds") == 2


async def test_a_second_match_now_in_the_period_is_refused_with_the_next_round(
    app: App,
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
    again = await say(app, "/admin match now", "olga", admin=True)
    assert again.text.startswith("This period's round already ran: round 1, started Monday 2")
    assert "Next scheduled round: Monday 9 March, 10:00 UTC" in again.text
    assert "/admin match now extra:yes" in again.text
    assert await count(app, "rounds") == 1


async def test_an_extra_round_says_so_and_counts_as_history(
    app: App, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob", "carol", "dan")
    await say(app, "/admin match now", "olga", admin=True)
    first = {frozenset(ids) for ids in messenger.rooms.values()}
    reply = await say(app, "/admin match now extra:yes", "olga", admin=True)
    assert reply.text.startswith("Extra round 2 started: 2 groups.")
    assert "count for repeat avoidance" in reply.text
    extra_intros = [t for t in intros(messenger) if t.startswith(EXTRA_NOTE)]
    assert len(extra_intros) == 2
    second = {frozenset(ids) for ids in list(messenger.rooms.values())[2:]}
    assert not first & second  # round 1's pairs were avoided: the extra round is history too


async def test_the_scheduled_round_still_runs_after_an_extra_round(
    app: App, clock: ManualClock
) -> None:
    await enrol(app, "alice", "bob")
    clock.set(MONDAY_MORNING)
    await say(app, "/admin match now extra:yes", "olga", admin=True)
    clock.set(NEXT_MONDAY)
    await tick(app)
    assert await count(app, "rounds") == 2


async def test_a_scheduled_start_with_one_member_stores_no_round_and_reports_once(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await say(app, "/admin buddies", "olga", admin=True)
    await enrol(app, "alice")
    clock.set(NEXT_MONDAY)
    await tick(app)
    await tick(app)
    assert await count(app, "rounds") == 0
    (note,) = about_buddies(messenger.to("dm", "olga"))
    assert note.text.startswith("Scheduled buddy round (Monday 9 March): Only Alice is in;")
    assert len(messenger.to("dm", "alice")) == 1
    await enrol(app, "bob")
    started = await say(app, "/admin match now", "olga", admin=True)
    assert "Round 1 started: 1 group." in started.text  # numbers did not move


async def test_the_organizer_gets_the_report_once_per_round(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob", "carol", profile="hours:18:00-21:00")
    await enrol(app, "dan")
    await say(app, "/admin buddies every:1", "olga", admin=True)
    clock.set(NEXT_MONDAY)
    await tick(app)
    await tick(app)
    (report,) = about_buddies(messenger.to("dm", "olga"))
    assert report.text.startswith("Buddy round 1 (Monday 9 March): 2 groups for 4 members")
    assert "Without shared study time: 1 group (hours not set in 1)." in report.text
    assert "Next scheduled round: Monday 16 March, 10:00 UTC" in report.text


async def test_the_report_lists_who_waits_and_groups_in_details(
    app: App, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob", "carol")
    await say(app, "/buddy block user:@bob", user="alice")
    await say(app, "/buddy block user:@carol", user="alice")
    await say(app, "/admin match now", "olga", admin=True)
    report = await say(app, "/admin buddies report", "olga", admin=True)
    assert "Waiting (enrolled, not grouped): 1 (Alice)." in report.text
    assert report.details == "• Bob & Carol (no shared study time: hours not set)"
    assert messenger.to("dm", "olga")[-1].text == report.text


async def test_the_report_of_a_given_round_and_of_one_that_does_not_exist(
    app: App, clock: ManualClock
) -> None:
    none_yet = await say(app, "/admin buddies report", "olga", admin=True)
    assert none_yet.error and "No buddy round has run yet" in none_yet.text
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
    await say(app, "/buddy met answer:yes")
    clock.advance(timedelta(weeks=1))
    await say(app, "/admin match now", "olga", admin=True)
    second = await say(app, "/admin buddies report", "olga", admin=True)
    assert second.text.startswith("Buddy round 2 ")
    assert "Round 1: 1 of 1 group said they met (0 no answer or not yet)." in second.text
    first = await say(app, "/admin buddies report round:1", "olga", admin=True)
    assert first.text.startswith("Buddy round 1 ")
    missing = await say(app, "/admin buddies report round:9", "olga", admin=True)
    assert missing.error and "There is no round 9; the latest is round 2." in missing.text
    assert "Usage: /admin buddies report" in missing.text


async def test_erasure_forgets_the_organizer_and_the_round_notes(app: App) -> None:
    await enrol(app, "alice", "bob", "carol")
    await say(app, "/buddy block user:@bob", user="alice")
    await say(app, "/buddy block user:@carol", user="alice")
    await say(app, "/admin match now", "alice", admin=True)
    alice = await member(app, "alice")
    await say(app, "/privacy delete confirm:yes")
    for table in ("round_notes", "buddy_organizers"):
        row = await app.db.fetchone(
            f"SELECT COUNT(*) AS n FROM {table} WHERE member_id = ?", (alice.id,)
        )
        assert row is not None and row["n"] == 0, table


async def test_match_now_racing_the_scheduled_tick_gives_one_round(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob", "carol", "dan")
    clock.set(NEXT_MONDAY)
    await asyncio.gather(say(app, "/admin match now", "olga", admin=True), tick(app))
    await tick(app)
    assert await count(app, "rounds") == 1 and len(intros(messenger)) == 2


async def test_a_restart_after_match_now_runs_no_scheduled_round_that_day(
    app: App, settings: Settings, clock: ManualClock
) -> None:
    await enrol(app, "alice", "bob")
    clock.set(MONDAY_MORNING)
    await say(app, "/admin match now", "olga", admin=True)
    app.abandon_instance_lock()  # the first process died: the kernel dropped its lock
    clock.set(NEXT_MONDAY)
    again = RecordingMessenger()
    restarted = await App.create(settings, clock, again, load_all())
    try:
        await restarted.start(background=False)
        await tick(restarted)
    finally:
        await restarted.close()
    assert about_buddies([s.message for s in again.sent]) == []
    assert await count(app, "rounds") == 1


async def test_a_big_rounds_reply_and_report_keep_the_groups_in_the_details(app: App) -> None:
    await enrol(app, *(f"m{n:02d}" for n in range(24)))
    reply = await say(app, "/admin match now", "olga", admin=True)
    assert "Round 1 started: 12 groups." in reply.text and "•" not in reply.text
    assert reply.details is not None and reply.details.count("•") == 12
    report = await say(app, "/admin buddies report", "olga", admin=True)
    assert "•" not in report.text and report.details is not None
    assert report.details.count("•") == 12


async def test_no_still_in_is_asked_for_a_start_the_organizer_took(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    clock.set(MONDAY_MORNING)
    await say(app, "/admin match now", "olga", admin=True)
    clock.set(MONDAY_MORNING + timedelta(hours=2))  # the 10:00 start this round replaced
    await tick(app)
    asked = [m for m in messenger.sent if "Still in for next round?" in m.message.text]
    assert asked == []
    clock.set(NEXT_MONDAY + timedelta(weeks=1) - timedelta(hours=24))  # the day before 16 March
    await tick(app)
    asked = [m for m in messenger.sent if "Still in for next round?" in m.message.text]
    assert len(asked) == 2 and all("Mon 16 Mar, 10:00" in m.message.text for m in asked)


async def test_an_early_round_is_asked_did_you_meet_halfway_to_the_round_after(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    clock.set(MONDAY_MORNING)
    await say(app, "/admin match now", "olga", admin=True)
    # from Monday 9 March 08:00 to Monday 16 March 10:00: halfway is Thursday 12 March 21:00
    halfway = datetime(2026, 3, 12, 21, 0, tzinfo=UTC)
    clock.set(halfway - timedelta(minutes=1))
    await tick(app)
    assert not [m for m in messenger.sent if "Did you meet?" in m.message.text]
    clock.set(halfway)
    await tick(app)
    assert len([m for m in messenger.sent if "Did you meet?" in m.message.text]) == 1
