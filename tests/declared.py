"""Test helpers driven by the command declarations, so new commands and tables are covered
without touching the tests: a valid value for every option type, a command line built from
values, and a snapshot of everything one tenant stores."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from bot.app import App
from bot.clock import ManualClock
from bot.commands import Command, Option, OptionType
from bot.config import Settings
from bot.storage.copy import describe_tables
from bot.storage.db import Database
from tests.fakes.recording import RecordingMessenger


def real_commands() -> list[Command]:
    """What the real cogs declare, read from a throwaway in-memory app (at collection time)."""
    from cogs import load_all

    async def collect() -> list[Command]:
        settings = Settings(_env_file=None, studybot_db=":memory:")  # type: ignore[call-arg]
        clock = ManualClock(datetime(2026, 3, 2, tzinfo=UTC))
        app = await App.create(settings, clock, RecordingMessenger(), load_all())
        try:
            return list(app.commands)
        finally:
            await app.close()

    return asyncio.run(collect())


# Tables outside any tenant: the migration ledger, tenants themselves (keyed by id), the
# installation's own values (its signing secret), and the ids of incoming events, checked
# before the event's tenant is known (platform ids are unique across tenants).
# Slack's OAuth tables come before any tenant: a request is routed to its workspace by the
# installation (team id -> token) and an install's state belongs to no workspace yet.
UNSCOPED = {
    "schema_migrations",
    "tenants",
    "instance_settings",
    "seen_events",
    "slack_installations",
    "slack_oauth_states",
}

_SAMPLES: dict[OptionType, str] = {
    OptionType.TEXT: "practised SQL joins",
    OptionType.BOOL: "no",
    OptionType.CHANNEL: "#study",
    OptionType.ROLE: "<@&123|Study leads>",  # as Discord's role picker sends it
    OptionType.TIMEZONE: "Europe/Berlin",
    OptionType.SKILLS: "python,sql",
    OptionType.TIME: "19:00",
    OptionType.TIME_RANGE: "18:00-21:00",
    # A path no test event carries a file for: the command is refused, writing nothing. The
    # adapter tests (tests/adapters/*/test_files.py) run commands with their files.
    OptionType.FILE: "path.yaml",
}


def sample_value(option: Option, *, user: str, today: date) -> str:
    """A value the validator accepts for this option (the handler may still refuse it)."""
    if option.type is OptionType.CHOICE or option.choices:
        return option.choices[0]
    if option.type is OptionType.INT:
        low = option.min_value if option.min_value is not None else 1
        high = option.max_value if option.max_value is not None else low + 1
        return str(min(max(2, low), high))
    if option.type is OptionType.USER:
        return f"@{user}"
    if option.type is OptionType.DATE:
        return today.isoformat()
    if option.type is OptionType.DAY:
        return "today"
    return _SAMPLES[option.type][: option.max_length]


def quote(value: str) -> str:
    return f'"{value}"' if any(ch.isspace() for ch in value) or not value else value


def line(command: Command, values: Mapping[str, str]) -> str:
    parts = [f"/{command.name}"] + [f"{name}:{quote(v)}" for name, v in values.items()]
    return " ".join(parts)


def required_values(command: Command, *, user: str, today: date) -> dict[str, str]:
    return {o.name: sample_value(o, user=user, today=today) for o in command.options if o.required}


def full_values(command: Command, *, user: str, today: date) -> dict[str, str]:
    return {o.name: sample_value(o, user=user, today=today) for o in command.options}


async def tables(db: Database) -> dict[str, list[str]]:
    """Every table but the migration ledger and its columns, read from the schema (so new
    migrations are included), on either backend."""
    return {
        t.name: list(t.columns) for t in sorted(await describe_tables(db), key=lambda t: t.name)
    }


async def snapshot(db: Database, tenant_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every row one tenant owns, table by table, in a stable order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table, columns in (await tables(db)).items():
        if table == "tenants":
            sql, params = "SELECT * FROM tenants WHERE id = ?", (tenant_id,)
        elif "tenant_id" in columns:
            sql, params = f"SELECT * FROM {table} WHERE tenant_id = ?", (tenant_id,)
        else:
            continue
        rows = await db.fetchall(sql, params)
        out[table] = sorted((tuple(r) for r in rows), key=repr)
    return out


async def everything(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in await tables(db):
        rows = await db.fetchall(f"SELECT * FROM {table}")
        out[table] = sorted((tuple(r) for r in rows), key=repr)
    return out


async def row_ids(db: Database, tenant_id: int) -> set[int]:
    """Every integer id a tenant's rows carry (row ids, member ids, round ids ...)."""
    ids: set[int] = set()
    for table, columns in (await tables(db)).items():
        if "tenant_id" not in columns:
            continue
        wanted = [c for c in columns if c == "id" or (c.endswith("_id") and c != "tenant_id")]
        for column in wanted:
            rows = await db.fetchall(
                f"SELECT DISTINCT {column} AS v FROM {table} WHERE tenant_id = ?", (tenant_id,)
            )
            ids.update(r["v"] for r in rows if isinstance(r["v"], int))
    return ids
