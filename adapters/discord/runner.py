"""`python -m bot discord`: configuration, start-up, clear one-line failures, shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

import aiohttp
import discord
import yarl

from adapters.discord.client import SetupHook, ShardedStudyBot, StudyBot
from adapters.discord.layout import LayoutError
from adapters.discord.messenger import DiscordMessenger, RoomParent
from adapters.discord.sync import sync_commands
from bot.app import App, AppFactory
from bot.clock import Clock, SystemClock
from bot.community import PAIRING_CHANNEL
from bot.config import Settings
from bot.shards import ShardSpecError, TenantShare, parse_shard_ids

log = logging.getLogger(__name__)

API_VERSION_PATH = "/api/v10"
PLATFORM = "discord"
SHARD_ID_SHIFT = 22  # a server's shard is (guild_id >> 22) % shard_count
SHARDS_USAGE_LINE = "python -m bot discord --shard-count N --shards 0-3 (or 0,2,5, or 3)"
SETUP_DOC = "docs/discord-setup.md"
EXIT_CONFIG = 2
EXIT_FAILED = 1


TOKEN_REJECTED = (
    "studybot: Discord rejected DISCORD_TOKEN (401 Unauthorized). Copy a fresh "
    f"token from the Developer Portal (Bot > Reset Token); see {SETUP_DOC}."
)


class ConfigError(Exception):
    """A setting that cannot work; the message is the one line the operator sees."""


@dataclass(frozen=True)
class DiscordConfig:
    token: str
    guild_id: int | None = None
    api_base_url: str | None = None  # e.g. http://127.0.0.1:8080/api/v10 (a REST proxy, a fake)
    gateway_url: str | None = None  # e.g. ws://127.0.0.1:8080/gateway
    shard_count: int | None = None  # None: not sharded, one client for every server
    shard_ids: frozenset[int] = frozenset()  # the shards this process runs, when sharded

    def share(self) -> TenantShare | None:
        """The servers this process owns, when it runs some of the bot's shards."""
        if self.shard_count is None:
            return None
        return TenantShare(PLATFORM, self.shard_count, self.shard_ids, SHARD_ID_SHIFT)

    @classmethod
    def from_settings(cls, settings: Settings) -> DiscordConfig:
        count, shard_ids = _shards(settings.discord_shard_count, settings.discord_shards)
        secret = settings.discord_token
        token = secret.get_secret_value().strip() if secret is not None else ""
        if not token:
            raise ConfigError(
                f"DISCORD_TOKEN is not set. Create a bot token as described in {SETUP_DOC}, "
                "then run: DISCORD_TOKEN=... python -m bot discord"
            )
        return cls(
            token=token.removeprefix("Bot ").strip(),
            guild_id=settings.discord_guild_id,
            api_base_url=_api_url(settings.discord_api_base_url),
            gateway_url=_gateway_url(settings.discord_gateway_url),
            shard_count=count,
            shard_ids=shard_ids,
        )


def _shards(count: int | None, spec: str | None) -> tuple[int | None, frozenset[int]]:
    """The shard count and this process's shards; every shard when only the count is given."""
    if count is None:
        if spec:
            raise ConfigError(
                f"--shards (DISCORD_SHARDS) needs --shard-count (DISCORD_SHARD_COUNT) too."
                f" Usage: {SHARDS_USAGE_LINE}"
            )
        return None, frozenset()
    try:
        return count, parse_shard_ids(spec or f"0-{max(count - 1, 0)}", count)
    except ShardSpecError as exc:
        raise ConfigError(f"--shards (DISCORD_SHARDS): {exc}. Usage: {SHARDS_USAGE_LINE}") from None


def _api_url(value: str | None) -> str | None:
    if not value:
        return None
    url = yarl.URL(value.strip())
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigError(f"DISCORD_API_BASE_URL must be an http(s) URL, not {value!r}")
    text = str(url).rstrip("/")
    # Accept the proxy's root as well as the full versioned base.
    return text if text.endswith(API_VERSION_PATH) else text + API_VERSION_PATH


def _gateway_url(value: str | None) -> str | None:
    if not value:
        return None
    url = yarl.URL(value.strip())
    if url.scheme not in ("ws", "wss") or not url.host:
        raise ConfigError(f"DISCORD_GATEWAY_URL must be a ws(s) URL, not {value!r}")
    return str(url)


@contextlib.contextmanager
def discord_endpoints(config: DiscordConfig) -> Iterator[None]:
    """Point discord.py at other REST/gateway URLs for the duration (process-wide).

    discord.py reads both from class attributes; there is no per-client setting. Interaction
    callbacks and follow-ups use the same Route class, so they follow the REST override.
    """
    route, gateway = discord.http.Route, discord.gateway.DiscordWebSocket
    old_base, old_gateway = route.BASE, gateway.DEFAULT_GATEWAY
    if config.api_base_url:
        route.BASE = config.api_base_url
    if config.gateway_url:
        gateway.DEFAULT_GATEWAY = yarl.URL(config.gateway_url)
    try:
        yield
    finally:
        route.BASE, gateway.DEFAULT_GATEWAY = old_base, old_gateway


def room_parent_for(app: App) -> RoomParent:
    """Reads the pairing channel an organizer configured (a channel id, or empty)."""

    async def lookup(tenant_external_id: str) -> int | None:
        value = await app.community.value_for(app.platform, tenant_external_id, PAIRING_CHANNEL)
        value = value.strip().removeprefix("<#").removesuffix(">")
        return int(value) if value.isdigit() else None

    return lookup


def _config(settings: Settings, err: TextIO) -> DiscordConfig | None:
    """The configuration, or None once the one line saying what is wrong was printed."""
    try:
        return DiscordConfig.from_settings(settings)
    except ConfigError as exc:
        print(f"studybot: {exc}", file=err)
        return None


async def run(
    settings: Settings,
    factory: AppFactory,
    *,
    clock: Clock | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the bot until stopped. Returns the process exit code."""
    err = err or sys.stderr
    config = _config(settings, err)
    if config is None:
        return EXIT_CONFIG
    with discord_endpoints(config):
        messenger = DiscordMessenger()
        app = await factory(messenger, clock or SystemClock())
        try:
            return await _serve(app, messenger, config, err)
        finally:
            await app.close()


def _client(app: App, config: DiscordConfig, members_intent: bool, on_setup: SetupHook) -> StudyBot:
    """One client for every server, or (sharded) for this process's shards, which leaves the
    command sync to `python -m bot discord sync`: N processes would race to upload it."""
    share = config.share()
    if share is None:
        return StudyBot(
            app, guild_id=config.guild_id, members_intent=members_intent, on_setup=on_setup
        )
    return ShardedStudyBot(
        app,
        guild_id=config.guild_id,
        members_intent=members_intent,
        sync=False,
        on_setup=on_setup,
        shard_count=share.count,
        shard_ids=sorted(share.shards),
    )


async def _serve(app: App, messenger: DiscordMessenger, config: DiscordConfig, err: TextIO) -> int:
    messenger.set_room_parent(room_parent_for(app))
    share = config.share()
    if share is not None:
        app.own_only(share)
        log.info("running shards %s of %d", sorted(share.shards), share.count)
    started = False

    async def start_app() -> None:
        nonlocal started
        if not started:  # once per process, even if the client is rebuilt
            started = True
            await app.start()

    members_intent = True
    quiet_voice_warnings()
    while True:
        try:
            client = _client(app, config, members_intent, start_app)
        except LayoutError as exc:
            print(f"studybot: the declared commands do not fit Discord: {exc}", file=err)
            return EXIT_FAILED
        messenger.bind(client)
        try:
            with _stop_on_sigterm(client):
                await client.start(config.token)
            return 0
        except discord.PrivilegedIntentsRequired:
            if not members_intent:
                raise
            log.warning(
                "The Server Members intent is not enabled for this bot; continuing without it. "
                "Members who leave are then not noticed. Enable it in the Developer Portal "
                "(Bot > Privileged Gateway Intents); see %s.",
                SETUP_DOC,
            )
            members_intent = False
        except STOPPING_FAILURES as exc:  # e.g. the command sync refused at start-up
            print(_failure_line(exc, "a start-up request"), file=err)
            return EXIT_FAILED
        finally:
            await client.close()


# What stops a start or a sync with one line to the operator (see _failure_line).
STOPPING_FAILURES = (
    discord.LoginFailure,
    aiohttp.ClientConnectionError,
    OSError,
    discord.HTTPException,
)


def _failure_line(exc: BaseException, request: str) -> str:
    if isinstance(exc, discord.LoginFailure):
        return TOKEN_REJECTED
    if isinstance(exc, discord.HTTPException):
        return f"studybot: Discord refused {request}: {_one_line(exc)}"
    return f"studybot: cannot reach Discord ({exc}). Check the network."


async def sync_once(
    settings: Settings,
    factory: AppFactory,
    *,
    clock: Clock | None = None,
    err: TextIO | None = None,
) -> int:
    """`python -m bot discord sync`: upload the slash commands if they changed, then exit.

    Logs in over REST only (no gateway, no scheduler, no sender), so it runs beside the bot's
    processes; a sharded deployment runs it once per release instead of at every start.
    """
    err = err or sys.stderr
    config = _config(settings, err)
    if config is None:
        return EXIT_CONFIG
    with discord_endpoints(config):
        app = await factory(DiscordMessenger(), clock or SystemClock())
        try:
            client = StudyBot(app, guild_id=config.guild_id, sync=False)
        except LayoutError as exc:
            await app.close()
            print(f"studybot: the declared commands do not fit Discord: {exc}", file=err)
            return EXIT_FAILED
        try:
            await client.login(config.token)
            uploaded = await sync_commands(client, client.tree, config.guild_id)
        except STOPPING_FAILURES as exc:
            print(_failure_line(exc, "the command sync"), file=err)
            return EXIT_FAILED
        finally:
            await client.close()
            await app.close()
    where = f"server {config.guild_id}" if config.guild_id is not None else "every server"
    print(f"slash commands {'uploaded' if uploaded else 'unchanged'} ({where})")
    return 0


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


def quiet_voice_warnings() -> None:
    # discord.py warns at start that voice libraries are missing; studybot never uses voice.
    voice = discord.voice_client.VoiceClient
    voice.warn_nacl = False
    voice.warn_dave = False


@contextlib.contextmanager
def _stop_on_sigterm(client: discord.Client) -> Iterator[None]:
    """Docker and systemd stop with SIGTERM: close cleanly, as Ctrl-C does."""
    loop = asyncio.get_running_loop()
    tasks: set[asyncio.Task[None]] = set()

    def stop() -> None:
        task = loop.create_task(client.close())
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    try:
        loop.add_signal_handler(signal.SIGTERM, stop)
        installed = True
    except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
        installed = False
    try:
        yield
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGTERM)
