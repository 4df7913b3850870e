"""Buddy rooms between rounds: check-in summaries, a member who leaves."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.ports import TransientError
from bot.shards import TenantShare
from cogs.buddies import rooms
from cogs.buddies.rooms import CLOSE_JOB
from tests.cogs.buddies.scenario import enrol, tick
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say


async def test_a_check_in_is_summed_up_in_the_buddy_room_once(
    app: App, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
    await say(app, '/checkin did:"SQL joins chapter" skills:sql minutes:40')
    await say(app, '/checkin did:"SQL joins chapter and exercises" skills:sql minutes:60')
    summaries = [
        s.message.text
        for s in messenger.sent
        if s.kind == "room" and "Alice" in s.message.text and "check" in s.message.text
    ]
    assert summaries == [
        "Alice checked in: SQL joins chapter (SQL), 40 min",
        "Alice updated their check-in: SQL joins chapter and exercises (SQL), 60 min",
    ]


async def test_check_in_summaries_can_be_turned_off(
    app: App, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
    assert "no longer" in (await say(app, "/buddy share checkins:no")).text
    await say(app, "/checkin did:reading")
    assert not any("checked in" in t for t in messenger.texts())


async def test_a_member_who_leaves_is_out_and_their_group_is_told(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
    await app.member_left("T1", "bob")
    await app.sender.drain()
    (note,) = [s for s in messenger.sent if "has left the community" in s.message.text]
    assert note.kind == "room" and "Bob has left" in note.message.text
    clock.advance(timedelta(weeks=1))
    alone = await say(app, "/admin match now", "olga", admin=True)
    assert alone.text.startswith("Only Alice is in; nobody to pair.")


async def test_a_check_in_line_cannot_format_or_mask_a_link(
    app: App, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
    await say(app, '/checkin did:"[free nitro](https://x.example) **now**"')
    (line,) = [s.message.text for s in messenger.sent if "checked in:" in s.message.text]
    assert line == r"Alice checked in: \[free nitro\]\(https://x.example\) \*\*now\*\*"


# --- "did you meet?" halfway ----------------------------------------------------------------


def asked(messenger: RecordingMessenger) -> list[str]:
    return [s.message.text for s in messenger.sent if "Did you meet?" in s.message.text]


async def asked_between(
    app: App, clock: ManualClock, messenger: RecordingMessenger, before: timedelta, then: timedelta
) -> None:
    """Not asked `before` from now, asked once `then` later."""
    clock.advance(before)
    await tick(app)
    assert asked(messenger) == []
    clock.advance(then)
    await tick(app)
    assert len(asked(messenger)) == 1


async def test_a_group_that_answered_before_the_question_is_not_asked(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    await say(app, "/buddy met answer:yes", user="alice")
    await say(app, "/buddy met answer:yes", user="bob")
    clock.advance(timedelta(days=4))
    await tick(app)
    assert asked(messenger) == []


async def test_only_members_who_have_not_answered_are_asked(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob", "carol")
    await say(app, "/admin buddies size:3", admin=True)
    await say(app, "/admin match now", admin=True)
    await say(app, "/buddy met answer:yes", user="alice")
    clock.advance(timedelta(days=4))
    await tick(app)
    await tick(app)  # a second tick asks nobody again
    (question,) = asked(messenger)
    assert "Bob and Carol, did you get together" in question
    assert "Alice: yes · Bob: not yet · Carol: not yet" in question


async def test_without_rooms_only_those_who_have_not_answered_get_the_dm(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    messenger.capabilities = replace(messenger.capabilities, group_rooms=False)
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    await say(app, "/buddy met answer:no", user="alice")
    clock.advance(timedelta(days=4))
    await tick(app)
    assert not any("Did you meet?" in m.text for m in messenger.to("dm", "alice"))
    (question,) = [m for m in messenger.to("dm", "bob") if "Did you meet?" in m.text]
    assert question.buttons and "Alice: no · Bob: not yet" in question.text


async def test_with_every_2_a_round_started_off_cadence_is_asked_at_its_own_middle(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    """Monday 2 March 13:00 is not a round week with every:2: the next round starts Monday
    9 March 10:00, so the middle is Thursday 5 March 23:30, not a week after the start."""
    await enrol(app, "alice", "bob")
    await say(app, "/admin buddies every:2", admin=True)
    await say(app, "/admin match now", admin=True)
    await asked_between(app, clock, messenger, timedelta(days=3, hours=10), timedelta(hours=1))


async def test_a_scheduled_two_week_round_is_asked_after_one_week(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin buddies every:2", admin=True)
    clock.advance(timedelta(days=7, hours=-3))  # Monday 9 March 10:00: a round week
    await tick(app)
    await asked_between(app, clock, messenger, timedelta(days=6, hours=23), timedelta(hours=2))


async def test_never_asked_in_the_last_24_hours_of_a_round(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    """A round started on Sunday ends on Monday morning: asking would come too late to act."""
    await enrol(app, "alice", "bob")
    clock.advance(timedelta(days=6))  # Sunday 8 March 13:00; the next round is in 21 hours
    await say(app, "/admin match now", admin=True)
    clock.advance(timedelta(hours=11))
    await tick(app)
    assert asked(messenger) == []


async def test_a_late_tick_after_downtime_does_not_ask_in_the_last_day(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    clock.advance(timedelta(days=6))  # the bot was down from before the middle until Sunday
    await tick(app)
    assert asked(messenger) == []


# --- closing the rooms of finished rounds -------------------------------------------------------


async def close_job(app: App) -> object:
    """Run the hourly close job once; what it returns is how many rooms it closed."""
    job = next(j for j in app.jobs if j.name == CLOSE_JOB)
    return await job.tick(app.clock.now())


async def test_a_rounds_rooms_close_once_when_the_next_round_starts(
    app: App, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    [first] = messenger.rooms
    assert await close_job(app) == 0  # round 1 is still on
    await say(app, "/admin match now extra:yes", admin=True)
    assert await close_job(app) == 1
    assert messenger.closed_rooms == [first]
    assert await close_job(app) == 0  # a tick that runs again closes nothing twice


async def test_a_room_that_cannot_be_closed_now_is_tried_again(
    app: App, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    await say(app, "/admin match now extra:yes", admin=True)
    messenger.failures.append(TransientError("discord is down"))
    assert await close_job(app) == 0
    assert await close_job(app) == 1 and len(messenger.closed_rooms) == 1


async def test_another_process_rooms_never_hold_up_the_ones_this_process_closes(
    app: App, messenger: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sharded, a process closes its own communities' rooms, even when a whole batch of older
    finished rooms belongs to a shard that is down."""
    monkeypatch.setattr(rooms, "CLOSE_BATCH", 1)
    theirs, ours = str(1 << 22), "0"  # shards 1 and 0 of 2
    for tenant in (theirs, ours):  # their rooms finished first
        for name in ("alice", "bob"):
            await say(app, "/buddy join", user=name, tenant=tenant)
        await say(app, "/admin match now", admin=True, tenant=tenant)
        await say(app, "/admin match now extra:yes", admin=True, tenant=tenant)
    ours_room = list(messenger.rooms)[2]  # theirs: rounds 1 and 2, then ours
    app.own_only(TenantShare(app.messenger.platform, 2, frozenset({0}), 22))
    assert await close_job(app) == 1
    assert messenger.closed_rooms == [ours_room]
