"""Whether the bot can post in a Slack channel an organizer chose, joining it when it may.

Slack's bots post only in channels they are members of. A public channel the bot may join
(`channels:join`) is joined on the spot; a private one needs a person to `/invite @studybot`.
Used when an organizer chooses a channel and by `python -m bot doctor`.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.ports import ChannelCheck, ChannelUse

INVITE = "/invite @studybot"
# Buddy groups meet in group DMs on Slack (conversations.open), never in the pairing channel.
ROOMS_ARE_DMS = "On Slack each buddy group gets its own group DM; this channel is not used for it."


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error", "")) if exc.response is not None else ""


def _scope_fix(exc: SlackApiError) -> str:
    needed = exc.response.get("needed", "") if exc.response is not None else ""
    return (
        f"studybot lacks the {needed or 'needed'} scope: add it under OAuth & Permissions > "
        "Bot Token Scopes (or update the app from slack/manifest.yml), then reinstall the app."
    )


async def check_channel(client: AsyncWebClient, channel_id: str, use: ChannelUse) -> ChannelCheck:
    if use is ChannelUse.ROOMS:
        return ChannelCheck(done=ROOMS_ARE_DMS)
    try:
        info: dict[str, Any] = (await client.conversations_info(channel=channel_id))["channel"]
    except SlackApiError as exc:
        if _error(exc) == "missing_scope":
            return ChannelCheck((_scope_fix(exc),))
        if _error(exc) == "channel_not_found":  # private channels are invisible until invited
            return ChannelCheck(
                (f"I cannot see that channel; if it is private, type {INVITE} in it.",)
            )
        return ChannelCheck((f"Slack refused to show the channel ({_error(exc)}).",))
    except (SlackClientError, OSError, TimeoutError) as exc:
        return ChannelCheck((f"Slack did not answer ({exc}); try again in a minute.",))
    name = str(info.get("name") or channel_id)
    label = f"#{name}"
    if info.get("is_im") or info.get("is_mpim"):
        return ChannelCheck((f"{label} is a direct message; pick a channel.",))
    if info.get("is_archived"):
        return ChannelCheck((f"{label} is archived; unarchive it or pick another channel.",))
    if info.get("is_member"):
        return ChannelCheck(name=name)
    if info.get("is_private"):
        return ChannelCheck((f"studybot is not in {label}: type {INVITE} in {label}.",))
    return await _join(client, channel_id, name)


async def _join(client: AsyncWebClient, channel_id: str, name: str) -> ChannelCheck:
    label = f"#{name}"
    try:
        await client.conversations_join(channel=channel_id)
    except SlackApiError as exc:
        if _error(exc) == "missing_scope":
            return ChannelCheck((f"studybot is not in {label}: type {INVITE} in {label}.",))
        return ChannelCheck((f"I could not join {label} ({_error(exc)}): type {INVITE} in it.",))
    except (SlackClientError, OSError, TimeoutError) as exc:
        return ChannelCheck((f"Slack did not answer ({exc}); try again in a minute.",))
    return ChannelCheck(done=f"I joined {label}, so I can post there.", name=name)
