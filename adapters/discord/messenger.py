"""The Messenger port on Discord: channel posts, DMs, private-thread rooms, user lookup.

Every discord.py and aiohttp exception is translated into the port's `MessengerError` family
here, so no Discord type ever reaches the core.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Literal, cast

import aiohttp
import discord

from adapters.discord.channels import check_channel
from adapters.discord.components import ComponentIds, build_view
from adapters.discord.layout import fit
from bot.ports import (
    Capabilities,
    ChannelCheck,
    ChannelKind,
    ChannelRef,
    ChannelUse,
    DMsClosed,
    Forbidden,
    Message,
    MessageRef,
    MessengerError,
    NotFound,
    PermanentError,
    RateLimited,
    SendLimits,
    TransientError,
    UserRef,
)
from bot.text import split

log = logging.getLogger(__name__)

MAX_CHARS = 2000
MAX_FILES = 10
DM_ROOM_PREFIX = "dm:"  # a "room" that is really one DM per member (threads not allowed)
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: a buddy round's lifetime

# Discord JSON error codes (docs: "JSON Error Codes").
CANNOT_DM_USER = 50007
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
UNKNOWN_MEMBER = 10007
UNKNOWN_USER = 10013

# tenant (guild id) -> the channel to open buddy threads in, or None when not configured.
RoomParent = Callable[[str], Awaitable[int | None]]


async def _no_room_parent(tenant: str) -> int | None:
    return None


@asynccontextmanager
async def port_errors(*, dm: bool = False) -> AsyncIterator[None]:
    """Translate Discord failures into the port's errors (``dm``: a 403 means DMs closed)."""
    try:
        yield
    except MessengerError:
        raise
    except discord.RateLimited as exc:  # longer than the client's max_ratelimit_timeout
        raise RateLimited(exc.retry_after) from None
    except discord.Forbidden as exc:
        if dm or exc.code == CANNOT_DM_USER:
            raise DMsClosed(exc.text or "cannot send messages to this user") from None
        raise Forbidden(exc.text or "missing permissions") from None
    except discord.NotFound as exc:
        raise NotFound(exc.text or "not found") from None
    except discord.DiscordServerError as exc:
        raise TransientError(f"Discord {exc.status}: {exc.text}") from None
    except discord.HTTPException as exc:
        if exc.status == 429:  # a 429 discord.py would not retry (e.g. no Via header)
            retry = exc.response.headers.get("Retry-After", "5")
            raise RateLimited(_seconds(retry)) from None
        raise PermanentError(f"Discord {exc.status} ({exc.code}): {exc.text}") from None
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise TransientError(f"{type(exc).__name__}: {exc}") from None
    except discord.DiscordException as exc:
        raise PermanentError(f"{type(exc).__name__}: {exc}") from None


def _seconds(text: str) -> float:
    try:
        return max(0.0, float(text))
    except ValueError:
        return 5.0


# A channel reference as the core writes it (`#` and the channel id; a Discord id is a
# 17-20 digit snowflake, so "blocker #12" is left alone).
_CHANNEL_REF = re.compile(r"(?<![\w<])#(\d{17,20})(?!\d)")


def message_parts(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Outgoing text as Discord messages: channel references as mentions (`<#id>`, shown as
    the channel's name, never a ping), then split on line breaks to Discord's 2000-character
    limit, hard-splitting only overlong lines.

    Discord refuses an empty message, so an empty piece is sent as a zero-width space.
    """
    text = _CHANNEL_REF.sub(r"<#\1>", text)
    return [piece or "\u200b" for piece in split(text, limit)]


def files_of(message: Message) -> list[discord.File]:
    return [
        discord.File(io.BytesIO(a.data), filename=a.filename, description=a.description or None)
        for a in message.files[:MAX_FILES]
    ]


def mention_text(message: Message) -> str:
    """The text with a leading line pinging ``mentions`` that the text does not name yet."""
    missing = [f"<@{u.id}>" for u in message.mentions if f"<@{u.id}>" not in message.text]
    return (" ".join(missing) + "\n" + message.text) if missing else message.text


def allowed_mentions(message: Message) -> discord.AllowedMentions:
    # Only the members the core meant to ping; member-written text never pings @everyone.
    users = [discord.Object(int(u.id)) for u in message.mentions if u.id.isdigit()]
    return discord.AllowedMentions(everyone=False, roles=False, users=users or False)


class DiscordMessenger:
    """`bot.ports.Messenger` over a discord.py client (REST only; works before the gateway)."""

    platform = "discord"
    capabilities = Capabilities(
        buttons=True,
        forms=True,
        files=True,
        threads=True,
        group_rooms=True,
        max_room_members=100,
        max_message_chars=MAX_CHARS,
        organizer_role=True,
        # 50 requests/s per bot, less room for the interaction replies that share it; DMs
        # open their channel first. discord.py waits out each route's bucket itself.
        send_limits=SendLimits(per_second=45, in_flight=8, dm_requests=2),
    )

    def __init__(
        self, client: discord.Client | None = None, room_parent: RoomParent = _no_room_parent
    ) -> None:
        self._bound: discord.Client | None = None
        self._rename: Callable[[str], str] = str
        self._ids: ComponentIds | None = None  # from the client: buttons are signed with it
        self._room_parent = room_parent
        self._unfinished_threads: dict[tuple[str, int, str, tuple[str, ...]], int] = {}
        if client is not None:
            self.bind(client)

    @property
    def _client(self) -> discord.Client:
        if self._bound is None:
            raise TransientError("the Discord client is not connected yet")
        return self._bound

    def bind(self, client: discord.Client) -> None:
        """Use this client (the runner builds it after the app, and rebuilds it when an
        intent is refused)."""
        self._bound = client
        self._rename = _command_names(client)
        self._ids = cast(ComponentIds | None, getattr(client, "component_ids", None))

    def set_room_parent(self, room_parent: RoomParent) -> None:
        self._room_parent = room_parent

    # --- the port ------------------------------------------------------------------------

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        if channel.id.startswith(DM_ROOM_PREFIX):
            return await self._send_to_dm_room(channel, message)
        if not channel.id.isdigit():  # e.g. a channel name typed in another adapter
            raise NotFound(f"{channel.id!r} is not a Discord channel id")
        async with port_errors():
            target = self._client.get_partial_messageable(
                int(channel.id), guild_id=_guild_id(channel.tenant)
            )
            first = await self._post(target, message, channel.tenant)
            if message.details:
                await self._post_details(target, first, message.details, channel)
        return MessageRef(channel, str(first.id))

    async def send_dm(self, user: UserRef, message: Message) -> MessageRef:
        if not user.id.isdigit():
            raise NotFound(f"{user.id!r} is not a Discord user id")
        async with port_errors(dm=True):
            dm = await self._client.create_dm(discord.Object(int(user.id)))
        async with port_errors(dm=True):
            first = await self._post(dm, message, user.tenant, with_mentions=False, user=user.id)
            if message.details:
                for chunk in message_parts(self._rename(message.details)):
                    await dm.send(chunk, allowed_mentions=discord.AllowedMentions.none())
        ref = ChannelRef(user.tenant, str(dm.id), ChannelKind.DM)
        return MessageRef(ref, str(first.id))

    async def open_room(
        self, tenant: str, members: list[UserRef], title: str, *, reuse: bool = False
    ) -> ChannelRef:
        """A private thread in the pairing channel with the members added.

        When no pairing channel is configured, or Discord refuses the thread (no permission,
        a channel type without private threads), the room is a set of DMs: sending to it DMs
        each member. With `reuse`, a thread of ours with this title that an earlier attempt
        opened (the process stopped before recording it) is taken instead of a second one.
        """
        parent_id = await self._room_parent(tenant)
        if parent_id is not None:
            try:
                found = await self._existing_thread(tenant, parent_id, title) if reuse else None
                if found is not None:
                    return await self._fill_thread(tenant, found, members, title)
                return await self._open_thread(tenant, parent_id, members, title)
            except MessengerError as exc:
                if exc.retryable:  # a 429 or an outage: the outbox tries the thread again
                    raise
                log.warning(
                    "guild %s: cannot open a private thread in channel %s (%s); "
                    "falling back to DMs",
                    tenant,
                    parent_id,
                    exc,
                )
                return self._dm_room(tenant, members, title, fallback=str(exc))
        else:
            log.info("guild %s: no pairing channel configured; buddy rooms use DMs", tenant)
        return self._dm_room(tenant, members, title)

    def _dm_room(
        self, tenant: str, members: list[UserRef], title: str, *, fallback: str = ""
    ) -> ChannelRef:
        """A room that is a set of DMs: sending to it DMs each member."""
        ids = ",".join(m.id for m in members)
        return ChannelRef(tenant, f"{DM_ROOM_PREFIX}{ids}", ChannelKind.ROOM, title, fallback)

    async def forget_user(self, tenant: str, user_id: str) -> None:
        """Nothing is kept about members here; discord.py's caches follow the gateway."""

    async def close_room(self, room: ChannelRef) -> None:
        """Archive and lock a finished buddy thread (Manage Threads, which the bot asks for);
        a room of DMs has nothing to close."""
        if room.id.startswith(DM_ROOM_PREFIX) or not room.id.isdigit():
            return
        async with port_errors():
            thread = await self._client.fetch_channel(int(room.id))
            if isinstance(thread, discord.Thread) and not (thread.archived and thread.locked):
                await thread.edit(archived=True, locked=True)

    async def check_channel(self, channel: ChannelRef, use: ChannelUse) -> ChannelCheck:
        if not (channel.tenant.isdigit() and channel.id.isdigit()):
            return ChannelCheck(
                (f"#{channel.id} is not a Discord channel; pick one from the list.",)
            )
        if self._bound is None:
            return ChannelCheck(("Discord is not connected yet; try again in a minute.",))
        return await check_channel(self._bound, int(channel.tenant), int(channel.id), use)

    async def lookup_user(self, tenant: str, user_id: str) -> UserRef | None:
        if not user_id.isdigit():
            return None
        guild = self._client.get_guild(int(tenant)) if tenant.isdigit() else None
        member = guild.get_member(int(user_id)) if guild else None
        if member is not None:
            return UserRef(tenant, user_id, member.display_name)
        try:
            async with port_errors():
                if tenant.isdigit():
                    data: Any = await self._client.http.get_member(int(tenant), int(user_id))
                    user = data["user"]
                    name = data.get("nick") or user.get("global_name") or user["username"]
                else:
                    user = await self._client.http.get_user(int(user_id))
                    name = user.get("global_name") or user["username"]
        except NotFound:
            return None
        return UserRef(tenant, user_id, str(name))

    # --- helpers -------------------------------------------------------------------------

    async def _post(
        self,
        target: discord.abc.Messageable,
        message: Message,
        tenant: str,
        *,
        with_mentions: bool = True,
        user: str | None = None,
    ) -> discord.Message:
        """Post text in 2000-character parts; buttons and files go with the last part.

        `user`: the member a DM is for; its buttons are issued to them alone.
        """
        text = mention_text(message) if with_mentions else message.text
        chunks = message_parts(self._rename(text))
        mentions = allowed_mentions(message) if with_mentions else discord.AllowedMentions.none()
        first: discord.Message | None = None
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            kwargs: dict[str, Any] = {"allowed_mentions": mentions}
            if last:
                view = self._view(message, tenant, user)
                if view is not None:
                    kwargs["view"] = view
                if message.files:
                    kwargs["files"] = files_of(message)
            sent = await target.send(chunk, **kwargs)
            first = first or sent
        assert first is not None
        return first

    def _view(self, message: Message, tenant: str, user: str | None) -> discord.ui.View | None:
        if not message.buttons:
            return None
        if self._ids is None:
            raise TransientError("the Discord client is not connected yet")
        return build_view(message.buttons, tenant, self._ids, user=user)

    async def _post_details(
        self,
        target: discord.PartialMessageable,
        first: discord.Message,
        details: str,
        channel: ChannelRef,
    ) -> None:
        """Details go in a thread under the message; inside threads, as a reply below it."""
        destination: discord.abc.Messageable = target
        if channel.kind is ChannelKind.CHANNEL:
            name = fit(first.content.splitlines()[0] if first.content else "Details", 100)
            try:
                data = await self._client.http.start_thread_with_message(
                    target.id, first.id, name=name, auto_archive_duration=1440
                )
                destination = self._client.get_partial_messageable(
                    int(data["id"]), guild_id=_guild_id(channel.tenant)
                )
            except discord.Forbidden:
                log.info("no permission to open a details thread in %s", channel.id)
        for chunk in message_parts(self._rename(details)):
            await destination.send(chunk, allowed_mentions=discord.AllowedMentions.none())

    async def _existing_thread(self, tenant: str, parent_id: int, title: str) -> int | None:
        """An active thread this bot opened under the parent with this name, asked of Discord
        (the gateway's cache may not have it yet after a restart)."""
        me = self._client.user
        if not tenant.isdigit() or me is None:
            return None
        name = fit(title, 100)
        async with port_errors():
            data: Any = await self._client.http.get_active_threads(int(tenant))
        for thread in data.get("threads", []):
            if (
                str(thread.get("parent_id")) == str(parent_id)
                and thread.get("name") == name
                and str(thread.get("owner_id")) == str(me.id)
            ):
                return int(thread["id"])
        return None

    async def _open_thread(
        self, tenant: str, parent_id: int, members: list[UserRef], title: str
    ) -> ChannelRef:
        key = (tenant, parent_id, title, tuple(m.id for m in members))
        thread_id = self._unfinished_threads.get(key)
        if thread_id is None:
            async with port_errors():
                data = await self._client.http.start_thread_without_message(
                    parent_id,
                    name=fit(title, 100),
                    auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                    type=discord.ChannelType.private_thread.value,
                    invitable=False,
                )
            thread_id = int(data["id"])
        # Until every member is in, a retry (after a 429 here) reuses this thread rather
        # than opening a second one; adding a member twice is harmless.
        self._unfinished_threads[key] = thread_id
        try:
            room = await self._fill_thread(tenant, thread_id, members, title)
        except MessengerError as exc:
            if not exc.retryable:  # the thread is gone (see _fill_thread): no retry takes it
                del self._unfinished_threads[key]
            raise
        del self._unfinished_threads[key]
        return room

    async def _fill_thread(
        self, tenant: str, thread_id: int, members: list[UserRef], title: str
    ) -> ChannelRef:
        """Add the members; when Discord refuses an add for good, the thread is deleted
        before the room falls back to DMs, so no empty private thread is left behind."""
        for member in members:
            try:
                async with port_errors():
                    await self._client.http.add_user_to_thread(thread_id, int(member.id))
            except NotFound:
                log.info("guild %s: %s left before joining thread %s", tenant, member.id, thread_id)
            except MessengerError as exc:
                if not exc.retryable:
                    await self._delete_thread(tenant, thread_id)
                raise
        return ChannelRef(tenant, str(thread_id), ChannelKind.ROOM, title)

    async def _delete_thread(self, tenant: str, thread_id: int) -> None:
        try:
            async with port_errors():
                await self._client.http.delete_channel(
                    thread_id, reason="buddy room fell back to DMs"
                )
        except MessengerError as exc:
            # Deleting needs Manage Threads, whose absence is the usual cause of the refused
            # add; the doctor and the channel check name it.
            log.warning("guild %s: cannot delete unused thread %s (%s)", tenant, thread_id, exc)

    async def _send_to_dm_room(self, channel: ChannelRef, message: Message) -> MessageRef:
        """The DM fallback for rooms: one DM per member; fails only if every DM failed."""
        ids = [i for i in channel.id[len(DM_ROOM_PREFIX) :].split(",") if i.isdigit()]
        results = await asyncio.gather(
            *(self.send_dm(UserRef(channel.tenant, i), message) for i in ids),
            return_exceptions=True,
        )
        sent = [r for r in results if isinstance(r, MessageRef)]
        errors = [r for r in results if isinstance(r, BaseException)]
        for error in errors:
            if not isinstance(error, MessengerError):
                raise error
        if sent:
            for error in errors:
                log.info("room %s: one member's DM failed: %s", channel.id, error)
            return MessageRef(channel, sent[0].id)
        raise errors[0] if errors else NotFound("room has no members")


def _command_names(client: discord.Client | None) -> Callable[[str], str]:
    """The client's text-to-Discord command renamer (`StudyBot.command_names`), if any."""
    rename = getattr(client, "command_names", None)
    return rename if callable(rename) else str


def _guild_id(tenant: str) -> int | None:
    return int(tenant) if tenant.isdigit() else None
