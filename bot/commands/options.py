"""What an option is: its type, its limits, and the Python types handlers receive.

A handler's keyword-only parameter declares an option; its annotation says which type. The
special value types below are `NewType`s, so a handler reads `skills: SkillList` and gets a
plain tuple of skill ids, while the declaration knows to parse and complete skills.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum
from typing import NewType

DEFAULT_TEXT_LIMIT = 500
# What the text syntax reads as an option name before a colon; an alias outside it could
# never be typed, so declarations are checked against it too.
OPTION_NAME = re.compile(r"[A-Za-z][A-Za-z_-]*")


class OptionType(StrEnum):
    TEXT = "text"
    INT = "int"
    CHOICE = "choice"
    BOOL = "bool"
    USER = "user"
    CHANNEL = "channel"
    ROLE = "role"
    TIMEZONE = "timezone"
    SKILLS = "skills"
    TIME = "time"  # HH:MM, 24 h
    TIME_RANGE = "time range"  # HH:MM-HH:MM, may cross midnight
    DATE = "date"  # YYYY-MM-DD
    DAY = "day"  # today, yesterday, a weekday of the last week, or YYYY-MM-DD
    FILE = "file"  # an uploaded file (a path on the console); see bot/commands/files.py


class ValueKind(StrEnum):
    """How a platform with typed options (Discord) carries the value to us."""

    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    USER = "user"
    CHANNEL = "channel"
    ROLE = "role"
    ATTACHMENT = "attachment"


TimeZoneName = NewType("TimeZoneName", str)  # an IANA name, e.g. "Europe/Berlin"
ChannelName = NewType("ChannelName", str)  # a platform channel id or name, without '#'
SkillList = NewType("SkillList", tuple[str, ...])  # catalogue skill ids, in the order given
TimeRange = NewType("TimeRange", tuple[time, time])  # start, end; the end may be past midnight
NO_SKILLS = SkillList(())  # the default of an optional skills option


@dataclass(frozen=True)
class DayRef:
    """A day as people name it, resolved against the member's own today by the handler:
    `back` days ago, the latest `weekday` (0 = Monday; today counts), or the date `on`."""

    back: int | None = None
    weekday: int | None = None
    on: date | None = None

    def resolve(self, today: date) -> date:
        if self.on is not None:
            return self.on
        if self.weekday is not None:
            return today - timedelta(days=(today.weekday() - self.weekday) % 7)
        return today - timedelta(days=self.back or 0)


TODAY = DayRef(back=0)  # the default of an optional day option


@dataclass(frozen=True)
class UserArg:
    """A user named in an option; the app resolves it to a member of the same tenant."""

    raw: str


@dataclass(frozen=True)
class RoleRef:
    """A platform role named in an option: its id where the platform gave one (Discord's role
    picker always does; `@Name` typed on the console does not), and its name where known."""

    id: str
    name: str = ""

    @property
    def label(self) -> str:
        """How a reply names it: `@Name`, else a role mention (which Discord shows by name)."""
        return f"@{self.name}" if self.name else f"<@&{self.id}>"


@dataclass(frozen=True)
class Option:
    name: str
    type: OptionType
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    max_length: int = DEFAULT_TEXT_LIMIT
    primary: bool = False  # this option also takes the bare words of a line
    aliases: tuple[str, ...] = ()  # other names people type for it ("mins" for minutes)
    unit: str | None = None  # what a whole number counts; see bot/commands/amounts.py

    def named(self, key: str) -> bool:
        return key == self.name or key in self.aliases
