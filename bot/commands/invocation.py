"""What a handler is given (`Invocation`), what it answers (`Reply`), and how it refuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.ports import ChannelRef, Form, Message

if TYPE_CHECKING:
    from bot.commands.declaration import Command
    from bot.storage.models import Member, Tenant


@dataclass(frozen=True)
class Reply(Message):
    """What a command answers. Private replies are seen by the invoker only."""

    private: bool = True
    form: Form | None = None  # ask the invoker to fill this form instead
    error: bool = False
    # After a button click: what the clicked message now says (its buttons updated or gone),
    # so nobody is left with buttons that ask an answered question. A typed command has no
    # clicked message; adapters then send only the reply.
    replaces_clicked: Message | None = None


@dataclass(frozen=True)
class Invocation:
    """Who runs a command, where and when; the option values arrive as the handler's arguments."""

    command: Command
    tenant: Tenant
    member: Member
    channel: ChannelRef | None
    is_admin: bool
    now: datetime


class CommandError(Exception):
    """Input that cannot run: the message says what is wrong, the usage says what would work."""

    def __init__(
        self, message: str, command: Command | None = None, *, option: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.command = command
        self.option = option  # the option the message is about, where it is about one

    def reply(self, prefix: str = "/", file_input: str | None = None) -> Reply:
        text = self.message
        if self.command is not None:
            text += f"\nUsage: {self.command.usage(prefix, file_input)}"
        else:
            text += "\nType /help to see every command."
        return Reply(text=text, private=True, error=True)


def settings_reply(inv: Invocation, current: str, *, saved: bool = False, title: str = "") -> Reply:
    """What a settings command answers: "Saved." and the values now, or, given no options, the
    (titled) current values followed by how to change them, so reading a setting teaches the
    command that changes it."""
    if saved:
        return Reply(text=f"Saved.\n{current}")
    heading = f"{title}:\n" if title else ""
    return Reply(text=f"{heading}{current}\n{inv.command.how_to_use()}")
