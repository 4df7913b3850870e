"""Command declarations, the shared text parser and validator, Invocation and Reply.

Every adapter funnels input through `parse_line` (typed text: console, Slack) or straight into
`validate` (Discord options, form submissions), so bad input gets the same specific message and
usage line everywhere, and a handler only ever sees well-typed arguments.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

from bot.ports import ChannelRef, Form, Message
from bot.skills import SkillCatalogue

if TYPE_CHECKING:
    from bot.storage.models import Member, Tenant

MAX_LINE = 4000  # longer input is refused before tokenising
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


_PLACEHOLDER = {
    OptionType.TEXT: "text",
    OptionType.INT: "number",
    OptionType.BOOL: "yes|no",
    OptionType.USER: "@user",
    OptionType.CHANNEL: "#channel",
    OptionType.TIMEZONE: "Area/City",
    OptionType.SKILLS: "skill,skill",
    OptionType.TIME: "HH:MM",
    OptionType.TIME_RANGE: "HH:MM-HH:MM",
    OptionType.DATE: "YYYY-MM-DD",
}


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
    primary: bool = False  # this text option also takes the bare words of a line

    def placeholder(self) -> str:
        if self.type is OptionType.CHOICE:
            return "|".join(self.choices)
        if (
            self.type is OptionType.INT
            and self.min_value is not None
            and self.max_value is not None
        ):
            return f"{self.min_value}-{self.max_value}"
        return _PLACEHOLDER[self.type]


@dataclass(frozen=True)
class UserArg:
    """A user named in an option; the app resolves it to a member of the same tenant."""

    raw: str


@dataclass(frozen=True)
class Reply(Message):
    """What a command answers. Private replies are seen by the invoker only."""

    private: bool = True
    form: Form | None = None  # ask the invoker to fill this form instead
    error: bool = False


Handler = Callable[["Invocation"], Awaitable[Reply]]


@dataclass(frozen=True)
class Command:
    name: str  # full name, words separated by spaces: "buddy join"
    description: str
    handler: Handler = field(compare=False)
    options: tuple[Option, ...] = ()
    admin: bool = False
    examples: tuple[str, ...] = ()
    form: Form | None = None  # offered when the command is invoked with no options at all
    slow: bool = False  # may take more than ~1 s: adapters acknowledge first

    def __post_init__(self) -> None:
        if sum(o.primary for o in self.options) > 1:
            raise ValueError(f"{self.name}: at most one primary option")
        names = [o.name for o in self.options]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: duplicate option names")

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.name.split())

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)

    @property
    def primary(self) -> Option | None:
        return next((o for o in self.options if o.primary), None)

    def usage(self, prefix: str = "/") -> str:
        parts = [f"{prefix}{self.name}"]
        for o in self.options:
            value = f"<{o.placeholder()}>"
            token = f"[{o.name}:]{value}" if o.primary else f"{o.name}:{value}"
            parts.append(token if o.required else f"[{token}]")
        return " ".join(parts)


@dataclass(frozen=True)
class Invocation:
    command: Command
    args: Mapping[str, Any]
    tenant: Tenant
    member: Member
    channel: ChannelRef | None
    is_admin: bool
    now: datetime


class CommandError(Exception):
    """Input that cannot run: the message says what is wrong, the usage says what would work."""

    def __init__(self, message: str, command: Command | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.command = command

    def reply(self, prefix: str = "/") -> Reply:
        text = self.message
        if self.command is not None:
            text += f"\nUsage: {self.command.usage(prefix)}"
        else:
            text += "\nType /help to see every command."
        return Reply(text=text, private=True, error=True)


# --- tokenising -------------------------------------------------------------------------------

_QUOTES = {"\u201c": '"', "\u201d": '"', "\u201e": '"'}  # phones type curly quotes
# A token: quoted runs (an unclosed one runs to the end) and unquoted non-space runs, touching.
_TOKEN = re.compile(r'(?:"[^"]*(?:"|$)|[^\s"]+)+')
_OPTION_TOKEN = re.compile(r"^([A-Za-z][A-Za-z_-]*):(.*)$", re.DOTALL)


def clean_text(text: str) -> str:
    """Drop control characters (keeping newlines and tabs) and normalise the unicode form."""
    text = unicodedata.normalize("NFC", text)
    if text.isprintable():  # no control characters at all: the common case, checked in C
        return text
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def tokenize(line: str) -> list[str]:
    """Split on whitespace; double quotes group words (`did:"two words"`), quotes are dropped.

    Single quotes stay literal so that "didn't" needs no escaping. An unclosed quote runs to
    the end of the line rather than failing: the user meant the rest of the line.
    """
    for curly, plain in _QUOTES.items():
        line = line.replace(curly, plain)
    return [token.replace('"', "") for token in _TOKEN.findall(line)]


# --- the registry -----------------------------------------------------------------------------


class CommandTable:
    """The declared commands, looked up by their words."""

    def __init__(self, commands: Iterable[Command] = ()) -> None:
        self._by_name: dict[str, Command] = {}
        for command in commands:
            self.add(command)

    def add(self, command: Command) -> None:
        if command.name in self._by_name:
            raise ValueError(f"command {command.name!r} declared twice")
        self._by_name[command.name] = command

    def __iter__(self) -> Any:
        return iter(sorted(self._by_name.values(), key=lambda c: c.name))

    def __len__(self) -> int:
        return len(self._by_name)

    def get(self, name: str) -> Command | None:
        return self._by_name.get(" ".join(name.lower().split()))

    def match(self, words: list[str]) -> tuple[Command, int] | None:
        """The longest declared command that the first words spell, and how many words it took."""
        lowered = [w.lower() for w in words[:3]]
        for size in range(len(lowered), 0, -1):
            command = self._by_name.get(" ".join(lowered[:size]))
            if command is not None:
                return command, size
        return None

    def names(self) -> list[str]:
        return sorted(self._by_name)


def parse_line(line: str, table: CommandTable) -> tuple[Command, dict[str, str]]:
    """Split a typed line into its command and raw option strings (not yet validated)."""
    if len(line) > MAX_LINE:
        raise CommandError(
            f"That line is {len(line):,} characters long; the limit is {MAX_LINE:,}."
        )
    tokens = tokenize(clean_text(line).strip().lstrip("/"))
    if not tokens:
        raise CommandError("Type a command, for example /help.")
    found = table.match(tokens)
    if found is None:
        guess = difflib.get_close_matches(tokens[0].lower(), table.names(), n=1, cutoff=0.6)
        hint = f" Did you mean /{guess[0]}?" if guess else ""
        raise CommandError(f"Unknown command /{tokens[0][:40]}.{hint}")
    command, used = found
    raw: dict[str, str] = {}
    bare: list[str] = []
    for token in tokens[used:]:
        m = _OPTION_TOKEN.match(token)
        key = m.group(1).lower() if m else None
        if m and key is not None and command.option(key) is not None:
            if key in raw:
                raise CommandError(f"Option {key} is given twice.", command)
            raw[key] = m.group(2)
        elif m and key is not None and _looks_like_option(command, key, m.group(2)):
            raise CommandError(_unknown_option(command, key), command)
        else:
            bare.append(token)
    primary = command.primary
    if bare:
        if primary is None:
            shown = " ".join(bare)[:60]
            raise CommandError(f"/{command.name} takes no free text (got {shown!r}).", command)
        if primary.name in raw:
            raise CommandError(f"Option {primary.name} is given twice.", command)
        raw[primary.name] = " ".join(bare)
    return command, raw


def _looks_like_option(command: Command, key: str, value: str) -> bool:
    """Whether `key:value` is a mistyped option rather than free text ("http://", "Note: ...")."""
    if value.startswith("//"):
        return False
    if command.primary is None:
        return True
    names = [o.name for o in command.options]
    return bool(value) and bool(difflib.get_close_matches(key, names, n=1, cutoff=0.75))


def _unknown_option(command: Command, key: str) -> str:
    names = [o.name for o in command.options]
    guess = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
    hint = f" Did you mean {guess[0]}?" if guess else ""
    known = ", ".join(names) if names else "none"
    return f"Unknown option {key[:40]!r} for /{command.name}.{hint} Options: {known}."


# --- validating -------------------------------------------------------------------------------


@cache
def _zones() -> dict[str, str]:
    return {z.lower(): z for z in available_timezones() if "/" in z or z == "UTC"}


def parse_timezone(value: str) -> str:
    name = value.strip().replace(" ", "_")
    zones = _zones()
    if name.lower() in zones:
        return zones[name.lower()]
    guesses = difflib.get_close_matches(name.lower(), list(zones), n=3, cutoff=0.6)
    hint = " Did you mean " + " or ".join(zones[g] for g in guesses) + "?" if guesses else ""
    raise ValueError(
        f"Unknown time zone {value[:60]!r}.{hint} Use an IANA name like Europe/Berlin."
    )


def parse_time(value: str) -> time:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f"{value[:40]!r} is not a time; use 24-hour HH:MM, like 19:00.")
    return time(int(m.group(1)), int(m.group(2)))


def parse_time_range(value: str) -> tuple[time, time]:
    parts = value.strip().split("-")
    if len(parts) != 2:
        raise ValueError(f"{value[:40]!r} is not a time range; use HH:MM-HH:MM, like 18:00-21:00.")
    start, end = parse_time(parts[0]), parse_time(parts[1])
    if start == end:
        raise ValueError("A study window needs a start and an end that differ.")
    return start, end


_TRUE = {"yes", "y", "true", "on", "1"}
_FALSE = {"no", "n", "false", "off", "0"}


def _convert(option: Option, value: str, skills: SkillCatalogue) -> Any:
    value = value.strip()
    kind = option.type
    if kind is OptionType.TEXT:
        if len(value) > option.max_length:
            raise ValueError(
                f"is too long ({len(value):,} characters; the limit is {option.max_length:,})."
            )
        return value
    if kind is OptionType.INT:
        try:
            number = int(value)
        except ValueError:
            raise ValueError(f"must be a whole number, not {value[:40]!r}.") from None
        low, high = option.min_value, option.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValueError(f"must be between {low} and {high}, not {number}.")
        return number
    if kind is OptionType.CHOICE:
        lowered = value.lower().replace(" ", "-")
        if lowered in option.choices:
            return lowered
        guess = difflib.get_close_matches(lowered, option.choices, n=1, cutoff=0.5)
        hint = f" Did you mean {guess[0]}?" if guess else ""
        raise ValueError(f"must be one of {', '.join(option.choices)}.{hint}")
    if kind is OptionType.BOOL:
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ValueError(f"must be yes or no, not {value[:40]!r}.")
    if kind is OptionType.USER:
        raw = value.removeprefix("<@").removesuffix(">").lstrip("!@")
        if not raw or len(raw) > 100:
            raise ValueError("must name a member, like @alice.")
        return UserArg(raw)
    if kind is OptionType.CHANNEL:
        raw = value.removeprefix("<#").removesuffix(">").split("|")[0].lstrip("#")
        if not re.fullmatch(r"[\w-]{1,100}", raw):
            raise ValueError(f"must name a channel, like #study, not {value[:40]!r}.")
        return raw
    if kind is OptionType.TIMEZONE:
        return parse_timezone(value)
    if kind is OptionType.SKILLS:
        return skills.resolve_list(value)
    if kind is OptionType.TIME:
        return parse_time(value)
    if kind is OptionType.TIME_RANGE:
        return parse_time_range(value)
    if kind is OptionType.DATE:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value[:40]!r} is not a date; use YYYY-MM-DD.") from None
    raise AssertionError(kind)


def validate(command: Command, raw: Mapping[str, str], skills: SkillCatalogue) -> dict[str, Any]:
    """Turn raw option strings into typed values, or raise one specific CommandError."""
    args: dict[str, Any] = {}
    for name in raw:
        if command.option(name) is None:
            raise CommandError(_unknown_option(command, name), command)
    for option in command.options:
        value = clean_text(raw.get(option.name, "")).strip()
        if not value:
            if option.required:
                raise CommandError(f"Missing {option.name}: {option.description}", command)
            continue
        try:
            args[option.name] = _convert(option, value, skills)
        except ValueError as exc:
            message = str(exc)
            if not message[:1].isupper():
                message = f"{option.name} {message}"
            raise CommandError(message, command) from None
    return args
