"""The shared text syntax: tokenising a typed line, finding its command, validating options.

Every adapter funnels input through `parse_line` (typed text: console, Slack) or straight into
`validate` (Discord options, form submissions), so bad input gets the same specific message and
usage line everywhere, and a handler only ever sees well-typed arguments.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from bot.commands.converters import ConvertContext, OptionError, converter_for
from bot.commands.declaration import Command
from bot.commands.invocation import CommandError
from bot.commands.options import OPTION_NAME
from bot.text import join

MAX_LINE = 4000  # longer input is refused before tokenising

_QUOTES = {"\u201c": '"', "\u201d": '"', "\u201e": '"'}  # phones type curly quotes
# A token: quoted runs (an unclosed one runs to the end) and unquoted non-space runs, touching.
_TOKEN = re.compile(r'(?:"[^"]*(?:"|$)|[^\s"]+)+')
_OPTION_TOKEN = re.compile(rf"^({OPTION_NAME.pattern}):(.*)$", re.DOTALL)


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

    def __iter__(self) -> Iterator[Command]:
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


def parse_line(
    line: str, table: CommandTable, context: ConvertContext | None = None
) -> tuple[Command, dict[str, str]]:
    """Split a typed line into its command and raw option strings (not yet validated).

    People write `skills: sql`, `name : value`, `learning:Docker, Kubernetes`,
    `hours:18:00 - 21:00` and `did:worked on SQL minutes:30`: an option's value runs on over
    the next bare words for as long as its type says they still belong to it (`continues`), an
    empty value takes the next word, and the bare words left over are the primary option's.
    `context` (the skill catalogue) lets a skills list run over multi-word names.
    """
    if len(line) > MAX_LINE:
        raise CommandError(
            f"That line is {len(line):,} characters long; the limit is {MAX_LINE:,}."
        )
    tokens = _joined_colons(tokenize(clean_text(line).strip().lstrip("/")))
    if not tokens:
        raise CommandError("Type a command, for example /help.")
    found = table.match(tokens)
    if found is None:
        raise CommandError(_unknown_command(tokens, table))
    command, used = found
    raw: dict[str, str] = {}
    bare: list[str] = []
    rest = tokens[used:]
    i = 0
    while i < len(rest):
        m = _OPTION_TOKEN.match(rest[i])
        option = command.option(m.group(1)) if m else None
        if m is None or option is None:
            if m is not None and _looks_like_option(command, m.group(1).lower(), m.group(2)):
                raise CommandError(_unknown_option(command, m.group(1).lower()), command)
            bare.append(rest[i])
            i += 1
            continue
        if option.name in raw:
            typed = m.group(1).lower()
            also = "" if typed == option.name else f" ({typed} is another name for it)"
            raise CommandError(
                f"Option {option.name} is given twice{also}: give it once.",
                command,
                option=option.name,
            )
        value, i = m.group(2), i + 1
        if not value and i < len(rest) and not _is_option(command, rest[i]):
            value, i = rest[i], i + 1  # "skills: sql"
        converter = converter_for(option)
        while (
            i < len(rest)
            and not _is_option(command, rest[i])
            and converter.continues(option, value, rest[i], context)
        ):
            value, i = f"{value} {rest[i]}", i + 1
        raw[option.name] = value
    primary = command.primary
    if bare:
        if primary is None:
            shown = " ".join(bare)[:60]
            raise CommandError(f"/{command.name} takes no free text (got {shown!r}).", command)
        # Words around a given primary value are part of it: "did:" was only one of them.
        raw[primary.name] = " ".join([*bare, raw[primary.name]] if primary.name in raw else bare)
    return command, raw


def _unknown_command(tokens: list[str], table: CommandTable) -> str:
    """Name what was typed as a group's subcommand when the first word is a group ("/profile
    sett" -> "/profile set"), else the first word."""
    first = tokens[0].lower()
    groups = {n.split()[0] for n in table.names() if " " in n}
    if first in groups and len(tokens) == 1:
        subcommands = [f"/{n}" for n in table.names() if n.startswith(first + " ")]
        return f"/{first} needs one more word: {join(subcommands, conjunction='or')}."
    typed = " ".join(tokens[:2]) if first in groups and len(tokens) > 1 else tokens[0]
    guess = difflib.get_close_matches(typed.lower(), table.names(), n=1, cutoff=0.6)
    hint = f" Did you mean /{guess[0]}?" if guess else ""
    return f"Unknown command {typed[:40]!r}.{hint}"


def command_line(name: str, options: Mapping[str, str]) -> str:
    """The typed line that runs `name` with these raw options (quoted where needed)."""
    parts = [name]
    for key, value in options.items():
        quoted = f'"{value}"' if not value or any(ch.isspace() for ch in value) else value
        parts.append(f"{key}:{quoted}")
    return " ".join(parts)


def _joined_colons(tokens: list[str]) -> list[str]:
    """`name : value` and `name :value` as `name:value`."""
    out: list[str] = []
    for token in tokens:
        if token.startswith(":") and out and OPTION_NAME.fullmatch(out[-1]):
            out[-1] += token
        else:
            out.append(token)
    return out


def _is_option(command: Command, token: str) -> bool:
    m = _OPTION_TOKEN.match(token)
    return m is not None and (
        command.option(m.group(1)) is not None
        or _looks_like_option(command, m.group(1).lower(), m.group(2))
    )


def _looks_like_option(command: Command, key: str, value: str) -> bool:
    """Whether `key:value` is a mistyped option rather than free text ("http://", "Note: ...")."""
    if value.startswith("//"):
        return False
    if command.primary is None:
        return True
    names = [n for o in command.options for n in (o.name, *o.aliases)]
    return bool(difflib.get_close_matches(key, names, n=1, cutoff=0.75))


def _unknown_option(command: Command, key: str) -> str:
    names = [o.name for o in command.options]
    spelled = {n: o.name for o in command.options for n in (o.name, *o.aliases)}
    guess = difflib.get_close_matches(key, list(spelled), n=1, cutoff=0.5)
    hint = f" Did you mean {spelled[guess[0]]}?" if guess else ""
    known = ", ".join(names) if names else "none"
    return f"Unknown option {key[:40]!r} for /{command.name}.{hint} Options: {known}."


def validate(command: Command, raw: Mapping[str, str], context: ConvertContext) -> dict[str, Any]:
    """Turn raw option strings into typed values, or raise one specific CommandError.

    Converters see the whole line's raw options too (`context.given`), so that one option can
    depend on another: `timezone:UTC+2 fixed:yes`.
    """
    context = replace(context, given=raw)
    args: dict[str, Any] = {}
    for name in raw:
        if command.option(name) is None:
            raise CommandError(_unknown_option(command, name), command)
    for option in command.options:
        value = clean_text(raw.get(option.name, "")).strip()
        if not value:
            if option.required:
                raise CommandError(
                    f"Missing {option.name}: {option.description}", command, option=option.name
                )
            continue
        try:
            args[option.name] = converter_for(option).convert(option, value, context)
        except OptionError as exc:
            raise CommandError(exc.message, command, option=exc.option) from None
    return args
