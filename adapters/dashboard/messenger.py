"""The dashboard process's messenger: it talks to no platform.

The dashboard shares the bot's database and cogs (settings, repositories) but runs no sender:
whatever it queues, the bot process delivers. So nothing here ever reaches a platform.
"""

from __future__ import annotations

from bot.ports import (
    Capabilities,
    ChannelCheck,
    ChannelRef,
    ChannelUse,
    Message,
    MessageRef,
    PermanentError,
    UserRef,
)

_NO_PLATFORM = "the dashboard process sends nothing; the bot process delivers the outbox"


class NoMessenger:
    platform = "dashboard"
    capabilities = Capabilities()

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        raise PermanentError(_NO_PLATFORM)

    async def send_dm(self, user: UserRef, message: Message) -> MessageRef:
        raise PermanentError(_NO_PLATFORM)

    async def open_room(
        self, tenant: str, members: list[UserRef], title: str, *, reuse: bool = False
    ) -> ChannelRef:
        raise PermanentError(_NO_PLATFORM)

    async def lookup_user(self, tenant: str, user_id: str) -> UserRef | None:
        return None

    async def forget_user(self, tenant: str, user_id: str) -> None:
        return None

    async def close_room(self, room: ChannelRef) -> None:
        return None

    async def check_channel(self, channel: ChannelRef, use: ChannelUse) -> ChannelCheck:
        return ChannelCheck(problems=(_NO_PLATFORM,))
