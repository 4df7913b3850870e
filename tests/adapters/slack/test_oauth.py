"""OAuth installs in HTTP mode: any workspace installs the app at /slack/install and is then
served with its own bot token; states are single use, expire, and work across workers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.storage.connect import open_database
from bot.storage.slack_installations import SlackInstallationRepo
from tests.adapters.slack.test_runner import Running
from tests.fakes.slack import (
    SIGNING_SECRET,
    FakeInstall,
    FakeSlack,
    FakeUser,
    app_home_opened_event,
    app_uninstalled_event,
    json_body,
    sign,
)
from tests.postgres import PostgresServer

SECOND = FakeInstall("T0SECOND", "Second Group", "xoxb-second-workspace", "U0BOT2", "B0BOT2")
# A worker opens its database and migrates it before it serves: slow on a loaded 2-core CI.
STARTUP = 30.0
RENEWED = FakeInstall(SECOND.team_id, SECOND.team_name, "xoxb-second-renewed", "U0BOT2", "B0BOT2")


def oauth_settings(database: str, fake: FakeSlack) -> Settings:
    values: dict[str, Any] = {
        "studybot_db": database,
        "studybot_send_rate": 0,
        "slack_client_id": fake.client_id,
        "slack_client_secret": fake.client_secret,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.base_url.rstrip("/"),
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        server.add_user(FakeUser("U0ALICE", "alice", team_id=SECOND.team_id))
        yield server


@pytest.fixture
async def worker(fake: FakeSlack, database_url: str, clock: ManualClock) -> AsyncIterator[str]:
    """One app server in OAuth mode; its base URL."""
    running = Running(
        oauth_settings(database_url, fake), clock, http=True, port=0, host="127.0.0.1"
    )
    port = await running.started(timeout=STARTUP)
    yield f"http://127.0.0.1:{port}"
    assert await running.finish() == 0


async def start_install(http: httpx.AsyncClient, base: str) -> tuple[str, str]:
    """GET /slack/install: (the state in Slack's consent URL, the browser's state cookie)."""
    response = await http.get(f"{base}/slack/install")
    assert response.status_code == 302
    consent = urlsplit(response.headers["location"])
    assert consent.path == "/oauth/v2/authorize"
    query = parse_qs(consent.query)
    assert "chat:write" in query["scope"][0].split(",")
    return query["state"][0], response.headers["set-cookie"].split(";")[0]


async def finish_install(
    http: httpx.AsyncClient, base: str, state: str, cookie: str, code: str = "code-1"
) -> httpx.Response:
    """Slack's consent page sends the browser back with a code and the state."""
    return await http.get(
        f"{base}/slack/oauth_redirect",
        params={"code": code, "state": state},
        headers={"cookie": cookie},
    )


async def install_second(http: httpx.AsyncClient, base: str, fake: FakeSlack) -> None:
    """The second workspace installs the app, then a member opens its Home tab."""
    fake.grant("code-1", SECOND)
    state, cookie = await start_install(http, base)
    assert (await finish_install(http, base, state, cookie)).status_code == 200
    await post_event(http, base, app_home_opened_event("U0ALICE", team_id=SECOND.team_id))


async def uninstall_second(http: httpx.AsyncClient, base: str, database: str) -> None:
    """app_uninstalled from the second workspace; its installation is gone once handled."""
    await post_event(http, base, app_uninstalled_event(team_id=SECOND.team_id))
    for _ in range(50):  # handled after the ack
        if await installed(database, SECOND.team_id) is None:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the installation was not deleted")


async def installed(database: str, team_id: str) -> str | None:
    """The stored bot token of a workspace, read as another process would."""
    db = await open_database(database)
    try:
        found = await SlackInstallationRepo(db).find(team_id)
    finally:
        await db.close()
    return found.bot_token if found is not None else None


async def post_event(http: httpx.AsyncClient, base: str, payload: dict[str, Any]) -> None:
    body = json_body(payload)
    response = await http.post(
        f"{base}/slack/events", content=body, headers=sign(body, content_type="application/json")
    )
    assert response.status_code == 200


async def test_the_install_link_carries_a_fresh_state(worker: str) -> None:
    async with httpx.AsyncClient() as http:
        first, _ = await start_install(http, worker)
        second, _ = await start_install(http, worker)
    assert len(first) >= 32 and first != second


async def test_the_callback_exchanges_the_code_and_stores_the_installation(
    worker: str, fake: FakeSlack, database_url: str
) -> None:
    fake.grant("code-1", SECOND)
    async with httpx.AsyncClient() as http:
        state, cookie = await start_install(http, worker)
        response = await finish_install(http, worker, state, cookie)
    assert response.status_code == 200
    assert fake.methods().count("oauth.v2.access") == 1
    assert await installed(database_url, SECOND.team_id) == SECOND.bot_token


async def test_a_state_used_twice_is_refused(
    worker: str, fake: FakeSlack, database_url: str
) -> None:
    fake.grant("code-1", SECOND)
    fake.grant("code-2", FakeInstall("T0THIRD", "Third", "xoxb-third"))
    async with httpx.AsyncClient() as http:
        state, cookie = await start_install(http, worker)
        assert (await finish_install(http, worker, state, cookie)).status_code == 200
        again = await finish_install(http, worker, state, cookie, code="code-2")
    assert again.status_code != 200
    assert fake.methods().count("oauth.v2.access") == 1
    assert await installed(database_url, "T0THIRD") is None


async def test_an_expired_state_is_refused(
    worker: str, fake: FakeSlack, database_url: str, clock: ManualClock
) -> None:
    fake.grant("code-1", SECOND)
    async with httpx.AsyncClient() as http:
        state, cookie = await start_install(http, worker)
        clock.advance(timedelta(minutes=11))
        response = await finish_install(http, worker, state, cookie)
    assert response.status_code != 200
    assert "oauth.v2.access" not in fake.methods()
    assert await installed(database_url, SECOND.team_id) is None


async def test_an_installed_workspace_is_answered_with_its_own_token(
    worker: str, fake: FakeSlack
) -> None:
    async with httpx.AsyncClient() as http:
        await install_second(http, worker, fake)
        published = await fake.wait_for_call("views.publish")
    assert published.headers["Authorization"] == f"Bearer {SECOND.bot_token}"


async def test_an_uninstalled_workspace_is_forgotten(
    worker: str, fake: FakeSlack, database_url: str
) -> None:
    async with httpx.AsyncClient() as http:
        await install_second(http, worker, fake)
        await fake.wait_for_call("views.publish")
        await uninstall_second(http, worker, database_url)
        calls = len(fake.calls)
        await post_event(http, worker, app_home_opened_event("U0ALICE", team_id=SECOND.team_id))
    assert [c.method for c in fake.calls[calls:]] == []


async def test_a_reinstall_serves_the_workspace_again_with_its_new_token(
    worker: str, fake: FakeSlack, database_url: str
) -> None:
    async with httpx.AsyncClient() as http:
        await install_second(http, worker, fake)
        await fake.wait_for_call("views.publish")
        await uninstall_second(http, worker, database_url)
        fake.grant("code-2", RENEWED)
        state, cookie = await start_install(http, worker)
        assert (await finish_install(http, worker, state, cookie, code="code-2")).status_code == 200
        await post_event(http, worker, app_home_opened_event("U0ALICE", team_id=SECOND.team_id))
        published = await fake.wait_for_call("views.publish", count=2)
    assert published.headers["Authorization"] == f"Bearer {RENEWED.bot_token}"
    assert await installed(database_url, SECOND.team_id) == RENEWED.bot_token


async def test_a_state_from_one_worker_is_accepted_by_another(
    fake: FakeSlack, postgres_server: PostgresServer, clock: ManualClock, tmp_path: Path
) -> None:
    """Two app servers on one PostgreSQL database, as behind a load balancer."""
    database = await postgres_server.fresh_database()
    settings = oauth_settings(database, fake)
    first = Running(settings, clock, http=True, port=0, host="127.0.0.1")
    second = Running(settings, clock, http=True, port=0, host="127.0.0.1")
    one, other = (
        f"http://127.0.0.1:{await first.started(timeout=STARTUP)}",
        f"http://127.0.0.1:{await second.started(timeout=STARTUP)}",
    )
    fake.grant("code-1", SECOND)
    try:
        async with httpx.AsyncClient() as http:
            state, cookie = await start_install(http, one)
            response = await finish_install(http, other, state, cookie)
            assert response.status_code == 200
            again = await finish_install(http, one, state, cookie)
            assert again.status_code != 200
            await post_event(http, one, app_home_opened_event("U0ALICE", team_id=SECOND.team_id))
            published = await fake.wait_for_call("views.publish")
            assert published.headers["Authorization"] == f"Bearer {SECOND.bot_token}"
            # Installed again through the other worker: the first one uses the new token.
            fake.grant("code-2", RENEWED)
            state, cookie = await start_install(http, other)
            assert (await finish_install(http, other, state, cookie, "code-2")).status_code == 200
            await post_event(http, one, app_home_opened_event("U0ALICE", team_id=SECOND.team_id))
            renewed = await fake.wait_for_call("views.publish", count=2)
        assert renewed.headers["Authorization"] == f"Bearer {RENEWED.bot_token}"
    finally:
        assert await first.finish() == 0
        assert await second.finish() == 0
        await postgres_server.drop(database)
