"""File options on Slack: the files picked in a modal's file input, downloaded with the bot
token. A slash command cannot carry a file, so `/study <command>` for a command that takes
one opens a modal with a file picker (listeners.py); its submission names the files."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import FileArg, FileRefused, too_big

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=30)
AGAIN = "Please pick the file again in a moment."


class PickedFiles:
    """The files one modal submission carries, by Slack file id: only these can be read.

    Their size, name and download URL are asked of Slack (`files.info`) rather than taken from
    the submission, and the bytes come from `url_private_download` with the bot token."""

    def __init__(self, client: AsyncWebClient, picked: Mapping[str, Mapping[str, Any]]) -> None:
        self._client = client
        self._picked = {str(f.get("id")): f for f in picked.values()}

    async def read(self, option: str, ref: str, limit: int) -> FileArg:
        if ref not in self._picked:
            raise FileRefused(
                f"{option}: run the command again and pick the file in the form that opens "
                "(a slash command cannot carry one)."
            )
        try:
            response = await self._client.files_info(file=ref)
        except (SlackApiError, SlackClientError, OSError, TimeoutError) as exc:
            log.warning("files.info for %s failed: %s", ref, exc)
            raise FileRefused(f"{option}: Slack would not say what that file is. {AGAIN}") from None
        info = response.get("file") or {}
        size = int(info.get("size") or 0)
        if size > limit:  # Slack says the size first: refuse before downloading
            raise too_big(option, size, limit)
        name = str(info.get("name") or self._picked[ref].get("name") or ref)
        data = await self._download(option, str(info.get("url_private_download") or ""), limit)
        if data is None:
            raise FileRefused(f"{option}: Slack would not hand over {name} just now. {AGAIN}")
        return FileArg(name, data)

    async def _download(self, option: str, url: str, limit: int) -> bytes | None:
        """The file's bytes; None when Slack did not give them (an HTML page is its sign-in
        page: the token may not read files). A file past `limit` is refused without reading on."""
        if not url:
            return None
        headers = {"Authorization": f"Bearer {self._client.token}"}
        try:
            async with (
                aiohttp.ClientSession(timeout=DOWNLOAD_TIMEOUT) as session,
                session.get(url, headers=headers) as response,
            ):
                if response.status != 200 or response.content_type == "text/html":
                    log.warning(
                        "file download answered %s %s", response.status, response.content_type
                    )
                    return None
                data = bytearray()
                async for chunk in response.content.iter_chunked(64 * 1024):
                    data += chunk
                    if len(data) > limit:  # larger than Slack said: stop reading
                        raise too_big(option, len(data), limit)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("file download failed: %s", exc)
            return None
        return bytes(data)
