"""Buddy rooms between rounds: check-in summaries, a member who leaves."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import ManualClock
from tests.cogs.buddies.scenario import enrol
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
