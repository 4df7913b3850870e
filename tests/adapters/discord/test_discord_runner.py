"""Start-up end to end: `run()` with client.start() over the fake gateway, configuration
errors as one clear line, intents, command sync, and `python -m bot discord` itself."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from adapters.discord.runner import DiscordConfig, run
from bot.app import App
from bot.clock import Clock, ManualClock
from bot.config import Settings
from bot.ports import Messenger
from tests.adapters.discord.discord_harness import START, make_settings
from tests.fakes.discord import INTENT_GUILD_MEMBERS, INTENT_GUILDS, FakeDiscord, FakeGuild

REPO = Path(__file__).resolve().parents[3]


def _settings(fake: FakeDiscord, tmp_path: Path, **extra: object) -> Settings:
    return make_settings(
        tmp_path,
        discord_token=fake.token,
        discord_api_base_url=fake.base_url,  # the root: the runner adds /api/v10
        discord_gateway_url=fake.gateway_url,
        **extra,
    )


def _factory(settings: Settings) -> object:
    from cogs import load_all

    async def factory(messenger: Messenger, clock: Clock) -> App:
        return await App.create(settings, clock, messenger, load_all())

    return factory


class Running:
    def __init__(self, task: asyncio.Task[int], err: io.StringIO) -> None:
        self.task = task
        self.err = err

    async def stop(self) -> int:
        self.task.cancel()
        try:
            return await self.task
        except asyncio.CancelledError:
            return 0


@pytest.fixture
async def start_bot(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[object]:
    running: list[Running] = []

    def start(**extra: object) -> Running:
        settings = _settings(fake, tmp_path, **extra)
        err = io.StringIO()
        task = asyncio.create_task(
            run(settings, _factory(settings), clock=ManualClock(START), err=err)  # type: ignore[arg-type]
        )
        running.append(Running(task, err))
        return running[-1]

    yield start
    for r in running:
        await r.stop()


async def _wait_synced(fake: FakeDiscord, guild_id: int | None = None) -> None:
    path = f"/guilds/{guild_id}/commands" if guild_id else f"/applications/{fake.app_id}/commands"
    await fake.wait_for_request("PUT", path, timeout=10)


async def test_smoke_start_sync_and_answer_help(
    fake: FakeDiscord, guild: FakeGuild, start_bot: object
) -> None:
    """client.start() over the fake gateway: IDENTIFY with the minimum intents, a global sync,
    READY + GUILD_CREATE, and a dispatched /help interaction answered ephemerally."""
    bot = start_bot()  # type: ignore[operator]
    conn = await fake.wait_for_identify(timeout=10)
    assert conn.intents == INTENT_GUILDS | INTENT_GUILD_MEMBERS
    await _wait_synced(fake)
    assert {"help", "profile", "admin"} <= {c["name"] for c in fake.global_commands}
    payload = fake.slash_command("help", user=guild.member_named("alice"), guild=guild)
    await fake.dispatch("INTERACTION_CREATE", payload)
    reply = await fake.wait_for_reply(payload)
    assert "/help" in reply["content"] and reply["flags"] & 64
    assert await bot.stop() == 0


async def test_members_leaving_and_joining_reach_the_core(
    fake: FakeDiscord, guild: FakeGuild, start_bot: object, tmp_path: Path
) -> None:
    """GUILD_MEMBER_REMOVE marks the member as left; GUILD_MEMBER_ADD makes one known."""
    start_bot()  # type: ignore[operator]
    await fake.wait_for_identify(timeout=10)
    alice = guild.member_named("alice")
    payload = fake.slash_command("profile show", user=alice, guild=guild)  # alice becomes known
    await fake.dispatch("INTERACTION_CREATE", payload)
    await fake.wait_for_reply(payload)
    assert await fake.remove_member_event(guild, alice.id) == 1
    db = tmp_path / "studybot.sqlite3"
    await _eventually(lambda: _member(db, str(alice.id)) == "left")
    dora = await fake.add_member_event(guild, "dora")
    await _eventually(lambda: _member(db, str(dora.id)) == "active")


async def _eventually(check: Callable[[], bool], tries: int = 100) -> None:
    for _ in range(tries):
        if check():
            return
        await asyncio.sleep(0.02)
    assert check()


def _member(db: Path, external_id: str) -> str | None:
    """'active', 'left', or None when the core has no row for this Discord user."""
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT left_at FROM members WHERE external_id = ?", (external_id,)
        ).fetchone()
    return None if row is None else ("left" if row[0] else "active")


async def _connected(caplog: pytest.LogCaptureFixture) -> None:
    """Until discord.py fired on_ready: a GUILD_CREATE before that (it waits for the servers
    of READY) counts as a server it was in already, not as a join."""
    caplog.set_level(logging.INFO, logger="adapters.discord.client")
    await _eventually(lambda: any("connected as" in r.getMessage() for r in caplog.records), 500)


def _removed(db: Path, guild_id: int) -> bool | None:
    """Whether the core marks this server's community removed (None: no community)."""
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT removed_at FROM tenants WHERE external_id = ?", (str(guild_id),)
        ).fetchone()
    return None if row is None else row[0] is not None


async def test_joining_a_server_posts_the_setup_commands_in_its_system_channel(
    fake: FakeDiscord, guild: FakeGuild, start_bot: object, caplog: pytest.LogCaptureFixture
) -> None:
    start_bot()  # type: ignore[operator]
    await _connected(caplog)
    joined = fake.add_guild("Second Hall")
    general = joined.channel_named("general")
    joined.system_channel_id = general.id
    assert await fake.guild_join_event(joined) == 1
    post = await fake.wait_for_request("POST", f"/channels/{general.id}/messages", timeout=10)
    text = str(post.json["content"])
    assert text.startswith("Thanks for adding studybot!")
    assert "/admin digest channel:#study" in text and "/admin buddies channel:" in text


async def test_without_a_system_channel_the_owner_gets_the_setup_by_dm(
    fake: FakeDiscord, guild: FakeGuild, start_bot: object, caplog: pytest.LogCaptureFixture
) -> None:
    start_bot()  # type: ignore[operator]
    await _connected(caplog)
    joined = fake.add_guild("Quiet Hall")  # no system channel
    await fake.guild_join_event(joined)
    await fake.wait_for_request("POST", "/users/@me/channels", timeout=10)
    await _eventually(lambda: bool(fake.dms_to(joined.owner_id)))
    assert "three commands" in fake.dms_to(joined.owner_id)[0]["content"]


async def test_removal_from_a_server_marks_its_community_removed_and_a_rejoin_restores_it(
    fake: FakeDiscord,
    guild: FakeGuild,
    start_bot: object,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    start_bot()  # type: ignore[operator]
    await _connected(caplog)
    db = tmp_path / "studybot.sqlite3"
    payload = fake.slash_command("help", user=guild.member_named("alice"), guild=guild)
    await fake.dispatch("INTERACTION_CREATE", payload)  # the community becomes known
    await fake.wait_for_reply(payload)
    await _eventually(lambda: _removed(db, guild.id) is False)
    assert await fake.guild_remove_event(guild) == 1
    await _eventually(lambda: _removed(db, guild.id) is True)
    fake.guilds[guild.id] = guild
    await fake.guild_join_event(guild)
    await _eventually(lambda: _removed(db, guild.id) is False)


async def test_guild_sync_and_no_resync_when_unchanged(
    fake: FakeDiscord, guild: FakeGuild, start_bot: object
) -> None:
    """DISCORD_GUILD_ID syncs to that guild only; a restart with the same commands only reads."""
    first = start_bot(discord_guild_id=guild.id)  # type: ignore[operator]
    await _wait_synced(fake, guild.id)
    assert not fake.find_requests("PUT", f"/applications/{fake.app_id}/commands")
    await first.stop()
    mark = fake.mark()
    second = start_bot(discord_guild_id=guild.id)  # type: ignore[operator]
    await fake.wait_for_identify(timeout=10)
    await fake.wait_for_request("GET", f"/guilds/{guild.id}/commands", since=mark)
    assert not fake.find_requests("PUT", "/commands", since=mark)
    await second.stop()


async def test_without_the_members_intent_the_bot_still_runs(
    fake: FakeDiscord, guild: FakeGuild, start_bot: object, caplog: pytest.LogCaptureFixture
) -> None:
    """Server Members intent not granted (close 4014): reconnect without it and warn once."""
    fake.privileged_intents_enabled = 0
    start_bot()  # type: ignore[operator]
    conn = await fake.wait_for_identify(timeout=10)
    assert conn.intents == INTENT_GUILDS
    assert "Server Members intent is not enabled" in caplog.text
    payload = fake.slash_command("help", user=guild.member_named("bob"), guild=guild)
    await fake.dispatch("INTERACTION_CREATE", payload)
    await fake.wait_for_reply(payload)


async def test_missing_token_is_one_clear_line(tmp_path: Path) -> None:
    err = io.StringIO()
    code = await run(make_settings(tmp_path), _factory(make_settings(tmp_path)), err=err)  # type: ignore[arg-type]
    assert code == 2
    assert err.getvalue().count("\n") == 1
    assert err.getvalue().startswith("studybot: DISCORD_TOKEN is not set")


async def test_rejected_token_is_one_clear_line(
    fake: FakeDiscord, guild: FakeGuild, tmp_path: Path
) -> None:
    settings = _settings(fake, tmp_path).model_copy(
        update={"discord_token": __import__("pydantic").SecretStr("wrong")}
    )
    err = io.StringIO()
    code = await run(settings, _factory(settings), clock=ManualClock(START), err=err)  # type: ignore[arg-type]
    assert code == 1
    assert err.getvalue().count("\n") == 1
    assert "Discord rejected DISCORD_TOKEN" in err.getvalue()


async def test_a_refused_start_up_sync_is_one_clear_line(
    fake: FakeDiscord, guild: FakeGuild, tmp_path: Path
) -> None:
    fake.fail_next("PUT", "/commands", status=400, code=50035, message="Invalid Form Body")
    settings = _settings(fake, tmp_path)
    err = io.StringIO()
    code = await run(settings, _factory(settings), clock=ManualClock(START), err=err)  # type: ignore[arg-type]
    assert code == 1
    assert err.getvalue().startswith("studybot: Discord refused a start-up request: ")
    assert "50035" in err.getvalue()
    assert err.getvalue().count("\n") == 1


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v10"),
        ("http://127.0.0.1:8080/api/v10/", "http://127.0.0.1:8080/api/v10"),
        ("https://proxy.example/discord", "https://proxy.example/discord/api/v10"),
    ],
)
def test_api_base_url_forms(tmp_path: Path, base: str, expected: str) -> None:
    settings = make_settings(tmp_path, discord_token="t", discord_api_base_url=base)
    assert DiscordConfig.from_settings(settings).api_base_url == expected


async def test_bad_urls_are_one_clear_line(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, discord_token="t", discord_gateway_url="http://x")
    err = io.StringIO()
    assert await run(settings, _factory(settings), err=err) == 2  # type: ignore[arg-type]
    assert err.getvalue() == ("studybot: DISCORD_GATEWAY_URL must be a ws(s) URL, not 'http://x'\n")


@pytest.mark.slow  # runs `python -m bot discord` as a process
async def test_python_m_bot_discord_against_the_fake(
    fake: FakeDiscord, guild: FakeGuild, tmp_path: Path
) -> None:
    """The real entry point in a subprocess: connects, syncs, answers /help, stops on SIGTERM."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO),
        "DISCORD_TOKEN": fake.token,
        "DISCORD_API_BASE_URL": fake.api_url,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "STUDYBOT_DB": str(tmp_path / "e2e.sqlite3"),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "discord",
        cwd=tmp_path,  # no stray .env
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await fake.wait_for_identify(timeout=20)
        await _wait_synced(fake)
        payload = fake.slash_command("help", user=guild.member_named("alice"), guild=guild)
        await fake.dispatch("INTERACTION_CREATE", payload)
        reply = await fake.wait_for_reply(payload, timeout=10)
        assert "studybot commands" in reply["content"]
        if "/streak" not in reply["content"]:
            # /help is longer than one Discord message: stop only once its last part is sent
            await fake.wait_for_request(
                "POST", "/webhooks/", 10, predicate=lambda r: "/streak" in str(r.json)
            )
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0, output.decode()
    assert b"Traceback" not in output
