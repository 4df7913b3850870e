"""From an interaction to the core and back: actor, deadline, reply rendering.

Discord drops an interaction that is not acknowledged within 3 seconds. Commands declared
``slow`` are deferred at once; any other command gets ``defer_after`` seconds (1 s) to finish
and is deferred if it has not, so the deadline holds however slow the database or a cog is.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import datetime
from typing import Any

import discord

from adapters.discord.components import (
    FORM_LIFETIME,
    OUT_OF_DATE,
    ComponentIds,
    Issued,
    build_modal,
    build_view,
    parse_modal,
)
from adapters.discord.files import InteractionFiles
from adapters.discord.messenger import files_of, mention_text, message_parts
from bot.app import Actor, App
from bot.commands import Command, CommandError, Reply, parse_line
from bot.community import ORGANIZER_ROLE
from bot.ports import Button, ChannelKind, ChannelRef, Form, Message

log = logging.getLogger(__name__)

DEFER_AFTER = 1.0
SORRY = "Sorry, something went wrong on our side. Please try again in a moment."
SERVER_ONLY = "studybot works inside a server: use its commands in one of your server's channels."

Work = Callable[[], Coroutine[Any, Any, Reply]]


def actor_for(
    interaction: discord.Interaction, tenant: str | None = None, *, granted: bool = False
) -> Actor | None:
    """Who acts, where. Guild = tenant; a click in a DM names its tenant in the (signed) id.

    ``granted``: Discord itself let this member run an admin-only command, so they are an
    organizer for it whatever their permissions. Clicks and form submits are not gated by
    Discord, so for those Manage Server (or Administrator) decides, or the community's
    organizer role (`Responder._actor` adds it).
    """
    guild_id = interaction.guild_id
    tenant_id = str(guild_id) if guild_id is not None else tenant
    if tenant_id is None:
        return None
    perms = interaction.permissions
    is_admin = guild_id is not None and (granted or perms.manage_guild or perms.administrator)
    channel: ChannelRef | None = None
    if guild_id is not None and interaction.channel_id is not None:
        raw = interaction.channel
        private = getattr(raw, "type", None) is discord.ChannelType.private_thread
        channel = ChannelRef(
            tenant_id,
            str(interaction.channel_id),
            ChannelKind.ROOM if private else ChannelKind.CHANNEL,
            str(getattr(raw, "name", "") or ""),
        )
    guild = interaction.guild
    return Actor(
        tenant_id=tenant_id,
        user_id=str(interaction.user.id),
        display_name=interaction.user.display_name,
        tenant_name=(guild.name or "") if guild is not None else "",
        channel=channel,
        is_admin=is_admin,
        outside_community=guild_id is None,
    )


def holds_role(user: discord.User | discord.Member, role_id: str) -> bool:
    """Whether the member holds the role, as the interaction's ``member.roles`` says: always
    current, the bot keeps no copy. discord.py has those ids only in ``Member._roles``; its
    public ``roles`` and ``get_role`` also need the role in the guild cache, which the partial
    guild of an interaction without the gateway lacks."""
    if not role_id.isdigit() or not isinstance(user, discord.Member):
        return False
    return user._roles.has(int(role_id))


class Responder:
    """Runs commands, button lines and form submissions for interactions."""

    def __init__(
        self,
        app: App,
        ids: ComponentIds,
        *,
        defer_after: float = DEFER_AFTER,
        rename: Callable[[str], str] = str,
    ) -> None:
        self._app = app
        self._ids = ids
        self.defer_after = defer_after
        self._rename = rename  # text-syntax command names -> Discord names
        # What a member typed into a form that was refused, until they reopen it: a Discord
        # modal cannot show errors in place, so "Fix it" reopens it with their answers.
        self._drafts: dict[tuple[str, str], tuple[datetime, dict[str, str]]] = {}

    # --- entry points (slash commands, components, modals) --------------------------------

    async def run_command(
        self,
        interaction: discord.Interaction,
        command: Command,
        raw: dict[str, str],
        files: InteractionFiles,
    ) -> None:
        # layout.plan puts every admin command under a top-level command registered with
        # Manage Server as its default member permission, which a server can widen to an
        # organizer role in Server Settings > Integrations; Discord enforces both before the
        # interaction arrives, and a second Manage Server check here would undo the override.
        if not await self._first_sight(interaction):
            return
        actor = await self._actor(interaction, granted=command.admin)
        if actor is None:
            await self._deliver(interaction, Reply(text=SERVER_ONLY, error=True), tenant="")
            return
        await self._respond(
            interaction,
            actor,
            lambda: self._app.handle(actor, command, raw, files=files),
            slow=command.slow,
        )

    async def run_button(
        self, interaction: discord.Interaction, issued: Issued, *, opens_form: bool = False
    ) -> None:
        if not await self._first_sight(interaction):
            return
        actor = await self._actor_for_component(interaction, issued)
        if actor is None:
            return
        line = issued.payload
        # A form button's line answers with the form at once; deferring would rule out the modal.
        slow = self._slow(line) and not opens_form
        await self._respond(
            interaction, actor, lambda: self._app.handle_line(actor, line), slow=slow
        )

    async def open_form(self, interaction: discord.Interaction, issued: Issued) -> None:
        """A form button runs its form's command line, which answers with the form (as a
        modal: nothing has answered this click yet)."""
        await self.run_button(interaction, issued, opens_form=True)

    async def submit_form(self, interaction: discord.Interaction) -> bool:
        """Handle a submitted modal of ours; False if the modal is not ours."""
        submitted = parse_modal(dict(interaction.data or {}))
        if submitted is None:
            return False
        if not await self._first_sight(interaction):
            return True
        issued = submitted.issued
        if issued is None:
            await self.refuse(interaction, OUT_OF_DATE)
            return True
        actor = await self._actor_for_component(interaction, issued)
        if actor is None:
            return True
        line, values = issued.payload, submitted.values

        async def submit() -> Reply:
            reply = await self._app.submit_form(actor, line, values)
            if not reply.error:
                return reply
            now = self._app.clock.now()
            self._drafts = {k: v for k, v in self._drafts.items() if v[0] > now}
            self._drafts[(actor.user_id, line)] = (now + FORM_LIFETIME, dict(values))
            return replace(reply, buttons=(*reply.buttons, Button("Fix it", line, "primary")))

        await self._respond(interaction, actor, submit, slow=self._slow(line))
        return True

    async def _first_sight(self, interaction: discord.Interaction) -> bool:
        """False for an interaction already handled here or by another process (a gateway
        redelivery, a second process): Discord took the first answer, so this one is dropped."""
        return await self._app.first_sight(str(interaction.id))

    def _with_draft(self, form: Form, user: str) -> Form:
        """The form with what the member typed last time it was refused, if still fresh."""
        expires, values = self._drafts.pop((user, form.command), (None, {}))
        if expires is None or self._app.clock.now() > expires:
            return form
        return replace(form, values=tuple({**dict(form.values), **values}.items()))

    async def refuse(self, interaction: discord.Interaction, text: str) -> None:
        """A component that cannot be used: say why, privately; nothing else happens."""
        await self._deliver(interaction, Reply(text=text, error=True), tenant="")

    # --- the deadline ----------------------------------------------------------------------

    async def _respond(
        self, interaction: discord.Interaction, actor: Actor, work: Work, *, slow: bool
    ) -> None:
        task = asyncio.create_task(work())
        if slow:
            await self._defer(interaction)
        else:
            done, _ = await asyncio.wait({task}, timeout=self.defer_after)
            if not done:
                await self._defer(interaction)
        try:
            reply = await task
        except Exception:  # App.handle already turns errors into replies; belt and braces
            log.exception("handling an interaction failed")
            reply = Reply(text=SORRY, error=True)
        await self._deliver(interaction, reply, tenant=actor.tenant_id)

    async def _defer(self, interaction: discord.Interaction) -> None:
        # Ephemeral: most replies are private, and a public one replaces the placeholder.
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
        except discord.HTTPException:
            log.warning("could not defer interaction %s", interaction.id, exc_info=True)

    def _slow(self, line: str) -> bool:
        try:
            command, _ = parse_line(line, self._app.commands)
        except CommandError:
            return False
        return command.slow

    async def _actor_for_component(
        self, interaction: discord.Interaction, issued: Issued
    ) -> Actor | None:
        """The clicker, if the signed id says it was issued to them for that community."""
        refusal = self._ids.refusal(issued, interaction)
        if refusal is not None:
            log.info("refused a component interaction %s: %s", interaction.id, refusal)
            await self.refuse(interaction, refusal)
            return None
        return await self._actor(interaction, issued.tenant)

    async def _actor(
        self, interaction: discord.Interaction, tenant: str | None = None, *, granted: bool = False
    ) -> Actor | None:
        """`actor_for`, and in a server the holders of the community's organizer role are
        organizers too (the setting comes from app.community's cache)."""
        actor = actor_for(interaction, tenant, granted=granted)
        if actor is None or actor.is_admin or interaction.guild_id is None:
            return actor
        role = await self._app.community.value_for(
            self._app.platform, actor.tenant_id, ORGANIZER_ROLE
        )
        return replace(actor, is_admin=holds_role(interaction.user, role))

    # --- rendering -------------------------------------------------------------------------

    async def _deliver(
        self, interaction: discord.Interaction, reply: Reply, *, tenant: str
    ) -> None:
        try:
            await self._render(interaction, reply, tenant)
        except discord.HTTPException:
            log.exception("could not reply to interaction %s", interaction.id)

    async def _render(self, interaction: discord.Interaction, reply: Reply, tenant: str) -> None:
        form = reply.form
        user = str(interaction.user.id)
        if form is not None and tenant and self._can_open_modal(interaction):
            modal = build_modal(self._with_draft(form, user), tenant, user, self._ids)
            await self._send_modal(interaction, modal)
            return
        if reply.replaces_clicked is not None and tenant and interaction.message is not None:
            await self._update_clicked(interaction, reply.replaces_clicked, tenant)
        text = mention_text(reply)
        if reply.details:  # a reply to an interaction cannot start a thread; inline it
            text = f"{text}\n\n{reply.details}"
        chunks = message_parts(self._rename(text))
        # Only whoever sees a private reply (or a DM) may use its buttons; a public one, anyone.
        issued_to = user if reply.private or interaction.guild_id is None else None
        view = (
            build_view(reply.buttons, tenant, self._ids, user=issued_to, form=form)
            if tenant
            else None
        )
        for index, chunk in enumerate(chunks):
            kwargs: dict[str, Any] = {"allowed_mentions": discord.AllowedMentions.none()}
            if index == len(chunks) - 1:
                if view is not None:
                    kwargs["view"] = view
                if reply.files:
                    kwargs["files"] = files_of(reply)
            await self._send_part(interaction, chunk, reply.private, first=index == 0, **kwargs)

    async def _update_clicked(
        self, interaction: discord.Interaction, message: Message, tenant: str
    ) -> None:
        """The clicked message says what it now should (answers so far, buttons updated or
        gone): UPDATE_MESSAGE while the click is unanswered, else an edit of the message.
        The reply itself follows as a private message."""
        issued_to = str(interaction.user.id) if interaction.guild_id is None else None
        view = build_view(message.buttons, tenant, self._ids, user=issued_to)
        content = message_parts(self._rename(message.text))[0]
        none = discord.AllowedMentions.none()
        if not interaction.response.is_done():
            await interaction.response.edit_message(
                content=content, view=view, allowed_mentions=none
            )
            return
        assert interaction.message is not None
        await interaction.message.edit(content=content, view=view, allowed_mentions=none)

    async def _send_part(
        self,
        interaction: discord.Interaction,
        content: str,
        private: bool,
        *,
        first: bool,
        **kwargs: Any,
    ) -> None:
        response = interaction.response
        if not response.is_done():
            await response.send_message(content, ephemeral=private, **kwargs)
            return
        deferred = response.type is discord.InteractionResponseType.deferred_channel_message
        if first and deferred and not private:
            # The placeholder was ephemeral; a public reply takes its place as a new message.
            await interaction.delete_original_response()
        await interaction.followup.send(content, ephemeral=private, **kwargs)

    def _can_open_modal(self, interaction: discord.Interaction) -> bool:
        return (
            not interaction.response.is_done()
            and interaction.type is not discord.InteractionType.modal_submit
        )

    async def _send_modal(self, interaction: discord.Interaction, modal: discord.ui.Modal) -> None:
        try:
            await interaction.response.send_modal(modal)
        except discord.HTTPException:
            log.exception("could not open a form for interaction %s", interaction.id)
        # Submissions are handled from the custom_id (they survive restarts), not by the
        # in-memory modal that discord.py registered.
        modal.stop()
