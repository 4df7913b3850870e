"""What members do with /buddy: joining, pausing, blocking, answering, status, nudges."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import ManualClock
from tests.cogs.buddies.scenario import enrol
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say


async def test_join_confirms_with_the_next_round(app: App) -> None:
    reply = await say(app, "/buddy join")
    assert "You're in!" in reply.text and "Mon 09 Mar, 10:00 (UTC)" in reply.text
    status = await say(app, "/buddy status")
    assert "Matching: on" in status.text and "Current buddy: none" in status.text


async def test_pause_with_negative_weeks_is_refused_and_changes_nothing(app: App) -> None:
    await enrol(app, "alice")
    reply = await say(app, "/buddy pause weeks:-1")
    assert reply.error and "weeks must be between 1 and 12" in reply.text
    assert "Usage: /buddy pause" in reply.text
    assert "Matching: on" in (await say(app, "/buddy status")).text


async def test_commands_for_members_who_never_joined_say_how_to_join(app: App) -> None:
    reply = await say(app, "/buddy pause weeks:2")
    assert reply.error and "/buddy join" in reply.text


async def test_blocking_yourself_is_refused(app: App) -> None:
    await say(app, "/buddy join")
    reply = await say(app, "/buddy block user:@alice")
    assert reply.error and "can't block yourself" in reply.text


async def test_blocking_a_user_of_another_workspace_is_refused(app: App) -> None:
    await say(app, "/buddy join", user="zed", tenant="T2")
    await say(app, "/buddy join")
    reply = await say(app, "/buddy block user:@zed")
    assert reply.error and "don't know a member called 'zed' here" in reply.text


async def test_unblocking_someone_not_blocked_is_an_error(app: App) -> None:
    await enrol(app, "alice", "bob")
    reply = await say(app, "/buddy unblock user:@bob")
    assert reply.error and "not on your block list" in reply.text


async def test_a_block_is_private_and_listed_only_for_the_blocker(
    app: App, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    reply = await say(app, "/buddy block user:@bob")
    assert "They are not told" in reply.text and reply.private
    assert messenger.sent == []
    await say(app, "/admin match now", "olga", admin=True)
    assert "You blocked: Bob (only you see this)" in (await say(app, "/buddy history")).text
    assert "block" not in (await say(app, "/buddy history", user="bob")).text.lower()


async def test_answering_without_a_group_is_an_error(app: App) -> None:
    await say(app, "/buddy join")
    reply = await say(app, "/buddy met answer:yes")
    assert reply.error and "no buddy group this round" in reply.text


async def test_status_shows_the_pair_streak(app: App, clock: ManualClock) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
    for _ in range(2):
        await say(app, "/checkin did:sql")
        await say(app, "/checkin did:sql", user="bob")
        clock.advance(timedelta(days=1))
    status = await say(app, "/buddy status")
    assert "Pair streak: 2 days" in status.text
    assert "Current buddy: Bob (round 1" in status.text


async def test_a_nudge_reaches_the_buddy_once_a_day(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
    assert "Nudge sent to Bob" in (await say(app, "/buddy nudge")).text
    again = await say(app, "/buddy nudge")
    assert again.error and "already nudged" in again.text
    clock.advance(timedelta(days=1))
    await say(app, "/buddy nudge")
    assert len([m for m in messenger.to("dm", "bob") if "friendly nudge" in m.text]) == 2
