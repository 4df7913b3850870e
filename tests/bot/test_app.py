"""The app handles at most `studybot_max_concurrent_commands` commands at once."""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import pytest

from bot.app import EXPIRED_LEASES_JOB, App
from bot.clock import ManualClock
from bot.commands import (
    MAX_FILE_BYTES,
    FileArg,
    FileRefused,
    Invocation,
    Opt,
    Reply,
    command,
)
from bot.config import Settings
from bot.ports import Message
from bot.shards import TenantShare
from bot.storage.instance_lock import AlreadyRunning
from bot.storage.models import Member
from bot.storage.outbox import LEASE, Target, enqueue
from tests.fakes.recording import RecordingMessenger
from tests.helpers import START, actor, say


async def test_a_burst_beyond_the_limit_waits_its_turn_and_every_command_is_answered(
    tmp_path: Path,
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, studybot_db=str(tmp_path / "a.db"), studybot_max_concurrent_commands=2
    )
    app = await App.create(settings, ManualClock(START), RecordingMessenger(), [])
    running, most, release = 0, 0, asyncio.Event()

    @command("wait", "Waits until released.")
    async def slow(inv: Invocation) -> Reply:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await release.wait()
        running -= 1
        return Reply(text=f"done for {inv.member.external_id}")

    app.add_commands(slow)
    try:
        burst = [asyncio.create_task(app.handle_line(actor(f"user{n}"), "/wait")) for n in range(5)]
        for _ in range(50):  # let every command get as far as it can
            await asyncio.sleep(0.01)
        assert running == 2
        release.set()
        replies = await asyncio.gather(*burst)
    finally:
        await app.close()
    assert most == 2
    assert sorted(r.text for r in replies) == [f"done for user{n}" for n in range(5)]


async def test_slow_commands_have_their_own_slots_and_never_starve_quick_ones(
    tmp_path: Path,
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        studybot_db=str(tmp_path / "a.db"),
        studybot_max_concurrent_commands=2,
        studybot_max_concurrent_slow_commands=1,
    )
    app = await App.create(settings, ManualClock(START), RecordingMessenger(), [])
    release, running = asyncio.Event(), 0

    @command("report", "A slow report.", slow=True)
    async def report(inv: Invocation) -> Reply:
        nonlocal running
        running += 1
        await release.wait()
        return Reply(text="report")

    @command("quick", "Answers at once.")
    async def quick(inv: Invocation) -> Reply:
        return Reply(text="quick")

    app.add_commands(report, quick)
    try:
        reports = [
            asyncio.create_task(app.handle_line(actor(f"u{n}"), "/report")) for n in range(4)
        ]
        for _ in range(20):
            await asyncio.sleep(0.01)
        assert running == 1  # one slow slot
        answer = await asyncio.wait_for(app.handle_line(actor("alice"), "/quick"), timeout=5)
        assert answer.text == "quick"
        release.set()
        assert [r.text for r in await asyncio.gather(*reports)] == ["report"] * 4
    finally:
        await app.close()


async def test_a_second_process_on_the_same_database_refuses_to_start(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, studybot_db=str(tmp_path / "a.db"))  # type: ignore[call-arg]
    first = await App.create(settings, ManualClock(START), RecordingMessenger(), [])
    try:
        with pytest.raises(AlreadyRunning, match=rf"already using .*a\.db \(pid {os.getpid()}"):
            await App.create(settings, ManualClock(START), RecordingMessenger(), [])
    finally:
        await first.close()
    again = await App.create(settings, ManualClock(START), RecordingMessenger(), [])
    await again.close()  # the lock went with the first process


# --- the zone the platform reports ------------------------------------------------------------


async def _alice(app: App) -> Member:
    tenant = await app.tenants.find(app.platform, "T1")
    assert tenant is not None
    member = await app.members.find(tenant.id, "alice")
    assert member is not None
    return member


async def test_the_platform_zone_is_stored_on_the_member(app: App) -> None:
    await app.handle_line(replace(actor(), platform_timezone="America/Los_Angeles"), "/help")
    assert (await _alice(app)).platform_timezone == "America/Los_Angeles"


async def test_an_unknown_platform_zone_is_ignored(app: App) -> None:
    await app.handle_line(replace(actor(), platform_timezone="America/Los_Angeles"), "/help")
    await app.handle_line(replace(actor(), platform_timezone="Mars/Olympus_Mons"), "/help")
    assert (await _alice(app)).platform_timezone == "America/Los_Angeles"


async def test_no_platform_zone_keeps_the_one_stored(app: App) -> None:
    await app.handle_line(replace(actor(), platform_timezone="America/Los_Angeles"), "/help")
    await app.handle_line(actor(), "/help")  # the platform could not be asked this time
    assert (await _alice(app)).platform_timezone == "America/Los_Angeles"


async def test_an_unchanged_platform_zone_writes_nothing(app: App) -> None:
    la = replace(actor(), platform_timezone="America/Los_Angeles")
    await app.handle_line(la, "/help")
    writes: list[str] = []
    real_ensure = app.members.ensure

    async def spy(*args: Any, **kwargs: Any) -> Member:
        writes.append("ensure")
        return await real_ensure(*args, **kwargs)

    app.members.ensure = spy  # type: ignore[method-assign]
    await app.handle_line(la, "/help")
    assert writes == []
    await app.handle_line(replace(la, platform_timezone="Europe/Berlin"), "/help")
    assert writes == ["ensure"] and (await _alice(app)).platform_timezone == "Europe/Berlin"


# --- file options -------------------------------------------------------------------------------


@command("upload", "Reads a file.")
async def _upload(inv: Invocation, *, file: Annotated[FileArg, Opt("the file")]) -> Reply:
    return Reply(text=f"{file.filename}: {len(file.data)} bytes")


class _Uploads:
    """The files one event carries, by reference; records what was asked for."""

    def __init__(self, **files: bytes) -> None:
        self.files = files
        self.asked: list[tuple[str, str, int]] = []

    async def read(self, option: str, ref: str, limit: int) -> FileArg:
        self.asked.append((option, ref, limit))
        if ref not in self.files:
            raise FileRefused(f"{option}: no upload {ref} came with this.")
        return FileArg(f"{ref}.yaml", self.files[ref])


async def test_a_file_option_is_fetched_from_the_events_files_by_its_reference(app: App) -> None:
    app.add_commands(_upload)
    uploads = _Uploads(F1=b"title: ML")
    reply = await app.handle_line(actor(), "/upload file:F1", files=uploads)
    assert reply.text == "F1.yaml: 9 bytes"
    assert uploads.asked == [("file", "F1", MAX_FILE_BYTES)]


async def test_a_refused_file_answers_with_the_reason_and_usage_and_writes_nothing(
    app: App,
) -> None:
    app.add_commands(_upload)
    reply = await app.handle_line(actor(), "/upload file:F9", files=_Uploads(F1=b"x"))
    assert reply.error
    assert reply.text == "file: no upload F9 came with this.\nUsage: /upload file:<attach a file>"
    assert await app.tenants.find(app.platform, "T1") is None


async def test_an_event_without_files_cannot_give_a_file_option(app: App) -> None:
    """A button or form line naming a file reaches none (NO_FILES, the default)."""
    app.add_commands(_upload)
    reply = await say(app, "/upload file:/etc/passwd")
    assert reply.text.startswith("file: no file came with this. Run the command itself")


async def test_a_file_over_the_limit_is_refused_whatever_the_source_checked(app: App) -> None:
    app.add_commands(_upload)
    uploads = _Uploads(F1=b"x" * (MAX_FILE_BYTES + 1))
    reply = await app.handle_line(actor(), "/upload file:F1", files=uploads)
    assert reply.text.startswith("file: that file is 257 KiB; the limit is 256 KiB.")


async def test_a_process_with_a_share_runs_jobs_only_for_its_active_communities(
    app: App, clock: ManualClock
) -> None:
    platform = app.platform
    mine = await app.tenants.ensure(platform, str(1 << 22), "", clock.now())
    theirs = await app.tenants.ensure(platform, str(2 << 22), "", clock.now())
    assert await app.runs_jobs_for(theirs.id)  # no share: every community
    app.own_only(TenantShare(platform, 2, frozenset({1}), 22))
    assert await app.runs_jobs_for(mine.id)
    assert not await app.runs_jobs_for(theirs.id)
    await app.tenant_removed(mine.external_id)
    assert not await app.runs_jobs_for(mine.id)


async def test_a_dead_senders_message_goes_out_again_once_its_lease_ran_out(
    app: App, settings: Settings, clock: ManualClock
) -> None:
    # A second process, as on PostgreSQL (no single-instance lock); restarted or not, nothing
    # else would give the dead sender's row back.
    other_messenger = RecordingMessenger()
    other = await App.create(settings, clock, other_messenger, [], single_instance=False)
    try:
        tenant = await app.tenants.ensure("test", "T1", "", clock.now())
        async with app.db.transaction() as tx:
            await enqueue(tx, tenant.id, "k", Target.dm("alice"), Message("hello"), clock.now())
        await app.outbox.claim_due(clock.now(), 10, "process-killed-mid-send")
        clock.advance(LEASE / 2)
        assert EXPIRED_LEASES_JOB in [job.name for job in other.jobs]
        assert await other.requeue_expired_leases(clock.now()) == 0  # its lease still runs
        clock.advance(LEASE)
        assert await other.requeue_expired_leases(clock.now()) == 1
        await other.sender.drain()
    finally:
        await other.close()
    assert other_messenger.texts() == ["hello"]


async def test_a_process_runs_no_jobs_for_another_platforms_communities(
    app: App, clock: ManualClock
) -> None:
    ours = await app.tenants.ensure(app.platform, "T1", "", clock.now())
    slacks = await app.tenants.ensure("slack", "T1", "", clock.now())
    assert await app.runs_jobs_for(ours.id)
    assert not await app.runs_jobs_for(slacks.id)  # the Slack process on this database runs it
