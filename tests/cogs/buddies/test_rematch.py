"""/buddy rematch: a new buddy for the rest of the round when yours went quiet."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import ManualClock
from cogs.buddies.rematch import NOBODY_FREE
from tests.cogs.buddies.scenario import current, enrol, intros, tick
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say

QUIET = timedelta(days=3, minutes=1)


async def buddy_of(app: App, name: str) -> str:
    group = await current(app, name)
    assert group is not None
    [other] = [m for m in group.members if m.external_id != name]
    return str(other.external_id)


async def a_round_of_two_pairs(app: App) -> None:
    await enrol(app, "alice", "bob", "carol", "dan")
    await say(app, "/admin match now", admin=True)


async def test_an_active_buddy_is_nudged_not_dropped(app: App, clock: ManualClock) -> None:
    await a_round_of_two_pairs(app)
    buddy = await buddy_of(app, "alice")
    clock.advance(timedelta(days=3))
    await say(app, "/checkin did:reading", user=buddy)
    clock.advance(timedelta(days=1))
    reply = await say(app, "/buddy rematch")
    assert (
        reply.error and f"{buddy.capitalize()} checked in yesterday; try /buddy nudge" in reply.text
    )
    assert "Usage: /buddy rematch" in reply.text
    assert await buddy_of(app, "alice") == buddy


async def test_a_buddy_quiet_for_less_than_three_days_gets_time(
    app: App, clock: ManualClock
) -> None:
    await a_round_of_two_pairs(app)
    clock.advance(timedelta(days=1))
    reply = await say(app, "/buddy rematch")
    assert reply.error and "you can ask for a rematch from Thu 05 Mar, 13:00" in reply.text


async def test_nobody_free_puts_you_on_the_waiting_list(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await a_round_of_two_pairs(app)
    buddy = await buddy_of(app, "alice")
    for name in ("alice", *(n for n in ("bob", "carol", "dan") if n != buddy)):
        await say(app, "/checkin did:x", user=name)
    clock.advance(QUIET)
    reply = await say(app, "/buddy rematch")
    assert reply.text == NOBODY_FREE and not reply.error
    assert await current(app, "alice") is None and await current(app, buddy) is None
    [moved_on] = [m for m in messenger.to("dm", buddy) if "paired with someone else" in m.text]
    assert "Alice has been paired with someone else for the rest of buddy round 1" in moved_on.text
    again = await say(app, "/buddy rematch")  # asking again changes nothing and tells nothing
    assert again.text == NOBODY_FREE
    assert len([m for m in messenger.to("dm", buddy) if "someone else" in m.text]) == 1


async def test_a_member_who_joined_mid_round_is_the_new_buddy(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await a_round_of_two_pairs(app)
    buddy = await buddy_of(app, "alice")
    clock.advance(QUIET)
    await enrol(app, "erin")
    before = len(intros(messenger))
    reply = await say(app, "/buddy rematch")
    assert "You're now paired with Erin for the rest of round 1" in reply.text
    assert await buddy_of(app, "alice") == "erin" and await buddy_of(app, "erin") == "alice"
    [intro] = intros(messenger)[before:]
    assert intro.startswith("A new pair for the rest of round 1.") and "Alice & Erin" in intro
    history = (await say(app, "/buddy history")).text
    assert "Erin" in history and buddy.capitalize() in history
    assert await current(app, buddy) is None  # the quiet member's group is no longer theirs
    assert (await say(app, "/buddy met answer:yes", user=buddy)).error  # so never counted met


async def test_two_members_whose_buddies_went_quiet_are_paired(
    app: App, clock: ManualClock
) -> None:
    await a_round_of_two_pairs(app)
    alice_buddy = await buddy_of(app, "alice")
    other = next(n for n in ("bob", "carol", "dan") if n != alice_buddy)
    other_buddy = await buddy_of(app, other)
    clock.advance(QUIET)
    assert (await say(app, "/buddy rematch")).text == NOBODY_FREE
    reply = await say(app, "/buddy rematch", user=other)
    assert "You're now paired with Alice" in reply.text
    assert await buddy_of(app, "alice") == other
    assert await current(app, alice_buddy) is None and await current(app, other_buddy) is None


async def test_a_rematch_needs_an_open_round(app: App) -> None:
    await enrol(app, "alice")
    reply = await say(app, "/buddy rematch")
    assert reply.error and "no buddy round on right now" in reply.text


async def test_a_pair_made_after_the_rounds_question_is_asked_at_its_own_midpoint(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await a_round_of_two_pairs(app)  # round 1: Mon 2 Mar 13:00 to Mon 9 Mar 10:00
    clock.advance(timedelta(days=4))  # past the round's midpoint
    await tick(app)

    def asked_alice_and_erin() -> list[str]:
        return [
            t for t in messenger.texts() if "Did you meet?" in t and "Erin" in t and "Alice" in t
        ]

    await enrol(app, "erin")
    assert "paired with Erin" in (await say(app, "/buddy rematch")).text
    await tick(app)
    assert asked_alice_and_erin() == []  # not at once: they have not had time to meet
    clock.advance(timedelta(hours=34))  # the pair's midpoint is halfway through the 69 h left
    await tick(app)
    assert asked_alice_and_erin() == []
    clock.advance(timedelta(hours=1))
    await tick(app)
    await tick(app)  # a second tick asks nobody again
    [question] = asked_alice_and_erin()
    assert "halfway through buddy round 1" in question


async def test_a_rematch_prefers_a_waiting_member_on_the_same_path_step(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await a_round_of_two_pairs(app)
    clock.advance(QUIET)
    await enrol(app, "erin", "frank")  # erin first: she would win a tie
    for name in ("alice", "frank"):
        await say(app, "/path pick ml engineer", user=name)
    before = len(intros(messenger))
    reply = await say(app, "/buddy rematch")
    assert "You're now paired with Frank" in reply.text
    [intro] = intros(messenger)[before:]
    assert "at milestone 1 of 10: **Version your work with Git**" in intro
    assert "First step: Put a project in a GitHub repository" in intro
