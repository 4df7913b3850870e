"""The Messenger port on the Slack Web API: channel posts, DMs, group DMs, user lookup.

One bot token serves one workspace, so every call first checks that the tenant it is asked
about is that workspace: a message for another tenant is refused before any request is made.
Slack errors become the port's error types; rate limits are *not* retried here but raised as
`RateLimited(retry_after)` so the outbox sender (the delivery backbone) reschedules the item;
only the later parts of a message split over Block Kit's limits wait a short 429 out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.channels import check_channel
from adapters.slack.render import MessagePart, Renderer
from adapters.slack.retry import ShortRateLimitRetry, retrying_client
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
from bot.storage.dm_channels import DmChannelRepo

log = logging.getLogger(__name__)

MAX_GROUP_DM = 8  # conversations.open takes 1-8 users besides the bot

_NOT_FOUND = {
    "channel_not_found",
    "user_not_found",
    "users_not_found",
    "message_not_found",
    "thread_not_found",
    "user_disabled",
    "no_such_subteam",
}
_FORBIDDEN = {
    "not_in_channel",
    "is_archived",
    "channel_is_archived",
    "restricted_action",
    "restricted_action_read_only_channel",
    "restricted_action_thread_only_channel",
    "restricted_action_non_threadable_channel",
    "missing_scope",
    "no_permission",
    "ekm_access_denied",
    "team_access_not_granted",
    "not_allowed_token_type",
}
_DMS_CLOSED = {"cannot_dm_bot", "messages_tab_disabled", "user_not_visible"}
_TRANSIENT = {
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "ratelimited",  # only without an HTTP 429 (then Retry-After is unknown)
}


def map_error(exc: Exception) -> MessengerError:
    """Slack API / transport failures as the port's error types."""
    if isinstance(exc, MessengerError):
        return exc
    if isinstance(exc, SlackApiError):
        response = exc.response
        status = getattr(response, "status_code", 200)
        error = str(response.get("error", "")) if response is not None else ""
        if status == 429:
            headers = getattr(response, "headers", None) or {}
            return RateLimited(_retry_after(headers), f"slack: {error or 'ratelimited'}")
        if status >= 500 or error in _TRANSIENT:
            return TransientError(f"slack: {error or status}")
        if error in _DMS_CLOSED:
            return DMsClosed(f"slack: {error}")
        if error in _NOT_FOUND:
            return NotFound(f"slack: {error}")
        if error in _FORBIDDEN:
            return Forbidden(f"slack: {error}")
        return PermanentError(f"slack: {error or status}")
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError):
        return TransientError(f"slack unreachable: {type(exc).__name__}: {exc}")
    if isinstance(exc, SlackClientError):
        return PermanentError(f"slack client: {exc}")
    return PermanentError(f"{type(exc).__name__}: {exc}")


def _retry_after(headers: Any) -> float:
    value = None
    for key in ("Retry-After", "retry-after"):
        raw = headers.get(key) if hasattr(headers, "get") else None
        if isinstance(raw, list | tuple):
            raw = raw[0] if raw else None
        if raw is not None:
            value = raw
            break
    try:
        return max(float(value), 0.0) if value is not None else 1.0
    except (TypeError, ValueError):
        return 1.0


@dataclass(frozen=True)
class Installation:
    """The one workspace this bot token belongs to (from `auth.test`)."""

    team_id: str
    team_name: str
    bot_user_id: str
    bot_id: str = ""


class SlackMessenger:
    platform = "slack"
    capabilities = Capabilities(
        buttons=True,
        forms=True,
        files=True,
        threads=True,
        group_rooms=True,
        max_room_members=MAX_GROUP_DM,
        max_message_chars=3000,
        profile_name="Slack profile",
        community_channel=True,
        # chat.postMessage: about one message per second per channel, and a workspace-wide
        # burst limit that Slack does not publish (its 429s carry Retry-After).
        send_limits=SendLimits(per_second=10, per_target_seconds=1.0, in_flight=4),
    )

    def __init__(
        self, client: AsyncWebClient, installation: Installation, renderer: Renderer
    ) -> None:
        self._client = client
        # The rest of a message split over Block Kit's limits waits out a short 429: raising
        # would make the outbox send the whole message again, the parts already posted too.
        self._continuations = retrying_client(client, ShortRateLimitRetry(max_retry_count=3))
        self._installation = installation
        self._renderer = renderer
        self._dm_channels: dict[str, str] = {}  # user id -> D... id, reused as Slack advises
        self._dm_store: DmChannelRepo | None = None
        self._forget_hooks: list[Callable[[str], None]] = []

    def store_dm_channels(self, store: DmChannelRepo) -> None:
        """Keep DM ids in the database too (it opens after the messenger is built), so a
        restart does not cost one conversations.open (Tier 3) per member."""
        self._dm_store = store

    def on_forget_user(self, hook: Callable[[str], None]) -> None:
        """Also drop what another part of the adapter keeps about a user (their cached zone)."""
        self._forget_hooks.append(hook)

    @property
    def installation(self) -> Installation:
        return self._installation

    def _check_tenant(self, tenant: str) -> None:
        if tenant != self._installation.team_id:
            raise Forbidden(
                f"workspace {tenant} is not the one this bot token serves"
                f" ({self._installation.team_id})"
            )

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        self._check_tenant(channel.tenant)
        try:
            first, *rest = self._renderer.message_parts(message)
            ts, posted_in = await self._post(self._client, channel.id, first)
            for part in rest:  # over Block Kit's limits: the rest follows, in order
                await self._post(self._continuations, posted_in, part)
            if message.details:
                await self._client.chat_postMessage(
                    channel=posted_in,
                    thread_ts=ts,
                    text=self._renderer.text(message.details),
                    unfurl_links=False,
                )
            if message.files:
                await self.upload(posted_in, message)
        except Exception as exc:
            raise map_error(exc) from exc
        return MessageRef(channel, ts)

    async def _post(
        self, client: AsyncWebClient, channel_id: str, part: MessagePart
    ) -> tuple[str, str]:
        """Post one message; (its ts, the channel id Slack posted it in)."""
        response = await client.chat_postMessage(
            channel=channel_id,
            text=part.text,
            blocks=part.blocks,
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"]), str(response.get("channel") or channel_id)

    async def upload(self, channel_id: str, message: Message) -> None:
        """Share the message's files in a channel with the current upload API (v2)."""
        await self._client.files_upload_v2(
            channel=channel_id,
            file_uploads=[
                {
                    "content": a.data,
                    "filename": a.filename,
                    "title": a.description or a.filename,
                    **({"alt_txt": a.description[:1000]} if a.description else {}),
                }
                for a in message.files
            ],
        )

    async def dm_channel(self, user: UserRef) -> str:
        """The DM conversation with a member, opened once and remembered."""
        return (await self._dm_channel(user))[0]

    async def _dm_channel(self, user: UserRef, *, reopen: bool = False) -> tuple[str, bool]:
        """(channel id, whether it was remembered rather than opened just now)."""
        self._check_tenant(user.tenant)
        known = None if reopen else self._dm_channels.get(user.id)
        if known is None and not reopen and self._dm_store is not None:
            known = await self._dm_store.get(self.platform, user.tenant, user.id)
        if known is not None:
            self._dm_channels[user.id] = known
            return known, True
        try:
            response = await self._client.conversations_open(users=[user.id])
        except Exception as exc:
            raise map_error(exc) from exc
        channel_id = str(response["channel"]["id"])
        self._dm_channels[user.id] = channel_id
        if self._dm_store is not None:
            await self._dm_store.put(self.platform, user.tenant, user.id, channel_id)
        return channel_id, False

    async def send_dm(self, user: UserRef, message: Message) -> MessageRef:
        channel_id, remembered = await self._dm_channel(user)
        try:
            return await self.send(ChannelRef(user.tenant, channel_id, ChannelKind.DM), message)
        except NotFound:
            if not remembered:
                raise
            # A remembered id gone stale (channel_not_found): open the DM again, once.
            channel_id, _ = await self._dm_channel(user, reopen=True)
            return await self.send(ChannelRef(user.tenant, channel_id, ChannelKind.DM), message)

    async def open_room(
        self, tenant: str, members: list[UserRef], title: str, *, reuse: bool = False
    ) -> ChannelRef:
        """A group DM (MPIM) with these members; Slack returns the same one for the same set,
        so a retry (`reuse`) needs nothing more."""
        self._check_tenant(tenant)
        ids = list(dict.fromkeys(m.id for m in members if m.id != self._installation.bot_user_id))
        if not ids:
            raise PermanentError("a group DM needs at least one member")
        if len(ids) > MAX_GROUP_DM:
            raise PermanentError(f"a Slack group DM holds at most {MAX_GROUP_DM} members")
        for m in members:
            self._check_tenant(m.tenant)
        try:
            response = await self._client.conversations_open(users=ids)
        except Exception as exc:
            raise map_error(exc) from exc
        return ChannelRef(tenant, str(response["channel"]["id"]), ChannelKind.ROOM, title)

    async def forget_user(self, tenant: str, user_id: str) -> None:
        self._dm_channels.pop(user_id, None)
        for hook in self._forget_hooks:
            hook(user_id)

    async def close_room(self, room: ChannelRef) -> None:
        """Nothing to close: a buddy group's group DM stays, as Slack keeps every DM."""

    async def check_channel(self, channel: ChannelRef, use: ChannelUse) -> ChannelCheck:
        if channel.tenant != self.installation.team_id:
            return ChannelCheck(("That channel is in another Slack workspace.",))
        return await check_channel(self._client, channel.id, use)

    async def lookup_user(self, tenant: str, user_id: str) -> UserRef | None:
        self._check_tenant(tenant)
        try:
            response = await self._client.users_info(user=user_id)
        except SlackApiError as exc:
            mapped = map_error(exc)
            if isinstance(mapped, NotFound):
                return None
            raise mapped from exc
        except Exception as exc:
            raise map_error(exc) from exc
        user = response["user"]
        if user.get("deleted") or user.get("team_id", tenant) != tenant:
            return None
        return UserRef(tenant, str(user["id"]), display_name(user))


def display_name(user: dict[str, Any]) -> str:
    profile = user.get("profile") or {}
    return str(
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or user.get("id", "")
    )
