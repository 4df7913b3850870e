"""What `python -m bot doctor` asks Discord: the token, the privileged intent, the servers, and
each configured channel (over REST: no gateway connection, so it runs beside the bot)."""

from __future__ import annotations

import contextlib

import aiohttp
import discord

from adapters.discord.channels import check_channel, invite_permissions
from adapters.discord.client import intents
from adapters.discord.runner import (
    SETUP_DOC,
    ConfigError,
    DiscordConfig,
    discord_endpoints,
    quiet_voice_warnings,
)
from bot.config import Settings
from bot.doctor import Finding
from bot.ports import ChannelCheck, ChannelUse

PORTAL = "https://discord.com/developers/applications"
# Discord asks for verification at 100 servers, and a privileged intent then needs approval.
REVIEW_AT = 75


class DiscordProbe:
    platform = "discord"
    channel_uses: tuple[ChannelUse, ...] = (ChannelUse.POSTS, ChannelUse.ROOMS)

    def __init__(self, settings: Settings) -> None:
        quiet_voice_warnings()
        self._client = discord.Client(intents=intents())
        self._endpoints = contextlib.ExitStack()  # DISCORD_API_BASE_URL, for the whole run
        try:
            self._config: DiscordConfig | str = DiscordConfig.from_settings(settings)
        except ConfigError as exc:
            self._config = str(exc)
        else:
            self._endpoints.enter_context(discord_endpoints(self._config))

    async def account(self) -> tuple[list[Finding], bool]:
        if isinstance(self._config, str):
            return [Finding(False, self._config)], False
        try:
            await self._client.login(self._config.token)
        except discord.LoginFailure:
            fix = f"{PORTAL} > your app > Bot > Reset Token; put the new token in DISCORD_TOKEN"
            return [Finding(False, "Discord rejected DISCORD_TOKEN", fix)], False
        except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
            return [Finding(False, f"cannot reach Discord: {exc}", "check the network")], False
        user = self._client.user
        findings = [Finding(True, f"token accepted: logged in as {user}")]
        try:
            info = await self._client.application_info()
            servers = [guild async for guild in self._client.fetch_guilds(limit=None)]
        except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
            findings.append(Finding(False, f"Discord did not answer: {exc}", "try again"))
            return findings, False
        flags = info.flags
        if flags.gateway_guild_members or flags.gateway_guild_members_limited:
            findings.append(Finding(True, "Server Members Intent is on"))
        else:
            findings.append(
                Finding(
                    False,
                    "Server Members Intent is off: the bot runs, but members who leave the "
                    "server stay in buddy rounds",
                    f"{PORTAL} > your app > Bot > Privileged Gateway Intents: turn on "
                    "Server Members Intent",
                )
            )
        invite = discord.utils.oauth_url(
            info.id, permissions=invite_permissions(), scopes=("bot", "applications.commands")
        )
        if not servers:
            findings.append(Finding(False, "the bot is in no server yet", f"invite it: {invite}"))
        else:
            names = ", ".join(guild.name for guild in servers)
            findings.append(Finding(True, f"in {len(servers)} server(s): {names}"))
        if len(servers) >= REVIEW_AT:
            findings.append(
                Finding(
                    True,
                    f"{len(servers)} servers: at 100 Discord requires verification, and the "
                    f"Server Members Intent needs approval then ({SETUP_DOC})",
                )
            )
        return findings, True

    async def check_channel(self, tenant: str, channel: str, use: ChannelUse) -> ChannelCheck:
        if not (tenant.isdigit() and channel.isdigit()):
            return ChannelCheck((f"#{channel} is not a Discord channel id; choose it again.",))
        return await check_channel(self._client, int(tenant), int(channel), use)

    async def close(self) -> None:
        await self._client.close()
        self._endpoints.close()
