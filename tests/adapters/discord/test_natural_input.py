"""The natural-input corpus as Discord slash-command payloads through the real discord.py.

On Discord a member types each option's value into its own field, so a line becomes the
options the core's parser finds in it. What Discord's client itself would not let through is
not sent: an unknown command or option (it offers only declared ones) and a whole-number
field holding text or a yes/no field holding a word (its field types refuse them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.discord.layout import discord_name
from bot.commands import Command, CommandError, OptionType, parse_line
from tests.adapters.discord.discord_harness import Harness
from tests.fakes.discord import FakeGuild
from tests.test_natural_input import CASES, understood

_YES_NO = {"yes": True, "y": True, "true": True, "on": True, "no": False, "n": False}
_YES_NO |= {"false": False, "off": False}


def discord_options(command: Command, raw: Mapping[str, str]) -> dict[str, Any] | None:
    """The option values a Discord member would submit, or None when Discord's own field
    types would refuse one."""
    options: dict[str, Any] = {}
    for name, value in raw.items():
        option = command.option(name)
        assert option is not None
        if option.type is OptionType.INT:
            if not value.strip().lstrip("-").isdigit():
                return None
            options[discord_name(name)] = int(value)
        elif option.type is OptionType.BOOL:
            if value.strip().lower() not in _YES_NO:
                return None
            options[discord_name(name)] = _YES_NO[value.strip().lower()]
        else:
            options[discord_name(name)] = value
    return options


def _text(reply: Mapping[str, Any]) -> str:
    """Everything the member sees in a reply: content, embeds, a modal's title."""
    parts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(reply)
    return "\n".join(parts)


async def test_discord_understands_the_corpus(harness: Harness, guild: FakeGuild) -> None:
    app = harness.app
    paths = {b.command.name: " ".join(b.path) for b in harness.bot.bindings}

    async def send(line: str) -> str | None:
        try:
            command, raw = parse_line(line, app.commands, app.convert_context)
        except CommandError:
            return None
        options = discord_options(command, raw)
        if options is None:
            return None
        member = guild.member_named("olga" if command.admin else "alice")
        reply = await harness.invoke(paths[command.name], options, user=member, guild=guild)
        return _text(reply)

    problems = await understood(app, CASES, send)
    assert not problems, "\n".join(problems)
