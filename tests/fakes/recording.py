"""A Messenger that records what the core sends, and fails on demand (for cogs and delivery)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.ports import (
    Capabilities,
    ChannelCheck,
    ChannelKind,
    ChannelRef,
    ChannelUse,
    Message,
    MessageRef,
    MessengerError,
    UserRef,
)


@dataclass
class Sent:
    kind: str  # channel | dm | room
    target: str  # channel id, user id or room id
    message: Message


@dataclass
class RecordingMessenger:
    platform: str = "test"
    capabilities: Capabilities = field(default_factory=Capabilities)
    sent: list[Sent] = field(default_factory=list)
    rooms: dict[str, list[str]] = field(default_factory=dict)
    # Errors to raise, in order, on the next sends (any kind).
    failures: list[MessengerError] = field(default_factory=list)
    closed_dms: set[str] = field(default_factory=set)
    titles: dict[str, str] = field(default_factory=dict)  # room id -> title
    forgotten: list[tuple[str, str]] = field(default_factory=list)  # (tenant, user) erased
    # What check_channel answers, by channel id (fine when absent); the checks asked, in order.
    channel_checks: dict[str, ChannelCheck] = field(default_factory=dict)
    checked: list[tuple[str, ChannelUse]] = field(default_factory=list)
    closed_rooms: list[str] = field(default_factory=list)  # room ids, in order

    def _maybe_fail(self) -> None:
        if self.failures:
            raise self.failures.pop(0)

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        self._maybe_fail()
        kind = "room" if channel.kind is ChannelKind.ROOM else "channel"
        self.sent.append(Sent(kind, channel.id, message))
        return MessageRef(channel, str(len(self.sent)))

    async def send_dm(self, user: UserRef, message: Message) -> MessageRef:
        from bot.ports import DMsClosed

        self._maybe_fail()
        if user.id in self.closed_dms:
            raise DMsClosed(f"{user.id} does not accept DMs")
        self.sent.append(Sent("dm", user.id, message))
        return MessageRef(
            ChannelRef(user.tenant, f"dm-{user.id}", ChannelKind.DM), str(len(self.sent))
        )

    async def open_room(
        self, tenant: str, members: list[UserRef], title: str, *, reuse: bool = False
    ) -> ChannelRef:
        if reuse:
            for room_id, known in self.titles.items():
                if known == title:
                    return ChannelRef(tenant, room_id, ChannelKind.ROOM, title)
        room_id = f"room-{len(self.rooms) + 1}"
        self.rooms[room_id] = [m.id for m in members]
        self.titles[room_id] = title
        return ChannelRef(tenant, room_id, ChannelKind.ROOM, title)

    async def lookup_user(self, tenant: str, user_id: str) -> UserRef | None:
        return UserRef(tenant, user_id, user_id)

    async def forget_user(self, tenant: str, user_id: str) -> None:
        self.forgotten.append((tenant, user_id))

    async def close_room(self, room: ChannelRef) -> None:
        self._maybe_fail()
        self.closed_rooms.append(room.id)

    async def check_channel(self, channel: ChannelRef, use: ChannelUse) -> ChannelCheck:
        self.checked.append((channel.id, use))
        return self.channel_checks.get(channel.id, ChannelCheck())

    def to(self, kind: str, target: str) -> list[Message]:
        return [s.message for s in self.sent if s.kind == kind and s.target == target]

    def texts(self) -> list[str]:
        return [s.message.text for s in self.sent]
