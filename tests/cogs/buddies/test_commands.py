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


# --- did you meet: each member's own answer --------------------------------------------------


async def test_each_member_answers_for_themselves_and_status_shows_every_answer(
    app: App,
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    await say(app, "/buddy met answer:yes")
    status = await say(app, "/buddy status", user="bob")
    assert "Did you meet: Alice: yes · Bob: not yet (/buddy met answer:yes|no)" in status.text


async def test_the_same_answer_twice_changes_nothing_and_a_change_is_confirmed(app: App) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    await say(app, "/buddy met answer:no")
    again = await say(app, "/buddy met answer:no")
    assert again.text.startswith("You already answered no; nothing changed.")
    changed = await say(app, "/buddy met answer:yes")
    assert "recorded that you met" in changed.text and "(changed from no)" in changed.text


async def test_an_answer_that_differs_from_the_buddys_is_kept_and_shown(app: App) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    await say(app, "/buddy met answer:yes")
    reply = await say(app, "/buddy met answer:no", user="bob")
    assert "Alice answered yes" in reply.text and "/buddy met answer:yes" in reply.text
    status = await say(app, "/buddy status")
    assert "Did you meet: Alice: yes · Bob: no" in status.text


async def test_a_click_replaces_the_question_with_the_answers_so_far(app: App) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    reply = await say(app, "/buddy met answer:yes")
    assert reply.replaces_clicked is not None
    assert "Alice: yes · Bob: not yet" in reply.replaces_clicked.text
    assert reply.replaces_clicked.buttons  # still Bob's to answer
    last = await say(app, "/buddy met answer:yes", user="bob")
    assert last.replaces_clicked is not None and not last.replaces_clicked.buttons


# --- times to meet ------------------------------------------------------------------------------


async def test_status_suggests_times_in_each_members_own_time(app: App) -> None:
    await say(app, "/profile set timezone:America/Los_Angeles hours:17:00-20:00", user="alice")
    await say(app, "/profile set timezone:Asia/Tokyo hours:10:00-13:00", user="bob")
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    status = await say(app, "/buddy status")
    assert "Times to meet:" in status.text
    assert "17:00-18:00 for you (Bob: " in status.text  # Tokyo is the next day: named


async def test_status_says_what_to_do_without_shared_hours(app: App) -> None:
    await say(app, "/profile set hours:06:00-08:00", user="alice")
    await say(app, "/profile set hours:19:00-21:00", user="bob")
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    status = await say(app, "/buddy status")
    assert "Study hours in common: none" in status.text
    for way in ("/buddy share", "/profile set hours:7pm-9pm", "/buddy rematch"):
        assert way in status.text
    assert "Times to meet" not in status.text


async def test_status_names_the_buddy_who_has_not_set_hours(app: App) -> None:
    await say(app, "/profile set hours:18:00-20:00", user="alice")
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    mine = await say(app, "/buddy status", user="alice")
    assert "Study hours in common: unknown (Bob has not set theirs yet)" in mine.text
    theirs = await say(app, "/buddy status", user="bob")
    assert "Study hours in common: unknown (set yours with /profile set" in theirs.text
