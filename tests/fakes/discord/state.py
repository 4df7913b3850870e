"""The fake Discord's state: the world it serves (users, guilds, channels, messages, commands)
and what it saw (requests, interactions, violations), with the waits tests block on.

The REST routes, the gateway and the interaction rules all read and change this one store, and
tests arrange and inspect it directly (``fake.closed_dms.add(...)``, ``fake.messages[...]``).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterable
from typing import TypedDict

from tests.fakes.discord.constants import (
    ADMINISTRATOR,
    API_PREFIX,
    APPLICATION_COMMAND,
    BOT_PERMISSIONS,
    DM,
    FIXED_TIMESTAMP,
    LOADING,
    MEMBER_PERMISSIONS,
    ORGANIZER_PERMISSIONS,
    PRIVILEGED_INTENTS,
    Json,
    shard_of,
)
from tests.fakes.discord.models import (
    FakeAttachment,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
)
from tests.fakes.discord.records import InteractionRecord, RecordedFile, RecordedRequest


class DiscordSettings(TypedDict, total=False):
    """What a test may choose when it makes the fake; the defaults are ``DiscordState``'s."""

    token: str
    interaction_deadline: float
    heartbeat_interval_ms: int
    privileged_intents_enabled: int
    bot_name: str


class DiscordState:
    """Everything the fake knows, and the queries and waits tests use on it."""

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
        self.attachments: dict[int, FakeAttachment] = {}  # uploads sent with interactions
        self.downloads: list[int] = []  # attachment ids whose bytes were fetched, in order
        # Notified after every answered request and gateway frame: what the waits wake on.
        self.changed = asyncio.Condition()
        # Set by the server once it runs; until then there is no event loop to read.
        self._loop_time: Callable[[], float] = lambda: 0.0
        self.port = 0

    # ----- addresses, time and ids -------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def upload(self, attachment: FakeAttachment) -> Json:
        """Keep an attachment sent with an interaction; its payload, with the URL it is at."""
        attachment.id = self.new_id()
        self.attachments[attachment.id] = attachment
        return attachment.payload(self.base_url)

    def now(self) -> float:
        return self._loop_time()

    def new_id(self) -> int:
        return next(self._ids)

    def _id_on_shard(self, shard_id: int, shard_count: int) -> int:
        """The next id whose shard is `shard_id`; later ids follow it, so none repeats."""
        start = self.new_id()
        step = (shard_id - shard_of(start, shard_count)) % shard_count
        found = start + (step << 22)
        self._ids = itertools.count(found + 1)
        return found

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
        shard: tuple[int, int] | None = None,
    ) -> FakeGuild:
        """A guild with @everyone, an Organizers role (Manage Server), text channels and the bot;
        `shard` ([shard_id, shard_count]) picks an id on that shard."""
        guild_id = self.new_id() if shard is None else self._id_on_shard(*shard)
        guild = FakeGuild(guild_id, name, self.owner.id, threads_allowed=threads_allowed)
        guild.roles[guild.id] = FakeRole(guild.id, "@everyone", MEMBER_PERMISSIONS)
        organizers = FakeRole(self.new_id(), "Organizers", ORGANIZER_PERMISSIONS, position=1)
        guild.roles[organizers.id] = organizers
        for position, channel_name in enumerate(channels):
            channel = FakeChannel(self.new_id(), channel_name, guild_id=guild.id, position=position)
            guild.channels[channel.id] = channel
        self.guilds[guild.id] = guild
        # Invited with the permissions it asks for, the bot holds its own managed role.
        bot_role = FakeRole(self.new_id(), "studybot", BOT_PERMISSIONS, 1, bot_id=self.bot_user.id)
        guild.roles[bot_role.id] = bot_role
        guild.members[self.bot_user.id] = FakeMember(self.bot_user, [bot_role.id], BOT_PERMISSIONS)
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

    def add_role(
        self,
        guild: FakeGuild,
        name: str,
        *holders: FakeMember,
        permissions: int = MEMBER_PERMISSIONS,
    ) -> FakeRole:
        """A role (by default one that grants no more than @everyone) given to ``holders``."""
        role = FakeRole(self.new_id(), name, permissions)
        guild.roles[role.id] = role
        for member in holders:
            member.role_ids.append(role.id)
        return role

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

    def open_dm(self, user: FakeUser) -> FakeChannel:
        """The bot's DM channel with ``user``, created on first use as Discord does."""
        channel = self.dm_channel_of(user.id)
        if channel is None:
            channel = FakeChannel(self.new_id(), "", type=DM, recipient=user)
            self.dm_channels[channel.id] = channel
        return channel

    def dms_to(self, user_id: int) -> list[Json]:
        channel = self.dm_channel_of(user_id)
        return list(self.messages.get(channel.id, [])) if channel else []

    def commands_for(self, guild_id: int | None) -> list[Json]:
        """The commands a user in ``guild_id`` sees: guild commands plus global ones."""
        guild_cmds = self.guild_commands.get(guild_id, []) if guild_id else []
        return [*guild_cmds, *self.global_commands]

    # ----- request log and violations ----------------------------------------------------

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

        async with self.changed:
            try:
                await asyncio.wait_for(self.changed.wait_for(ready), timeout)
            except TimeoutError:
                seen = "\n  ".join(f"{r.method} {r.path} -> {r.status}" for r in self.requests)
                raise AssertionError(
                    f"no {method} request matching {path_substring!r} within {timeout}s;"
                    f" seen:\n  {seen}"
                ) from None
            return ready()[count - 1]

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

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

    # ----- messages ----------------------------------------------------------------------

    def message_body(self, data: Json, files: list[RecordedFile]) -> Json:
        """The fields of a message the bot sets: content, embeds, components, flags, files."""
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

    def store_message(
        self,
        channel_id: int,
        data: Json,
        files: list[RecordedFile],
        *,
        interaction: InteractionRecord | None = None,
        loading: bool = False,
    ) -> Json:
        """Store a message the bot sent to ``channel_id``; the stored dict is returned.

        Keys starting with ``_`` are the fake's bookkeeping (``_loading``: a deferred reply
        still "thinking"; ``_deleted``); ``public_message`` drops them from every answer.
        """
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
        message.update(self.message_body(data, files))
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


def public_message(message: Json) -> Json:
    """A stored message without the fake's bookkeeping keys."""
    return {k: v for k, v in message.items() if not k.startswith("_")}
