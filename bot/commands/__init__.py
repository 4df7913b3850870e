"""Commands: declared on their handlers, parsed from any adapter's input, answered with a Reply.

- `declaration`: `@command` and `Opt`, the `Command` they produce
- `options` and `converters`: option types, the typed values handlers receive, one converter each
- `files`: file options' values, and the `FileSource` an adapter hands in with an event
- `parsing`: the typed-text syntax and validation every adapter shares
- `invocation`: `Invocation`, `Reply`, `CommandError`, `settings_reply`
"""

from bot.commands.converters import (
    CONVERTERS,
    ConvertContext,
    Converter,
    OptionError,
    Suggestion,
    converter_for,
    placeholder,
)
from bot.commands.declaration import (
    Command,
    Handler,
    Opt,
    WhichWeek,
    command,
    commands_of,
    declared,
)
from bot.commands.files import (
    MAX_FILE_BYTES,
    NO_FILES,
    FileArg,
    FileRef,
    FileRefused,
    FileSource,
    too_big,
)
from bot.commands.invocation import CommandError, Invocation, Reply, settings_reply
from bot.commands.options import (
    NO_SKILLS,
    TODAY,
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
from bot.commands.parsing import (
    CommandTable,
    clean_text,
    command_line,
    parse_line,
    tokenize,
    validate,
)
from bot.times import parse_time, parse_time_range  # re-exported: cogs parse slips with them
from bot.timezones import parse_timezone

__all__ = [
    "CONVERTERS",
    "MAX_FILE_BYTES",
    "NO_FILES",
    "NO_SKILLS",
    "TODAY",
    "ChannelName",
    "Command",
    "CommandError",
    "CommandTable",
    "ConvertContext",
    "Converter",
    "DayRef",
    "FileArg",
    "FileRef",
    "FileRefused",
    "FileSource",
    "Handler",
    "Invocation",
    "Opt",
    "Option",
    "OptionError",
    "OptionType",
    "Reply",
    "RoleRef",
    "SkillList",
    "Suggestion",
    "TimeRange",
    "TimeZoneName",
    "UserArg",
    "ValueKind",
    "WhichWeek",
    "clean_text",
    "command",
    "command_line",
    "commands_of",
    "converter_for",
    "declared",
    "parse_line",
    "parse_time",
    "parse_time_range",
    "parse_timezone",
    "placeholder",
    "settings_reply",
    "tokenize",
    "too_big",
    "validate",
]
