"""A Messenger that prints: every line says where it went (DM, channel, room)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.ports import (
    Button,
    Capabilities,
    ChannelKind,
    ChannelRef,
    Message,
    MessageRef,
    UserRef,
)

Write = Callable[[str], None]


def render(header: str, message: Message, files_dir: Path) -> tuple[list[str], tuple[Button, ...]]:
    """Lines for one message: a header, the text, details indented, buttons numbered, files saved."""
    lines = [header]
    lines += [f"  {line}" for line in message.text.splitlines() or [""]]
    if message.details:
        lines.append("  ┆ thread:")
        lines += [f"  ┆   {line}" for line in message.details.splitlines()]
    for attachment in message.files:
        files_dir.mkdir(parents=True, exist_ok=True)
        path = files_dir / attachment.filename
        path.write_bytes(attachment.data)
        lines.append(f"  [file] {attachment.filename} saved to {path}")
    for number, button in enumerate(message.buttons, start=1):
        lines.append(f"  [{number}] {button.label}  (type {number} to press)")
    return lines, message.buttons


class ConsoleMessenger:
    platform = "console"
    capabilities = Capabilities(max_message_chars=100_000)

    def __init__(self, write: Write, files_dir: Path) -> None:
        self._write = write
        self._files_dir = files_dir
        self._rooms: dict[str, tuple[str, list[str]]] = {}
        self._counter = 0
        # The buttons each user saw last, so typing a number presses one of them.
        self.buttons_for: dict[str, tuple[Button, ...]] = {}

    def _next_id(self) -> str:
        self._counter += 1
        return str(self._counter)

    def show(self, header: str, message: Message, viewers: list[str]) -> None:
        lines, buttons = render(header, message, self._files_dir)
        for line in lines:
            self._write(line)
        if buttons:
            for viewer in viewers:
                self.buttons_for[viewer] = buttons

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        if channel.kind is ChannelKind.ROOM:
            title, members = self._rooms.get(channel.id, (channel.name, []))
            self.show(f"→ room {title!r} ({', '.join(members)}):", message, members)
        else:
            self.show(f"→ #{channel.id}:", message, [])
        return MessageRef(channel, self._next_id())

    async def send_dm(self, user: UserRef, message: Message) -> MessageRef:
        self.show(f"→ DM to {user.id}:", message, [user.id])
        return MessageRef(ChannelRef(user.tenant, f"dm-{user.id}", ChannelKind.DM), self._next_id())

    async def open_room(self, tenant: str, members: list[UserRef], title: str) -> ChannelRef:
        room_id = f"room-{len(self._rooms) + 1}"
        self._rooms[room_id] = (title, [m.id for m in members])
        self._write(f"(opened room {title!r} for {', '.join(m.id for m in members)})")
        return ChannelRef(tenant, room_id, ChannelKind.ROOM, title)

    async def lookup_user(self, tenant: str, user_id: str) -> UserRef | None:
        return UserRef(tenant, user_id, user_id)
