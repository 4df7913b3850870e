"""What `python -m bot doctor` asks Slack: the bot token and its scopes, the app-level token,
the app's Messages tab and events (with a configuration token), and each configured channel."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack.channels import check_channel
from adapters.slack.listeners import EVENTS
from adapters.slack.runner import (
    SETUP_DOC,
    SlackConfig,
    SlackConfigError,
    auth_test,
    check_app_token,
    installation_of,
    make_client,
)
from adapters.slack.scopes import BOT_SCOPES
from bot.config import Settings
from bot.doctor import Finding
from bot.ports import ChannelCheck, ChannelUse

APP_HOME = "Features > App Home > Show Tabs"
REINSTALL = (
    "add them under OAuth & Permissions > Scopes > Bot Token Scopes (or paste slack/manifest.yml "
    "into App Manifest), then Install App > Reinstall to Workspace"
)


class SlackProbe:
    platform = "slack"
    channel_uses: tuple[ChannelUse, ...] = (
        ChannelUse.POSTS,
    )  # buddy groups meet in group DMs, not in a channel

    def __init__(self, settings: Settings) -> None:
        token = settings.slack_config_token
        self._config_token = token.get_secret_value().strip() if token is not None else None
        try:
            # Without an app-level token only HTTP mode can run: check what that mode needs.
            http = settings.slack_app_token is None
            self._config: SlackConfig | str = SlackConfig.from_settings(settings, http=http)
        except SlackConfigError as exc:
            self._config = str(exc)
        else:
            self._client = make_client(self._config)

    async def account(self) -> tuple[list[Finding], bool]:
        if isinstance(self._config, str):
            return [Finding(False, self._config)], False
        try:
            response = await auth_test(self._client)
        except SlackConfigError as exc:
            return [Finding(False, str(exc))], False
        installation = installation_of(response)
        findings = [
            Finding(True, f"bot token accepted: workspace {installation.team_name or '?'}"),
            self._scopes(response.headers),
            await self._app_token(self._config),
            *await self._app_settings(installation.bot_id),
        ]
        return findings, True

    def _scopes(self, headers: dict[str, Any]) -> Finding:
        raw = next((v for k, v in headers.items() if k.lower() == "x-oauth-scopes"), "")
        granted = {s.strip() for s in str(raw).split(",") if s.strip()}
        missing = sorted(BOT_SCOPES - granted)
        if missing:
            return Finding(False, f"the bot token lacks the scopes {', '.join(missing)}", REINSTALL)
        return Finding(True, "the bot token has every scope the bot uses")

    async def _app_token(self, config: SlackConfig) -> Finding:
        if config.app_token is None:
            return Finding(
                True,
                "no SLACK_APP_TOKEN: only HTTP mode can run (python -m bot slack --http); "
                f"Socket Mode needs an app-level token ({SETUP_DOC})",
            )
        try:
            await check_app_token(self._client, config.app_token)
        except SlackConfigError as exc:
            return Finding(False, str(exc))
        return Finding(True, "the app-level token opens a Socket Mode connection")

    async def _app_settings(self, bot_id: str) -> list[Finding]:
        """The Messages tab and the event subscriptions, which only the app's configuration
        shows: read with a configuration token when one is given, else said how to check."""
        if self._config_token is None:
            return [
                Finding(
                    True,
                    "Messages tab not checked (set SLACK_CONFIG_TOKEN to let doctor read it): "
                    f"in {APP_HOME}, Messages Tab must be on with 'Allow users to send Slash "
                    "commands and messages from the messages tab' ticked",
                )
            ]
        try:
            bot = await self._client.bots_info(bot=bot_id)
            app_id = str((bot.get("bot") or {}).get("app_id", ""))
            exported = await self._client.apps_manifest_export(
                app_id=app_id, token=self._config_token
            )
        except SlackApiError as exc:
            error = exc.response.get("error", "") if exc.response is not None else ""
            fix = "make a new one at api.slack.com/apps > Your App Configuration Tokens"
            return [Finding(False, f"Slack refused SLACK_CONFIG_TOKEN ({error})", fix)]
        except (SlackClientError, OSError, TimeoutError) as exc:
            return [Finding(False, f"cannot reach Slack: {exc}", "try again")]
        manifest: dict[str, Any] = exported.get("manifest") or {}
        return [_messages_tab(manifest), _events(manifest)]

    async def check_channel(self, tenant: str, channel: str, use: ChannelUse) -> ChannelCheck:
        return await check_channel(self._client, channel, use)

    async def close(self) -> None:
        """Nothing to close: slack_sdk opens an HTTP session per request."""


def _messages_tab(manifest: dict[str, Any]) -> Finding:
    home = (manifest.get("features") or {}).get("app_home") or {}
    if not home.get("messages_tab_enabled"):
        return Finding(
            False,
            "the Messages tab is off: members cannot open the bot's DMs (reminders, "
            '"Did you meet?", exports)',
            f"{APP_HOME}: turn on Messages Tab",
        )
    if home.get("messages_tab_read_only_enabled"):
        return Finding(
            False,
            "the Messages tab is read-only: members cannot type /study in the bot's DM",
            f"{APP_HOME}: tick 'Allow users to send Slash commands and messages from the "
            "messages tab'",
        )
    return Finding(True, "the Messages tab is on")


def _events(manifest: dict[str, Any]) -> Finding:
    subscriptions = (manifest.get("settings") or {}).get("event_subscriptions") or {}
    missing = [e for e in EVENTS if e not in (subscriptions.get("bot_events") or [])]
    if missing:
        return Finding(
            False,
            f"the app is not subscribed to {', '.join(missing)}",
            "Event Subscriptions > Subscribe to bot events: add them (or paste "
            "slack/manifest.yml into App Manifest)",
        )
    return Finding(True, "the app is subscribed to every event the bot handles")
