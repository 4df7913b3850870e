"""HTTP mode for every workspace that installed the app through OAuth (adapters/slack/oauth.py).

Each installed workspace gets its own `SlackAdapter` (bolt app, Web API client with that
workspace's bot token, user and admin caches), built on its first request or message and shared
by the one core `App`. A request is routed by the team id bolt reads from it, before its
signature is checked (each workspace's bolt app verifies it); bolt's authorize then loads the
same installation for the request. Nothing here outlives a change another worker makes: each
lookup reads the installation, and a new token builds a new adapter. `InstalledMessenger` does the same for outgoing messages: the
tenant of a message picks the installation and so the token.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.listeners import SlackAdapter
from adapters.slack.messenger import Installation, SlackMessenger
from adapters.slack.render import Renderer
from bot.app import App
from bot.ports import (
    ChannelCheck,
    ChannelRef,
    ChannelUse,
    Forbidden,
    Message,
    MessageRef,
    UserRef,
)
from bot.storage.dm_channels import DmChannelRepo
from bot.storage.models import Tenant
from bot.storage.slack_installations import SlackInstallationRepo, StoredInstallation


@dataclass(frozen=True)
class WorkspaceOptions:
    signing_secret: str
    api_url: str | None
    admin_usergroup: str | None
    oauth_settings: AsyncOAuthSettings


@dataclass(frozen=True)
class _Attached:
    app: App
    repo: SlackInstallationRepo
    options: WorkspaceOptions


class SlackWorkspaces:
    def __init__(self, renderer: Renderer) -> None:
        self._renderer = renderer
        self._attached: _Attached | None = None
        self._adapters: dict[str, SlackAdapter] = {}  # by team id

    def attach(self, app: App, repo: SlackInstallationRepo, options: WorkspaceOptions) -> None:
        """The core app (and what needs its database), built after the messenger: the app's
        factory needs one."""
        self._attached = _Attached(app, repo, options)
        app.on_tenant_removed(self._removed)

    async def adapter(self, team_id: str | None) -> SlackAdapter | None:
        """The workspace's adapter; None when it has not installed the app (or removed it).

        The installation is read on every call: another worker may have seen the workspace
        uninstall the app or install it again with a new token."""
        if not team_id:
            return None
        assert self._attached is not None, "attach() the core app first"
        stored = await self._attached.repo.find(team_id)
        if stored is None:
            self._adapters.pop(team_id, None)
            return None
        known = self._adapters.get(team_id)
        if known is None or known.client.token != stored.bot_token:
            known = self._adapters[team_id] = self._build(stored)
        return known

    def _build(self, stored: StoredInstallation) -> SlackAdapter:
        assert self._attached is not None
        app, options = self._attached.app, self._attached.options
        client = AsyncWebClient(
            token=stored.bot_token, base_url=options.api_url or AsyncWebClient.BASE_URL
        )
        installation = Installation(
            team_id=stored.team_id,
            team_name=stored.team_name,
            bot_user_id=stored.bot_user_id,
            bot_id=stored.bot_id,
        )
        messenger = SlackMessenger(client, installation, self._renderer)
        messenger.store_dm_channels(DmChannelRepo(app.db))
        return SlackAdapter(
            app,
            client,
            messenger,
            self._renderer,
            signing_secret=options.signing_secret,
            admin_usergroup=options.admin_usergroup,
            oauth_settings=options.oauth_settings,
        )

    async def installed(self, stored: StoredInstallation) -> None:
        """Installed, or installed again: a community the app was removed from resumes its
        jobs (its next request builds the adapter with the new token)."""
        assert self._attached is not None
        await self._attached.app.tenant_added(stored.team_id, stored.team_name)

    async def _removed(self, tenant: Tenant) -> None:
        """Uninstalled, tokens revoked, or the tenant removed: forget the token everywhere."""
        if tenant.platform != "slack":
            return
        assert self._attached is not None
        await self._attached.repo.delete(tenant.external_id)

    async def settle(self) -> None:
        for adapter in list(self._adapters.values()):
            await adapter.settle()


class InstalledMessenger:
    """The Messenger port for all installed workspaces: each call goes to the messenger of the
    tenant's installation; a tenant with none is refused before any request is made."""

    platform = SlackMessenger.platform
    capabilities = SlackMessenger.capabilities

    def __init__(self, workspaces: SlackWorkspaces) -> None:
        self._workspaces = workspaces

    async def _of(self, tenant: str) -> SlackMessenger:
        adapter = await self._workspaces.adapter(tenant)
        if adapter is None:
            raise Forbidden(f"Slack workspace {tenant} has not installed the app")
        return adapter.messenger

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        return await (await self._of(channel.tenant)).send(channel, message)

    async def send_dm(self, user: UserRef, message: Message) -> MessageRef:
        return await (await self._of(user.tenant)).send_dm(user, message)

    async def open_room(
        self, tenant: str, members: list[UserRef], title: str, *, reuse: bool = False
    ) -> ChannelRef:
        return await (await self._of(tenant)).open_room(tenant, members, title, reuse=reuse)

    async def lookup_user(self, tenant: str, user_id: str) -> UserRef | None:
        return await (await self._of(tenant)).lookup_user(tenant, user_id)

    async def forget_user(self, tenant: str, user_id: str) -> None:
        adapter = await self._workspaces.adapter(tenant)
        if adapter is not None:
            await adapter.messenger.forget_user(tenant, user_id)

    async def close_room(self, room: ChannelRef) -> None:
        """Nothing to close on Slack (SlackMessenger.close_room)."""

    async def check_channel(self, channel: ChannelRef, use: ChannelUse) -> ChannelCheck:
        adapter = await self._workspaces.adapter(channel.tenant)
        if adapter is None:
            return ChannelCheck(("That Slack workspace has not installed the app.",))
        return await adapter.messenger.check_channel(channel, use)
