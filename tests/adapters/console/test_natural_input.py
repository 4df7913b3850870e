"""The natural-input corpus through the console's own input loop (`Console.line`), as typed at
the `alice>` prompt; what the console prints is the reply."""

from __future__ import annotations

from pathlib import Path

from adapters.console.messenger import ConsoleMessenger
from adapters.console.repl import Console
from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from cogs import load_all
from tests.test_natural_input import CASES, understood


async def test_the_console_understands_the_corpus(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    printed: list[str] = []
    messenger = ConsoleMessenger(printed.append, tmp_path / "console-files")
    app = await App.create(settings, clock, messenger, load_all())
    # A form's prompts get no answer (end of input): the form is cancelled, nothing saved.
    console = Console(app, clock, messenger, "alice", printed.append, lambda prompt: None)

    async def send(line: str) -> str:
        printed.clear()
        await console.line(line)
        return "\n".join(printed)

    try:
        problems = await understood(app, CASES, send)
    finally:
        await app.close()
    assert not problems, "\n".join(problems)
