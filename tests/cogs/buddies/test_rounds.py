"""Buddy rounds: grouping, once per period, restarts and crashes, follow-ups and inactivity."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

import cogs.buddies.rounds
from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from bot.matching import round as matching_round
from cogs import load_all
from tests.cogs.buddies.scenario import (
    NAMES,
    NEXT_MONDAY,
    count,
    current,
    enrol,
    groups_in,
    intros,
    tick,
)
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say


async def test_seven_members_make_three_groups_with_one_trio(
    app: App, messenger: RecordingMessenger
) -> None:
    await enrol(app, *NAMES)
    reply = await say(app, "/admin match now", "olga", admin=True)
    assert "Round 1 started: 3 groups" in reply.text
    groups = groups_in(messenger)
    assert sorted(len(g) for g in groups) == [2, 2, 3]
    assert sorted(m for g in groups for m in g) == sorted(NAMES)
    assert len(intros(messenger)) == 3


async def test_without_group_rooms_each_member_gets_the_intro_by_dm(
    app: App, messenger: RecordingMessenger
) -> None:
    messenger.capabilities = replace(messenger.capabilities, group_rooms=False)
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
    assert messenger.rooms == {}
    for name in ("alice", "bob"):
        (intro,) = messenger.to("dm", name)
        assert "Why you were matched" in intro.text


async def test_a_lone_member_is_told_why_at_the_scheduled_round(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice")
    clock.set(NEXT_MONDAY)
    await tick(app)
    await tick(app)
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
    await say(app, "/admin match now", "olga", admin=True)
    assert groups_in(messenger) == [["alice", "erin"], ["bob", "carol"]]
    assert messenger.to("dm", "dan") == []


async def test_a_timed_pause_ends_by_itself(app: App, clock: ManualClock) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/buddy pause weeks:1", user="bob")
    await say(app, "/admin match now", "olga", admin=True)
    assert await current(app, "bob") is None
    clock.advance(timedelta(weeks=1))
    await say(app, "/admin match now", "olga", admin=True)
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
    real = matching_round.plan

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
    await say(app, "/admin match now", "olga", admin=True)
    first = groups_in(messenger)
    clock.set(NEXT_MONDAY)
    await tick(app)
    second = [g for g in groups_in(messenger) if g not in first]
    assert len(second) == 2
    assert "first time paired" in intros(messenger)[-1]


async def test_mid_round_the_group_is_asked_and_the_answer_is_recorded(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob")
    await say(app, "/admin match now", "olga", admin=True)
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
    answers = "Did you meet: Alice: not yet · Bob: yes"
    assert answers in (await say(app, "/buddy status", user="bob")).text
    assert f"{answers} (/buddy met answer:yes|no)" in (await say(app, "/buddy status")).text


async def test_two_silent_rounds_pause_the_member_with_a_dm(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob", "carol")
    for _ in range(2):
        await say(app, "/admin match now", "olga", admin=True)
        for name in ("bob", "carol"):
            await say(app, "/buddy met answer:yes", user=name)
        clock.advance(timedelta(weeks=1))
    reply = await say(app, "/admin match now", "olga", admin=True)
    assert "Paused for inactivity (each told how to resume): 1" in reply.text
    (dm,) = [m for m in messenger.to("dm", "alice") if "paused" in m.text]
    assert "/buddy resume" in dm.text
    assert await current(app, "alice") is None
    assert "Matching: paused until you resume" in (await say(app, "/buddy status")).text


async def test_a_round_solves_outside_any_transaction_so_other_writes_go_on(
    app: App, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a large community's round is being solved (seconds), members keep checking in."""
    await enrol(app, "alice", "bob", "carol", "dan")
    solving, release = threading.Event(), threading.Event()
    real = matching_round.plan

    def slow_plan(*args: Any, **kwargs: Any) -> Any:
        solving.set()
        release.wait(timeout=30)
        return real(*args, **kwargs)

    monkeypatch.setattr(cogs.buddies.rounds, "plan", slow_plan)
    clock.set(NEXT_MONDAY)
    round_started = asyncio.create_task(tick(app))
    assert await asyncio.to_thread(solving.wait, 10)  # the solver runs in a worker thread
    reply = await asyncio.wait_for(say(app, "/checkin did:sql", user="erin"), timeout=10)
    assert "Checked in" in reply.text  # written while the round was being solved
    release.set()
    await round_started
    assert await count(app, "rounds") == 1


async def test_a_member_who_joins_while_the_round_is_solved_is_in_it(
    app: App, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What changed between the read and the write is not lost: the round is solved again."""
    await enrol(app, "alice", "bob")
    real = matching_round.plan
    calls = 0

    def plan_then_join(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(cogs.buddies.rounds, "plan", plan_then_join)
    planned = cogs.buddies.rounds.Rounds._solve

    async def join_meanwhile(self: Any, *args: Any, **kwargs: Any) -> Any:
        outcome = await planned(self, *args, **kwargs)
        if calls == 1:
            await say(app, "/buddy join", user="carol")
        return outcome

    monkeypatch.setattr(cogs.buddies.rounds.Rounds, "_solve", join_meanwhile)
    clock.set(NEXT_MONDAY)
    await tick(app)
    assert calls == 2
    group = await current(app, "carol")
    assert group is not None  # carol joined after the first read, and is grouped


async def test_members_on_the_same_path_step_are_paired_and_told_its_task(
    app: App, messenger: RecordingMessenger
) -> None:
    await enrol(app, "alice", "bob", "carol", "dan", profile="goal:internship learning:sql")
    for name in ("alice", "carol"):
        await say(app, "/path pick ml engineer", user=name)
    await say(app, "/admin match now", "olga", admin=True)
    assert ["alice", "carol"] in groups_in(messenger)
    (together,) = [i for i in intros(messenger) if "Alice & Carol" in i]
    assert (
        "• both on ML engineer intern, at milestone 1 of 10: **Version your work with Git**"
        in together
    )
    assert "First step: Put a project in a GitHub repository with a README" in together
    (others,) = [i for i in intros(messenger) if "Alice & Carol" not in i]
    assert "ML engineer intern" not in others


async def test_a_round_reads_every_path_step_in_one_batch(
    app: App, messenger: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """progress_all once per round, never one member's progress at a time."""
    await enrol(app, "alice", "bob", "carol")
    for name in ("alice", "bob"):
        await say(app, "/path pick ml engineer", user=name)
    batches = []
    progress_all = app.paths.progress_all

    async def counted(tenant_id: int, **options: bool) -> Any:
        batches.append(tenant_id)
        return await progress_all(tenant_id, **options)

    async def one_member(*args: object) -> None:
        raise AssertionError("a round read one member's path progress")

    monkeypatch.setattr(app.paths, "progress_all", counted)
    monkeypatch.setattr(app.paths, "progress_of", one_member)
    reply = await say(app, "/admin match now", "olga", admin=True)
    assert "Round 1 started" in reply.text
    assert len(batches) == 1
