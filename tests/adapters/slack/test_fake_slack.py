"""The fake Slack itself works with the real slack_sdk / slack_bolt code."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    FakeUser,
    bolt_request,
    sign,
    slash_command_body,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


def web_client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=fake.base_url)


async def test_records_calls_with_args_and_auth(fake: FakeSlack) -> None:
    """Web API calls are answered and recorded with their args and bearer token."""
    client = web_client(fake)
    auth = await client.auth_test()
    assert auth["team_id"] == fake.team_id
    await client.chat_postMessage(channel="C1", text="hi", blocks=[{"type": "divider"}])
    call = await fake.wait_for_call("chat.postMessage")
    assert call.args["text"] == "hi"
    assert call.json_arg("blocks") == [{"type": "divider"}]
    assert call.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert fake.methods() == ["auth.test", "chat.postMessage"]


async def test_group_dm_reuses_conversation_and_rejects_bots(fake: FakeSlack) -> None:
    """conversations.open: same set -> same id, >8 users or a bot user -> errors."""
    for i in range(9):
        fake.add_user(FakeUser(f"U{i}", f"user{i}"))
    client = web_client(fake)
    first = await client.conversations_open(users=["U1", "U2"])
    again = await client.conversations_open(users=["U2", "U1"])
    assert first["channel"]["id"] == again["channel"]["id"]
    assert first["channel"]["id"].startswith("G")
    with pytest.raises(SlackApiError) as too_many:
        await client.conversations_open(users=[f"U{i}" for i in range(9)])
    assert too_many.value.response["error"] == "too_many_users"
    with pytest.raises(SlackApiError) as bot:
        await client.conversations_open(users=[fake.bot_user_id])
    assert bot.value.response["error"] == "cannot_dm_bot"


async def test_configured_failures_and_invalid_auth(fake: FakeSlack) -> None:
    """fail_next answers the next call with the error; invalid_auth fails auth.test."""
    client = web_client(fake)
    fake.fail_next("chat.postMessage", "not_in_channel")
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x")
    assert err.value.response["error"] == "not_in_channel"
    await client.chat_postMessage(channel="C1", text="x")  # only the next call failed
    fake.invalid_auth = True
    with pytest.raises(SlackApiError) as auth:
        await client.auth_test()
    assert auth.value.response["error"] == "invalid_auth"


async def test_rate_limit_then_retry(fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 429 carries Retry-After; the SDK retry handler sleeps that long, then retries."""
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr("slack_sdk.http_retry.builtin_async_handlers.asyncio.sleep", fake_sleep)
    client = web_client(fake)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
    fake.rate_limit("chat.postMessage", times=1, retry_after=3)
    await client.chat_postMessage(channel="C1", text="x")
    assert len(fake.calls_to("chat.postMessage")) == 2
    assert len(slept) == 1 and 3 <= slept[0] < 4


async def test_file_upload_v2(fake: FakeSlack) -> None:
    """files_upload_v2 goes getUploadURLExternal -> upload URL -> completeUploadExternal."""
    client = web_client(fake)
    await client.files_upload_v2(channel="C1", filename="chart.png", content=b"PNG!")
    assert fake.methods() == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    assert list(fake.uploads.values()) == [b"PNG!"]


async def test_signed_slash_command_through_bolt(fake: FakeSlack) -> None:
    """A signed request passes bolt's verification; a tampered one gets 401."""
    app = AsyncApp(signing_secret=SIGNING_SECRET, client=web_client(fake))
    seen: list[str] = []

    @app.command("/study")
    async def study(ack: Any, command: dict[str, Any], respond: Any) -> None:
        await ack(text="ok")
        seen.append(command["text"])
        await respond(text="later")

    body = slash_command_body("help", response_url=fake.response_url("k1"))
    resp = await app.async_dispatch(bolt_request(body))
    assert resp.status == 200 and resp.body == "ok"
    reply = await fake.wait_for_call("response_url")
    assert reply.args["text"] == "later" and reply.args["_key"] == "k1"
    assert seen == ["help"]

    stale = sign(body, timestamp=int(time.time()) - 6 * 60)
    bad = sign(body, secret="wrong")
    for headers in (stale, bad):
        resp = await app.async_dispatch(bolt_request(body, headers))
        assert resp.status == 401
    assert seen == ["help"]


async def test_socket_mode_round_trip(fake: FakeSlack) -> None:
    """bolt's Socket Mode handler connects, gets hello, acks a pushed slash command."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from tests.fakes.slack import APP_TOKEN, slash_command_form

    app = AsyncApp(client=web_client(fake))

    @app.command("/study")
    async def study(ack: Any) -> None:
        await ack(text="via socket", response_type="ephemeral")

    handler = AsyncSocketModeHandler(app, app_token=APP_TOKEN)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        await fake.wait_for_socket()
        eid = await fake.push_envelope("slash_commands", slash_command_form("help"))
        ack = await fake.wait_for_ack(eid)
        assert ack["payload"] == {"text": "via socket", "response_type": "ephemeral"}
        opened = fake.calls_to("apps.connections.open")[0]
        assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]


async def test_blocks_beyond_slacks_limits_are_refused(fake: FakeSlack) -> None:
    """The fake refuses what Slack refuses, so a test would catch a cut or an overlong post."""
    client = web_client(fake)
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    long_section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    for blocks in ([section] * 51, [long_section]):
        with pytest.raises(SlackApiError) as refused:
            await client.chat_postMessage(channel="C1", text="t", blocks=blocks)
        assert refused.value.response["error"] == "invalid_blocks"
    await client.chat_postMessage(channel="C1", text="t", blocks=[section] * 50)
