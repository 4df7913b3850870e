"""bolt's OAuth stores on the project's database (`SlackInstallationRepo`), for HTTP mode serving
every workspace that installed the app.

Both live in the database, not in the process: several workers behind a load balancer share
them, so an install started on one worker finishes on another, and a state is used once across
all of them. Only the bot's part of an install is kept (bolt runs with
`installation_store_bot_only`): the installing user's token and id are not stored.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from logging import Logger

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.clock import Clock
from bot.storage.slack_installations import SlackInstallationRepo, StoredInstallation

log = logging.getLogger(__name__)

STATE_LIFETIME = timedelta(minutes=10)


class DatabaseInstallationStore(AsyncInstallationStore):
    def __init__(
        self,
        repo: SlackInstallationRepo,
        on_installed: Callable[[StoredInstallation], Awaitable[None]],
    ) -> None:
        self._repo = repo
        self._on_installed = on_installed  # the workspace is (back) in, perhaps with a new token

    @property
    def logger(self) -> Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await self.async_save_bot(installation.to_bot())

    async def async_save_bot(self, bot: Bot) -> None:
        if bot.team_id is None:  # an org-wide (Enterprise Grid) install has no one workspace
            raise ValueError("org-wide installs are not supported: install per workspace")
        stored = StoredInstallation(
            team_id=bot.team_id,
            enterprise_id=bot.enterprise_id,
            team_name=bot.team_name or "",
            app_id=bot.app_id or "",
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=",".join(bot.bot_scopes),
            installed_at=datetime.fromtimestamp(bot.installed_at, UTC),
        )
        await self._repo.save(stored)
        await self._on_installed(stored)
        log.info("Slack workspace %s (%s) installed the app", bot.team_id, bot.team_name)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        stored = await self._repo.find(team_id) if team_id else None
        if stored is None:
            return None
        return Bot(
            app_id=stored.app_id,
            enterprise_id=stored.enterprise_id,
            team_id=stored.team_id,
            team_name=stored.team_name,
            bot_token=stored.bot_token,
            bot_id=stored.bot_id,
            bot_user_id=stored.bot_user_id,
            bot_scopes=stored.bot_scopes,
            installed_at=stored.installed_at.timestamp(),
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        if team_id and await self._repo.delete(team_id):
            log.info("Slack workspace %s: its installation was deleted", team_id)

    async def async_delete_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
    ) -> None:
        if user_id is None:  # a user's own token was never stored: nothing to delete for it
            await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)


class DatabaseStateStore(AsyncOAuthStateStore):
    """Random states, single use, expiring after `STATE_LIFETIME`."""

    def __init__(self, repo: SlackInstallationRepo, clock: Clock) -> None:
        self._repo = repo
        self._clock = clock

    @property
    def logger(self) -> Logger:
        return log

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        state = secrets.token_urlsafe(32)
        await self._repo.issue_state(state, self._clock.now() + STATE_LIFETIME)
        return state

    async def async_consume(self, state: str) -> bool:
        return await self._repo.consume_state(state, self._clock.now())
