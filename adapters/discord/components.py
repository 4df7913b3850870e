"""Buttons and forms from the core's `Message`/`Reply` as discord.ui buttons and modals.

Every component carries what it needs in its ``custom_id`` (the tenant and the command line
or command name), so nothing is kept in memory: buttons are discord.py ``DynamicItem``s,
registered once, and keep working after a restart. The tenant is in the id because a click
on a button in a DM (a reminder) arrives without a guild.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, cast

import discord

from adapters.discord.layout import fit
from bot.ports import Button, Form

log = logging.getLogger(__name__)

MAX_CUSTOM_ID = 100
COMMAND_PREFIX = "sb:c:"  # a button that runs a command line as the clicker
FORM_PREFIX = "sb:f:"  # a button that opens a command's form
MODAL_PREFIX = "sb:m:"  # a submitted form
MAX_BUTTONS = 25  # 5 rows of 5
MAX_FIELDS = 5  # a modal holds at most five inputs
_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "danger": discord.ButtonStyle.danger,
    "success": discord.ButtonStyle.success,
}


class ComponentHandler(Protocol):
    """What the client offers to components (implemented by `interactions.Responder`)."""

    async def run_button(self, interaction: discord.Interaction, tenant: str, line: str) -> None:
        """Run a command line for the member who clicked."""
        ...

    async def open_form(self, interaction: discord.Interaction, tenant: str, command: str) -> None:
        """Answer a click with the command's form."""
        ...


def _handler(interaction: discord.Interaction) -> ComponentHandler:
    return cast(ComponentHandler, interaction.client.responder)  # type: ignore[attr-defined]


def _custom_id(prefix: str, tenant: str, payload: str) -> str | None:
    custom_id = f"{prefix}{tenant}:{payload}"
    return custom_id if len(custom_id) <= MAX_CUSTOM_ID else None


class CommandButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"sb:c:(?P<tenant>\d+):(?P<line>.+)",
):
    """Runs ``line`` as the member who clicks, in ``tenant``."""

    def __init__(
        self,
        tenant: str,
        line: str,
        *,
        label: str = "OK",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        custom_id = _custom_id(COMMAND_PREFIX, tenant, line)
        if custom_id is None:
            raise ValueError(f"button line too long for a custom_id: {line!r}")
        super().__init__(discord.ui.Button(label=fit(label, 80), style=style, custom_id=custom_id))
        self.tenant = tenant
        self.line = line

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: Any,
    ) -> CommandButton:
        button = cast(discord.ui.Button[discord.ui.View], item)
        return cls(match["tenant"], match["line"], label=button.label or "OK", style=button.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handler(interaction).run_button(interaction, self.tenant, self.line)


class FormButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"sb:f:(?P<tenant>\d+):(?P<command>.+)",
):
    """Opens a command's form: used where a modal cannot be the reply (after a deferral)."""

    def __init__(self, tenant: str, command: str, *, label: str = "Open form") -> None:
        custom_id = _custom_id(FORM_PREFIX, tenant, command)
        if custom_id is None:
            raise ValueError(f"command name too long for a custom_id: {command!r}")
        super().__init__(
            discord.ui.Button(
                label=fit(label, 80), style=discord.ButtonStyle.primary, custom_id=custom_id
            )
        )
        self.tenant = tenant
        self.command = command

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: Any,
    ) -> FormButton:
        button = cast(discord.ui.Button[discord.ui.View], item)
        return cls(match["tenant"], match["command"], label=button.label or "Open form")

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handler(interaction).open_form(interaction, self.tenant, self.command)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (CommandButton, FormButton)


def build_view(
    buttons: Iterable[Button], tenant: str, *, form: Form | None = None
) -> discord.ui.View | None:
    """A persistent view of command buttons (and a form button), or None if there are none."""
    items: list[discord.ui.Item[Any]] = []
    if form is not None:
        items.append(FormButton(tenant, form.command, label=form.title))
    for button in buttons:
        try:
            style = _STYLES.get(button.style, discord.ButtonStyle.secondary)
            items.append(CommandButton(tenant, button.command, label=button.label, style=style))
        except ValueError:
            log.warning("dropping button %r: its command line is too long", button.label)
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items[:MAX_BUTTONS]:
        view.add_item(item)
    if len(items) > MAX_BUTTONS:
        log.warning("dropping %d buttons beyond Discord's 25", len(items) - MAX_BUTTONS)
    return view


def build_modal(form: Form, tenant: str) -> discord.ui.Modal:
    """The form as a modal; its submit is handled from ``custom_id`` (see `parse_modal`)."""
    custom_id = _custom_id(MODAL_PREFIX, tenant, form.command)
    if custom_id is None:
        raise ValueError(f"command name too long for a modal custom_id: {form.command!r}")
    modal = discord.ui.Modal(title=fit(form.title, 45), custom_id=custom_id, timeout=None)
    for field in form.fields[:MAX_FIELDS]:
        # Labels (discord.py 2.6+) replace the deprecated text-input label in action rows.
        text_input: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(
            custom_id=field.name,
            required=field.required,
            style=discord.TextStyle.paragraph if field.multiline else discord.TextStyle.short,
            max_length=min(field.max_length or 4000, 4000),
            placeholder=fit(field.placeholder, 100) if field.placeholder else None,
        )
        modal.add_item(discord.ui.Label(text=fit(field.label, 45), component=text_input))
    if len(form.fields) > MAX_FIELDS:
        log.warning("form %r has %d fields; a modal shows 5", form.title, len(form.fields))
    return modal


def parse_modal(data: Mapping[str, Any]) -> tuple[str, str, dict[str, str]] | None:
    """(tenant, command, values) from a MODAL_SUBMIT's data, or None if it is not ours."""
    custom_id = str(data.get("custom_id", ""))
    if not custom_id.startswith(MODAL_PREFIX):
        return None
    tenant, _, command = custom_id[len(MODAL_PREFIX) :].partition(":")
    values: dict[str, str] = {}
    for row in data.get("components") or []:
        # Action rows hold inputs in "components"; labels (discord.py 2.6+) in "component".
        inputs = row.get("components") or ([row["component"]] if "component" in row else [])
        for text_input in inputs:
            if "custom_id" in text_input:
                values[str(text_input["custom_id"])] = str(text_input.get("value") or "")
    return tenant, command, values
