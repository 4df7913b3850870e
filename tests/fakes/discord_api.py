"""A fake Discord (REST API + gateway) on 127.0.0.1 for driving the real discord.py offline.

One aiohttp app serves a REST catch-all under ``/api/v10`` and a websocket at ``/gateway``.
Every REST request is recorded; the routes the bot uses answer with realistic payloads, and
the rules a real Discord enforces and discord.py does not are enforced here so that a test
fails the way production would:

* the first interaction callback must arrive within ``interaction_deadline`` seconds (3 s on
  Discord); a late one gets ``404 {"code": 10062}`` and is recorded as a violation;
* an interaction is acknowledged once (a second callback gets 40060), follow-ups need an
  acknowledged interaction, and the callback type must suit the interaction type;
* message, modal, button and command-schema limits (lengths, counts, name syntax);
* DMs to users who closed them fail with 403/50007, private threads in a guild that forbids
  them fail with 403/50001, and scripted failures (a 429 with ``Retry-After`` and ``Via``) can
  be queued for the next N requests on a route.

Redirect discord.py at it with ``Route.BASE = fake.api_url`` and
``DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)``. Two pitfalls shaped this
file: discord.py only parses JSON when ``Content-Type`` is exactly ``application/json``, and
it only retries a 429 that carries a ``Via`` header (otherwise it assumes a Cloudflare ban).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

API_VERSION = 10
API_PREFIX = f"/api/v{API_VERSION}"
FIXED_TIMESTAMP = "2030-01-07T09:00:00.000000+00:00"  # payloads need one; tests never read it

# Permission bits (Discord docs, "Permissions").
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
MEMBER_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)
ORGANIZER_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD
BOT_PERMISSIONS = MEMBER_PERMISSIONS | CREATE_PRIVATE_THREADS

# Gateway intents (Discord docs, "Gateway Intents").
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT
# Events Discord only sends to connections that asked for the intent.
EVENT_INTENTS = {
    "GUILD_MEMBER_ADD": INTENT_GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": INTENT_GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": INTENT_GUILD_MEMBERS,
}

# Interaction and callback types.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
ALLOWED_CALLBACKS: dict[int, set[int]] = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE,
        UPDATE_MESSAGE,
        MODAL,
    },
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}
EPHEMERAL = 1 << 6
LOADING = 1 << 7

# Application command option types.
OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP, OPT_STRING, OPT_INTEGER, OPT_BOOLEAN = 1, 2, 3, 4, 5
OPT_USER, OPT_CHANNEL, OPT_ROLE, OPT_MENTIONABLE, OPT_NUMBER = 6, 7, 8, 9, 10

# Channel types.
GUILD_TEXT, DM, GUILD_ANNOUNCEMENT, PUBLIC_THREAD, PRIVATE_THREAD = 0, 1, 5, 11, 12

_COMMAND_NAME = re.compile(r"^[-_a-z0-9]{1,32}$")
_ROUTE_ID = r"(\d+)"
_TOKEN = r"([^/]+)"

Json = dict[str, Any]


class _Missing:
    """Sentinel for "not given" where ``None`` is a meaningful value."""


_MISSING = _Missing()


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A JSON response with the exact Content-Type discord.py checks for."""
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return web.Response(status=status, body=json.dumps(data).encode(), headers=all_headers)


def error_body(code: int, message: str, errors: Json | None = None) -> Json:
    body: Json = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return body


# --------------------------------------------------------------------------------------------
# World model: users, guilds, channels.
# --------------------------------------------------------------------------------------------


@dataclass
class FakeUser:
    id: int
    username: str
    bot: bool = False

    def payload(self) -> Json:
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.username.capitalize(),
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int
    position: int = 0

    def payload(self) -> Json:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "hoist": False,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class FakeMember:
    user: FakeUser
    role_ids: list[int] = field(default_factory=list)
    permissions: int = MEMBER_PERMISSIONS  # effective permissions, as interactions report them

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def is_organizer(self) -> bool:
        return bool(self.permissions & (MANAGE_GUILD | ADMINISTRATOR))

    def payload(self, *, with_user: bool = True, with_permissions: bool = False) -> Json:
        data: Json = {
            "roles": [str(r) for r in self.role_ids],
            "nick": None,
            "avatar": None,
            "joined_at": FIXED_TIMESTAMP,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if with_permissions:
            data["permissions"] = str(self.permissions)
        return data


@dataclass
class FakeChannel:
    id: int
    name: str
    type: int = GUILD_TEXT
    guild_id: int | None = None
    parent_id: int | None = None
    owner_id: int | None = None
    recipient: FakeUser | None = None  # DM channels
    member_ids: set[int] = field(default_factory=set)  # threads
    invitable: bool = False
    position: int = 0

    @property
    def is_thread(self) -> bool:
        return self.type in (PUBLIC_THREAD, PRIVATE_THREAD)

    def payload(self) -> Json:
        if self.type == DM:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": None,
                "recipients": [self.recipient.payload()],
            }
        data: Json = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "flags": 0,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.is_thread:
            data.update(
                owner_id=str(self.owner_id),
                message_count=0,
                member_count=len(self.member_ids),
                total_message_sent=0,
                thread_metadata={
                    "archived": False,
                    "auto_archive_duration": 10080,
                    "archive_timestamp": FIXED_TIMESTAMP,
                    "locked": False,
                    "invitable": self.invitable,
                    "create_timestamp": FIXED_TIMESTAMP,
                },
            )
        return data

    def resolved_payload(self, permissions: int) -> Json:
        """The partial channel Discord puts in an interaction's ``resolved.channels``."""
        data = self.payload()
        data["permissions"] = str(permissions)
        return data


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, FakeRole] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    threads_allowed: bool = True  # False: the bot lacks Create Private Threads (403 50001)

    @property
    def everyone_role(self) -> FakeRole:
        return self.roles[self.id]

    def channel_named(self, name: str) -> FakeChannel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(name)

    def member_named(self, username: str) -> FakeMember:
        for member in self.members.values():
            if member.user.username == username:
                return member
        raise KeyError(username)

    def create_payload(self, *, include_members: bool, bot_id: int) -> Json:
        """A GUILD_CREATE payload; without GUILD_MEMBERS only the bot itself is listed."""
        members = [m.payload() for m in self.members.values() if include_members or m.id == bot_id]
        channels = [c.payload() for c in self.channels.values() if not c.is_thread]
        threads = [c.payload() for c in self.channels.values() if c.is_thread]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": FIXED_TIMESTAMP,
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "voice_states": [],
            "members": members,
            "channels": channels,
            "threads": threads,
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


# --------------------------------------------------------------------------------------------
# Records.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedFile:
    field_name: str
    filename: str
    content: bytes
    content_type: str


@dataclass
class RecordedRequest:
    method: str
    path: str  # below /api/v10, e.g. "/channels/1/messages"
    query: dict[str, str]
    json: Any
    files: list[RecordedFile]
    headers: dict[str, str]
    received_at: float  # the event loop's monotonic clock
    status: int = 0
    response: Any = None

    @property
    def authorized(self) -> bool:
        return "Authorization" in self.headers


@dataclass
class ScriptedFailure:
    method: str
    path_substring: str
    remaining: int
    status: int
    body: Json
    headers: dict[str, str]


@dataclass
class InteractionRecord:
    id: int
    token: str
    type: int
    issued_at: float
    user_id: int
    guild_id: int | None
    channel_id: int | None
    callbacks: list[Json] = field(default_factory=list)
    original_message: Json | None = None

    @property
    def acknowledged(self) -> bool:
        return bool(self.callbacks)

    @property
    def callback_type(self) -> int | None:
        return int(self.callbacks[0]["type"]) if self.callbacks else None


@dataclass
class GatewayConnection:
    ws: web.WebSocketResponse
    intents: int | None = None
    sequence: int = 0
    received: list[Json] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Validation of what the bot sends, mirroring Discord's documented limits.
# --------------------------------------------------------------------------------------------


def validate_command(cmd: Json) -> list[str]:
    """Problems Discord would reject a CHAT_INPUT command for (an empty list if none)."""
    problems: list[str] = []
    name = cmd.get("name", "")
    if not _COMMAND_NAME.match(str(name)):
        problems.append(f"command name {name!r} is not 1-32 lowercase letters, digits, - or _")
    problems.extend(_validate_description(str(name), cmd.get("description", "")))
    perms = cmd.get("default_member_permissions")
    if perms is not None and not str(perms).isdigit():
        problems.append(f"{name}: default_member_permissions must be a numeric string")
    problems.extend(_validate_options(str(name), cmd.get("options") or [], depth=0))
    if _command_size(cmd) > 4000:
        problems.append(f"{name}: names, descriptions and choices exceed 4000 characters")
    return problems


def _validate_description(where: str, description: Any) -> list[str]:
    if not isinstance(description, str) or not 1 <= len(description) <= 100:
        return [f"{where}: description must be 1-100 characters, got {description!r}"]
    return []


def _validate_options(where: str, options: list[Json], depth: int) -> list[str]:
    problems: list[str] = []
    if len(options) > 25:
        problems.append(f"{where}: more than 25 options")
    names = [o.get("name") for o in options]
    if len(set(names)) != len(names):
        problems.append(f"{where}: duplicate option names {names}")
    kinds = {o.get("type") in (OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP) for o in options}
    if len(kinds) > 1:
        problems.append(f"{where}: subcommands mixed with plain options")
    seen_optional = False
    for opt in options:
        opt_name = str(opt.get("name", ""))
        path = f"{where} {opt_name}"
        if not _COMMAND_NAME.match(opt_name):
            problems.append(f"{path}: option name is not 1-32 lowercase letters, digits, - or _")
        problems.extend(_validate_description(path, opt.get("description", "")))
        kind = opt.get("type")
        if kind == OPT_SUB_COMMAND_GROUP:
            if depth != 0:
                problems.append(f"{path}: subcommand groups can only be nested one level deep")
            children = opt.get("options") or []
            if any(c.get("type") != OPT_SUB_COMMAND for c in children):
                problems.append(f"{path}: a group may contain only subcommands")
            problems.extend(_validate_options(path, children, depth + 1))
        elif kind == OPT_SUB_COMMAND:
            if depth > 1:
                problems.append(f"{path}: subcommand nested too deep")
            problems.extend(_validate_options(path, opt.get("options") or [], depth + 2))
        else:
            if kind not in range(OPT_STRING, 12):
                problems.append(f"{path}: unknown option type {kind}")
            required = bool(opt.get("required", False))
            if required and seen_optional:
                problems.append(f"{path}: required options must come before optional ones")
            seen_optional = seen_optional or not required
            choices = opt.get("choices") or []
            if len(choices) > 25:
                problems.append(f"{path}: more than 25 choices")
            if choices and opt.get("autocomplete"):
                problems.append(f"{path}: choices and autocomplete are mutually exclusive")
            for choice in choices:
                if not 1 <= len(str(choice.get("name", ""))) <= 100:
                    problems.append(f"{path}: choice name must be 1-100 characters")
    return problems


def _command_size(node: Json) -> int:
    size = len(str(node.get("name", ""))) + len(str(node.get("description", "")))
    for choice in node.get("choices") or []:
        size += len(str(choice.get("name", ""))) + len(str(choice.get("value", "")))
    return size + sum(_command_size(o) for o in node.get("options") or [])


def validate_message(data: Json) -> list[str]:
    """Problems Discord would reject a message body for."""
    problems: list[str] = []
    content = data.get("content") or ""
    if len(content) > 2000:
        problems.append(f"content is {len(content)} characters (max 2000)")
    if len(data.get("embeds") or []) > 10:
        problems.append("more than 10 embeds")
    rows = data.get("components") or []
    if len(rows) > 5:
        problems.append("more than 5 action rows")
    for row in rows:
        children = row.get("components") or []
        if row.get("type") == 1 and not 1 <= len(children) <= 5:
            problems.append("an action row must hold 1-5 components")
        for child in children:
            if child.get("type") != 2:
                continue
            label = child.get("label") or ""
            if len(label) > 80:
                problems.append(f"button label {label!r} longer than 80")
            custom_id = child.get("custom_id")
            if child.get("style") != 5 and not 1 <= len(custom_id or "") <= 100:
                problems.append(f"button custom_id {custom_id!r} must be 1-100 characters")
    return problems


def validate_modal(data: Json) -> list[str]:
    problems: list[str] = []
    title = data.get("title") or ""
    if not 1 <= len(title) <= 45:
        problems.append(f"modal title {title!r} must be 1-45 characters")
    if not 1 <= len(data.get("custom_id") or "") <= 100:
        problems.append("modal custom_id must be 1-100 characters")
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        problems.append("a modal needs 1-5 components")
    for row in rows:
        for text_input in _modal_inputs(row):
            label = text_input.get("label") or row.get("label") or ""
            if not 1 <= len(label) <= 45:
                problems.append(f"text input label {label!r} must be 1-45 characters")
            if not 1 <= len(text_input.get("custom_id") or "") <= 100:
                problems.append("text input custom_id must be 1-100 characters")
    return problems


def _modal_inputs(row: Json) -> list[Json]:
    """Text inputs in a modal row: action rows (type 1) or labels (type 18)."""
    if row.get("type") == 18:
        component = row.get("component") or {}
        return [component] if component.get("type") == 4 else []
    return [c for c in row.get("components") or [] if c.get("type") == 4]


# --------------------------------------------------------------------------------------------
# The fake server.
# --------------------------------------------------------------------------------------------


RouteHandler = Callable[["FakeDiscord", RecordedRequest, tuple[str, ...]], Any]


class FakeDiscord:
    """A fake Discord REST API + gateway; see the module docstring."""

    def __init__(
        self,
        *,
        token: str = "fake-token",
        interaction_deadline: float = 3.0,
        heartbeat_interval_ms: int = 45_000,
        privileged_intents_enabled: int = PRIVILEGED_INTENTS,
        bot_name: str = "studybot",
    ) -> None:
        self.token = token
        self.interaction_deadline = interaction_deadline
        self.heartbeat_interval_ms = heartbeat_interval_ms
        # Privileged intents switched on in the developer portal; asking for others gets 4014.
        self.privileged_intents_enabled = privileged_intents_enabled
        self._ids = itertools.count(1_200_000_000_000_000_000)
        self.app_id = self.new_id()
        self.bot_user = FakeUser(self.new_id(), bot_name, bot=True)
        self.owner = FakeUser(self.new_id(), "owner")
        self.users: dict[int, FakeUser] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[int, FakeGuild] = {}
        self.dm_channels: dict[int, FakeChannel] = {}
        self.closed_dms: set[int] = set()  # users who do not accept DMs from the bot
        self.messages: dict[int, list[Json]] = {}  # channel id -> messages, in order
        self.global_commands: list[Json] = []
        self.guild_commands: dict[int, list[Json]] = {}
        self.requests: list[RecordedRequest] = []
        self.violations: list[str] = []
        self.interactions: dict[int, InteractionRecord] = {}
        self.connections: list[GatewayConnection] = []
        self._failures: list[ScriptedFailure] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._loop_time: Callable[[], float] = lambda: 0.0
        self.port = 0

    # ----- lifecycle ---------------------------------------------------------------------

    async def start(self, port: int = 0) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._loop_time = asyncio.get_running_loop().time
        return self

    async def close(self) -> None:
        for conn in list(self.connections):
            with contextlib.suppress(Exception):
                await conn.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def now(self) -> float:
        return self._loop_time()

    def new_id(self) -> int:
        return next(self._ids)

    # ----- world building ----------------------------------------------------------------

    def add_user(self, username: str, *, bot: bool = False) -> FakeUser:
        user = FakeUser(self.new_id(), username, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "Study Hall",
        *,
        channels: Iterable[str] = ("general", "study-buddies", "digests"),
        threads_allowed: bool = True,
    ) -> FakeGuild:
        """A guild with @everyone, an Organizers role (Manage Server), text channels and the bot."""
        guild = FakeGuild(self.new_id(), name, self.owner.id, threads_allowed=threads_allowed)
        guild.roles[guild.id] = FakeRole(guild.id, "@everyone", MEMBER_PERMISSIONS)
        organizers = FakeRole(self.new_id(), "Organizers", ORGANIZER_PERMISSIONS, position=1)
        guild.roles[organizers.id] = organizers
        for position, channel_name in enumerate(channels):
            channel = FakeChannel(self.new_id(), channel_name, guild_id=guild.id, position=position)
            guild.channels[channel.id] = channel
        self.guilds[guild.id] = guild
        guild.members[self.bot_user.id] = FakeMember(self.bot_user, [], BOT_PERMISSIONS)
        self.users[self.owner.id] = self.owner
        guild.members[self.owner.id] = FakeMember(
            self.owner, [organizers.id], ORGANIZER_PERMISSIONS | ADMINISTRATOR
        )
        return guild

    def add_member(
        self, guild: FakeGuild, username: str | FakeUser, *, organizer: bool = False
    ) -> FakeMember:
        """A member; organizers hold the Organizers role and so Manage Server."""
        user = username if isinstance(username, FakeUser) else self.add_user(username)
        self.users[user.id] = user
        organizer_roles = [r.id for r in guild.roles.values() if r.name == "Organizers"]
        member = FakeMember(
            user,
            organizer_roles if organizer else [],
            ORGANIZER_PERMISSIONS if organizer else MEMBER_PERMISSIONS,
        )
        guild.members[user.id] = member
        return member

    def remove_member(self, guild: FakeGuild, user_id: int) -> FakeMember:
        return guild.members.pop(user_id)

    def find_channel(self, channel_id: int) -> FakeChannel | None:
        if channel_id in self.dm_channels:
            return self.dm_channels[channel_id]
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        return None

    def guild_of_channel(self, channel_id: int) -> FakeGuild | None:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild
        return None

    def threads(self, guild: FakeGuild | None = None) -> list[FakeChannel]:
        guilds = [guild] if guild else list(self.guilds.values())
        return [c for g in guilds for c in g.channels.values() if c.is_thread]

    def dm_channel_of(self, user_id: int) -> FakeChannel | None:
        for channel in self.dm_channels.values():
            if channel.recipient and channel.recipient.id == user_id:
                return channel
        return None

    def dms_to(self, user_id: int) -> list[Json]:
        channel = self.dm_channel_of(user_id)
        return list(self.messages.get(channel.id, [])) if channel else []

    def commands_for(self, guild_id: int | None) -> list[Json]:
        """The commands a user in ``guild_id`` sees: guild commands plus global ones."""
        guild_cmds = self.guild_commands.get(guild_id, []) if guild_id else []
        return [*guild_cmds, *self.global_commands]

    # ----- failure injection -------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path_substring: str,
        *,
        status: int,
        code: int = 0,
        message: str = "error",
        times: int = 1,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._failures.append(
            ScriptedFailure(
                method.upper(),
                path_substring,
                times,
                status,
                error_body(code, message),
                dict(headers or {}),
            )
        )

    def rate_limit_next(
        self,
        method: str,
        path_substring: str,
        *,
        retry_after: float = 0.2,
        times: int = 1,
        is_global: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests with a 429 the way Discord does."""
        body = {"message": "You are being rate limited.", "retry_after": retry_after}
        body["global"] = is_global
        headers = {
            "Retry-After": str(max(1, round(retry_after))),
            "Via": "1.1 google",  # discord.py treats a 429 without it as a Cloudflare ban
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": "fake-bucket-" + path_substring.strip("/").replace("/", "-"),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        self._failures.append(
            ScriptedFailure(method.upper(), path_substring, times, 429, body, headers)
        )

    # ----- request log -------------------------------------------------------------------

    def find_requests(
        self, method: str, path_substring: str = "", *, since: int = 0
    ) -> list[RecordedRequest]:
        return [
            r
            for r in self.requests[since:]
            if r.method == method.upper() and path_substring in r.path
        ]

    async def wait_for_request(
        self,
        method: str,
        path_substring: str,
        timeout: float = 2.0,  # noqa: ASYNC109 - the brief's API; wraps asyncio.wait_for
        *,
        since: int = 0,
        count: int = 1,
        predicate: Callable[[RecordedRequest], bool] | None = None,
    ) -> RecordedRequest:
        """The ``count``-th matching request (answered), waiting up to ``timeout`` seconds."""

        def ready() -> list[RecordedRequest]:
            found = [
                r
                for r in self.find_requests(method, path_substring, since=since)
                if r.status and (predicate is None or predicate(r))
            ]
            return found if len(found) >= count else []

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(ready), timeout)
            except TimeoutError:
                seen = "\n  ".join(f"{r.method} {r.path} -> {r.status}" for r in self.requests)
                raise AssertionError(
                    f"no {method} request matching {path_substring!r} within {timeout}s;"
                    f" seen:\n  {seen}"
                ) from None
            return ready()[count - 1]

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def mark(self) -> int:
        """An index for ``since=``: only requests after this point."""
        return len(self.requests)

    def violation(self, text: str) -> None:
        self.violations.append(text)

    def unanswered_interactions(self) -> list[InteractionRecord]:
        return [i for i in self.interactions.values() if not i.acknowledged]

    def assert_clean(self, *, allow_unanswered: bool = False) -> None:
        """Fail if the bot broke a rule Discord enforces (late, double or missing replies...)."""
        problems = list(self.violations)
        if not allow_unanswered:
            problems += [
                f"interaction {i.id} (type {i.type}) was never answered"
                for i in self.unanswered_interactions()
            ]
        assert not problems, "fake Discord saw violations:\n  " + "\n  ".join(problems)

    # ----- REST --------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        record = await self._record(request)
        response = self._scripted_failure(record)
        if response is None:
            response = self._route(record)
        record.status = response.status
        body = getattr(response, "body", None)
        if isinstance(body, bytes) and body:
            with contextlib.suppress(ValueError):
                record.response = json.loads(body)
        await self._notify()
        return response

    async def _record(self, request: web.Request) -> RecordedRequest:
        payload: Any = None
        files: list[RecordedFile] = []
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                raw = await part.read()
                if part.name == "payload_json":
                    payload = json.loads(raw)
                else:
                    files.append(
                        RecordedFile(
                            part.name,
                            part.filename or "",
                            bytes(raw),
                            part.headers.get("Content-Type", ""),
                        )
                    )
        elif request.can_read_body:
            raw_text = await request.text()
            if raw_text:
                payload = json.loads(raw_text)
        record = RecordedRequest(
            method=request.method,
            path=request.path[len(API_PREFIX) :],
            query=dict(request.query),
            json=payload,
            files=files,
            headers=dict(request.headers),
            received_at=self.now(),
        )
        self.requests.append(record)
        return record

    def _scripted_failure(self, record: RecordedRequest) -> web.Response | None:
        for failure in self._failures:
            matches = failure.method == record.method and failure.path_substring in record.path
            if failure.remaining and matches:
                failure.remaining -= 1
                return json_response(failure.body, failure.status, failure.headers)
        return None

    def _route(self, record: RecordedRequest) -> web.Response:
        for method, pattern, handler, needs_auth in _ROUTES:
            if method != record.method:
                continue
            match = pattern.fullmatch(record.path)
            if match is None:
                continue
            if needs_auth and record.headers.get("Authorization") != f"Bot {self.token}":
                return json_response(error_body(0, "401: Unauthorized"), 401)
            result = handler(self, record, match.groups())
            if isinstance(result, web.Response):
                return result
            return json_response(result)
        self.violation(f"unhandled route {record.method} {record.path}")
        return json_response(error_body(0, "404: Not Found"), 404)

    def _invalid(self, where: str, problems: list[str]) -> web.Response:
        for problem in problems:
            self.violation(f"{where}: {problem}")
        errors = {"_errors": [{"code": "BASE_TYPE_INVALID", "message": p} for p in problems]}
        return json_response(error_body(50035, "Invalid Form Body", errors), 400)

    # Route handlers (registered in _ROUTES below).

    def _users_me(self, record: RecordedRequest, args: tuple[str, ...]) -> Json:
        data = self.bot_user.payload()
        data.update(verified=True, mfa_enabled=False, flags=0, locale="en-US")
        return data

    def _application_me(self, record: RecordedRequest, args: tuple[str, ...]) -> Json:
        return {
            "id": str(self.app_id),
            "name": self.bot_user.username,
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner.payload(),
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "summary": "",
        }

    def _get_commands(self, record: RecordedRequest, args: tuple[str, ...]) -> list[Json]:
        if len(args) == 2:
            return self.guild_commands.get(int(args[1]), [])
        return self.global_commands

    def _put_commands(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        if int(args[0]) != self.app_id:
            return json_response(error_body(10002, "Unknown Application"), 404)
        guild_id = int(args[1]) if len(args) == 2 else None
        if guild_id is not None and guild_id not in self.guilds:
            return json_response(error_body(50001, "Missing Access"), 403)
        commands = list(record.json or [])
        problems = [p for cmd in commands for p in validate_command(cmd)]
        if guild_id is None and len(commands) > 100:
            problems.append("more than 100 global commands")
        names = [c.get("name") for c in commands]
        if len(set(names)) != len(names):
            problems.append(f"duplicate command names {names}")
        if problems:
            return self._invalid("bulk overwrite commands", problems)
        stored = []
        for cmd in commands:
            out = dict(cmd)
            out.update(
                id=str(self.new_id()),
                application_id=str(self.app_id),
                version=str(self.new_id()),
                type=cmd.get("type", 1),
            )
            perms = out.get("default_member_permissions")
            # Discord answers permissions as a string, whatever type was sent.
            out["default_member_permissions"] = None if perms is None else str(perms)
            out.setdefault("options", [])
            if guild_id is not None:
                out["guild_id"] = str(guild_id)
            stored.append(out)
        if guild_id is None:
            self.global_commands = stored
        else:
            self.guild_commands[guild_id] = stored
        return json_response(stored)

    def _interaction_callback(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        interaction_id, token = int(args[0]), args[1]
        found = self.interactions.get(interaction_id)
        unknown = json_response(error_body(10062, "Unknown interaction"), 404)
        if found is None or found.token != token:
            self.violation(f"callback for unknown interaction {interaction_id}")
            return unknown
        if found.acknowledged:
            self.violation(f"interaction {interaction_id} acknowledged twice")
            return json_response(
                error_body(40060, "Interaction has already been acknowledged."), 400
            )
        elapsed = record.received_at - found.issued_at
        if elapsed > self.interaction_deadline:
            self.violation(
                f"interaction {interaction_id} answered after {elapsed:.2f}s"
                f" (deadline {self.interaction_deadline}s)"
            )
            return unknown
        body: Json = record.json or {}
        kind = int(body.get("type", 0))
        if kind not in ALLOWED_CALLBACKS.get(found.type, set()):
            return self._invalid(
                f"interaction {interaction_id}",
                [f"callback type {kind} not allowed for interaction type {found.type}"],
            )
        data: Json = body.get("data") or {}
        problems: list[str] = []
        if kind in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
            problems = validate_message(data)
        elif kind == MODAL:
            problems = validate_modal(data)
        elif kind == AUTOCOMPLETE_RESULT and len(data.get("choices") or []) > 25:
            problems = ["more than 25 autocomplete choices"]
        if problems:
            return self._invalid(f"interaction {interaction_id}", problems)
        found.callbacks.append(body)
        interaction: Json = {"id": str(found.id), "type": found.type}
        result: Json = {"interaction": interaction}
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            loading = kind == DEFERRED_CHANNEL_MESSAGE
            message = self._store_message(
                found.channel_id or 0,
                data,
                record.files,
                interaction=found,
                loading=loading,
            )
            found.original_message = message
            interaction.update(
                response_message_id=message["id"],
                response_message_loading=loading,
                response_message_ephemeral=bool(int(data.get("flags", 0)) & EPHEMERAL),
            )
            result["resource"] = {"type": kind, "message": message}
        else:
            result["resource"] = {"type": kind}
        return json_response(result)

    def _webhook_interaction(self, token: str) -> InteractionRecord | None:
        for found in self.interactions.values():
            if found.token == token:
                return found
        return None

    def _followup(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        found = self._webhook_interaction(args[1])
        if found is None or not found.acknowledged or int(args[0]) != self.app_id:
            self.violation(f"follow-up for an unacknowledged interaction ({record.path})")
            return json_response(error_body(10015, "Unknown Webhook"), 404)
        data: Json = record.json or {}
        problems = validate_message(data)
        if problems:
            return self._invalid("follow-up", problems)
        original = found.original_message
        deferred = found.callback_type == DEFERRED_CHANNEL_MESSAGE
        if deferred and original and original.get("_loading") and not original.get("_deleted"):
            # The first follow-up after a deferral replaces the "thinking..." message and
            # keeps its visibility: the ephemeral flag was fixed when deferring.
            ephemeral = int(original.get("flags", 0)) & EPHEMERAL
            original.update(self._message_body(data, record.files))
            original["flags"] = (int(original.get("flags", 0)) & ~LOADING) | ephemeral
            original.pop("_loading", None)
            return json_response(_public(original))
        message = self._store_message(found.channel_id or 0, data, record.files, interaction=found)
        if original is not None and original.get("_deleted"):
            found.original_message = message  # what the member now sees
        return json_response(_public(message))

    def _edit_original(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        found = self._webhook_interaction(args[1])
        if found is None or not found.acknowledged:
            self.violation(f"edit of an unacknowledged interaction ({record.path})")
            return json_response(error_body(10015, "Unknown Webhook"), 404)
        data: Json = record.json or {}
        problems = validate_message(data)
        if problems:
            return self._invalid("edit original", problems)
        if found.original_message is None:
            # A deferred component update edits the message that carried the component.
            found.original_message = self._store_message(
                found.channel_id or 0, {}, [], interaction=found
            )
        found.original_message.update(self._message_body(data, record.files))
        found.original_message.pop("_loading", None)
        return json_response(_public(found.original_message))

    def _get_original(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        found = self._webhook_interaction(args[1])
        if found is None or found.original_message is None:
            return json_response(error_body(10008, "Unknown Message"), 404)
        return json_response(_public(found.original_message))

    def _delete_original(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        found = self._webhook_interaction(args[1])
        if found is None or found.original_message is None:
            return json_response(error_body(10008, "Unknown Message"), 404)
        found.original_message["_deleted"] = True
        return web.Response(status=204)

    def _post_message(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        channel_id = int(args[0])
        channel = self.find_channel(channel_id)
        if channel is None:
            return json_response(error_body(10003, "Unknown Channel"), 404)
        if channel.type == DM and channel.recipient and channel.recipient.id in self.closed_dms:
            return json_response(error_body(50007, "Cannot send messages to this user"), 403)
        data: Json = record.json or {}
        problems = validate_message(data)
        if not (data.get("content") or data.get("embeds") or record.files or data.get("poll")):
            problems.append("cannot send an empty message")
        if problems:
            return self._invalid(f"message to {channel_id}", problems)
        return json_response(_public(self._store_message(channel_id, data, record.files)))

    def _edit_message(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        channel_id, message_id = int(args[0]), int(args[1])
        for message in self.messages.get(channel_id, []):
            if int(message["id"]) == message_id:
                message.update(self._message_body(record.json or {}, record.files))
                return json_response(_public(message))
        return json_response(error_body(10008, "Unknown Message"), 404)

    def _create_dm(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        user_id = int((record.json or {}).get("recipient_id", 0))
        user = self.users.get(user_id)
        if user is None:
            return json_response(error_body(10013, "Unknown User"), 404)
        # Opening the channel succeeds even when the user closed DMs: sending is what fails.
        channel = self.dm_channel_of(user_id)
        if channel is None:
            channel = FakeChannel(self.new_id(), "", type=DM, recipient=user)
            self.dm_channels[channel.id] = channel
        return json_response(channel.payload())

    def _create_thread(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        parent_id = int(args[0])
        guild = self.guild_of_channel(parent_id)
        parent = self.find_channel(parent_id)
        if guild is None or parent is None:
            return json_response(error_body(10003, "Unknown Channel"), 404)
        if parent.type != GUILD_TEXT:  # announcement channels have no private threads
            return json_response(
                error_body(50024, "Cannot execute action on this channel type"), 400
            )
        if not guild.threads_allowed:
            return json_response(error_body(50001, "Missing Access"), 403)
        body: Json = record.json or {}
        name = str(body.get("name", ""))
        if not 1 <= len(name) <= 100:
            return self._invalid("create thread", [f"thread name {name!r} must be 1-100 chars"])
        thread = FakeChannel(
            self.new_id(),
            name,
            type=int(body.get("type", PRIVATE_THREAD)),
            guild_id=guild.id,
            parent_id=parent_id,
            owner_id=self.bot_user.id,
            member_ids={self.bot_user.id},
            invitable=bool(body.get("invitable", True)),
        )
        guild.channels[thread.id] = thread
        data = thread.payload()
        data["member"] = {
            "id": str(thread.id),
            "user_id": str(self.bot_user.id),
            "join_timestamp": FIXED_TIMESTAMP,
            "flags": 0,
        }
        return json_response(data)

    def _thread_from_message(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        parent_id, message_id = int(args[0]), int(args[1])
        guild = self.guild_of_channel(parent_id)
        if guild is None:
            return json_response(error_body(10003, "Unknown Channel"), 404)
        if not any(int(m["id"]) == message_id for m in self.messages.get(parent_id, [])):
            return json_response(error_body(10008, "Unknown Message"), 404)
        name = str((record.json or {}).get("name", ""))
        if not 1 <= len(name) <= 100:
            return self._invalid("start thread", [f"thread name {name!r} must be 1-100 chars"])
        # A thread started from a message shares the message's id, as on Discord.
        thread = FakeChannel(
            message_id,
            name,
            type=PUBLIC_THREAD,
            guild_id=guild.id,
            parent_id=parent_id,
            owner_id=self.bot_user.id,
            member_ids={self.bot_user.id},
        )
        guild.channels[thread.id] = thread
        return json_response(thread.payload())

    def _add_thread_member(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        thread = self.find_channel(int(args[0]))
        if thread is None or not thread.is_thread:
            return json_response(error_body(10003, "Unknown Channel"), 404)
        user_id = int(args[1])
        guild = self.guilds.get(thread.guild_id or 0)
        if guild is None or user_id not in guild.members:
            return json_response(error_body(10007, "Unknown Member"), 404)
        thread.member_ids.add(user_id)
        return web.Response(status=204)

    def _get_channel(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        channel = self.find_channel(int(args[0]))
        if channel is None:
            return json_response(error_body(10003, "Unknown Channel"), 404)
        return json_response(channel.payload())

    def _get_user(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        user = self.users.get(int(args[0]))
        if user is None:
            return json_response(error_body(10013, "Unknown User"), 404)
        return json_response(user.payload())

    def _get_member(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        guild = self.guilds.get(int(args[0]))
        if guild is None:
            return json_response(error_body(10004, "Unknown Guild"), 404)
        member = guild.members.get(int(args[1]))
        if member is None:
            return json_response(error_body(10007, "Unknown Member"), 404)
        return json_response(member.payload())

    def _get_guild(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        guild = self.guilds.get(int(args[0]))
        if guild is None:
            return json_response(error_body(10004, "Unknown Guild"), 404)
        data = guild.create_payload(include_members=False, bot_id=self.bot_user.id)
        for key in ("members", "channels", "threads", "voice_states", "presences"):
            data.pop(key)
        return json_response(data)

    # ----- messages ----------------------------------------------------------------------

    def _message_body(self, data: Json, files: list[RecordedFile]) -> Json:
        body: Json = {}
        for key in ("content", "embeds", "components", "flags"):
            if key in data:
                body[key] = data[key]
        if "flags" in body:
            body["flags"] = int(body["flags"])
        if files or "attachments" in data:
            body["attachments"] = [
                {
                    "id": str(self.new_id()),
                    "filename": f.filename,
                    "size": len(f.content),
                    "url": f"{self.base_url}/attachments/{f.filename}",
                    "proxy_url": f"{self.base_url}/attachments/{f.filename}",
                    "content_type": f.content_type,
                }
                for f in files
            ]
        return body

    def _store_message(
        self,
        channel_id: int,
        data: Json,
        files: list[RecordedFile],
        *,
        interaction: InteractionRecord | None = None,
        loading: bool = False,
    ) -> Json:
        message: Json = {
            "id": str(self.new_id()),
            "channel_id": str(channel_id),
            "author": self.bot_user.payload(),
            "content": "",
            "timestamp": FIXED_TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
        }
        guild = self.guild_of_channel(channel_id)
        if guild is not None:
            message["guild_id"] = str(guild.id)
        message.update(self._message_body(data, files))
        if interaction is not None:
            message["type"] = 20 if interaction.type == APPLICATION_COMMAND else 19
            message["application_id"] = str(self.app_id)
            message["webhook_id"] = str(self.app_id)
            message["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": self.users[interaction.user_id].payload(),
                "authorizing_integration_owners": {},
            }
        if loading:
            message["flags"] = int(message.get("flags", 0)) | LOADING
            message["_loading"] = True
        self.messages.setdefault(channel_id, []).append(message)
        return message

    def all_messages(self) -> list[Json]:
        return [m for ms in self.messages.values() for m in ms if not m.get("_deleted")]

    def message_with_component(self, custom_id: str) -> Json:
        """The latest message the bot sent that carries a component with ``custom_id``."""
        for message in reversed(self.all_messages()):
            for row in message.get("components") or []:
                for component in row.get("components") or []:
                    if component.get("custom_id") == custom_id:
                        return message
        raise AssertionError(f"no message carries a component with custom_id {custom_id!r}")

    def button_ids(self, message: Json) -> list[str]:
        return [
            str(c["custom_id"])
            for row in message.get("components") or []
            for c in row.get("components") or []
            if c.get("type") == 2 and "custom_id" in c
        ]

    # ----- gateway -----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        conn = GatewayConnection(ws)
        self.connections.append(conn)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        )
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                conn.received.append(frame)
                await self._on_gateway_frame(conn, frame)
                await self._notify()
        finally:
            if conn in self.connections:
                self.connections.remove(conn)
        return ws

    async def _on_gateway_frame(self, conn: GatewayConnection, frame: Json) -> None:
        op = frame.get("op")
        if op == 1:
            await conn.ws.send_str(json.dumps({"op": 11}))
        elif op == 2:
            data = frame.get("d") or {}
            if data.get("token") not in (self.token, f"Bot {self.token}"):
                await conn.ws.close(code=4004, message=b"Authentication failed.")
                return
            intents = int(data.get("intents", 0))
            if intents & PRIVILEGED_INTENTS & ~self.privileged_intents_enabled:
                await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            conn.intents = intents
            await self._send_ready(conn)
        elif op == 6:
            await self._send_event(conn, "RESUMED", {})

    async def _send_ready(self, conn: GatewayConnection) -> None:
        ready = {
            "v": API_VERSION,
            "user": self.bot_user.payload(),
            "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "shard": [0, 1],
            "application": {"id": str(self.app_id), "flags": 0},
        }
        await self._send_event(conn, "READY", ready)
        include_members = bool((conn.intents or 0) & INTENT_GUILD_MEMBERS)
        for guild in self.guilds.values():
            payload = guild.create_payload(include_members=include_members, bot_id=self.bot_user.id)
            await self._send_event(conn, "GUILD_CREATE", payload)

    async def _send_event(self, conn: GatewayConnection, event: str, data: Any) -> None:
        conn.sequence += 1
        # Text frames: discord.py only decompresses binary frames.
        await conn.ws.send_str(json.dumps({"op": 0, "t": event, "s": conn.sequence, "d": data}))

    async def wait_for_identify(self, timeout: float = 5.0) -> GatewayConnection:  # noqa: ASYNC109
        def identified() -> bool:
            return any(c.intents is not None for c in self.connections)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(identified), timeout)
        return next(c for c in self.connections if c.intents is not None)

    async def dispatch(self, event: str, data: Any) -> int:
        """Push an event to every identified connection that asked for its intent.

        Returns how many connections received it. INTERACTION_CREATE payloads are registered
        for the deadline first, just as Discord starts its clock when it sends them.
        """
        if event == "INTERACTION_CREATE":
            self.issue(data)
        needed = EVENT_INTENTS.get(event, 0)
        sent = 0
        for conn in list(self.connections):
            if conn.intents is None or (conn.intents & needed) != needed:
                continue
            await self._send_event(conn, event, data)
            sent += 1
        return sent

    async def add_member_event(self, guild: FakeGuild, username: str) -> FakeMember:
        """Add a member and send GUILD_MEMBER_ADD (only reaches GUILD_MEMBERS clients)."""
        member = self.add_member(guild, username)
        await self.dispatch("GUILD_MEMBER_ADD", dict(member.payload(), guild_id=str(guild.id)))
        return member

    async def remove_member_event(self, guild: FakeGuild, user_id: int) -> int:
        """Remove a member and send GUILD_MEMBER_REMOVE (only reaches GUILD_MEMBERS clients)."""
        member = self.remove_member(guild, user_id)
        return await self.dispatch(
            "GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": member.user.payload()}
        )

    # ----- interactions ------------------------------------------------------------------

    def issue(self, payload: Json) -> Json:
        """Start the deadline clock for an interaction payload (done by ``dispatch`` too)."""
        user = (payload.get("member") or {}).get("user") or payload.get("user") or {}
        self.interactions[int(payload["id"])] = InteractionRecord(
            id=int(payload["id"]),
            token=str(payload["token"]),
            type=int(payload["type"]),
            issued_at=self.now(),
            user_id=int(user.get("id", 0)),
            guild_id=int(payload["guild_id"]) if payload.get("guild_id") else None,
            channel_id=int(payload["channel_id"]) if payload.get("channel_id") else None,
        )
        return payload

    def feed(self, client: Any, payload: Json) -> Json:
        """Mode A: hand a payload straight to discord.py's INTERACTION_CREATE parser."""
        self.issue(payload)
        client._connection.parsers["INTERACTION_CREATE"](payload)
        return payload

    def interaction_for(self, payload: Json) -> InteractionRecord:
        return self.interactions[int(payload["id"])]

    async def wait_for_callback(
        self,
        payload: Json,
        timeout: float = 2.0,  # noqa: ASYNC109
    ) -> RecordedRequest:
        """The accepted first callback for this interaction."""
        return await self.wait_for_request(
            "POST", f"/interactions/{payload['id']}/{payload['token']}/callback", timeout
        )

    async def wait_for_reply(self, payload: Json, timeout: float = 3.0) -> Json:  # noqa: ASYNC109
        """The message the user finally sees for an interaction: the direct reply, or the
        first follow-up after a deferral. Returns the message JSON (content, flags, ...)."""

        def done() -> bool:
            found = self.interactions.get(int(payload["id"]))
            if found is None or not found.acknowledged:
                return bool(self.violations)
            original = found.original_message
            if found.callback_type in (MODAL, AUTOCOMPLETE_RESULT, UPDATE_MESSAGE):
                return True
            if found.callback_type == DEFERRED_UPDATE:
                return any(
                    r.method in ("PATCH", "POST") and found.token in r.path and r.status
                    for r in self.requests
                )
            return original is not None and not original.get("_loading")

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(done), timeout)
            except TimeoutError:
                raise AssertionError(
                    f"no reply to interaction {payload['id']} within {timeout}s;"
                    f" violations: {self.violations}"
                ) from None
        found = self.interactions[int(payload["id"])]
        if self.violations and not found.acknowledged:
            raise AssertionError(f"interaction failed: {self.violations}")
        if found.callback_type in (MODAL, AUTOCOMPLETE_RESULT, UPDATE_MESSAGE, DEFERRED_UPDATE):
            return dict(found.callbacks[0].get("data") or {}, _callback=found.callback_type)
        assert found.original_message is not None
        return dict(_public(found.original_message), _callback=found.callback_type)

    def _base_interaction(
        self,
        kind: int,
        data: Json,
        *,
        user: FakeUser | FakeMember,
        guild: FakeGuild | None,
        channel: FakeChannel | None,
        message: Json | None = None,
    ) -> Json:
        member = user if isinstance(user, FakeMember) else None
        fake_user = user.user if isinstance(user, FakeMember) else user
        payload: Json = {
            "id": str(self.new_id()),
            "application_id": str(self.app_id),
            "type": kind,
            "token": f"itoken-{self.new_id()}",
            "version": 1,
            "data": data,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "app_permissions": str(BOT_PERMISSIONS),
        }
        if guild is not None:
            if member is None:
                member = guild.members[fake_user.id]
            channel = channel or next(iter(guild.channels.values()))
            payload.update(
                guild_id=str(guild.id),
                guild_locale="en-US",
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                member=member.payload(with_permissions=True),
                context=0,
                authorizing_integration_owners={"0": str(guild.id)},
            )
        else:
            if channel is None:
                channel = self.dm_channel_of(fake_user.id)
            if channel is None:
                channel = FakeChannel(self.new_id(), "", type=DM, recipient=fake_user)
                self.dm_channels[channel.id] = channel
            payload.update(
                user=fake_user.payload(),
                context=1,
                authorizing_integration_owners={"1": str(fake_user.id)},
            )
        payload["channel_id"] = str(channel.id)
        channel_data = channel.payload()
        channel_data["permissions"] = str(member.permissions if member else MEMBER_PERMISSIONS)
        payload["channel"] = channel_data
        if message is not None:
            payload["message"] = _public(message)
        return payload

    def _find_command(self, guild: FakeGuild | None, name: str) -> Json | None:
        for cmd in self.commands_for(guild.id if guild else None):
            if cmd.get("name") == name:
                return cmd
        return None

    def slash_command(
        self,
        path: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: FakeUser | FakeMember,
        guild: FakeGuild | None,
        channel: FakeChannel | None = None,
        focused: str | None = None,
        option_types: Mapping[str, int] | None = None,
    ) -> Json:
        """An APPLICATION_COMMAND (or, with ``focused``, AUTOCOMPLETE) interaction payload.

        ``path`` is the command as a user types it without values, e.g. ``"buddy join"`` or
        ``"admin config set"``. Option types come from the synced command schema, so users and
        channels get ``resolved`` data; ``option_types`` overrides or fills in when unsynced.
        Values may be FakeUser/FakeMember/FakeChannel objects for user and channel options.
        """
        names = path.split()
        root = self._find_command(guild, names[0])
        schema_options: list[Json] = (root or {}).get("options") or []
        resolved: Json = {}
        leaf_options = []
        for key, value in (options or {}).items():
            schema = next(
                (o for o in schema_options_at(schema_options, names[1:]) if o.get("name") == key),
                None,
            )
            kind = (option_types or {}).get(key) or (schema or {}).get("type") or _infer_type(value)
            leaf_options.append(
                self._option_payload(key, kind, value, resolved, guild, focused == key)
            )
        nested: list[Json] = leaf_options
        if len(names) >= 2:
            sub_kind = OPT_SUB_COMMAND
            for depth, name in reversed(list(enumerate(names[1:], start=1))):
                is_group = depth < len(names) - 1
                sub_kind = OPT_SUB_COMMAND_GROUP if is_group else OPT_SUB_COMMAND
                nested = [{"name": name, "type": sub_kind, "options": nested}]
        data: Json = {
            "id": str((root or {}).get("id") or self.new_id()),
            "name": names[0],
            "type": 1,
            "options": nested,
        }
        if root is not None and root.get("guild_id"):
            data["guild_id"] = root["guild_id"]
        if resolved:
            data["resolved"] = resolved
        kind = AUTOCOMPLETE if focused else APPLICATION_COMMAND
        return self._base_interaction(kind, data, user=user, guild=guild, channel=channel)

    def autocomplete(
        self,
        path: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        user: FakeUser | FakeMember,
        guild: FakeGuild | None,
        channel: FakeChannel | None = None,
    ) -> Json:
        """An AUTOCOMPLETE interaction: the user is typing into option ``focused``."""
        return self.slash_command(
            path, options, user=user, guild=guild, channel=channel, focused=focused
        )

    def _option_payload(
        self,
        name: str,
        kind: int,
        value: Any,
        resolved: Json,
        guild: FakeGuild | None,
        focused: bool,
    ) -> Json:
        out: Json = {"name": name, "type": kind}
        if kind == OPT_USER:
            member = value if isinstance(value, FakeMember) else None
            user = value.user if isinstance(value, FakeMember) else value
            if isinstance(user, int):
                user = self.users[user]
            assert isinstance(user, FakeUser), f"option {name} needs a user, got {value!r}"
            resolved.setdefault("users", {})[str(user.id)] = user.payload()
            if guild is not None:
                member = member or guild.members.get(user.id)
                if member is not None:
                    resolved.setdefault("members", {})[str(user.id)] = member.payload(
                        with_user=False, with_permissions=True
                    )
            out["value"] = str(user.id)
        elif kind == OPT_CHANNEL:
            channel = value if isinstance(value, FakeChannel) else self.find_channel(int(value))
            assert channel is not None, f"option {name}: unknown channel {value!r}"
            resolved.setdefault("channels", {})[str(channel.id)] = channel.resolved_payload(
                MEMBER_PERMISSIONS
            )
            out["value"] = str(channel.id)
        elif focused:
            out["value"] = str(value)  # autocomplete sends the partial text, whatever the type
        else:
            out["value"] = value
        if focused:
            out["focused"] = True
        return out

    def button_click(
        self,
        custom_id: str,
        *,
        user: FakeUser | FakeMember,
        guild: FakeGuild | None = None,
        message: Json | None = None,
    ) -> Json:
        """A MESSAGE_COMPONENT (button, type 3) interaction on the message that carries it."""
        message = message or self.message_with_component(custom_id)
        channel_id = int(message["channel_id"])
        channel = self.find_channel(channel_id)
        if guild is None:
            guild = self.guild_of_channel(channel_id)
        data = {"custom_id": custom_id, "component_type": 2}
        return self._base_interaction(
            MESSAGE_COMPONENT, data, user=user, guild=guild, channel=channel, message=message
        )

    def last_modal(self, user_id: int | None = None) -> Json:
        """The data of the latest modal the bot opened (optionally for one user)."""
        for found in reversed(list(self.interactions.values())):
            if found.callback_type == MODAL and user_id in (None, found.user_id):
                return dict(found.callbacks[0]["data"])
        raise AssertionError("the bot has not opened a modal")

    def modal_submit(
        self,
        values: Mapping[str, str],
        *,
        user: FakeUser | FakeMember,
        guild: FakeGuild | None,
        modal: Json | None = None,
        channel: FakeChannel | None = None,
    ) -> Json:
        """A MODAL_SUBMIT (type 5) for the given modal (default: the last one opened).

        ``values`` maps text-input custom_ids to what the user typed; inputs left out are
        submitted empty, as Discord does. The submitted shape mirrors the modal's layout
        (action rows, or labels on discord.py 2.6+).
        """
        user_id = user.id
        modal = modal or self.last_modal(user_id)
        components: list[Json] = []
        known: set[str] = set()
        for row in modal.get("components") or []:
            for text_input in _modal_inputs(row):
                cid = str(text_input["custom_id"])
                known.add(cid)
                submitted = {"type": 4, "id": text_input.get("id", 0), "custom_id": cid}
                submitted["value"] = values.get(cid, "")
                if row.get("type") == 18:
                    components.append({"type": 18, "id": row.get("id", 0), "component": submitted})
                else:
                    components.append({"type": 1, "components": [submitted]})
        unknown = set(values) - known
        assert not unknown, f"modal has no inputs {sorted(unknown)}; it has {sorted(known)}"
        data = {"custom_id": modal["custom_id"], "components": components}
        return self._base_interaction(MODAL_SUBMIT, data, user=user, guild=guild, channel=channel)


def schema_options_at(options: list[Json], path: list[str]) -> list[Json]:
    """The options of the (sub)command at ``path`` below a root command's options."""
    for name in path:
        node = next((o for o in options if o.get("name") == name), None)
        if node is None:
            return []
        options = node.get("options") or []
    return options


def _infer_type(value: Any) -> int:
    if isinstance(value, bool):
        return OPT_BOOLEAN
    if isinstance(value, int):
        return OPT_INTEGER
    if isinstance(value, float):
        return OPT_NUMBER
    if isinstance(value, FakeUser | FakeMember):
        return OPT_USER
    if isinstance(value, FakeChannel):
        return OPT_CHANNEL
    return OPT_STRING


def _public(message: Json) -> Json:
    """A stored message without the fake's bookkeeping keys."""
    return {k: v for k, v in message.items() if not k.startswith("_")}


def _route(
    method: str, pattern: str, handler: RouteHandler, *, auth: bool = True
) -> tuple[str, re.Pattern[str], RouteHandler, bool]:
    return method, re.compile(pattern), handler, auth


_ROUTES: list[tuple[str, re.Pattern[str], RouteHandler, bool]] = [
    _route("GET", r"/users/@me", FakeDiscord._users_me),
    _route("GET", r"/oauth2/applications/@me", FakeDiscord._application_me),
    _route("GET", rf"/applications/{_ROUTE_ID}/commands", FakeDiscord._get_commands),
    _route("PUT", rf"/applications/{_ROUTE_ID}/commands", FakeDiscord._put_commands),
    _route(
        "GET",
        rf"/applications/{_ROUTE_ID}/guilds/{_ROUTE_ID}/commands",
        FakeDiscord._get_commands,
    ),
    _route(
        "PUT",
        rf"/applications/{_ROUTE_ID}/guilds/{_ROUTE_ID}/commands",
        FakeDiscord._put_commands,
    ),
    # Interaction endpoints authenticate with the interaction token, not the bot token.
    _route(
        "POST",
        rf"/interactions/{_ROUTE_ID}/{_TOKEN}/callback",
        FakeDiscord._interaction_callback,
        auth=False,
    ),
    _route("POST", rf"/webhooks/{_ROUTE_ID}/{_TOKEN}", FakeDiscord._followup, auth=False),
    _route(
        "PATCH",
        rf"/webhooks/{_ROUTE_ID}/{_TOKEN}/messages/@original",
        FakeDiscord._edit_original,
        auth=False,
    ),
    _route(
        "GET",
        rf"/webhooks/{_ROUTE_ID}/{_TOKEN}/messages/@original",
        FakeDiscord._get_original,
        auth=False,
    ),
    _route(
        "DELETE",
        rf"/webhooks/{_ROUTE_ID}/{_TOKEN}/messages/@original",
        FakeDiscord._delete_original,
        auth=False,
    ),
    _route("POST", rf"/channels/{_ROUTE_ID}/messages", FakeDiscord._post_message),
    _route("PATCH", rf"/channels/{_ROUTE_ID}/messages/{_ROUTE_ID}", FakeDiscord._edit_message),
    _route("POST", r"/users/@me/channels", FakeDiscord._create_dm),
    _route("POST", rf"/channels/{_ROUTE_ID}/threads", FakeDiscord._create_thread),
    _route(
        "POST",
        rf"/channels/{_ROUTE_ID}/messages/{_ROUTE_ID}/threads",
        FakeDiscord._thread_from_message,
    ),
    _route(
        "PUT",
        rf"/channels/{_ROUTE_ID}/thread-members/{_ROUTE_ID}",
        FakeDiscord._add_thread_member,
    ),
    _route("GET", rf"/channels/{_ROUTE_ID}", FakeDiscord._get_channel),
    _route("GET", rf"/users/{_ROUTE_ID}", FakeDiscord._get_user),
    _route("GET", rf"/guilds/{_ROUTE_ID}/members/{_ROUTE_ID}", FakeDiscord._get_member),
    _route("GET", rf"/guilds/{_ROUTE_ID}", FakeDiscord._get_guild),
]


async def _demo(port: int, token: str, once: bool) -> None:
    """Serve a fake guild; when a bot has connected and synced, send it /help and print the
    reply. ``python -m tests.fakes.discord_api --help`` for options."""
    fake = await FakeDiscord(token=token).start(port)
    guild = fake.add_guild("Study Hall")
    alice = fake.add_member(guild, "alice")
    fake.add_member(guild, "olga", organizer=True)
    print(f"DISCORD_TOKEN={token}")
    print(f"DISCORD_API_BASE_URL={fake.api_url}")
    print(f"DISCORD_GATEWAY_URL={fake.gateway_url}", flush=True)
    try:
        await fake.wait_for_identify(timeout=3600)
        await fake.wait_for_request("PUT", "/commands", timeout=60)
        names = sorted(c["name"] for c in fake.commands_for(guild.id))
        print(f"bot connected and synced {len(names)} commands: {', '.join(names)}", flush=True)
        payload = fake.slash_command("help", user=alice, guild=guild)
        await fake.dispatch("INTERACTION_CREATE", payload)
        reply = await fake.wait_for_reply(payload, timeout=10)
        print(f"/help answered (callback type {reply['_callback']}):\n{reply.get('content')}")
        fake.assert_clean()
        print("no violations", flush=True)
        if not once:
            await asyncio.Event().wait()
    finally:
        await fake.close()


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.discord_api",
        description="A fake Discord on 127.0.0.1 for trying `python -m bot discord` offline.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: any free one)")
    parser.add_argument("--token", default="x", help="the bot token it accepts (default: x)")
    parser.add_argument("--once", action="store_true", help="exit after answering /help")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_demo(args.port, args.token, args.once))


if __name__ == "__main__":
    main()
