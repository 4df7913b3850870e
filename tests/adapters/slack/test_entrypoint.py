"""The issue's "done when": `python -m bot slack --http --port Q` as a real process."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.slack import FakeSlack, sign, slash_command_body
from tests.helpers import free_port

pytestmark = pytest.mark.slow  # runs `python -m bot slack --http` as a process

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


async def wait_until_serving(url: str, process: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):  # up to ~30 s on a slow machine; usually about one second
            if process.returncode is not None:
                raise AssertionError(f"the bot exited with {process.returncode}")
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("the bot never started serving")


async def test_python_m_bot_slack_http(fake: FakeSlack, tmp_path: Path) -> None:
    """Signed `/study help` POST -> 200 with the help text; wrongly signed -> 401."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-x",
        SLACK_SIGNING_SECRET="s",
        SLACK_API_URL=fake.base_url,
        STUDYBOT_DB=str(tmp_path / "bot.sqlite3"),
        PYTHONPATH=str(ROOT),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "slack", "--http", "--port", str(port), "--host", "127.0.0.1",
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await wait_until_serving(f"http://127.0.0.1:{port}/healthz", process)
        url = f"http://127.0.0.1:{port}/slack/events"
        body = slash_command_body("help", response_url=fake.response_url())
        async with httpx.AsyncClient() as client:
            good = await client.post(url, content=body, headers=sign(body, secret="s"))
            assert good.status_code == 200
            answer = json.dumps(good.json())
            bad = await client.post(url, content=body, headers=sign(body, secret="x"))
            assert bad.status_code == 401
        assert "/study help" in answer
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 15)
    assert process.returncode == 0, stderr.decode()
    assert fake.methods()[0] == "auth.test"
