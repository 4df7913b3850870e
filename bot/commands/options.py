"""What an option is: its type, its limits, and the Python types handlers receive.

A handler's keyword-only parameter declares an option; its annotation says which type. The
special value types below are `NewType`s, so a handler reads `skills: SkillList` and gets a
plain tuple of skill ids, while the declaration knows to parse and complete skills.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from typing import NewType

DEFAULT_TEXT_LIMIT = 500


class OptionType(StrEnum):
    TEXT = "text"
    INT = "int"
    CHOICE = "choice"
    BOOL = "bool"
    USER = "user"
    CHANNEL = "channel"
    TIMEZONE = "timezone"
    SKILLS = "skills"
    TIME = "time"  # HH:MM, 24 h
    TIME_RANGE = "time range"  # HH:MM-HH:MM, may cross midnight
    DATE = "date"  # YYYY-MM-DD


class ValueKind(StrEnum):
    """How a platform with typed options (Discord) carries the value to us."""

    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    USER = "user"
    CHANNEL = "channel"


TimeZoneName = NewType("TimeZoneName", str)  # an IANA name, e.g. "Europe/Berlin"
ChannelName = NewType("ChannelName", str)  # a platform channel id or name, without '#'
SkillList = NewType("SkillList", tuple[str, ...])  # catalogue skill ids, in the order given
TimeRange = NewType("TimeRange", tuple[time, time])  # start, end; the end may be past midnight
NO_SKILLS = SkillList(())  # the default of an optional skills option


@dataclass(frozen=True)
class UserArg:
    """A user named in an option; the app resolves it to a member of the same tenant."""

    raw: str


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

    def named(self, key: str) -> bool:
        return key == self.name or key in self.aliases
