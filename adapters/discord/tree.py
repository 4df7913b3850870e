"""discord.py app commands generated from the declarations in the command table.

Each declared option becomes a typed Discord option through a per-option ``Transformer`` (the
public discord.py hook for custom option types). What Discord needs to know about an option
type (how the value is carried, whether values are suggested as the member types) comes from
the core's converter registry, so a new option type needs no change here. The transformer hands
the value back as the raw string the shared validator expects, so Discord input is validated by
exactly the same code as typed text.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Protocol

import discord
from discord import app_commands

from adapters.discord.files import InteractionFiles
from adapters.discord.layout import Binding, discord_name, fit, roots
from bot.commands import Command, ConvertContext, Option, ValueKind, converter_for, placeholder

MAX_STRING = 6000  # Discord's max_length for string options
MAX_CHOICES = 25
ADMIN_PERMISSIONS = discord.Permissions(manage_guild=True)
GUILD_ONLY = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)
GUILD_INSTALL = app_commands.AppInstallationType(guild=True, user=False)

OptionKind = discord.AppCommandOptionType
Choice = app_commands.Choice
_KINDS = {
    ValueKind.STRING: OptionKind.string,
    ValueKind.INTEGER: OptionKind.integer,
    ValueKind.BOOLEAN: OptionKind.boolean,
    ValueKind.USER: OptionKind.user,
    ValueKind.CHANNEL: OptionKind.channel,
    ValueKind.ROLE: OptionKind.role,
    ValueKind.ATTACHMENT: OptionKind.attachment,
}


class CommandRunner(Protocol):
    """Runs a declared command for an interaction (implemented by `interactions.Responder`)."""

    async def run_command(
        self,
        interaction: discord.Interaction,
        command: Command,
        raw: dict[str, str],
        files: InteractionFiles,
    ) -> None: ...


class Completer:
    """Autocomplete: the values the core's converter suggests for what the member typed."""

    def __init__(self, context: ConvertContext) -> None:
        self._context = context

    def complete(self, option: Option, current: str) -> list[Choice[str]]:
        found = converter_for(option).suggest(option, current, self._context)
        return [
            Choice(name=fit(s.label, 100), value=s.value)
            for s in found[:MAX_CHOICES]
            if len(s.value) <= 100  # Discord's limit on a choice's value
        ]


class OptionTransformer(app_commands.Transformer):
    """One declared option as a Discord option; transforms the value back to a raw string."""

    def __init__(self, option: Option) -> None:
        self.option = option

    @property
    def _kind(self) -> ValueKind:
        return converter_for(self.option).kind

    @property
    def type(self) -> OptionKind:
        return _KINDS[self._kind]

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        if self._kind is ValueKind.CHANNEL:
            return [discord.ChannelType.text, discord.ChannelType.news]
        return []

    @property
    def min_value(self) -> int | None:
        return self.option.min_value if self._kind is ValueKind.INTEGER else None

    @property
    def max_value(self) -> int | None:
        """For integers the largest value; for strings the longest text."""
        if self._kind is ValueKind.INTEGER:
            return self.option.max_value
        limit = converter_for(self.option).max_input(self.option)
        return min(limit, MAX_STRING) if limit is not None else None

    @property
    def choices(self) -> list[Choice[str | int | float]] | None:
        if not self.option.choices or len(self.option.choices) > MAX_CHOICES:
            return None
        as_int = self._kind is ValueKind.INTEGER
        return [
            Choice(name=fit(c, 100), value=int(c) if as_int else c) for c in self.option.choices
        ]

    async def transform(
        self, interaction: discord.Interaction, value: Any
    ) -> str | discord.Attachment:
        if isinstance(value, discord.Attachment):  # its bytes are fetched once validated
            return value
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, discord.Role):  # the role converter reads the label as its name
            return f"<@&{value.id}|{value.name}>"
        if isinstance(value, discord.abc.Snowflake):  # users, members, channels
            return str(value.id)
        return str(value)


class CompletingTransformer(OptionTransformer):
    """An option whose values are suggested while the member types."""

    def __init__(self, option: Option, completer: Completer) -> None:
        super().__init__(option)
        self._completer = completer

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str
    ) -> list[Choice[str]]:
        return self._completer.complete(self.option, str(value))


def needs_autocomplete(option: Option) -> bool:
    """Suggested while typing: where the converter suggests, unless native choices fit."""
    if option.choices and len(option.choices) <= MAX_CHOICES:
        return False
    return converter_for(option).suggests


def option_description(option: Option) -> str:
    """The declared description, with the expected format when Discord cannot enforce it."""
    text = " ".join(option.description.split()) or option.name
    if converter_for(option).shows_format:
        hint = f" ({placeholder(option)})"
        if len(text) + len(hint) <= 100:
            text += hint
    return fit(text, 100)


def make_callback(
    binding: Binding, runner: CommandRunner, completer: Completer
) -> Callable[..., Awaitable[None]]:
    """A coroutine whose signature declares the command's options, for discord.py to read."""
    command = binding.command
    declared_by_param: dict[str, str] = {}
    parameters = [
        inspect.Parameter(
            "interaction",
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=discord.Interaction,
        )
    ]
    descriptions: dict[str, str] = {}
    renames: dict[str, str] = {}
    # A command with a form opens it when run without options, which Discord only allows
    # if no option is required there; the shared validator still insists on required ones.
    optional_everywhere = command.form is not None
    for index, option in enumerate(command.options):
        required = option.required and not optional_everywhere
        param = f"option_{index}"  # any declared name works: Discord sees the rename
        declared_by_param[param] = option.name
        transformer: OptionTransformer = (
            CompletingTransformer(option, completer)
            if needs_autocomplete(option)
            else OptionTransformer(option)
        )
        parameters.append(
            inspect.Parameter(
                param,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=transformer,
                default=inspect.Parameter.empty if required else None,
            )
        )
        descriptions[param] = option_description(option)
        renames[param] = discord_name(option.name)

    async def callback(
        interaction: discord.Interaction, **values: str | discord.Attachment | None
    ) -> None:
        raw: dict[str, str] = {}
        attachments: dict[str, discord.Attachment] = {}
        for param, value in values.items():
            if isinstance(value, discord.Attachment):
                attachments[str(value.id)] = value
                raw[declared_by_param[param]] = str(value.id)
            elif value is not None:
                raw[declared_by_param[param]] = value
        await runner.run_command(interaction, command, raw, InteractionFiles(attachments))

    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__name__ = callback.__qualname__ = "_".join(binding.path).replace("-", "_")
    described = app_commands.describe(**descriptions)(callback)
    return app_commands.rename(**renames)(described)


AppCommand = app_commands.Command[Any, ..., None]
AppItem = AppCommand | app_commands.Group


def _command(
    binding: Binding,
    name: str,
    runner: CommandRunner,
    completer: Completer,
    parent: app_commands.Group | None,
) -> AppCommand:
    callback: Any = make_callback(binding, runner, completer)
    command: AppCommand = app_commands.Command(
        name=name,
        description=fit(binding.command.description, 100),
        callback=callback,
        parent=parent,
        extras={"studybot_command": binding.command.name},
    )
    if parent is not None:
        parent.add_command(command)
    else:
        command.guild_only = True
        command.allowed_contexts = GUILD_ONLY
        command.allowed_installs = GUILD_INSTALL
        if binding.command.admin:
            command.default_permissions = ADMIN_PERMISSIONS
    return command


def _group_description(name: str, children: Sequence[str]) -> str:
    return fit(f"{name}: {', '.join(children)}", 100)


def build_commands(
    bindings: Iterable[Binding], runner: CommandRunner, completer: Completer
) -> list[AppItem]:
    """The top-level app commands and groups for these bindings."""
    items: list[AppItem] = []
    for root, members in roots(bindings).items():
        if len(members) == 1 and len(members[0].path) == 1:
            items.append(_command(members[0], root, runner, completer, None))
            continue
        # Discord only applies default permissions at the top level: hide a group from
        # non-organizers only when everything in it is an admin command.
        all_admin = all(b.command.admin for b in members)
        top = app_commands.Group(
            name=root,
            description=_group_description(root, sorted({b.path[1] for b in members})),
            guild_only=True,
            allowed_contexts=GUILD_ONLY,
            allowed_installs=GUILD_INSTALL,
            default_permissions=ADMIN_PERMISSIONS if all_admin else None,
        )
        subgroups: dict[str, app_commands.Group] = {}
        for binding in members:
            if len(binding.path) == 2:
                _command(binding, binding.path[1], runner, completer, top)
                continue
            group_name = binding.path[1]
            group = subgroups.get(group_name)
            if group is None:
                siblings = sorted({b.path[2] for b in members if b.path[1] == group_name})
                group = app_commands.Group(
                    name=group_name,
                    description=_group_description(f"{root} {group_name}", siblings),
                    parent=top,
                )
                subgroups[group_name] = group
            _command(binding, binding.path[2], runner, completer, group)
        items.append(top)
    return items
