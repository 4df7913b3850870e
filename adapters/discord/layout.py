"""Where each declared command lives in Discord's slash-command tree (pure, no discord.py).

Discord allows three levels (``/root group sub``) and forbids a name that is both a command and
the parent of subcommands. The text syntax allows that (``/checkin`` and ``/checkin remind``),
so the mapping is: a command that also has subcommands keeps its own name, and each of its
subcommands is hoisted one level up with a hyphen, ``/checkin remind`` -> ``/checkin-remind``,
``/admin config set`` under a command ``/admin config`` -> ``/admin config-set``. Names deeper
than three levels are joined the same way. Students keep typing what the help text shows,
and the mapping is derived from the declarations alone, so new commands need no adapter change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.commands import Command
from bot.text import one_line

MAX_DEPTH = 3  # /root group subcommand
ADMIN_ROOT = "admin"  # where admin commands of a mixed top-level name go
MAX_TOP_LEVEL = 100  # global CHAT_INPUT commands per application
MAX_CHILDREN = 25  # subcommands or groups under one parent
_NAME = re.compile(r"^[-_a-z0-9]{1,32}$")


class LayoutError(ValueError):
    """The declarations cannot be expressed as Discord commands (a collision or a limit)."""


@dataclass(frozen=True)
class Binding:
    """One declared command and the Discord path that runs it."""

    command: Command
    path: tuple[str, ...]  # ("checkin-remind",), ("buddy", "join"), ("admin", "config", "set")

    @property
    def slash(self) -> str:
        return "/" + " ".join(self.path)


def discord_name(text: str) -> str:
    """A declared word or option name as Discord accepts it (lowercase, no spaces)."""
    name = "-".join(text.strip().lower().split())
    name = re.sub(r"[^-_a-z0-9]", "", name)
    if not _NAME.match(name):
        raise LayoutError(f"{text!r} cannot be a Discord name (1-32 of a-z, 0-9, - and _)")
    return name


def path_for(words: Sequence[str], declared: set[tuple[str, ...]]) -> tuple[str, ...]:
    """The Discord path for a command's words, given every declared command's words."""
    path: list[str] = [discord_name(words[0])]
    for i in range(1, len(words)):
        word = discord_name(words[i])
        if tuple(words[:i]) in declared:
            # The prefix is itself a command, so it cannot be a group: hoist with a hyphen.
            path[-1] = f"{path[-1]}-{word}"
        else:
            path.append(word)
    if len(path) > MAX_DEPTH:
        path = [*path[: MAX_DEPTH - 1], "-".join(path[MAX_DEPTH - 1 :])]
    return tuple(path)


def plan(commands: Iterable[Command]) -> list[Binding]:
    """Bindings for every command, checked against Discord's structural rules.

    Discord hides a command from members by its top-level ``default_member_permissions``
    only, so a top-level name may not mix admin and member commands: the admin ones of a
    mixed root move under ``/admin`` (``/digest preview`` -> ``/admin digest-preview``).
    """
    commands = sorted(commands, key=lambda c: c.name)
    words = {c.name: tuple(w.lower() for w in c.words) for c in commands}
    first = _paths(commands, words)
    admin_roots = {first[c.name][0] for c in commands if c.admin}
    member_roots = {first[c.name][0] for c in commands if not c.admin}
    mixed = admin_roots & member_roots
    if mixed and ADMIN_ROOT in member_roots:
        raise LayoutError(
            f"/{ADMIN_ROOT} must hold only admin commands to take those of /{min(mixed)}"
        )
    for c in commands:
        if c.admin and first[c.name][0] in mixed:
            words[c.name] = (ADMIN_ROOT, *words[c.name])
    paths = _paths(commands, words)
    bindings = [Binding(c, paths[c.name]) for c in commands]
    _check(bindings)
    return bindings


def _paths(
    commands: Sequence[Command], words: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    declared = set(words.values())
    return {c.name: path_for(words[c.name], declared) for c in commands}


def _check(bindings: list[Binding]) -> None:
    leaves: dict[tuple[str, ...], Binding] = {}
    for b in bindings:
        for name in b.path:
            if len(name) > 32:
                raise LayoutError(f"/{b.command.name} maps to {b.slash}: {name!r} exceeds 32")
        if b.path in leaves:
            other = leaves[b.path].command.name
            raise LayoutError(f"/{b.command.name} and /{other} both map to {b.slash}")
        leaves[b.path] = b
    for path, b in leaves.items():
        for depth in range(1, len(path)):
            if path[:depth] in leaves:
                parent = leaves[path[:depth]].command.name
                raise LayoutError(f"{b.slash} sits under {parent!r}, which is itself a command")
    children: dict[tuple[str, ...], set[str]] = {}
    for path in leaves:
        for depth in range(len(path)):
            children.setdefault(path[:depth], set()).add(path[depth])
    if len(children.get((), set())) > MAX_TOP_LEVEL:
        raise LayoutError(f"more than {MAX_TOP_LEVEL} top-level commands")
    for prefix, names in children.items():
        if prefix and len(names) > MAX_CHILDREN:
            raise LayoutError(f"/{' '.join(prefix)} has more than {MAX_CHILDREN} subcommands")


def roots(bindings: Iterable[Binding]) -> dict[str, list[Binding]]:
    """Bindings grouped by their top-level command name, in declaration-name order."""
    grouped: dict[str, list[Binding]] = {}
    for b in bindings:
        grouped.setdefault(b.path[0], []).append(b)
    return grouped


def fit(text: str, limit: int) -> str:
    """Discord's descriptions and labels are one line and length-limited."""
    return one_line(text, limit)


class CommandNames:
    """Rewrites ``/command`` references in outgoing text to their Discord names.

    Help and usage texts come from the core and name commands the text way (``/checkin
    remind``); on Discord the member must type the hoisted name (``/checkin-remind``).
    """

    def __init__(self, bindings: Iterable[Binding]) -> None:
        renamed = {f"/{b.command.name}": b.slash for b in bindings}
        self._map = {text: slash for text, slash in renamed.items() if text != slash}
        names = sorted(self._map, key=len, reverse=True)  # longest first: "/a b c" before "/a b"
        alternatives = "|".join(re.escape(n) for n in names)
        self._pattern = re.compile(rf"(?<![\w/])(?:{alternatives})(?![\w-])") if names else None

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._map[m.group(0)], text)
