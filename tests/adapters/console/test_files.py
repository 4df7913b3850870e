"""File options on the console: the option's text is a local path, read through `Console.line`
as typed at the prompt. A test-only command takes the file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Annotated

import pytest

from adapters.console.messenger import ConsoleMessenger
from adapters.console.repl import Console
from bot.app import App
from bot.clock import ManualClock
from bot.commands import MAX_FILE_BYTES, FileArg, Invocation, Opt, Reply, command
from bot.config import Settings
from cogs.help import setup as help_setup

Typed = Callable[[str], Awaitable[str]]


class Uploads:
    @command("demo upload", "Read a file")
    async def upload(
        self, inv: Invocation, *, file: Annotated[FileArg, Opt("the file to read")]
    ) -> Reply:
        return Reply(text=f"Read {file.filename}: {file.data.decode()}")


@pytest.fixture
async def typed(settings: Settings, clock: ManualClock, tmp_path: Path) -> AsyncIterator[Typed]:
    """Type one line at the `alice>` prompt; what the console printed for it."""
    printed: list[str] = []
    messenger = ConsoleMessenger(printed.append, tmp_path / "console-files")

    def setup(app: App) -> None:
        app.add_cog(Uploads())

    app = await App.create(settings, clock, messenger, [setup, help_setup])
    console = Console(app, clock, messenger, "alice", printed.append, lambda prompt: None)

    async def send(line: str) -> str:
        printed.clear()
        await console.line(line)
        return "\n".join(printed)

    try:
        yield send
    finally:
        await app.close()


async def test_a_path_in_the_home_folder_is_read(
    typed: Typed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "ml.yaml").write_text("title: ML engineer")
    assert "Read ml.yaml: title: ML engineer" in await typed("/demo upload file:~/ml.yaml")


async def test_a_missing_file_says_so_with_the_usage_line(typed: Typed, tmp_path: Path) -> None:
    printed = await typed(f"/demo upload file:{tmp_path / 'nope.yaml'}")
    assert f"file: there is no file {tmp_path / 'nope.yaml'}." in printed
    assert "Usage: /demo upload file:<PATH>" in printed


async def test_a_folder_is_not_a_file(typed: Typed, tmp_path: Path) -> None:
    printed = await typed(f"/demo upload file:{tmp_path}")
    assert f"file: {tmp_path} is a folder; give the path of a file in it." in printed


async def test_an_unreadable_path_says_why(typed: Typed, tmp_path: Path) -> None:
    """The operating system's reason (here a file used as a folder; tests may run as root,
    for whom no permission refuses a read)."""
    inside = tmp_path / "notes.txt" / "path.yaml"
    inside.parent.write_text("notes")
    printed = await typed(f"/demo upload file:{inside}")
    assert f"file: cannot read {inside} (Not a directory)." in printed


async def test_a_file_over_the_limit_is_refused(typed: Typed, tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    printed = await typed(f"/demo upload file:{big}")
    assert "file: that file is 257 KiB; the limit is 256 KiB." in printed


async def test_help_shows_the_file_option_as_a_path(typed: Typed) -> None:
    assert "Usage: /demo upload file:<PATH>" in await typed("/help demo upload")
