"""CONTRIBUTING.md's complete example of adding a cog runs as written and answers as shown."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from cogs import load_all
from tests.fakes.recording import RecordingMessenger
from tests.helpers import START, say

GUIDE = Path(__file__).resolve().parents[1] / "CONTRIBUTING.md"


def _section(title: str) -> str:
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", _section("Add a command (and a cog)"), re.DOTALL)


def _example_cog(tmp_path: Path) -> ModuleType:
    path = tmp_path / "focus.py"
    path.write_text(_blocks("python")[0], encoding="utf-8")
    spec = importlib.util.spec_from_file_location("contributing_focus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def focus_app(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings(_env_file=None, studybot_db=str(tmp_path / "c.db"))  # type: ignore[call-arg]
    cogs = [*load_all(), _example_cog(tmp_path).setup]
    app = await App.create(settings, ManualClock(START), RecordingMessenger(), cogs)
    yield app
    await app.close()


async def test_the_example_cog_answers_as_the_transcript_shows(focus_app: App) -> None:
    transcript = _blocks("text")[0].splitlines()
    for index, line in enumerate(transcript):
        if not line.startswith("alice> "):
            continue
        reply = await say(focus_app, line.removeprefix("alice> "))
        shown = transcript[index + 1].split(": ", 1)[1]
        expected = "\n".join([shown, *transcript[index + 2 : index + 3]])
        if reply.error:
            assert reply.text == expected and reply.private
        else:
            assert reply.text == shown and not reply.private


async def test_the_example_cog_refuses_what_its_handler_refuses(focus_app: App) -> None:
    refused = await say(focus_app, "/focus 27")
    assert refused.error and "multiple of 5" in refused.text
    assert "/focus" in (await say(focus_app, "/help")).text
