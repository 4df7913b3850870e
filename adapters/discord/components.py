"""Buttons and forms from the core's `Message`/`Reply` as discord.ui buttons and modals.

Every component carries what it needs in its ``custom_id``, so nothing is kept in memory:
buttons are discord.py ``DynamicItem``s, registered once, and keep working after a restart. A
click in a DM arrives without a server, so the id names its community; it is therefore
*signed* with the installation's secret, together with the member it was issued to (in a DM,
always), and an expiry. A crafted id, another community's id, someone else's button or an
expired form is refused before anything runs. The format is

    sb:<kind>:<tenant>:<user or *>:<expires>:<signature>:<payload>

with kind C (runs a command line), F (opens a form), M (a submitted form). Ids of the older,
unsigned format (lower-case kinds) are answered with "out of date" and nothing else.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

import discord

from adapters.discord.layout import fit
from bot.clock import Clock
from bot.ports import Button, Form
from bot.signing import Signer, base36, expiry_of, expiry_stamp

log = logging.getLogger(__name__)

MAX_CUSTOM_ID = 100
COMMAND, FORM, MODAL = "C", "F", "M"
ANYONE = "*"  # a button in a server channel: whoever may see it may click it
BUTTON_LIFETIME = timedelta(days=30)
FORM_LIFETIME = timedelta(hours=1)  # from opening a form to submitting it
MAX_BUTTONS = 25  # 5 rows of 5
MAX_FIELDS = 5  # a modal holds at most five inputs
_FIELDS = (
    r"(?P<tenant>[0-9a-z]+):(?P<user>[0-9a-z]+|\*):(?P<expires>[0-9a-z]{1,9}):"
    r"(?P<signature>[A-Za-z0-9_-]{12}):(?P<payload>.+)"
)
_ISSUED = re.compile(rf"sb:(?P<kind>[{COMMAND}{FORM}{MODAL}]):{_FIELDS}", re.DOTALL)
_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "danger": discord.ButtonStyle.danger,
    "success": discord.ButtonStyle.success,
}
OUT_OF_DATE = "That button is out of date. Type the command instead (/help lists them)."
NOT_YOURS = "That button or form was not issued to you here, so nothing was done."
EXPIRED = "That form or button has expired; nothing was saved. Run the command again."


@dataclass(frozen=True)
class Issued:
    """What a component id says about itself, before it is checked."""

    kind: str
    tenant: str
    user: str  # a user id, or ANYONE
    expires: str
    signature: str
    payload: str  # the command line (C) or command name (F, M)

    @property
    def signed(self) -> tuple[str, ...]:
        return (self.kind, self.tenant, self.user, self.expires, self.payload)

    def custom_id(self) -> str:
        # Snowflakes in base 36 (13 characters, not 19): the 100 characters of an id are
        # shared with the command line a button runs, "checkin delete day:... confirm:yes".
        ids = [_compact(self.tenant), _compact(self.user)]
        return ":".join(["sb", self.kind, *ids, self.expires, self.signature, self.payload])


def _compact(snowflake: str) -> str:
    return base36(int(snowflake)) if snowflake.isdigit() else snowflake


def _snowflake(compact: str) -> str:
    return compact if compact == ANYONE else str(int(compact, 36))


def parse_issued(custom_id: str) -> Issued | None:
    m = _ISSUED.fullmatch(custom_id)
    if m is None:
        return None
    found = {k: m[k] for k in Issued.__dataclass_fields__}
    found["tenant"], found["user"] = _snowflake(m["tenant"]), _snowflake(m["user"])
    return Issued(**found)


@dataclass(frozen=True)
class ComponentIds:
    """Issues signed ids, and checks the ids that come back with an interaction."""

    signer: Signer
    clock: Clock

    def issue(
        self, kind: str, tenant: str, user: str | None, payload: str, lifetime: timedelta
    ) -> str | None:
        """A signed id, or None when the payload does not fit Discord's 100 characters."""
        expires = expiry_stamp(self.clock.now() + lifetime)
        unsigned = Issued(kind, tenant, user or ANYONE, expires, "", payload)
        issued = Issued(**{**unsigned.__dict__, "signature": self.signer.sign(*unsigned.signed)})
        custom_id = issued.custom_id()
        return custom_id if len(custom_id) <= MAX_CUSTOM_ID else None

    def refusal(self, issued: Issued, interaction: discord.Interaction) -> str | None:
        """Why this interaction may not use this id; None when it may."""
        if not self.signer.verify(issued.signature, *issued.signed):
            return NOT_YOURS
        guild_id = interaction.guild_id
        if guild_id is not None and str(guild_id) != issued.tenant:
            return NOT_YOURS  # a component of one server, used in another
        user = str(interaction.user.id)
        if issued.user != user and (issued.user != ANYONE or guild_id is None):
            return NOT_YOURS  # someone else's button or form; in a DM, only its member's
        deadline: datetime | None = expiry_of(issued.expires)
        if deadline is None or self.clock.now() > deadline:
            return EXPIRED
        return None


class ComponentHandler(Protocol):
    """What the client offers to components (implemented by `interactions.Responder`)."""

    async def run_button(self, interaction: discord.Interaction, issued: Issued) -> None:
        """Run a command line for the member who clicked."""
        ...

    async def open_form(self, interaction: discord.Interaction, issued: Issued) -> None:
        """Answer a click with the command's form."""
        ...

    async def refuse(self, interaction: discord.Interaction, text: str) -> None:
        """Answer a component that cannot be used, privately."""
        ...


def _handler(interaction: discord.Interaction) -> ComponentHandler:
    return cast(ComponentHandler, interaction.client.responder)  # type: ignore[attr-defined]


def _template(kind: str) -> str:
    return rf"sb:{kind}:{_FIELDS}"


class CommandButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=_template(COMMAND),
):
    """Runs the payload line as the member who clicks."""

    def __init__(
        self,
        issued: Issued,
        *,
        label: str = "OK",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        super().__init__(
            discord.ui.Button(label=fit(label, 80), style=style, custom_id=issued.custom_id())
        )
        self.issued = issued

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: Any,
    ) -> CommandButton:
        button = cast(discord.ui.Button[discord.ui.View], item)
        issued = parse_issued(str(button.custom_id))
        assert issued is not None  # the template matched
        return cls(issued, label=button.label or "OK", style=button.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handler(interaction).run_button(interaction, self.issued)


class FormButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=_template(FORM),
):
    """Opens a command's form: used where a modal cannot be the reply (after a deferral)."""

    def __init__(self, issued: Issued, *, label: str = "Open form") -> None:
        super().__init__(
            discord.ui.Button(
                label=fit(label, 80),
                style=discord.ButtonStyle.primary,
                custom_id=issued.custom_id(),
            )
        )
        self.issued = issued

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: Any,
    ) -> FormButton:
        button = cast(discord.ui.Button[discord.ui.View], item)
        issued = parse_issued(str(button.custom_id))
        assert issued is not None
        return cls(issued, label=button.label or "Open form")

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handler(interaction).open_form(interaction, self.issued)


class OutdatedButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"sb:[cf]:.+",
):
    """A button from before ids were signed: it says so, and does nothing else."""

    def __init__(self, custom_id: str) -> None:
        super().__init__(discord.ui.Button(label="Out of date", custom_id=custom_id))

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: Any,
    ) -> OutdatedButton:
        return cls(str(cast(discord.ui.Button[discord.ui.View], item).custom_id))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handler(interaction).refuse(interaction, OUT_OF_DATE)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    CommandButton,
    FormButton,
    OutdatedButton,
)


def build_view(
    buttons: Iterable[Button],
    tenant: str,
    ids: ComponentIds,
    *,
    user: str | None = None,
    form: Form | None = None,
) -> discord.ui.View | None:
    """A persistent view of command buttons (and a form button), or None if there are none.

    `user`: the member the message is for (a DM, an ephemeral reply); None in a channel.
    """
    items: list[discord.ui.Item[Any]] = []
    if form is not None:
        custom_id = ids.issue(FORM, tenant, user, form.command, BUTTON_LIFETIME)
        issued = parse_issued(custom_id or "")
        if issued is not None:
            items.append(FormButton(issued, label=form.title))
    for button in buttons:
        issued = parse_issued(
            ids.issue(COMMAND, tenant, user, button.command, BUTTON_LIFETIME) or ""
        )
        if issued is None:
            log.warning("dropping button %r: its command line is too long", button.label)
            continue
        style = _STYLES.get(button.style, discord.ButtonStyle.secondary)
        items.append(CommandButton(issued, label=button.label, style=style))
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items[:MAX_BUTTONS]:
        view.add_item(item)
    if len(items) > MAX_BUTTONS:
        log.warning("dropping %d buttons beyond Discord's 25", len(items) - MAX_BUTTONS)
    return view


def build_modal(form: Form, tenant: str, user: str, ids: ComponentIds) -> discord.ui.Modal:
    """The form as a modal for one member; its submit is handled from ``custom_id``."""
    custom_id = ids.issue(MODAL, tenant, user, form.command, FORM_LIFETIME)
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
            default=form.value(field.name)[:4000] or None,  # what is being edited
        )
        modal.add_item(discord.ui.Label(text=fit(field.label, 45), component=text_input))
    if len(form.fields) > MAX_FIELDS:
        log.warning("form %r has %d fields; a modal shows 5", form.title, len(form.fields))
    return modal


@dataclass(frozen=True)
class Submitted:
    issued: Issued | None  # None: one of ours in the old, unsigned format
    values: dict[str, str]


def parse_modal(data: Mapping[str, Any]) -> Submitted | None:
    """The id and values of a MODAL_SUBMIT's data, or None if the modal is not ours."""
    custom_id = str(data.get("custom_id", ""))
    if not custom_id.startswith(("sb:M:", "sb:m:")):
        return None
    values: dict[str, str] = {}
    for row in data.get("components") or []:
        # Action rows hold inputs in "components"; labels (discord.py 2.6+) in "component".
        inputs = row.get("components") or ([row["component"]] if "component" in row else [])
        for text_input in inputs:
            if "custom_id" in text_input:
                values[str(text_input["custom_id"])] = str(text_input.get("value") or "")
    return Submitted(parse_issued(custom_id), values)
