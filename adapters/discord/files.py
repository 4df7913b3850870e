"""File options on Discord: ATTACHMENT options, downloaded the way discord.py does it."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import aiohttp
import discord

from bot.commands import FileArg, FileRefused, too_big

log = logging.getLogger(__name__)


class InteractionFiles:
    """The files attached to one slash command, by attachment id, as discord.py resolved
    them from the interaction's ``data.resolved.attachments``: only these can be read."""

    def __init__(self, attachments: Mapping[str, discord.Attachment]) -> None:
        self._attachments = dict(attachments)

    async def read(self, option: str, ref: str, limit: int) -> FileArg:
        attachment = self._attachments.get(ref)
        if attachment is None:
            raise FileRefused(f"{option}: attach the file in the command's {option} field.")
        if attachment.size > limit:  # Discord says the size first: refuse before downloading
            raise too_big(option, attachment.size, limit)
        try:
            data = await attachment.read()  # discord.py's own CDN request
        except (discord.HTTPException, aiohttp.ClientError) as exc:
            log.warning("could not download attachment %s: %s", attachment.id, exc)
            raise FileRefused(
                f"{option}: Discord would not hand over {attachment.filename} just now. "
                "Please attach it again in a moment."
            ) from None
        return FileArg(attachment.filename, data)
