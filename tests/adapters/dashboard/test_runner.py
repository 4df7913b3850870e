"""`python -m bot dashboard` as a real process, beside a bot that holds the database's lock."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx
import pytest

from adapters.dashboard.server import COOKIE
from bot.app import App
from bot.clock import ManualClock, SystemClock
from tests.adapters.dashboard.harness import logged_in, login_token
from tests.helpers import free_port, sqlite_of

pytestmark = pytest.mark.slow  # starts a process

ROOT = Path(__file__).resolve().parents[3]


async def _wait_until_serving(url: str, process: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):  # up to ~30 s on a slow machine
            if process.returncode is not None:
                raise AssertionError(f"the dashboard exited with {process.returncode}")
            try:
                await client.get(url)
                return
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    raise AssertionError("the dashboard never started serving")


async def test_the_dashboard_runs_beside_the_bot_on_one_sqlite_file(
    app: App, clock: ManualClock
) -> None:
    """The test's app holds the single-instance lock, as a running bot does."""
    database = sqlite_of(app).path
    clock.set(SystemClock().now())  # the link is checked against the dashboard's real clock
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(
        STUDYBOT_DB=database,
        STUDYBOT_SECRET_KEY="",  # the bot's own key, from the database
        STUDYBOT_LOG_LEVEL="DEBUG",  # even then, no token, cookie or key in a line
        PYTHONPATH=str(ROOT),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "dashboard", "--port", str(port),
        cwd=Path(database).parent, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        await _wait_until_serving(f"{base}/login", process)
        token = await login_token(app)  # minted by the bot process
        async with httpx.AsyncClient(base_url=base) as client:
            await logged_in(client, token)
            assert (await client.get("/settings")).status_code == 200
            cookie = client.cookies[COOKIE]
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 15)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert '"POST /login" 303' in log  # the access log, without the query string
    assert "STUDYBOT_DASHBOARD_URL is not set, so /admin dashboard links point to" in log
    secret = await app.db.fetchone("SELECT value FROM instance_settings WHERE key = 'secret_key'")
    assert secret is not None
    for value in (token, cookie, str(secret["value"])):
        assert value not in log
