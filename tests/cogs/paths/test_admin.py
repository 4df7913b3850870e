"""/admin paths add|remove: an organizer's own path from a validated file, removed with care."""

from __future__ import annotations

import json
from pathlib import Path

from adapters.console.files import LocalFiles
from bot.app import App
from bot.commands import Reply
from tests.bot.paths.test_fileformat import _file
from tests.helpers import say


async def add(app: App, line: str) -> Reply:
    """An organizer's /admin paths add on the console, where a typed path names a file."""
    return await say(app, line, admin=True, files=LocalFiles())


def _write(tmp_path: Path, raw: object, name: str = "cloud.json") -> Path:
    where = tmp_path / name
    where.write_text(json.dumps(raw), encoding="utf-8")
    return where


async def test_add_stores_a_valid_path_members_can_pick(app: App, tmp_path: Path) -> None:
    reply = await add(app, f"/admin paths add file:{_write(tmp_path, _file())}")
    assert reply.text == (
        "Added the path **Cloud intern** (cloud-intern, 8 milestones). Members pick it with "
        "/path pick cloud-intern."
    )
    assert "You are on **Cloud intern** now" in (await say(app, "/path pick cloud", "bob")).text
    assert "added by your organizers" in (await say(app, "/path list", "bob")).text


async def test_adding_the_same_id_again_replaces_it(app: App, tmp_path: Path) -> None:
    await add(app, f"/admin paths add file:{_write(tmp_path, _file())}")
    reply = await add(app, f"/admin paths add {_write(tmp_path, _file(9))}")
    assert reply.text.startswith("Replaced the path **Cloud intern** (cloud-intern, 9 milestones).")


async def test_add_of_an_invalid_file_lists_its_problems(app: App, tmp_path: Path) -> None:
    raw = _file()
    raw["milestones"][2]["skills"] = ["dokcer"]
    reply = await add(app, f"/admin paths add file:{_write(tmp_path, raw)}")
    assert reply.error
    assert (
        "This path file is not valid:\n- milestone 3 (step-3): Unknown skill 'dokcer'."
        in reply.text
    )
    assert "Usage: /admin paths add" in reply.text
    assert "Cloud intern" not in (await say(app, "/path list")).text


async def test_add_is_for_organizers_only(app: App, tmp_path: Path) -> None:
    reply = await say(app, f"/admin paths add file:{_write(tmp_path, _file())}", files=LocalFiles())
    assert reply.error
    assert "Cloud intern" not in (await say(app, "/path list")).text


async def test_add_of_a_file_that_is_not_utf8_text_says_so(app: App, tmp_path: Path) -> None:
    where = tmp_path / "cloud.json"
    where.write_bytes('{"name": "Caf\u00e9"}'.encode("latin-1"))
    reply = await add(app, f"/admin paths add file:{where}")
    assert reply.error and "cloud.json is not UTF-8 text" in reply.text


async def test_add_without_a_file_that_came_with_it_reads_none(app: App, tmp_path: Path) -> None:
    """Off the console a typed path names no file on the server (NO_FILES)."""
    reply = await say(app, f"/admin paths add file:{_write(tmp_path, _file())}", admin=True)
    assert reply.error and "no file came with this" in reply.text


async def test_a_built_in_path_cannot_be_removed(app: App) -> None:
    reply = await say(app, "/admin paths remove ml engineer", admin=True)
    assert reply.error
    assert (
        "ML engineer intern is a built-in path; only your community's own can be removed."
        in reply.text
    )


async def test_remove_of_a_path_nobody_is_on_needs_no_confirmation(
    app: App, tmp_path: Path
) -> None:
    await add(app, f"/admin paths add file:{_write(tmp_path, _file())}")
    reply = await say(app, "/admin paths remove cloud intern", admin=True)
    assert reply.text == "Removed the path **Cloud intern**."
    assert "Cloud intern" not in (await say(app, "/path list")).text


async def test_remove_of_a_path_members_are_on_asks_first(app: App, tmp_path: Path) -> None:
    await add(app, f"/admin paths add file:{_write(tmp_path, _file())}")
    await say(app, "/path pick cloud", "bob")
    asked = await say(app, "/admin paths remove cloud-intern", admin=True)
    assert asked.text.startswith("1 member is on **Cloud intern**. Removing it takes them off it")
    assert [b.command for b in asked.buttons] == [
        "admin paths remove cloud-intern confirm:yes",
        "admin paths remove cloud-intern confirm:no",
    ]
    kept = await say(app, asked.buttons[1].command, admin=True)
    assert kept.text == "Kept the path **Cloud intern**."
    assert "Cloud intern" in (await say(app, "/path show", "bob")).text
    removed = await say(app, asked.buttons[0].command, admin=True)
    assert removed.text == "Removed the path **Cloud intern**. 1 member on it is on no path now."
    assert "not on a path" in (await say(app, "/path show", "bob")).text


async def test_remove_of_an_unknown_path_lists_the_choices(app: App) -> None:
    reply = await say(app, "/admin paths remove cooking", admin=True)
    assert reply.error and "There is no path 'cooking'." in reply.text
