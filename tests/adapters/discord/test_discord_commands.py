"""Generated from the command registry: every declared command, now and later, has a Discord
binding, is reached through discord.py's own interaction parsing with a real payload, and its
reply arrives at the fake with the right callback type and ephemeral flag.

The registry is read at collection time from the real cogs (`cogs.load_all`), so a command a
cog adds tomorrow gets its own test cases here without touching the adapter or this file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.discord.layout import Binding, discord_name
from adapters.discord.tree import needs_autocomplete
from bot.app import App
from bot.commands import (
    Command,
    CommandError,
    CommandTable,
    Invocation,
    Option,
    OptionType,
    Reply,
)
from tests.adapters.discord.discord_harness import Harness, start_harness
from tests.declared import real_commands
from tests.fakes.discord import (
    EPHEMERAL,
    OPT_ATTACHMENT,
    OPT_BOOLEAN,
    OPT_CHANNEL,
    OPT_INTEGER,
    OPT_ROLE,
    OPT_STRING,
    OPT_USER,
    CommandHidden,
    FakeAttachment,
    FakeDiscord,
    FakeGuild,
    schema_options_at,
)

DISCORD_TYPES = {
    OptionType.INT: OPT_INTEGER,
    OptionType.BOOL: OPT_BOOLEAN,
    OptionType.USER: OPT_USER,
    OptionType.CHANNEL: OPT_CHANNEL,
    OptionType.ROLE: OPT_ROLE,
    OptionType.FILE: OPT_ATTACHMENT,
}


DECLARED = real_commands()
NAMES = [c.name for c in DECLARED]


@dataclass
class Spy:
    """Wraps every handler: which commands ran, with which typed args, and what they replied."""

    calls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    replies: dict[str, list[Reply]] = field(default_factory=dict)

    def wrap(self, command: Command) -> Command:
        inner = command.handler

        async def handler(inv: Invocation, **args: Any) -> Reply:
            self.calls.setdefault(command.name, []).append(dict(args))
            try:
                reply = await inner(inv, **args)
            except CommandError as exc:  # the handler refused: the member sees exc.reply()
                self.replies.setdefault(command.name, []).append(exc.reply())
                raise
            self.replies.setdefault(command.name, []).append(reply)
            return reply

        return replace(command, handler=handler)

    def setup(self, app: App) -> None:
        """A last 'cog' that wraps what the real cogs declared."""
        app.commands = CommandTable(self.wrap(c) for c in app.commands)


@pytest.fixture
def spy() -> Spy:
    return Spy()


@pytest.fixture
async def h(
    fake: FakeDiscord, guild: FakeGuild, tmp_path: Path, spy: Spy
) -> AsyncIterator[Harness]:
    from cogs import load_all

    harness = await start_harness(fake, tmp_path, cogs=[*load_all(), spy.setup])
    await harness.join(guild, *(guild.member_named(n) for n in ("alice", "bob", "olga")))
    try:
        yield harness
    finally:
        await harness.bot.close()
        await harness.app.close()


def _binding(h: Harness, name: str) -> Binding:
    found = [b for b in h.bot.bindings if b.command.name == name]
    assert found, f"/{name} has no Discord binding"
    return found[0]


def _sample(option: Option, h: Harness, guild: FakeGuild) -> Any:
    """A valid value for an option, as a member would pick or type it in Discord."""
    kind = option.type
    if kind is OptionType.INT and option.choices:
        return int(option.choices[0])
    if kind is OptionType.INT:
        low = option.min_value if option.min_value is not None else 1
        return min(low, option.max_value) if option.max_value is not None else low
    if kind is OptionType.CHOICE:
        return option.choices[0]
    if kind is OptionType.BOOL:
        return True
    if kind is OptionType.USER:
        return guild.member_named("bob")
    if kind is OptionType.CHANNEL:
        return guild.channel_named("study-buddies")
    if kind is OptionType.ROLE:
        return next(r for r in guild.roles.values() if r.name == "Organizers")
    if kind is OptionType.TIMEZONE:
        return "Europe/Berlin"
    if kind is OptionType.SKILLS:
        return next(iter(sorted(h.app.skills.skills)))
    if kind is OptionType.TIME:
        return "19:00"
    if kind is OptionType.TIME_RANGE:
        return "18:00-21:00"
    if kind is OptionType.DATE:
        return (h.clock.now() + timedelta(days=1)).date().isoformat()
    if kind is OptionType.DAY:
        return "today"
    if kind is OptionType.FILE:  # the handler may refuse its content; it is still reached
        return FakeAttachment("sample.txt", b"hello")
    return "hello"


def _form_value(option: Option | None, h: Harness, guild: FakeGuild) -> str:
    if option is None:
        return "hello"
    value = _sample(option, h, guild)
    if option.type is OptionType.BOOL:
        return "yes"
    if hasattr(value, "id"):
        return str(value.id)
    return str(value)


def test_the_registry_is_not_empty() -> None:
    """Guards the generator itself: the cogs declare commands, including an admin one."""
    assert "help" in NAMES
    assert any(c.admin for c in DECLARED)


@pytest.mark.parametrize("name", NAMES)
async def test_command_has_a_discord_binding(
    name: str, h: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """The synced schema has the command at its path, with each option correctly typed."""
    binding = _binding(h, name)
    command = binding.command
    root = next((c for c in fake.commands_for(guild.id) if c["name"] == binding.path[0]), None)
    assert root is not None, f"{binding.slash} was not synced"
    options = schema_options_at(root.get("options") or [], list(binding.path[1:]))
    if len(binding.path) > 1:
        parent = schema_options_at(root.get("options") or [], list(binding.path[1:-1]))
        assert any(o["name"] == binding.path[-1] and o["type"] == 1 for o in parent)
    by_name = {o["name"]: o for o in options}
    assert set(by_name) == {discord_name(o.name) for o in command.options}
    for option in command.options:
        synced = by_name[discord_name(option.name)]
        assert synced["type"] == DISCORD_TYPES.get(option.type, OPT_STRING)
        assert synced.get("autocomplete", False) == needs_autocomplete(option)
        if option.type is OptionType.CHOICE and not needs_autocomplete(option):
            assert [c["value"] for c in synced["choices"]] == list(option.choices)
        if command.form is None:
            assert synced.get("required", False) == option.required
    # Discord applies it per top-level command: members see no admin command at all.
    expected = "32" if command.admin else None  # Manage Server
    assert root["default_member_permissions"] == expected


@pytest.mark.parametrize("name", NAMES)
async def test_command_reaches_its_cog_and_replies(
    name: str, h: Harness, fake: FakeDiscord, guild: FakeGuild, spy: Spy
) -> None:
    """A real slash-command payload runs the cog's handler; the reply has the right flags.

    Commands with a form are run without options first: the form must open as a modal,
    and its submission must reach the handler.
    """
    binding = _binding(h, name)
    command = binding.command
    organizer = guild.member_named("olga")  # admin commands must run too
    path = " ".join(binding.path)
    if command.form is not None:
        modal = await h.invoke(path, user=organizer, guild=guild)
        assert modal["_callback"] == 9, f"/{name} without options should open its form"
        values = {
            f.name: _form_value(command.option(f.name), h, guild) for f in command.form.fields
        }
        reply = await h.submit(values, user=organizer, guild=guild)
    else:
        options = {
            discord_name(o.name): _sample(o, h, guild) for o in command.options if o.required
        }
        reply = await h.invoke(path, options, user=organizer, guild=guild)
    assert name in spy.calls, f"/{name} did not reach its handler: {reply.get('content')!r}"
    assert reply["_callback"] in (4, 5)
    private = spy.replies[name][-1].private
    assert bool(reply["flags"] & EPHEMERAL) == private
    assert reply["content"] or reply["attachments"]


AUTOCOMPLETED = [(c.name, o.name) for c in DECLARED for o in c.options if needs_autocomplete(o)]


@pytest.mark.parametrize(("name", "option"), AUTOCOMPLETED)
async def test_autocomplete_suggests_values(
    name: str, option: str, h: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """Typing into a time zone, skills or long-choice option gets at most 25 suggestions."""
    binding = _binding(h, name)
    declared = binding.command.option(option)
    assert declared is not None
    typed = {OptionType.TIMEZONE: "berl", OptionType.SKILLS: "py"}.get(declared.type, "")
    payload = fake.autocomplete(
        " ".join(binding.path),
        {discord_name(option): typed},
        focused=discord_name(option),
        user=guild.member_named("olga" if binding.command.admin else "alice"),
        guild=guild,
    )
    result = await h.feed(payload)
    assert result["_callback"] == 8
    assert 1 <= len(result["choices"]) <= 25


@pytest.mark.parametrize("name", [c.name for c in DECLARED if c.admin])
async def test_admin_commands_are_not_offered_to_a_member(
    name: str, h: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """Their top-level command carries Manage Server as its default member permission, so
    Discord neither shows nor delivers them to a member (overrides: test_discord_organizers)."""
    binding = _binding(h, name)
    with pytest.raises(CommandHidden):
        fake.slash_command(" ".join(binding.path), user=guild.member_named("alice"), guild=guild)
