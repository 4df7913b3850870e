"""The Messenger port: what the core needs from a chat platform, and nothing platform-specific.

Adapters implement `Messenger`; cogs and the outbox sender only ever see these types. Platform
differences are expressed as `Capabilities`, never as `if platform == ...` in the core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class ChannelKind(StrEnum):
    CHANNEL = "channel"  # a public/community channel
    DM = "dm"  # a direct message with one member
    ROOM = "room"  # a private group space: a Discord private thread, a Slack group DM


@dataclass(frozen=True)
class UserRef:
    """A platform user inside one tenant (guild / workspace)."""

    tenant: str  # the platform's tenant id (guild id, team id, "local")
    id: str  # the platform's user id
    display_name: str = ""


@dataclass(frozen=True)
class ChannelRef:
    tenant: str
    id: str
    kind: ChannelKind = ChannelKind.CHANNEL
    name: str = ""
    # A room opened as a fallback (DMs instead of the private thread the platform refused):
    # why, in the platform's words, so the organizers can be told and fix it.
    fallback: str = ""


class ChannelUse(StrEnum):
    """What a configured channel is for, which decides what the bot needs there."""

    POSTS = "posts"  # the bot posts messages with charts (the weekly digest)
    ROOMS = "rooms"  # the bot opens private threads for buddy groups


@dataclass(frozen=True)
class ChannelCheck:
    """What the platform says about a channel an organizer chose for `use`.

    `problems` are sentences an organizer can act on, each naming what is missing and where to
    fix it; `done` says what the bot did itself (joined a public channel it may join).
    """

    problems: tuple[str, ...] = ()
    done: str = ""
    name: str = ""  # what the platform calls the channel, when it could say

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class MessageRef:
    channel: ChannelRef
    id: str


@dataclass(frozen=True)
class SendLimits:
    """How fast a platform takes messages from one bot (all its processes together).

    `per_second` 0: no limit (the console). A message costs one request, a DM `dm_requests`. `per_target_seconds`: the least time between two
    messages to one channel or DM, where the platform limits that and its client does not
    already wait for it. `in_flight`: messages sent at once, so a request's round trip does not
    cap the rate at one message per round trip.
    """

    per_second: float = 0.0  # requests per second
    per_target_seconds: float = 0.0
    in_flight: int = 1
    dm_requests: int = 1  # requests a DM costs (Discord: opening the DM channel, then the post)


@dataclass(frozen=True)
class Capabilities:
    buttons: bool = True
    forms: bool = True
    files: bool = True
    threads: bool = True  # a message can carry details in a thread under it
    group_rooms: bool = True  # can open a private space for a buddy group
    max_room_members: int = 8
    max_message_chars: int = 2000
    # The community can be one channel's members instead of everyone on the server/workspace
    # (Slack: a workspace holds far more than a study group; a Discord server usually is one).
    community_channel: bool = False
    # Organizers can be the holders of one platform role, set by `/admin organizers` (Discord;
    # Slack names its admin user group in SLACK_ADMIN_USERGROUP instead).
    organizer_role: bool = False
    # What members call their profile on the platform, for saying where a default zone came
    # from ("from your Slack profile"); only a platform that reports zones needs a real name.
    profile_name: str = "platform profile"
    # How members give a file option, as usage lines show it, where it is not by attaching
    # the file (None: the file converter's own "attach a file"); the console reads a path.
    file_input: str | None = None
    send_limits: SendLimits = SendLimits()


@dataclass(frozen=True)
class Button:
    """A button that runs a command line as the member who clicks it ("buddy met answer:yes")."""

    label: str
    command: str
    style: str = "secondary"  # primary | secondary | danger


@dataclass(frozen=True)
class FormField:
    name: str  # the command option it fills
    label: str
    required: bool = False
    multiline: bool = False
    max_length: int | None = None
    placeholder: str = ""


@dataclass(frozen=True)
class Form:
    """A few labelled fields submitted as one command (Discord/Slack modal, console prompts).

    `command` is the command line the fields are added to when submitted: a name ("checkin")
    or a name with fixed options ("checkin edit day:2026-03-02"). Running that line without
    the fields shows the form again, so a button can reopen it. `values` fill fields in.
    """

    title: str
    command: str
    fields: tuple[FormField, ...]
    values: tuple[tuple[str, str], ...] = ()

    def value(self, field: str) -> str:
        return dict(self.values).get(field, "")


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    description: str = ""


@dataclass(frozen=True)
class Message:
    """Anything the bot posts: text, optional buttons and files, optional details for a thread."""

    text: str
    buttons: tuple[Button, ...] = ()
    files: tuple[Attachment, ...] = ()
    details: str | None = None  # posted in a thread under the message (console: indented)
    mentions: tuple[UserRef, ...] = field(default=())


class Messenger(Protocol):
    """Outgoing side of a platform. Every method raises only `MessengerError` subclasses."""

    platform: str
    capabilities: Capabilities

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef: ...

    async def send_dm(self, user: UserRef, message: Message) -> MessageRef: ...

    async def open_room(
        self, tenant: str, members: list[UserRef], title: str, *, reuse: bool = False
    ) -> ChannelRef:
        """Open a private space for these members: thread, group DM, console room.

        `reuse`: an earlier attempt to open this room may have succeeded before the process
        stopped; return the room it opened (found by `title`) if there is one.
        """
        ...

    async def lookup_user(self, tenant: str, user_id: str) -> UserRef | None: ...

    async def forget_user(self, tenant: str, user_id: str) -> None:
        """The member's data was erased: drop whatever the adapter keeps about them (cached
        DM channels, saved files)."""
        ...

    async def close_room(self, room: ChannelRef) -> None:
        """The group's round is over: archive its room where the platform can (a Discord
        thread is archived and locked); elsewhere nothing happens."""
        ...

    async def check_channel(self, channel: ChannelRef, use: ChannelUse) -> ChannelCheck:
        """Whether the bot can do `use` in this channel: its type and the bot's own access.

        Never raises: a platform that cannot be asked right now answers with that problem.
        """
        ...


class MessengerError(Exception):
    """Base of every error a Messenger may raise."""

    retryable: bool = False


class RateLimited(MessengerError):
    retryable = True

    def __init__(self, retry_after: float, message: str = "rate limited") -> None:
        super().__init__(f"{message} (retry after {retry_after:.1f}s)")
        self.retry_after = retry_after


class TransientError(MessengerError):
    """5xx, timeouts, connection resets: worth another try."""

    retryable = True


class DMsClosed(MessengerError):
    """The member does not accept direct messages from the bot."""


class NotFound(MessengerError):
    """The user, channel or message no longer exists."""


class Forbidden(MessengerError):
    """The bot lacks a permission (e.g. to create threads in the pairing channel)."""


class PermanentError(MessengerError):
    """Anything else the platform rejected; retrying will not help."""
