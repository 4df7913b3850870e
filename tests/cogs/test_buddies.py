from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

import cogs.buddies.rounds
from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from bot.storage.buddies import BuddyRepo, Group
from bot.storage.models import Member
from cogs import load_all
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say

NAMES = ("alice", "bob", "carol", "dan", "erin", "frank", "gina")
NEXT_MONDAY = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)  # default cadence: Monday 10:00 UTC


async def enrol(app: App, *names: str, profile: str = "") -> None:
    for name in names:
        if profile:
            await say(app, f"/profile set {profile}", user=name)
        await say(app, "/buddy join", user=name)


async def tick(app: App) -> None:
    await app.scheduler.run_due()
    await app.sender.drain()


async def member(app: App, name: str, tenant: str = "T1") -> Member:
    t = await app.tenants.find(app.platform, tenant)
    assert t is not None
    found = await app.members.find(t.id, name)
    assert found is not None
    return found


async def current(app: App, name: str) -> Group | None:
    m = await member(app, name)
    return await BuddyRepo(app.db).current_group(m.tenant_id, m.id)


def groups_in(messenger: RecordingMessenger) -> list[list[str]]:
    return sorted(sorted(ids) for ids in messenger.rooms.values())


def intros(messenger: RecordingMessenger) -> list[str]:
    return [
        s.message.text for s in messenger.sent if s.kind == "room" and "Why you" in s.message.text
    ]


async def count(app: App, table: str) -> int:
    row = await app.db.fetchone(f"SELECT COUNT(*) AS n FROM {table}")
    assert row is not None
    return int(row["n"])


# --- joining, pausing, blocking ---------------------------------------------------------------


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
    await say(app, "/admin match now", admin=True)
    assert "You blocked: Bob (only you see this)" in (await say(app, "/buddy history")).text
    assert "block" not in (await say(app, "/buddy history", user="bob")).text.lower()


# --- rounds -----------------------------------------------------------------------------------


async def test_seven_members_make_three_groups_with_one_trio(
    app: App, messenger: RecordingMessenger
) -> None:
    await enrol(app, *NAMES)
    reply = await say(app, "/admin match now", admin=True)
    assert "Round 1 started: 3 group(s)" in reply.text
    groups = groups_in(messenger)
    assert sorted(len(g) for g in groups) == [2, 2, 3]
    assert sorted(m for g in groups for m in g) == sorted(NAMES)
    assert len(intros(messenger)) == 3


async def test_without_group_rooms_each_member_gets_the_intro_by_dm(
    app: App, messenger: RecordingMessenger
) -> None:
    messenger.capabilities = replace(messenger.capabilities, group_rooms=False)
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    assert messenger.rooms == {}
    for name in ("alice", "bob"):
        (intro,) = messenger.to("dm", name)
        assert "Why you were matched" in intro.text


async def test_a_lone_member_is_told_why(app: App, messenger: RecordingMessenger) -> None:
    await enrol(app, "alice")
    await say(app, "/admin match now", admin=True)
    (dm,) = messenger.to("dm", "alice")
    assert "only member taking part" in dm.text
    assert messenger.rooms == {}


async def test_blocks_and_pauses_are_never_violated(
    app: App, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob", "carol", "dan", "erin")
    await say(app, "/buddy block user:@bob", user="alice")
    await say(app, "/buddy block user:@alice", user="carol")
    await say(app, "/buddy pause weeks:2", user="dan")
    await say(app, "/admin match now", admin=True)
    assert groups_in(messenger) == [["alice", "erin"], ["bob", "carol"]]
    assert messenger.to("dm", "dan") == []


async def test_a_timed_pause_ends_by_itself(app: App, clock: ManualClock) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/buddy pause weeks:1", user="bob")
    await say(app, "/admin match now", admin=True)
    assert await current(app, "bob") is None
    clock.advance(timedelta(weeks=1))
    await say(app, "/admin match now", admin=True)
    assert await current(app, "bob") is not None


async def test_a_scheduled_round_runs_once_when_ticked_twice(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob", "carol", "dan")
    await tick(app)
    assert messenger.rooms == {}  # this week's start was before anyone joined
    clock.set(NEXT_MONDAY)
    await tick(app)
    await tick(app)
    assert len(groups_in(messenger)) == 2 and len(intros(messenger)) == 2
    assert await count(app, "rounds") == 1 and await count(app, "groups") == 2


async def test_a_restart_mid_round_repeats_nothing(
    app: App, settings: Settings, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob", "carol", "dan")
    clock.set(NEXT_MONDAY)
    await tick(app)
    clock.advance(timedelta(days=4))
    await tick(app)  # the follow-up
    again = RecordingMessenger()
    app.abandon_instance_lock()  # the first process died: the kernel dropped its lock
    restarted = await App.create(settings, clock, again, load_all())
    try:
        await restarted.start(background=False)
        await restarted.scheduler.run_due()
        await restarted.sender.drain()
    finally:
        await restarted.close()
    assert again.sent == []
    assert len(intros(messenger)) == 2


async def test_a_crash_mid_round_leaves_nothing_then_the_round_runs_once(
    app: App, clock: ManualClock, messenger: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    await enrol(app, "alice", "bob")
    real = cogs.buddies.rounds.plan

    def crash(*args: object, **kwargs: object) -> object:
        raise RuntimeError("power cut")

    monkeypatch.setattr(cogs.buddies.rounds, "plan", crash)
    clock.set(NEXT_MONDAY)
    await tick(app)
    assert await count(app, "rounds") == 0 and await count(app, "job_runs") == 0
    assert await count(app, "outbox") == 0
    monkeypatch.setattr(cogs.buddies.rounds, "plan", real)
    clock.advance(timedelta(minutes=1))
    await tick(app)
    await tick(app)
    assert await count(app, "rounds") == 1 and len(intros(messenger)) == 1


async def test_the_next_round_avoids_last_rounds_partners(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob", "carol", "dan")
    await say(app, "/admin match now", admin=True)
    first = groups_in(messenger)
    clock.set(NEXT_MONDAY)
    await tick(app)
    second = [g for g in groups_in(messenger) if g not in first]
    assert len(second) == 2
    assert "first time paired" in intros(messenger)[-1]


async def test_match_now_with_nobody_in_says_so_and_numbers_move_on(app: App) -> None:
    first = await say(app, "/admin match now", admin=True)
    assert "Round 1 started: 0 group(s)" in first.text and "Nobody is taking part" in first.text
    await enrol(app, "alice", "bob")
    second = await say(app, "/admin match now", admin=True)
    assert "Round 2 started: 1 group(s)" in second.text


async def test_admin_match_now_is_for_admins(app: App) -> None:
    reply = await say(app, "/admin match now")
    assert reply.error and "admins only" in reply.text


# --- follow-up, met, inactivity ---------------------------------------------------------------


async def test_mid_round_the_group_is_asked_and_the_answer_is_recorded(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    clock.advance(timedelta(days=3))
    await tick(app)
    assert not any("Did you meet?" in t for t in messenger.texts())
    clock.advance(timedelta(hours=12))
    await tick(app)
    await tick(app)
    (ask,) = [s.message for s in messenger.sent if "Did you meet?" in s.message.text]
    assert ask.buttons[0].command == "buddy met answer:yes"
    reply = await say(app, ask.buttons[0].command, user="bob")
    assert "recorded that you met" in reply.text
    assert "Did you meet: yes" in (await say(app, "/buddy status", user="bob")).text
    assert "Did you meet: not answered" in (await say(app, "/buddy status")).text


async def test_answering_without_a_group_is_an_error(app: App) -> None:
    await say(app, "/buddy join")
    reply = await say(app, "/buddy met answer:yes")
    assert reply.error and "no buddy group this round" in reply.text


async def test_two_silent_rounds_pause_the_member_with_a_dm(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob", "carol")
    for _ in range(2):
        await say(app, "/admin match now", admin=True)
        for name in ("bob", "carol"):
            await say(app, "/buddy met answer:yes", user=name)
        clock.advance(timedelta(weeks=1))
    reply = await say(app, "/admin match now", admin=True)
    assert "Paused for inactivity (each told how to resume): 1" in reply.text
    (dm,) = [m for m in messenger.to("dm", "alice") if "paused" in m.text]
    assert "/buddy resume" in dm.text
    assert await current(app, "alice") is None
    assert "Matching: paused until you resume" in (await say(app, "/buddy status")).text


# --- buddies between check-ins ----------------------------------------------------------------


async def test_a_check_in_is_summed_up_in_the_buddy_room_once(
    app: App, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
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
    await say(app, "/admin match now", admin=True)
    assert "no longer" in (await say(app, "/buddy share checkins:no")).text
    await say(app, "/checkin did:reading")
    assert not any("checked in" in t for t in messenger.texts())


async def test_status_shows_the_pair_streak(app: App, clock: ManualClock) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
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
    await say(app, "/admin match now", admin=True)
    assert "Nudge sent to Bob" in (await say(app, "/buddy nudge")).text
    again = await say(app, "/buddy nudge")
    assert again.error and "already nudged" in again.text
    clock.advance(timedelta(days=1))
    await say(app, "/buddy nudge")
    assert len([m for m in messenger.to("dm", "bob") if "friendly nudge" in m.text]) == 2


# --- people leave; their data -----------------------------------------------------------------


async def test_a_member_who_leaves_is_out_and_their_group_is_told(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", admin=True)
    await app.member_left("T1", "bob")
    await app.sender.drain()
    (note,) = [s for s in messenger.sent if "has left the community" in s.message.text]
    assert note.kind == "room" and "Bob has left" in note.message.text
    clock.advance(timedelta(weeks=1))
    await say(app, "/admin match now", admin=True)
    assert "only member taking part" in messenger.to("dm", "alice")[-1].text


async def test_export_and_erase_cover_groups_blocks_and_settings(app: App) -> None:
    await enrol(app, "alice", "bob", "carol", "dan")
    await say(app, "/buddy block user:@carol")
    await say(app, "/buddy unblock user:@carol")
    await say(app, "/buddy block user:@carol")
    await say(app, "/admin match now", admin=True)
    (provider,) = [p for p in app.personal_data.providers if p.name == "buddies"]
    alice, tenant = await member(app, "alice"), await app.tenants.find(app.platform, "T1")
    assert tenant is not None
    data = await provider.export(tenant, alice)
    assert data["blocked"] == ["Carol"] and data["settings"]["status"] == "active"
    (partner,) = data["groups"][0]["partners"]
    assert partner in ("Bob", "Dan")
    async with app.db.transaction() as tx:
        assert await provider.erase(tx, tenant, alice) > 0
    assert (await provider.export(tenant, alice)) == {"settings": None, "blocked": [], "groups": []}
    history = await say(app, "/buddy history", user=partner.lower())
    assert "a former member" in history.text and "Alice" not in history.text


# --- settings ---------------------------------------------------------------------------------


async def test_admin_settings_change_the_group_size_and_show_up(
    app: App, messenger: RecordingMessenger
) -> None:
    reply = await say(app, "/admin buddies size:3 day:tuesday time:18:30 every:2", admin=True)
    assert "every 2 weeks on Tuesday at 18:30 (UTC)" in reply.text
    shown = await say(app, "/admin show", admin=True)
    assert "buddy_group_size: 3" in shown.text and "buddy_day: tuesday" in shown.text
    await enrol(app, "alice", "bob", "carol", "dan", "erin", "frank")
    await say(app, "/admin match now", admin=True)
    assert sorted(len(g) for g in groups_in(messenger)) == [3, 3]


async def test_a_bad_setting_is_refused(app: App) -> None:
    reply = await say(app, "/admin buddies size:4", admin=True)
    assert reply.error and "size must be one of 2, 3" in reply.text
