"""The app handles at most `studybot_max_concurrent_commands` commands at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import App
from bot.clock import ManualClock
from bot.commands import Invocation, Reply, command
from bot.config import Settings
from tests.fakes.recording import RecordingMessenger
from tests.helpers import START, actor


async def test_a_burst_beyond_the_limit_waits_its_turn_and_every_command_is_answered(
    tmp_path: Path,
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, studybot_db=tmp_path / "a.db", studybot_max_concurrent_commands=2
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
