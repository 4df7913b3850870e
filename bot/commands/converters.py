"""One converter per option type: text from any adapter in, a typed value (or a clear error) out.

Every converter also says what platforms need to render its option: how Discord carries the
value (`kind`), whether the value can be suggested while the member types (`suggest`), the
longest input worth accepting, and a placeholder for usage lines. Adding an option type means
adding one `Converter` here and its `OptionType`; the parser, the usage lines and every adapter
pick it up from `CONVERTERS`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, ClassVar

from bot.commands.amounts import is_unit_word, parse_amount
from bot.commands.files import FileArg, FileRef
from bot.commands.options import (
    ChannelName,
    DayRef,
    Option,
    OptionType,
    RoleRef,
    SkillList,
    TimeRange,
    TimeZoneName,
    UserArg,
    ValueKind,
)
from bot.skills import SkillCatalogue
from bot.storage.models import Member
from bot.text import WEEKDAYS, join
from bot.times import EmptyWindow, TimeQuestion, parse_time, parse_time_range
from bot.timezones import ZoneQuestion, complete_zone, resolve_zone, starts_a_place

MAX_SUGGESTIONS = 25
MAX_FILE_REF = 4096  # the longest path Linux opens; upload ids are far shorter
# The option whose value a time zone converter reads beside its own: keep an offset like UTC+2
# as a fixed zone (Etc/GMT-2) instead of suggesting the places at that offset now.
FIXED_OPTION = "fixed"


class OptionError(ValueError):
    """A value an option cannot take: the whole sentence the member sees, and what to try."""

    def __init__(self, option: str, message: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.option = option
        self.message = message
        self.suggestions = suggestions


@dataclass(frozen=True)
class ConvertContext:
    """What converters may consult besides the text: the community's catalogue of skills, the
    time (UTC+2 names other places in summer), and the raw options of the same command line,
    for an option that depends on another (`timezone:UTC+2 fixed:yes`)."""

    skills: SkillCatalogue
    now: datetime
    given: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestion:
    label: str  # what the member sees
    value: str  # what is filled in


def _choice_hint(value: str, choices: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(difflib.get_close_matches(value, choices, n=1, cutoff=0.5))


# --- the converters ------------------------------------------------------------------------


class Converter:
    """Turns one option's text into its typed value; subclasses handle one `OptionType`."""

    option_type: ClassVar[OptionType]
    python_type: ClassVar[Any]  # the annotation a handler uses for this type
    kind: ClassVar[ValueKind] = ValueKind.STRING
    # Formats no platform can enforce: descriptions repeat the placeholder, like "(HH:MM)".
    shows_format: ClassVar[bool] = False

    def max_input(self, option: Option) -> int | None:
        """The longest text a platform's input field should accept, where it can say so."""
        return None

    def placeholder(self, option: Option) -> str:
        raise NotImplementedError

    def convert(self, option: Option, value: str, context: ConvertContext) -> Any:
        raise NotImplementedError

    def suggest(self, option: Option, current: str, context: ConvertContext) -> list[Suggestion]:
        """Values to offer while the member types; empty when the type has none to offer."""
        return []

    def continues(
        self, option: Option, value: str, token: str, context: ConvertContext | None
    ) -> bool:
        """Whether the next bare word of a typed line still belongs to this option's value
        (`learning:Docker, Kubernetes`, `hours:18:00 - 21:00`, `did:worked on SQL`)."""
        return False

    @property
    def suggests(self) -> bool:
        return type(self).suggest is not Converter.suggest


class TextConverter(Converter):
    option_type = OptionType.TEXT
    python_type = str

    def max_input(self, option: Option) -> int | None:
        return option.max_length

    def placeholder(self, option: Option) -> str:
        return "text"

    def continues(
        self, option: Option, value: str, token: str, context: ConvertContext | None
    ) -> bool:
        return True  # text runs to the next option

    def convert(self, option: Option, value: str, context: ConvertContext) -> str:
        if len(value) > option.max_length:
            raise OptionError(
                option.name,
                f"{option.name} is too long ({len(value):,} characters; "
                f"the limit is {option.max_length:,}).",
            )
        return value


# The largest whole number a command takes without a maximum of its own: SQLite's (and
# PostgreSQL's bigint) integer limit; a larger one ended in an overflow error, not a reply.
LARGEST_NUMBER = 2**63 - 1


class IntConverter(Converter):
    option_type = OptionType.INT
    python_type = int
    kind = ValueKind.INTEGER

    def placeholder(self, option: Option) -> str:
        if option.choices:
            return "|".join(option.choices)
        if option.min_value is not None and option.max_value is not None:
            return f"{option.min_value}-{option.max_value}"
        return "number"

    def continues(
        self, option: Option, value: str, token: str, context: ConvertContext | None
    ) -> bool:
        # "45 min", "1 h 30": a number's unit (and the minutes after hours) belong to it.
        if option.unit is None:
            return False
        return is_unit_word(option.unit, token) or (
            token.isdigit()
            and parse_amount(value, option.unit) is not None
            and not value.strip().isdigit()
        )

    def convert(self, option: Option, value: str, context: ConvertContext) -> int:
        if option.choices and value not in option.choices:
            raise OptionError(
                option.name,
                f"{option.name} must be one of {', '.join(option.choices)}.",
                option.choices,
            )
        number = _whole_number(option, value)
        low, high = option.min_value, option.max_value
        if high is None and number > LARGEST_NUMBER:  # no column holds it: a typo, not a row
            high = LARGEST_NUMBER
        if (low is not None and number < low) or (high is not None and number > high):
            raise OptionError(
                option.name, f"{option.name} must be {_bounds(low, high)}, not {number}."
            )
        return number


def _bounds(low: int | None, high: int | None) -> str:
    """'between 1 and 12', or the one side a limit has: 'at least 1', 'at most 720'."""
    if high is None:
        return f"at least {low}"
    if low is None:
        return f"at most {high}"
    return f"between {low} and {high}"


def _whole_number(option: Option, value: str) -> int:
    try:
        # "#12": how the bot writes numbered things (requests, rounds) is how they come back.
        return int(value.strip().removeprefix("#"))
    except ValueError:
        pass
    amount = parse_amount(value, option.unit) if option.unit else None
    if amount is None:
        like = ", like 45, 45min or 1h30" if option.unit == "minutes" else ""
        raise OptionError(
            option.name, f"{option.name} must be a whole number{like}, not {value[:40]!r}."
        )
    return amount


def _names_the_option(option: Option, word: str) -> bool:
    return word.lower() in (option.name, f"{option.name}s")


class ChoiceConverter(Converter):
    option_type = OptionType.CHOICE
    python_type = str  # with `Opt(choices=...)`; plain `str` is text

    def placeholder(self, option: Option) -> str:
        return "|".join(option.choices)

    def continues(
        self, option: Option, value: str, token: str, context: ConvertContext | None
    ) -> bool:
        if _names_the_option(option, token):  # "week:last week"
            return True
        started = f"{value} {token}".lower().replace(" ", "-")  # "goal:first job"
        return any(c.startswith(started) for c in option.choices)

    def convert(self, option: Option, value: str, context: ConvertContext) -> str:
        *words, last = value.split() or [""]
        if words and _names_the_option(option, last):
            value = " ".join(words)  # "last week" is week:last
        lowered = value.lower().replace(" ", "-")
        if lowered in option.choices:
            return lowered
        starting = tuple(c for c in option.choices if c.startswith(lowered))
        if len(starting) == 1:  # a unique start is plainly meant: "mon", "Beg"
            return starting[0]
        if len(starting) > 1:
            raise OptionError(
                option.name,
                f"{option.name} {value[:40]!r} could be {join(list(starting), conjunction='or')}:"
                " which one?",
                starting,
            )
        guess = _choice_hint(lowered, option.choices)
        hint = f" Did you mean {guess[0]}?" if guess else ""
        raise OptionError(
            option.name, f"{option.name} must be one of {', '.join(option.choices)}.{hint}", guess
        )

    def suggest(self, option: Option, current: str, context: ConvertContext) -> list[Suggestion]:
        typed = current.strip().lower()
        found = [c for c in option.choices if typed in c.lower()]
        return [Suggestion(c, c) for c in found[:MAX_SUGGESTIONS]]


_TRUE = {"yes", "y", "true", "on", "1"}
_FALSE = {"no", "n", "false", "off", "0"}


class BoolConverter(Converter):
    option_type = OptionType.BOOL
    python_type = bool
    kind = ValueKind.BOOLEAN

    def placeholder(self, option: Option) -> str:
        return "yes|no"

    def convert(self, option: Option, value: str, context: ConvertContext) -> bool:
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise OptionError(option.name, f"{option.name} must be yes or no, not {value[:40]!r}.")


class UserConverter(Converter):
    option_type = OptionType.USER
    python_type = Member  # the app resolves the name to a member of the same community
    kind = ValueKind.USER

    def placeholder(self, option: Option) -> str:
        return "@user"

    def convert(self, option: Option, value: str, context: ConvertContext) -> UserArg:
        raw = value.removeprefix("<@").removesuffix(">").lstrip("!@")
        if not raw or len(raw) > 100:
            raise OptionError(option.name, f"{option.name} must name a member, like @alice.")
        return UserArg(raw)


class ChannelConverter(Converter):
    option_type = OptionType.CHANNEL
    python_type = ChannelName
    kind = ValueKind.CHANNEL

    def placeholder(self, option: Option) -> str:
        return "#channel"

    def convert(self, option: Option, value: str, context: ConvertContext) -> ChannelName:
        raw = value.removeprefix("<#").removesuffix(">").split("|")[0].lstrip("#")
        if not re.fullmatch(r"[\w-]{1,100}", raw):
            raise OptionError(
                option.name, f"{option.name} must name a channel, like #study, not {value[:40]!r}."
            )
        return ChannelName(raw)


# A role mention, `<@&123>`; Discord's role picker reaches the validator labelled with the
# role's name, `<@&123|Study leads>`, the way Slack labels a channel reference `<#C123|study>`.
_ROLE_MENTION = re.compile(r"<@&(\d{1,20})(?:\|(.{1,100}))?>")
_ROLE_ID = re.compile(r"\d{1,20}")
MAX_ROLE_NAME = 100  # Discord's limit on a role's name
_EVERYONE = ("everyone", "here")  # every member holds it: never an organizer role


class RoleConverter(Converter):
    option_type = OptionType.ROLE
    python_type = RoleRef
    kind = ValueKind.ROLE

    def placeholder(self, option: Option) -> str:
        return "@role"

    def continues(
        self, option: Option, value: str, token: str, context: ConvertContext | None
    ) -> bool:
        return value.startswith("<") and not value.endswith(">")  # `<@&123|Study leads>`

    def convert(self, option: Option, value: str, context: ConvertContext) -> RoleRef:
        text = value.strip()
        mention = _ROLE_MENTION.fullmatch(text)
        if mention:
            role = RoleRef(mention.group(1), mention.group(2) or "")
        elif _ROLE_ID.fullmatch(text):
            role = RoleRef(text)
        else:
            role = RoleRef("", text.removeprefix("@").strip())
            if not role.name or len(role.name) > MAX_ROLE_NAME or text.startswith("<"):
                raise OptionError(
                    option.name,
                    f"{option.name} must name a role, like @Organizers, not {value[:40]!r}.",
                )
        if role.name.removeprefix("@").lower() in _EVERYONE:
            raise OptionError(
                option.name,
                f"{option.name} cannot be @{role.name.removeprefix('@')}: every member holds it."
                " Pick a role only organizers hold.",
            )
        return role


class TimeZoneConverter(Converter):
    option_type = OptionType.TIMEZONE
    python_type = TimeZoneName

    def placeholder(self, option: Option) -> str:
        return "city|Area/City"

    def continues(
        self, option: Option, value: str, token: str, context: ConvertContext | None
    ) -> bool:
        return starts_a_place(f"{value} {token}")

    def convert(self, option: Option, value: str, context: ConvertContext) -> TimeZoneName:
        fixed = context.given.get(FIXED_OPTION, "").strip().lower() in _TRUE
        try:
            return TimeZoneName(resolve_zone(value, now=context.now, fixed=fixed))
        except ZoneQuestion as exc:
            raise OptionError(option.name, exc.message, exc.choices) from None

    def suggest(self, option: Option, current: str, context: ConvertContext) -> list[Suggestion]:
        return [Suggestion(label, zone) for label, zone in complete_zone(current, MAX_SUGGESTIONS)]


class SkillsConverter(Converter):
    option_type = OptionType.SKILLS
    python_type = SkillList
    shows_format = True

    def placeholder(self, option: Option) -> str:
        return "skill,skill"

    def continues(
        self, option: Option, value: str, token: str, context: ConvertContext | None
    ) -> bool:
        if value.rstrip().endswith(",") or token.startswith(","):
            return True
        if context is None:
            return False
        last = value.rsplit(",", 1)[-1]
        word = token.rstrip(",")
        # "machine learning" goes on to a longer name; "sql git" is a list without commas.
        return context.skills.starts_a_name(f"{last} {word}") or (
            context.skills.is_name(word) and context.skills.is_list(last)
        )

    def convert(self, option: Option, value: str, context: ConvertContext) -> SkillList:
        try:
            return SkillList(context.skills.resolve_list(value))
        except ValueError as exc:
            raise OptionError(option.name, str(exc)) from None

    def suggest(self, option: Option, current: str, context: ConvertContext) -> list[Suggestion]:
        """Complete the last skill of a comma-separated list, keeping the ones before it."""
        *done, partial = current.split(",")
        kept = [p.strip() for p in done if p.strip()]
        prefix = ", ".join(kept)
        found: list[Suggestion] = []
        for skill in context.skills.search(partial.strip(), limit=MAX_SUGGESTIONS):
            if skill.id in kept:
                continue
            value = f"{prefix}, {skill.id}" if prefix else skill.id
            label = f"{prefix}, {skill.name}" if prefix else f"{skill.name} ({skill.id})"
            found.append(Suggestion(label, value))
        return found


def _time_error(option: Option, exc: ValueError) -> OptionError:
    """The parser's sentence after the option's name; the readings of an ambiguous time."""
    choices = exc.choices if isinstance(exc, TimeQuestion) else ()
    return OptionError(option.name, f"{option.name} {exc}", choices)


class TimeConverter(Converter):
    option_type = OptionType.TIME
    python_type = time
    shows_format = True

    def continues(
        self, option: Option, value: str, token: str, context: ConvertContext | None
    ) -> bool:
        return token.lower() in _MERIDIEM

    def max_input(self, option: Option) -> int | None:
        return 20

    def placeholder(self, option: Option) -> str:
        return "HH:MM|7pm"

    def convert(self, option: Option, value: str, context: ConvertContext) -> time:
        try:
            return parse_time(value)
        except ValueError as exc:
            raise _time_error(option, exc) from None


_MERIDIEM = ("am", "pm", "a.m.", "p.m.")
_RANGE_WORDS = ("-", "–", "—", "to", "until", "till")


def _continues_time(value: str, token: str) -> bool:
    """`7` then `pm`; a range's `-`, `to` or `until` and what follows it."""
    word = token.lower()
    tail = value.rstrip().lower()
    return (
        word in _MERIDIEM
        or word in _RANGE_WORDS
        or tail.endswith(("-", "–", "—"))
        or tail.rsplit(" ", 1)[-1] in _RANGE_WORDS
    )


class TimeRangeConverter(Converter):
    option_type = OptionType.TIME_RANGE
    python_type = TimeRange
    shows_format = True

    def continues(
        self, option: Option, value: str, token: str, context: ConvertContext | None
    ) -> bool:
        return _continues_time(value, token)

    def max_input(self, option: Option) -> int | None:
        return 30

    def placeholder(self, option: Option) -> str:
        return "HH:MM-HH:MM|6pm-9pm"

    def convert(self, option: Option, value: str, context: ConvertContext) -> TimeRange:
        try:
            start, end = parse_time_range(value)
        except EmptyWindow as exc:  # a whole sentence about the window, not the text
            raise OptionError(option.name, str(exc)) from None
        except ValueError as exc:
            raise _time_error(option, exc) from None
        return TimeRange((start, end))


class DateConverter(Converter):
    option_type = OptionType.DATE
    python_type = date
    shows_format = True

    def max_input(self, option: Option) -> int | None:
        return 10

    def placeholder(self, option: Option) -> str:
        return "YYYY-MM-DD"

    def convert(self, option: Option, value: str, context: ConvertContext) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise OptionError(
                option.name, f"{option.name} {value[:40]!r} is not a date; use YYYY-MM-DD."
            ) from None


_DAYS_AGO = re.compile(r"(\d{1,2})\s*(?:days?|d)\s*ago")


class DayConverter(Converter):
    """today, yesterday, a weekday (the latest one, today included), N days ago, YYYY-MM-DD."""

    option_type = OptionType.DAY
    python_type = DayRef
    shows_format = True

    def max_input(self, option: Option) -> int | None:
        return 20

    def placeholder(self, option: Option) -> str:
        return "today|yesterday|mon|YYYY-MM-DD"

    def continues(
        self, option: Option, value: str, token: str, context: ConvertContext | None
    ) -> bool:
        return token.lower() in ("ago", "days", "day") or value.lower() == "last"

    def convert(self, option: Option, value: str, context: ConvertContext) -> DayRef:
        text = " ".join(value.lower().split()).removeprefix("last ")
        if text in ("today", "tod", "now"):
            return DayRef(back=0)
        if text in ("yesterday", "yday", "yest", "yd"):
            return DayRef(back=1)
        ago = _DAYS_AGO.fullmatch(text)
        if ago:
            return DayRef(back=int(ago.group(1)))
        weekdays = [d for d in WEEKDAYS if len(text) >= 2 and d.startswith(text)]
        if len(weekdays) == 1:
            return DayRef(weekday=WEEKDAYS.index(weekdays[0]))
        try:
            return DayRef(on=date.fromisoformat(text))
        except ValueError:
            raise OptionError(
                option.name,
                f"{option.name} {value[:40]!r} is not a day; use today, yesterday, a weekday"
                " like mon, or a date like 2026-03-02.",
            ) from None


class FileConverter(Converter):
    """A file: the text only names it (a path on the console, an upload's id on Discord or
    Slack); the app fetches the bytes from what came with the event (bot/commands/files.py)."""

    option_type = OptionType.FILE
    python_type = FileArg
    kind = ValueKind.ATTACHMENT

    def placeholder(self, option: Option) -> str:
        return "attach a file"  # consoles name a path instead: Capabilities.file_input

    def convert(self, option: Option, value: str, context: ConvertContext) -> FileRef:
        if len(value) > MAX_FILE_REF:
            raise OptionError(
                option.name,
                f"{option.name} must name one file, not {len(value):,} characters of text.",
            )
        return FileRef(value)


CONVERTERS: Mapping[OptionType, Converter] = {
    c.option_type: c
    for c in (
        TextConverter(),
        IntConverter(),
        ChoiceConverter(),
        BoolConverter(),
        UserConverter(),
        ChannelConverter(),
        RoleConverter(),
        TimeZoneConverter(),
        SkillsConverter(),
        TimeConverter(),
        TimeRangeConverter(),
        DateConverter(),
        DayConverter(),
        FileConverter(),
    )
}
assert set(CONVERTERS) == set(OptionType), "every option type needs its converter"


def converter_for(option: Option) -> Converter:
    return CONVERTERS[option.type]


def placeholder(option: Option) -> str:
    return converter_for(option).placeholder(option)
