"""A Messenger that prints: every line says where it went (DM, channel, room).

Attached files are saved under a folder per member (`shared` for channel posts), owner-only,
and removed after `FILES_KEPT` or when the member's data is erased.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from bot.clock import SystemClock
from bot.ports import (
    Button,
    Capabilities,
    ChannelCheck,
    ChannelKind,
    ChannelRef,
    ChannelUse,
    Message,
    MessageRef,
    UserRef,
)
from bot.private_files import private_dir, write_private
from bot.text import unescape

Write = Callable[[str], None]
FILES_KEPT = timedelta(days=7)
SHARED = "shared"


def _folder_name(user_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", user_id)[:64] or "_"


def render(header: str, message: Message, files_dir: Path) -> tuple[list[str], tuple[Button, ...]]:
    """Lines for one message: a header, the text, details indented, buttons numbered, files saved."""
    lines = [header]
    lines += [f"  {line}" for line in unescape(message.text).splitlines() or [""]]
    if message.details:
        lines.append("  ┆ thread:")
        lines += [f"  ┆   {line}" for line in unescape(message.details).splitlines()]
    for attachment in message.files:
        path = write_private(files_dir / Path(attachment.filename).name, attachment.data)
        lines.append(f"  [file] {attachment.filename} saved to {path}")
    for number, button in enumerate(message.buttons, start=1):
        lines.append(f"  [{number}] {button.label}  (type {number} to press)")
    return lines, message.buttons


class ConsoleMessenger:
    platform = "console"
    capabilities = Capabilities(max_message_chars=100_000, file_input="PATH")

    def __init__(self, write: Write, files_dir: Path) -> None:
        self._write = write
        self._files_dir = files_dir
        self.remove_old_files(SystemClock().now())
        self._rooms: dict[str, tuple[str, list[str]]] = {}
        self._counter = 0
        # The buttons each user saw last, so typing a number presses one of them.
        self.buttons_for: dict[str, tuple[Button, ...]] = {}

    def _next_id(self) -> str:
        self._counter += 1
        return str(self._counter)

    def remove_old_files(self, now: datetime) -> int:
        """Files saved more than FILES_KEPT before `now` (real time, as file times are): the
        member has had them; a copy left on disk only waits to leak."""
        if not self._files_dir.is_dir():
            return 0
        cutoff = (now - FILES_KEPT).timestamp()
        removed = 0
        for path in self._files_dir.rglob("*"):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        return removed

    def _folder(self, viewers: list[str]) -> Path:
        owner = _folder_name(viewers[0]) if len(viewers) == 1 else SHARED
        return private_dir(self._files_dir / owner)

    def show(self, header: str, message: Message, viewers: list[str]) -> None:
        folder = self._folder(viewers) if message.files else self._files_dir
        lines, buttons = render(header, message, folder)
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

    async def open_room(
        self, tenant: str, members: list[UserRef], title: str, *, reuse: bool = False
    ) -> ChannelRef:
        if reuse:
            for room_id, (known, _) in self._rooms.items():
                if known == title:
                    return ChannelRef(tenant, room_id, ChannelKind.ROOM, title)
        room_id = f"room-{len(self._rooms) + 1}"
        self._rooms[room_id] = (title, [m.id for m in members])
        self._write(f"(opened room {title!r} for {', '.join(m.id for m in members)})")
        return ChannelRef(tenant, room_id, ChannelKind.ROOM, title)

    async def lookup_user(self, tenant: str, user_id: str) -> UserRef | None:
        return UserRef(tenant, user_id, user_id)

    async def forget_user(self, tenant: str, user_id: str) -> None:
        shutil.rmtree(self._files_dir / _folder_name(user_id), ignore_errors=True)
        self.buttons_for.pop(user_id, None)

    async def close_room(self, room: ChannelRef) -> None:
        title, _ = self._rooms.get(room.id, (room.name, []))
        self._write(f"(closed room {title!r}: its round is over)")

    async def check_channel(self, channel: ChannelRef, use: ChannelUse) -> ChannelCheck:
        return ChannelCheck()  # every console channel exists and the bot may do anything there
