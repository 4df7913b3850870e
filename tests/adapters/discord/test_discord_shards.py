"""Sharding: the fake gateway's shards, processes that each tick and send for their own
servers, the one-off command sync and the shard options."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.discord.client import ShardedStudyBot
from adapters.discord.messenger import DiscordMessenger
from adapters.discord.runner import DiscordConfig, run, sync_once
from bot.__main__ import main
from bot.app import App
from bot.clock import Clock, ManualClock
from bot.ports import Messenger
from cogs import load_all
from tests.adapters.discord.discord_harness import START, Harness, make_settings, start_harness
from tests.conftest import BACKENDS
from tests.conftest import test_database as database_for
from tests.fakes.discord import FakeDiscord, FakeGuild, GatewayConnection, shard_of


@pytest.fixture
def halls(fake: FakeDiscord) -> tuple[FakeGuild, FakeGuild]:
    """A server on shard 0 and one on shard 1 (of 2), each with a student."""
    first = fake.add_guild("Hall Zero", shard=(0, 2))
    second = fake.add_guild("Hall One", shard=(1, 2))
    fake.add_member(first, "alice")
    fake.add_member(second, "bob")
    return first, second


def test_the_fake_places_servers_on_the_shard_asked_for(
    halls: tuple[FakeGuild, FakeGuild],
) -> None:
    assert [shard_of(g.id, 2) for g in halls] == [0, 1]


@asynccontextmanager
async def sharded_client(
    fake: FakeDiscord, tmp_path: Path, shard: int
) -> AsyncIterator[ShardedStudyBot]:
    """A bot process (its own database) running shard `shard` of 2, connected and ready."""
    settings = make_settings(tmp_path / f"shard-{shard}")
    app = await App.create(settings, ManualClock(START), DiscordMessenger(), load_all())
    client = ShardedStudyBot(
        app, sync=False, shard_count=2, shard_ids=[shard], guild_ready_timeout=0.05
    )
    task = asyncio.create_task(client.start(fake.token))
    try:
        await asyncio.wait_for(client.wait_until_ready(), 10)
        yield client
    finally:
        await client.close()
        await task
        await app.close()


def _connection(fake: FakeDiscord, shard: int) -> GatewayConnection:
    return next(c for c in fake.connections if c.shard == (shard, 2))


async def test_a_sharded_client_identifies_with_its_shard_and_gets_only_its_servers(
    fake: FakeDiscord, halls: tuple[FakeGuild, FakeGuild], tmp_path: Path
) -> None:
    async with sharded_client(fake, tmp_path, 1) as client:
        identify = next(f for f in _connection(fake, 1).received if f.get("op") == 2)
        assert identify["d"]["shard"] == [1, 2]
        assert [g.id for g in client.guilds] == [halls[1].id]


async def test_direct_messages_reach_shard_0_and_a_servers_commands_its_own_shard(
    fake: FakeDiscord, halls: tuple[FakeGuild, FakeGuild], tmp_path: Path
) -> None:
    bob = halls[1].member_named("bob")
    async with sharded_client(fake, tmp_path, 0), sharded_client(fake, tmp_path, 1):
        for payload, shard in (
            (fake.slash_command("help", user=bob.user, guild=None), 0),
            (fake.slash_command("help", user=bob, guild=halls[1]), 1),
        ):
            mark = {s: len(_connection(fake, s).sent) for s in (0, 1)}
            assert await fake.dispatch("INTERACTION_CREATE", payload) == 1
            await fake.wait_for_reply(payload)
            assert _connection(fake, shard).sent[mark[shard] :] == ["INTERACTION_CREATE"]
            assert len(_connection(fake, 1 - shard).sent) == mark[1 - shard]


async def _sharded_harness(
    fake: FakeDiscord, tmp_path: Path, database: str, shard: int, *, single_instance: bool
) -> Harness:
    harness = await start_harness(
        fake, tmp_path, single_instance=single_instance, database=database
    )
    config = DiscordConfig(token=fake.token, shard_count=2, shard_ids=frozenset({shard}))
    share = config.share()
    assert share is not None
    harness.app.own_only(share)
    return harness


@pytest.fixture(params=BACKENDS)
async def shared_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async for url in database_for(request, request.param, tmp_path):
        yield url


@pytest.fixture
async def shards(
    fake: FakeDiscord, tmp_path: Path, shared_database: str
) -> AsyncIterator[tuple[Harness, Harness]]:
    """Two processes on one database, shard 0 and shard 1 of 2 (on SQLite the second takes no
    single-instance lock, which PostgreSQL has none of)."""
    zero = await _sharded_harness(fake, tmp_path, shared_database, 0, single_instance=True)
    one = await _sharded_harness(fake, tmp_path, shared_database, 1, single_instance=False)
    try:
        yield zero, one
    finally:
        for harness in (one, zero):
            await harness.bot.close()
            await harness.app.close()


async def test_each_shard_sends_the_reminders_of_its_own_servers_once(
    fake: FakeDiscord, halls: tuple[FakeGuild, FakeGuild], shards: tuple[Harness, Harness]
) -> None:
    zero, one = shards
    alice, bob = halls[0].member_named("alice"), halls[1].member_named("bob")
    for guild, member in ((halls[0], alice), (halls[1], bob)):
        reply = await zero.invoke("checkin-remind", {"time": "09:30"}, user=member, guild=guild)
        assert "Reminder set for 09:30" in reply["content"]
    for harness in (one, zero):
        harness.clock.advance(timedelta(minutes=31))
    await one.app.scheduler.run_due()
    assert await one.app.outbox.counts() == {"pending": 1}  # bob's: shard 1 ticked Hall One only
    assert await one.drain() == 1
    assert (len(fake.dms_to(alice.id)), len(fake.dms_to(bob.id))) == (0, 1)
    await zero.app.scheduler.run_due()
    assert await zero.drain() == 1
    await one.app.scheduler.run_due()
    assert await one.drain() == 0
    assert (len(fake.dms_to(alice.id)), len(fake.dms_to(bob.id))) == (1, 1)


async def test_a_shard_leaves_the_messages_queued_for_another_shards_servers(
    fake: FakeDiscord, halls: tuple[FakeGuild, FakeGuild], shards: tuple[Harness, Harness]
) -> None:
    zero, one = shards
    alice = halls[0].member_named("alice")
    await zero.invoke("checkin-remind", {"time": "09:30"}, user=alice, guild=halls[0])
    for harness in (zero, one):
        harness.clock.advance(timedelta(minutes=31))
    await zero.app.scheduler.run_due()  # queued by shard 0, which owns Hall Zero
    assert await one.drain() == 0
    assert await zero.drain() == 1


def _factory(settings: object) -> object:
    async def factory(messenger: Messenger, clock: Clock) -> App:
        return await App.create(settings, clock, messenger, load_all(), single_instance=False)  # type: ignore[arg-type]

    return factory


def _settings(fake: FakeDiscord, tmp_path: Path, **extra: object) -> object:
    return make_settings(
        tmp_path,
        discord_token=fake.token,
        discord_api_base_url=fake.base_url,
        discord_gateway_url=fake.gateway_url,
        **extra,
    )


async def test_the_sync_command_uploads_the_commands_in_one_request_then_only_reads(
    fake: FakeDiscord,
    halls: tuple[FakeGuild, FakeGuild],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = _settings(fake, tmp_path)
    put = f"/applications/{fake.app_id}/commands"
    assert await sync_once(settings, _factory(settings), err=io.StringIO()) == 0  # type: ignore[arg-type]
    assert len(fake.find_requests("PUT", put)) == 1
    assert {"help", "checkin", "admin"} <= {c["name"] for c in fake.global_commands}
    assert not fake.connections  # REST only: no gateway session was opened
    mark = fake.mark()
    assert await sync_once(settings, _factory(settings), err=io.StringIO()) == 0  # type: ignore[arg-type]
    assert not fake.find_requests("PUT", "/commands", since=mark)
    assert capsys.readouterr().out.splitlines() == [
        "slash commands uploaded (every server)",
        "slash commands unchanged (every server)",
    ]


async def test_a_sharded_process_does_not_sync_commands_at_start(
    fake: FakeDiscord, halls: tuple[FakeGuild, FakeGuild], tmp_path: Path
) -> None:
    settings = _settings(fake, tmp_path, discord_shard_count=2, discord_shards="0")
    err = io.StringIO()
    task = asyncio.create_task(run(settings, _factory(settings), clock=ManualClock(START), err=err))  # type: ignore[arg-type]
    try:
        conn = await fake.wait_for_identify(timeout=10)
        identify = next(f for f in conn.received if f.get("op") == 2)
        assert identify["d"]["shard"] == [0, 2]
        payload = fake.slash_command("help", user=halls[0].member_named("alice"), guild=halls[0])
        await fake.dispatch("INTERACTION_CREATE", payload)
        await fake.wait_for_reply(payload)
        assert not fake.find_requests("PUT", "/commands")
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert err.getvalue() == ""


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--shard-count", "2", "--shards", "2"], "shard 2 does not exist with 2 shard(s)"),
        (["--shard-count", "4", "--shards", "3-1"], "the range '3-1' runs backwards"),
        (["--shard-count", "4", "--shards", "one"], "'one' is not a shard number or range"),
        (["--shards", "0-1"], "--shards (DISCORD_SHARDS) needs --shard-count"),
    ],
)
def test_bad_shard_options_are_one_line_with_the_usage(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    assert main(["discord", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("studybot: ") and says in err and err.count("\n") == 1
    assert "Usage: python -m bot discord --shard-count N --shards 0-3" in err


def test_a_shard_count_that_is_no_number_is_refused_by_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["discord", "--shard-count", "0"])
    assert exited.value.code == 2
    assert "give a number of shards, 1 or more, not '0'" in capsys.readouterr().err


def test_without_shard_options_the_bot_runs_unsharded(tmp_path: Path) -> None:
    config = DiscordConfig.from_settings(make_settings(tmp_path, discord_token="t"))
    assert config.shard_count is None and config.share() is None


def test_a_shard_count_alone_runs_every_shard(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, discord_token="t", discord_shard_count=3)
    assert DiscordConfig.from_settings(settings).shard_ids == frozenset({0, 1, 2})
