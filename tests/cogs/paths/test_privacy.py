"""A member's paths and milestones are in /privacy export and gone after /privacy delete."""

from __future__ import annotations

import json

from bot.app import App
from tests.helpers import say


async def test_export_holds_the_paths_and_the_milestones_with_links(app: App) -> None:
    await say(app, "/path pick ml engineer")
    await say(app, "/path done git link:https://github.com/alice/notes")
    reply = await say(app, "/privacy export")
    data = json.loads(reply.files[0].data)
    assert data["paths"]["active"] == "ml-engineer-intern"
    assert data["paths"]["milestones_reached"][0]["link"] == "https://github.com/alice/notes"


async def test_delete_removes_the_paths_and_milestones(app: App) -> None:
    await say(app, "/path pick ml engineer")
    await say(app, "/path done git link:https://github.com/alice/notes")
    await say(app, "/path pick ml engineer", "bob")
    await say(app, "/privacy delete confirm:yes")
    assert await app.db.fetchall("SELECT member_id FROM path_milestones") == []
    rows = await app.db.fetchall("SELECT path_id FROM member_paths")
    assert [r["path_id"] for r in rows] == ["ml-engineer-intern"]  # bob's
