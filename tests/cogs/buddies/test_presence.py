"""No ghosts before a round: "Still in?" asks silent members once, and silence keeps them out."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import ManualClock
from bot.ports import Message
from tests.cogs.buddies.scenario import NEXT_MONDAY, current, enrol, tick
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say

ASK_TIME = NEXT_MONDAY - timedelta(hours=24)  # the default lead time before round 2


def still_in(messenger: RecordingMessenger, user: str) -> list[Message]:
    return [m for m in messenger.to("dm", user) if "Still in for next round?" in m.text]


async def round_one_then_the_ask(app: App, clock: ManualClock) -> None:
    """Four members in round 1; alice and bob check in during it, carol and dan stay silent."""
    await enrol(app, "alice", "bob", "carol", "dan")
    await say(app, "/admin match now", admin=True)
    for name in ("alice", "bob"):
        await say(app, "/checkin did:sql practice", user=name)
    clock.set(ASK_TIME - timedelta(minutes=1))
    await tick(app)
    clock.set(ASK_TIME)
    await tick(app)
    await tick(app)  # a second tick asks nobody again


async def paired_in_round_two(app: App, clock: ManualClock) -> set[str]:
    clock.set(NEXT_MONDAY)
    await tick(app)
    return {n for n in ("alice", "bob", "carol", "dan") if await current(app, n) is not None}


async def test_only_silent_members_are_asked_once_with_yes_and_pause(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await round_one_then_the_ask(app, clock)
    assert [len(still_in(messenger, n)) for n in ("alice", "bob", "carol", "dan")] == [0, 0, 1, 1]
    [ask] = still_in(messenger, "carol")
    assert [b.command for b in ask.buttons] == ["buddy stillin answer:yes", "buddy pause weeks:1"]
    assert "you'll sit this round out" in ask.text


async def test_by_default_silence_means_out_and_yes_or_a_check_in_means_in(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await round_one_then_the_ask(app, clock)
    reply = await say(app, "/buddy stillin answer:yes", user="carol")
    assert "you're in the next round" in reply.text
    # clicked from the DM, the question is answered: it loses its buttons
    assert reply.replaces_clicked is not None and not reply.replaces_clicked.buttons
    assert reply.replaces_clicked.text.endswith("You said yes.")
    # dan was asked and never answered: not paired
    assert await paired_in_round_two(app, clock) == {"alice", "bob", "carol"}


async def test_a_check_in_after_the_ask_counts_as_yes(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await round_one_then_the_ask(app, clock)
    await say(app, "/checkin did:back", user="dan")
    assert await paired_in_round_two(app, clock) == {"alice", "bob", "dan"}


async def test_with_silence_in_the_silent_are_paired_and_told_so(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    shown = await say(app, "/admin buddies silence:in", admin=True)
    assert "silence means in" in shown.text
    await round_one_then_the_ask(app, clock)
    assert "If I don't hear from you, you stay in." in still_in(messenger, "dan")[0].text
    assert await paired_in_round_two(app, clock) == {"alice", "bob", "carol", "dan"}


async def test_no_pauses_until_after_the_next_round(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await round_one_then_the_ask(app, clock)
    reply = await say(app, "/buddy stillin answer:no", user="carol")
    assert "sit out the round" in reply.text
    assert "carol" not in await paired_in_round_two(app, clock)
    assert "Matching: paused" in (await say(app, "/buddy status", user="carol")).text


async def test_answering_without_being_enrolled_is_refused_with_the_usage(app: App) -> None:
    reply = await say(app, "/buddy stillin answer:yes", user="zoe")
    assert reply.error and "join with /buddy join" in reply.text
    assert "Usage: /buddy stillin" in reply.text


async def test_a_bad_lead_time_is_refused(app: App) -> None:
    reply = await say(app, "/admin buddies ask:0", admin=True)
    assert reply.error and "Usage: /admin buddies" in reply.text


async def test_the_round_report_names_who_sat_out_for_not_answering(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await round_one_then_the_ask(app, clock)
    await say(app, "/buddy stillin answer:yes", user="carol")
    await paired_in_round_two(app, clock)
    report = await say(app, "/admin buddies report", admin=True)
    assert 'Sat out (no answer to "Still in?"): 1 (Dan).' in report.text


async def test_a_member_who_never_answers_is_paused_and_no_longer_asked(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await round_one_then_the_ask(app, clock)  # dan: asked about round 2, never answers
    await paired_in_round_two(app, clock)
    week = timedelta(days=7)
    for name in ("alice", "bob", "carol"):
        await say(app, "/checkin did:sql practice", user=name)
    clock.set(ASK_TIME + week)
    await tick(app)
    assert len(still_in(messenger, "dan")) == 2
    clock.set(NEXT_MONDAY + week)
    await tick(app)  # round 3 would be dan's second sat out in silence
    [told] = [m for m in messenger.to("dm", "dan") if "I'll stop asking" in m.text]
    assert "/buddy resume" in told.text
    assert "Matching: paused" in (await say(app, "/buddy status", user="dan")).text
    report = await say(app, "/admin buddies report", admin=True)
    assert "Paused for inactivity: 1 (Dan)." in report.text
    clock.set(ASK_TIME + 2 * week)
    await tick(app)
    assert len(still_in(messenger, "dan")) == 2  # not asked about round 4
