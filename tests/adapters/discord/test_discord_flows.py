"""Student and organizer journeys on Discord, through the real cogs and the real adapter:
the check-in modal, a reminder DM's button, a buddy round with private threads and the
"Did you meet?" buttons, the closed-DM fallback, and rate limits on the way out."""

from __future__ import annotations

from datetime import timedelta

from cogs.buddies.rooms import CLOSE_JOB
from tests.adapters.discord.discord_harness import Harness
from tests.fakes.discord import EPHEMERAL, PRIVATE_THREAD, FakeDiscord, FakeGuild, FakeMember
from tests.fakes.discord.records import RecordedRequest


def _button(fake: FakeDiscord, message: dict[str, object], label: str) -> str:
    for row in message.get("components") or []:  # type: ignore[attr-defined]
        for component in row["components"]:
            if component.get("label") == label:
                return str(component["custom_id"])
    raise AssertionError(f"no button {label!r} in {message.get('components')}")


async def test_checkin_opens_a_modal_and_the_submit_checks_in(
    harness: Harness, guild: FakeGuild
) -> None:
    alice = guild.member_named("alice")
    modal = await harness.invoke("checkin", user=alice, guild=guild)
    assert modal["_callback"] == 9
    assert [_input_id(row) for row in modal["components"]] == [
        "did",
        "next",
        "blockers",
        "skills",
        "minutes",
    ]
    reply = await harness.submit(
        {"did": "Dockerised my Flask app", "skills": "docker", "minutes": "45"},
        user=alice,
        guild=guild,
    )
    assert reply["content"].startswith("Checked in for Monday 7 January")
    assert "45 min" in reply["content"]
    assert reply["flags"] & EPHEMERAL
    streak = await harness.invoke("streak", user=alice, guild=guild)
    assert "Current: 1 day" in streak["content"]


def _input_id(row: dict[str, object]) -> str:
    inner = row.get("component") or row["components"][0]  # type: ignore[index]
    return str(inner["custom_id"])  # type: ignore[index]


async def test_checkin_with_options_skips_the_modal(harness: Harness, guild: FakeGuild) -> None:
    reply = await harness.invoke(
        "checkin", {"did": "SQL joins", "minutes": 30}, user=guild.member_named("bob"), guild=guild
    )
    assert reply["_callback"] == 4
    assert "Checked in" in reply["content"] and "30 min" in reply["content"]


async def test_reminder_dm_button_opens_the_checkin_form(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """The reminder is a DM with a button; clicking it (no guild in a DM) opens the form for
    the right server, and the submit checks the member in there."""
    carol = guild.member_named("carol")
    set_reply = await harness.invoke("checkin-remind", {"time": "09:30"}, user=carol, guild=guild)
    assert "Reminder set for 09:30" in set_reply["content"]
    harness.clock.advance(timedelta(minutes=31))
    await harness.app.scheduler.run_due()
    assert await harness.drain() == 1
    (dm,) = fake.dms_to(carol.id)
    assert dm["content"].startswith("Time for today's check-in!")
    modal = await harness.click(_button(fake, dm, "Check in now"), user=carol.user)
    assert modal["_callback"] == 9 and modal["title"] == "Daily check-in"
    reply = await harness.feed(
        fake.modal_submit({"did": "Read about CI"}, user=carol.user, guild=None)
    )
    assert reply["content"].startswith("Checked in for Monday")


async def test_help_names_hoisted_commands_the_discord_way(
    harness: Harness, guild: FakeGuild
) -> None:
    """`/checkin remind` is typed `/checkin-remind` on Discord, and help says so."""
    reply = await harness.invoke(
        "help", {"command": "checkin remind"}, user=guild.member_named("alice"), guild=guild
    )
    assert reply["content"].startswith("/checkin-remind - ")
    assert "Usage: /checkin-remind" in reply["content"]


async def _buddy_round(harness: Harness, guild: FakeGuild, *names: str) -> dict[str, object]:
    olga = guild.member_named("olga")
    for name in names:
        joined = await harness.invoke("buddy join", user=guild.member_named(name), guild=guild)
        assert "You're in!" in joined["content"]
    channel = guild.channel_named("study-buddies")
    saved = await harness.invoke("admin buddies", {"channel": channel}, user=olga, guild=guild)
    assert "Saved." in saved["content"]
    report = await harness.invoke("admin match now", user=olga, guild=guild)
    assert report["_callback"] == 5  # declared slow: deferred at once
    await harness.drain()
    return report


async def test_buddy_round_opens_private_threads_with_members(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    report = await _buddy_round(harness, guild, "alice", "bob")
    assert "Round 1 started: 1 group." in str(report["content"])
    (thread,) = fake.threads(guild)
    alice, bob = guild.member_named("alice"), guild.member_named("bob")
    assert thread.type == PRIVATE_THREAD and not thread.invitable
    assert thread.parent_id == guild.channel_named("study-buddies").id
    assert thread.member_ids == {fake.bot_user.id, alice.id, bob.id}
    (intro,) = fake.messages[thread.id]
    assert "Alice" in intro["content"] or "alice" in intro["content"]


async def test_a_finished_rounds_thread_is_archived_and_locked(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    await _buddy_round(harness, guild, "alice", "bob")
    (thread,) = fake.threads(guild)
    olga = guild.member_named("olga")
    await harness.invoke("admin match now", {"extra": True}, user=olga, guild=guild)
    await harness.drain()
    close = next(j for j in harness.app.jobs if j.name == CLOSE_JOB)
    assert await close.tick(harness.clock.now()) == 1
    assert thread.archived and thread.locked
    assert not any(t.archived for t in fake.threads(guild) if t.id != thread.id)  # round 2's


def _confirms(request: RecordedRequest) -> bool:
    """A private follow-up confirming a "did you meet" answer."""
    return "recorded that you" in str((request.json or {}).get("content"))


async def _followup_in_thread(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> tuple[int, dict[str, object]]:
    # Two hours after Monday 10:00 (the scheduled start): the round runs to next Monday, so it
    # has a real middle. A round started at 09:00 would end at 10:00 and never be asked.
    harness.clock.advance(timedelta(hours=3))
    await _buddy_round(harness, guild, "alice", "bob")
    (thread,) = fake.threads(guild)
    harness.clock.advance(timedelta(days=4))  # past the mid-round follow-up
    (followup_job,) = [j for j in harness.app.jobs if j.name == "buddy-followup"]
    await harness.app.scheduler.run_job(followup_job)  # only it: no new round yet
    await harness.drain()
    followup = fake.messages[thread.id][-1]
    assert "Did you meet?" in str(followup["content"])
    return thread.id, followup


async def test_met_button_updates_the_question_in_place_and_confirms_privately(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """A click answers for the clicker: the thread's question shows the answers so far
    (UPDATE_MESSAGE), its buttons stay for Bob, and Alice gets a private confirmation."""
    _, followup = await _followup_in_thread(harness, fake, guild)
    alice = guild.member_named("alice")
    updated = await harness.click(_button(fake, followup, "Yes, we met"), user=alice)
    assert updated["_callback"] == 7  # UPDATE_MESSAGE: the clicked message itself
    assert "Alice: yes · Bob: not yet" in updated["content"]
    assert "Bob, did you get together" in updated["content"]
    _button(fake, updated, "Not yet")  # still there for Bob
    confirm = await fake.wait_for_request("POST", "/webhooks/", predicate=_confirms)
    assert confirm.json is not None and confirm.json["content"].startswith("Great, recorded")
    assert confirm.json["flags"] & EPHEMERAL
    status = await harness.invoke("buddy status", user=alice, guild=guild)
    assert "Did you meet: Alice: yes · Bob: not yet" in status["content"]


async def test_last_answer_removes_the_buttons_and_a_disagreement_is_shown(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """Once everyone answered, the question has no buttons left; the second answer differs
    from the first, and Bob is told so rather than one answer silently winning."""
    _, followup = await _followup_in_thread(harness, fake, guild)
    alice, bob = guild.member_named("alice"), guild.member_named("bob")
    first = await harness.click(_button(fake, followup, "Yes, we met"), user=alice)
    last = await harness.click(_button(fake, first, "Not yet"), user=bob)
    assert last["_callback"] == 7
    assert "Everyone has answered" in last["content"] and "Alice: yes · Bob: no" in last["content"]
    assert not last.get("components")
    confirm = await fake.wait_for_request("POST", "/webhooks/", count=2, predicate=_confirms)
    assert confirm.json is not None and "Alice answered yes" in confirm.json["content"]


async def test_round_falls_back_to_dms_when_threads_are_not_allowed(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    guild.threads_allowed = False
    await _buddy_round(harness, guild, "alice", "bob")
    assert not fake.threads(guild)
    for name in ("alice", "bob"):
        (intro,) = fake.dms_to(guild.member_named(name).id)
        assert intro["content"]


async def test_the_organizer_hears_that_threads_were_refused(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """The members still meet by DM, and the organizer is told why, privately, once."""
    guild.threads_allowed = False
    await _buddy_round(harness, guild, "alice", "bob", "carol")
    dms = [m["content"] for m in fake.dms_to(guild.member_named("olga").id)]
    notices = [text for text in dms if "could not open a private buddy thread" in text]
    assert len(notices) == 1, dms
    assert "The group got its messages by DM instead" in notices[0]
    assert "/admin buddies channel:" in notices[0]


async def test_closed_dms_reach_the_cores_fallback(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """403 50007 on a reminder DM: the core flags the member and tells them next time."""
    carol = guild.member_named("carol")
    fake.closed_dms.add(carol.id)
    await harness.invoke("checkin-remind", {"time": "09:30"}, user=carol, guild=guild)
    harness.clock.advance(timedelta(minutes=31))
    await harness.app.scheduler.run_due()
    assert await harness.drain() == 0
    failed = fake.find_requests("POST", "/messages")[-1]
    assert (failed.status, failed.response["code"]) == (403, 50007)
    reply = await harness.invoke("streak", user=carol, guild=guild)
    assert "closed to me" in reply["content"]  # the core's notice


async def test_a_long_429_is_retried_by_the_outbox_later(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """Retry-After beyond the client's limit surfaces as the port's RateLimited; the outbox
    keeps the message and sends it once after the wait."""
    carol: FakeMember = guild.member_named("carol")
    await harness.invoke("checkin-remind", {"time": "09:30"}, user=carol, guild=guild)
    harness.clock.advance(timedelta(minutes=31))
    fake.rate_limit_next("POST", "/messages", retry_after=45.0)
    await harness.app.scheduler.run_due()
    assert await harness.drain() == 0
    assert fake.dms_to(carol.id) == []
    harness.clock.advance(timedelta(seconds=46))
    assert await harness.drain() == 1
    assert len(fake.dms_to(carol.id)) == 1


async def test_the_delete_confirmation_loses_its_buttons_once_answered(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """ "Delete it" is answered once: the clicked question becomes the outcome without
    buttons (UPDATE_MESSAGE), and the details follow privately."""
    bob = guild.member_named("bob")
    await harness.invoke("checkin", {"did": "SQL joins", "minutes": 30}, user=bob, guild=guild)
    question = await harness.invoke("checkin-delete", user=bob, guild=guild)
    updated = await harness.click(_button(fake, question, "Delete it"), user=bob, guild=guild)
    assert updated["_callback"] == 7  # UPDATE_MESSAGE: the clicked message itself
    assert updated["content"] == "Check-in for Monday 7 January: deleted."
    assert not updated.get("components")
    done = await fake.wait_for_request(
        "POST", "/webhooks/", predicate=lambda r: "Deleted your check-in" in str(r.json)
    )
    assert done.json is not None and done.json["flags"] & EPHEMERAL
