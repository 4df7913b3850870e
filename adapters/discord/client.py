"""The discord.py client: the generated command tree, persistent buttons, member events."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from adapters.discord.components import DYNAMIC_ITEMS, ComponentIds
from adapters.discord.interactions import SORRY, Responder
from adapters.discord.layout import Binding, CommandNames, plan
from adapters.discord.sync import sync_commands
from adapters.discord.tree import Completer, build_commands
from bot.app import App
from bot.ports import ChannelRef, UserRef

log = logging.getLogger(__name__)

SetupHook = Callable[[], Awaitable[None]]
# Longer rate-limit waits raise instead of blocking: the outbox reschedules the message.
MAX_RATELIMIT_WAIT = 30.0


def intents(*, members: bool = True) -> discord.Intents:
    """The minimum: guilds (channels, threads, roles in cache) and, if granted, members.

    GUILD_MEMBERS is privileged; it is only needed to hear members leave (and join).
    No message content, presences or message events: everything arrives as interactions.
    """
    return discord.Intents(guilds=True, members=members)


def welcome_target(guild: discord.Guild) -> ChannelRef | UserRef:
    """The server's system channel when the bot may post there, else the owner's DM."""
    channel = guild.system_channel
    if channel is not None and channel.permissions_for(guild.me).send_messages:
        return ChannelRef(str(guild.id), str(channel.id))
    return UserRef(str(guild.id), str(guild.owner_id))


class StudyBot(discord.Client):
    """One guild = one tenant; every command comes from the app's command table."""

    def __init__(
        self,
        app: App,
        *,
        guild_id: int | None = None,
        members_intent: bool = True,
        sync: bool = True,
        on_setup: SetupHook | None = None,
        defer_after: float | None = None,
        **options: Any,
    ) -> None:
        options.setdefault("max_ratelimit_timeout", MAX_RATELIMIT_WAIT)
        options.setdefault("chunk_guilds_at_startup", False)  # no member lists we do not need
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        super().__init__(intents=intents(members=members_intent), **options)
        self.app = app
        self.guild_id = guild_id
        self.members_intent = members_intent
        self._sync = sync
        self._on_setup = on_setup
        self.bindings: list[Binding] = plan(app.commands)
        self.command_names = CommandNames(self.bindings)
        self.component_ids = ComponentIds(app.signer, app.clock)
        self.responder = Responder(app, self.component_ids, rename=self.command_names)
        if defer_after is not None:
            self.responder.defer_after = defer_after
        self.tree: app_commands.CommandTree[StudyBot] = app_commands.CommandTree(self)
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]
        for item in build_commands(self.bindings, self.responder, Completer(app.convert_context)):
            self.tree.add_command(item)

    async def setup_hook(self) -> None:
        for item in DYNAMIC_ITEMS:
            self.add_dynamic_items(item)
        if self._sync:
            await sync_commands(self, self.tree, self.guild_id)
        if self._on_setup is not None:
            await self._on_setup()

    async def on_ready(self) -> None:
        # Fires again on every reconnect: log only; start-up work lives in setup_hook.
        log.info("connected as %s to %d servers", self.user, len(self.guilds))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        # Modals are answered from their custom_id, so a form opened before a restart works.
        if interaction.type is discord.InteractionType.modal_submit:
            await self.responder.submit_form(interaction)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Added to a server: the community is in, and whoever can set it up is told how."""
        await self.app.tenant_added(str(guild.id), guild.name, welcome_target(guild))

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Kicked, banned or the server deleted: its jobs stop and nothing more is sent."""
        await self.app.tenant_removed(str(guild.id))

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        if payload.user.bot:
            return
        await self.app.member_left(str(payload.guild_id), str(payload.user.id))

    async def on_member_join(self, member: discord.Member) -> None:
        if member.bot:
            return
        await self.app.member_joined(str(member.guild.id), str(member.id), member.display_name)

    async def _on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Whatever failed in discord.py's parsing, the member gets an answer, not silence."""
        stale = (app_commands.CommandNotFound, app_commands.CommandSignatureMismatch)
        if isinstance(error, stale):  # Discord still shows an older version of the command
            text = "That command has changed. Discord may need a moment to update; try again soon."
        else:
            log.error("app command failed", exc_info=error)
            text = SORRY
        try:
            if not interaction.response.is_done():
                await interaction.response.send_message(text, ephemeral=True)
            else:
                await interaction.followup.send(text, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not report an error to interaction %s", interaction.id)


class ShardedStudyBot(StudyBot, discord.AutoShardedClient):
    """The same bot on some of its shards (`shard_count=`, `shard_ids=`): Discord sends each
    shard the events of its servers, and direct messages to shard 0 only."""
