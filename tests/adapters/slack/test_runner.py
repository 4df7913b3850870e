"""`run()`: configuration errors, HTTP mode over a real socket, Socket Mode over a websocket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.slack.runner import run
from bot.app import App
from bot.clock import Clock, ManualClock
from bot.config import Settings
from bot.ports import Messenger
from cogs import load_all
from tests.fakes.slack import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM_ID,
    FakeSlack,
    FakeUser,
    sign,
    slash_command_body,
    slash_command_form,
    team_join_event,
)


def slack_settings(tmp_path: Path, fake: FakeSlack, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "studybot_db": tmp_path / "slack.sqlite3",
        "studybot_send_rate": 0,
        "slack_bot_token": BOT_TOKEN,
        "slack_app_token": APP_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.base_url.rstrip("/"),  # the runner adds the slash slack_sdk needs
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def factory_for(settings: Settings) -> Callable[[Messenger, Clock], Any]:
    async def factory(messenger: Messenger, clock: Clock) -> App:
        return await App.create(settings, clock, messenger, load_all())

    return factory


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        server.add_user(FakeUser("U0ALICE", "alice"))
        yield server


class Running:
    """`run()` as a background task, stopped through its `stop` event."""

    def __init__(self, settings: Settings, clock: ManualClock, **kwargs: Any) -> None:
        self.stop = asyncio.Event()
        self.ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.task = asyncio.create_task(
            run(
                settings,
                factory_for(settings),
                clock=clock,
                stop=self.stop,
                on_ready=self.ready.set_result,
                **kwargs,
            )
        )

    async def started(self, timeout: float = 5) -> int:  # noqa: ASYNC109 - a startup deadline
        done, _ = await asyncio.wait(
            {self.task, self.ready}, timeout=timeout, return_when="FIRST_COMPLETED"
        )
        assert self.ready in done, f"run() ended early with {self.task.result()}"
        return self.ready.result()

    async def finish(self) -> int:
        self.stop.set()
        return await asyncio.wait_for(self.task, 5)


async def test_http_mode_over_a_real_socket(
    fake: FakeSlack, tmp_path: Path, clock: ManualClock
) -> None:
    """`run(http=True)` serves /slack/events: signed help -> 200 + text, bad signature -> 401."""
    running = Running(slack_settings(tmp_path, fake), clock, http=True, port=0, host="127.0.0.1")
    port = await running.started()
    url = f"http://127.0.0.1:{port}/slack/events"
    body = slash_command_body("help", response_url=fake.response_url())
    async with httpx.AsyncClient() as client:
        good = await client.post(url, content=body, headers=sign(body))
        assert good.status_code == 200
        answer = good.json()
        bad = await client.post(url, content=body, headers=sign(body, secret="wrong"))
        assert bad.status_code == 401
        health = await client.get(f"http://127.0.0.1:{port}/healthz")
        assert health.status_code == 200
    assert "/study help" in json.dumps(answer)
    assert await running.finish() == 0
    assert fake.methods()[0] == "auth.test"


async def test_socket_mode_round_trip(fake: FakeSlack, tmp_path: Path, clock: ManualClock) -> None:
    """Socket Mode: hello, a slash command acked with the help text, an event reaching the core."""
    settings = slack_settings(tmp_path, fake, slack_signing_secret=None)
    running = Running(settings, clock)
    await running.started()
    await fake.wait_for_socket()
    eid = await fake.push_envelope("slash_commands", slash_command_form("help"))
    ack = await fake.wait_for_ack(eid)
    assert "/study help" in json.dumps(ack["payload"])
    eid = await fake.push_envelope(
        "events_api", team_join_event("U0NEW", name="newbie"), accepts_response_payload=False
    )
    assert (await fake.wait_for_ack(eid))["envelope_id"] == eid
    assert await running.finish() == 0
    opened = fake.calls_to("apps.connections.open")
    assert opened and opened[0].headers["Authorization"] == f"Bearer {APP_TOKEN}"
    # The event was handled before shutdown (run() settles pending work before closing).
    from bot.storage.sqlite import SqliteDatabase

    db = await SqliteDatabase.open(tmp_path / "slack.sqlite3")
    try:
        row = await db.fetchone(
            "SELECT m.external_id FROM members m JOIN tenants t ON t.id = m.tenant_id"
            " WHERE t.external_id = ? AND m.external_id = ?",
            (TEAM_ID, "U0NEW"),
        )
    finally:
        await db.close()
    assert row is not None


@pytest.mark.parametrize(
    ("overrides", "http", "expected"),
    [
        ({"slack_bot_token": None}, False, "SLACK_BOT_TOKEN is not set"),
        ({"slack_bot_token": "xapp-wrong-kind"}, False, "must be a bot token starting with xoxb-"),
        ({"slack_app_token": None}, False, "Socket Mode needs SLACK_APP_TOKEN"),
        ({"slack_app_token": "xoxb-nope"}, False, "must be an app-level token"),
        ({"slack_signing_secret": None}, True, "HTTP mode needs SLACK_SIGNING_SECRET"),
    ],
)
async def test_missing_or_malformed_tokens_exit_with_one_line(
    fake: FakeSlack,
    tmp_path: Path,
    clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
    overrides: dict[str, Any],
    http: bool,
    expected: str,
) -> None:
    """Each configuration mistake: exit code 2 and one line on stderr naming the fix."""
    settings = slack_settings(tmp_path, fake, **overrides)
    code = await run(settings, factory_for(settings), http=http, port=0, clock=clock)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("studybot: ") and expected in err
    assert fake.calls == []  # nothing was even attempted


@pytest.mark.parametrize("method", ["auth.test", "apps.connections.open"])
async def test_rejected_tokens_exit_with_one_line(
    fake: FakeSlack,
    tmp_path: Path,
    clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
    method: str,
) -> None:
    """invalid_auth from Slack (bot token or app token) ends the process with one line."""
    fake.fail_next(method, "invalid_auth")
    settings = slack_settings(tmp_path, fake)
    code = await run(settings, factory_for(settings), clock=clock)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "rejected" in err and "invalid_auth" in err
    assert not (tmp_path / "slack.sqlite3").exists()  # failed before opening the database


@pytest.mark.parametrize(
    ("client", "http", "expected"),
    [
        ({"slack_client_id": "1.2", "slack_client_secret": "x"}, False, "need HTTP mode"),
        ({"slack_client_id": "1.2"}, True, "need both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"),
        ({"slack_client_secret": "x"}, True, "need both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"),
    ],
)
async def test_an_incomplete_oauth_configuration_exits_with_one_line(
    fake: FakeSlack,
    tmp_path: Path,
    clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
    client: dict[str, str],
    http: bool,
    expected: str,
) -> None:
    """OAuth installs need the client id and secret, and HTTP mode (Slack redirects a browser)."""
    settings = slack_settings(tmp_path, fake, **client)
    code = await run(settings, factory_for(settings), http=http, port=0, clock=clock)
    assert code == 2
    assert expected in capsys.readouterr().err
