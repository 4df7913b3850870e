"""What one member's command reads and writes is found through indexes that start at that member,
so it costs the same in a community of 100 or of 20,000 (checked with EXPLAIN QUERY PLAN on
every statement the commands run)."""

from __future__ import annotations

import re
import sqlite3

import pytest

from bot.app import App
from tests.helpers import say, sqlite_of

# Tables that grow with the community: a statement about one member must not walk them.
GROWING = {
    "members",
    "profiles",
    "member_skills",
    "checkins",
    "checkin_skills",
    "reminders",
    "buddies",
    "blocks",
    "groups",
    "group_members",
    "outbox",
    "outbox_mentions",
    "member_paths",
    "path_milestones",
}
MEMBER_COMMANDS = [
    "/profile set timezone:Europe/Berlin learning:sql,docker knows:python hours:18:00-21:00",
    "/profile show",
    "/buddy join",
    "/path pick ml engineer",
    '/checkin did:"sql joins" skills:sql minutes:30 blockers:"outer joins"',
    "/checkin remind 19:00",
    "/streak",
    "/stats",
    "/buddy status",
    "/buddy history",
    "/path show",
    "/path done git link:https://github.com/alice/notes",
    "/path next",
]


def _walks_the_community(plan_line: str) -> bool:
    m = re.match(r"(SCAN|SEARCH) (\w+)(?: AS \w+)?(.*)", plan_line)
    if m is None or m.group(2) not in GROWING:
        return False
    if m.group(1) == "SCAN":
        return True
    constrained = re.search(r"\((.*)\)", m.group(3))
    return constrained is not None and constrained.group(1).strip() == "tenant_id=?"


async def test_member_commands_never_walk_the_whole_community(app: App) -> None:
    for name in ("bob", "carol"):  # a community, not one member alone
        await say(app, MEMBER_COMMANDS[0], user=name)
        await say(app, "/buddy join", user=name)
        await say(app, "/path pick ml engineer", user=name)
        await say(app, "/path done git", user=name)
    statements: list[str] = []
    await sqlite_of(app).trace(statements.append)
    for line in MEMBER_COMMANDS:
        reply = await say(app, line)
        assert not reply.error, (line, reply.text)
    await sqlite_of(app).trace(None)
    assert statements and not walking_the_community(app, statements)


def walking_the_community(app: App, statements: list[str]) -> dict[str, list[str]]:
    """The traced statements whose plan walks a growing table, each with those plan lines."""
    conn = sqlite3.connect(sqlite_of(app).path)
    walking: dict[str, list[str]] = {}
    try:
        for sql in dict.fromkeys(statements):
            if not re.match(r"\s*(SELECT|UPDATE|DELETE|INSERT|WITH)", sql, re.IGNORECASE):
                continue
            plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
            bad = [line for line in plan if _walks_the_community(line)]
            if bad:
                walking[sql[:160]] = bad
    finally:
        conn.close()
    return walking


@pytest.mark.parametrize(
    ("plan_line", "walks"),
    [
        ("SCAN checkins", True),
        ("SEARCH member_skills USING INDEX member_skills_tenant_skill (tenant_id=?)", True),
        (
            "SEARCH member_skills USING INDEX member_skills_member (tenant_id=? AND member_id=?)",
            False,
        ),
        (
            "SEARCH tenant_settings USING INDEX sqlite_autoindex_tenant_settings_1 (tenant_id=?)",
            False,
        ),
        ("SEARCH g USING INTEGER PRIMARY KEY (rowid=?)", False),
    ],
)
def test_the_plan_reader_tells_a_walk_from_a_lookup(plan_line: str, walks: bool) -> None:
    assert _walks_the_community(plan_line) is walks
