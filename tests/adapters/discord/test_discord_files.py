"""File options on Discord: an ATTACHMENT option in the synced schema, the upload's bytes
fetched from the fake's CDN the way discord.py fetches them, an oversize file refused first.

A test-only command takes the file, so these tests hold whichever real command takes one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import pytest

from bot.commands import MAX_FILE_BYTES, FileArg, Invocation, Opt, Reply, command
from tests.adapters.discord.discord_harness import Harness, harness_with
from tests.fakes.discord import (
    OPT_ATTACHMENT,
    FakeAttachment,
    FakeDiscord,
    FakeGuild,
    schema_options_at,
)


class Uploads:
    """Answers with what it was given, so a test sees the typed value the handler got."""

    def __init__(self) -> None:
        self.received: list[FileArg] = []

    @command("demo upload", "Read a file")
    async def upload(
        self, inv: Invocation, *, file: Annotated[FileArg, Opt("the file to read")]
    ) -> Reply:
        self.received.append(file)
        return Reply(text=f"Read {file.filename}: {file.data.decode()}")


@pytest.fixture
def uploads() -> Uploads:
    return Uploads()


@pytest.fixture
async def h(
    fake: FakeDiscord, guild: FakeGuild, tmp_path: Path, uploads: Uploads
) -> AsyncIterator[Harness]:
    async with harness_with(fake, tmp_path, uploads) as harness:
        yield harness


async def test_a_file_option_is_synced_as_a_required_attachment(
    h: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    root = next(c for c in fake.commands_for(guild.id) if c["name"] == "demo")
    (option,) = schema_options_at(root["options"], ["upload"])
    assert (option["name"], option["type"], option["required"]) == ("file", OPT_ATTACHMENT, True)
    assert not {"min_value", "max_value", "min_length", "max_length"} & set(option)


async def test_the_attached_file_reaches_the_handler_with_its_name_and_bytes(
    h: Harness, fake: FakeDiscord, guild: FakeGuild, uploads: Uploads
) -> None:
    upload = FakeAttachment("path.yaml", b"title: ML engineer")
    reply = await h.invoke(
        "demo upload", {"file": upload}, user=guild.member_named("olga"), guild=guild
    )
    assert reply["content"] == "Read path.yaml: title: ML engineer"
    assert uploads.received == [FileArg("path.yaml", b"title: ML engineer")]
    assert fake.downloads == [upload.id]


async def test_an_oversize_file_is_refused_before_it_is_downloaded(
    h: Harness, fake: FakeDiscord, guild: FakeGuild, uploads: Uploads
) -> None:
    upload = FakeAttachment("export.zip", b"PK", size=MAX_FILE_BYTES + 1)
    reply = await h.invoke(
        "demo upload", {"file": upload}, user=guild.member_named("olga"), guild=guild
    )
    assert reply["content"].startswith("file: that file is 257 KiB; the limit is 256 KiB.")
    assert "Usage: /demo upload file:<attach a file>" in reply["content"]
    assert fake.downloads == [] and uploads.received == []


async def test_a_file_larger_than_discord_said_is_refused_after_the_download(
    h: Harness, fake: FakeDiscord, guild: FakeGuild, uploads: Uploads
) -> None:
    upload = FakeAttachment("path.yaml", b"x" * (MAX_FILE_BYTES + 2048), size=10)
    reply = await h.invoke(
        "demo upload", {"file": upload}, user=guild.member_named("olga"), guild=guild
    )
    assert reply["content"].startswith("file: that file is 258 KiB; the limit is 256 KiB.")
    assert uploads.received == []


async def test_a_file_the_cdn_will_not_serve_is_refused_with_what_to_do(
    h: Harness, fake: FakeDiscord, guild: FakeGuild, uploads: Uploads
) -> None:
    olga = guild.member_named("olga")
    payload = fake.slash_command(
        "demo upload", {"file": FakeAttachment("path.yaml", b"x")}, user=olga, guild=guild
    )
    fake.attachments.clear()  # gone from the CDN before the bot fetched it
    reply = await h.feed(payload)
    assert reply["content"].startswith(
        "file: Discord would not hand over path.yaml just now. Please attach it again"
    )
    assert uploads.received == []
