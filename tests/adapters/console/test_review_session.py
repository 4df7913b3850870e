"""The peer review walkthrough of docs/paths-review.md through the console's own input loop:
a capstone link gets two review requests and the author receives both reviews."""

from __future__ import annotations

from pathlib import Path

from adapters.console.messenger import ConsoleMessenger
from adapters.console.repl import Console
from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from cogs import load_all
from tests.adapters.console.scripts import walkthrough


async def _transcript(settings: Settings, clock: ManualClock, folder: Path) -> str:
    printed: list[str] = []
    lines = iter(walkthrough("paths-review.md").splitlines())

    def read(prompt: str) -> str | None:  # a form's prompts take the script's next lines
        answer = next(lines, None)
        printed.append(f"{prompt}{answer or ''}")
        return answer

    messenger = ConsoleMessenger(printed.append, folder / "console-files")
    app = await App.create(settings, clock, messenger, load_all())
    console = Console(app, clock, messenger, "admin", printed.append, read)
    try:
        for line in lines:
            await console.line(line)
    finally:
        await app.close()
    assert console.errors == 0
    return "\n".join(printed)


async def test_a_capstone_link_gets_two_requests_and_the_author_both_reviews(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    text = await _transcript(settings, clock, tmp_path)
    asked = [
        chunk.split("\n")[0]
        for chunk in text.split("→ DM to ")[1:]
        if "Peer review request" in chunk
    ]
    assert sorted(asked) == ["bob:", "carol:"]
    reviews = text.split("**A review of your Data engineer intern project**")[1:]
    assert len(reviews) == 2
    assert "from bob" in reviews[0] and "🟡 Tests: only unit tests" in reviews[0]
    assert "Review 1 of 2" in reviews[0]
    assert "from carol" in reviews[1] and "That's 2 reviews" in reviews[1]
    assert "something went wrong" not in text
