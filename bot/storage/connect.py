"""Which backend a database location names: a postgresql:// URL, or a SQLite file."""

from __future__ import annotations

from pathlib import Path

from bot.storage.db import Database

_POSTGRES = ("postgresql://", "postgres://")
_SQLITE = "sqlite:///"


def is_postgres(location: str | Path) -> bool:
    return str(location).startswith(_POSTGRES)


def sqlite_path(location: str | Path) -> Path:
    """The file a SQLite location names: a path, or `sqlite:///relative` / `sqlite:////abs`."""
    text = str(location)
    return Path(text.removeprefix(_SQLITE)) if text.startswith(_SQLITE) else Path(text)


def describe(location: str | Path) -> str:
    """The location as logs and messages may show it (a PostgreSQL password removed)."""
    if is_postgres(location):
        from bot.storage.postgres import redacted

        return redacted(str(location))
    return str(sqlite_path(location))


async def open_database(location: str | Path) -> Database:
    """Open (and for SQLite, create) the database at `location`; the drivers load on demand."""
    if is_postgres(location):
        from bot.storage.postgres import PostgresDatabase

        return await PostgresDatabase.open(str(location))
    from bot.storage.sqlite import SqliteDatabase

    text = str(location)
    return await SqliteDatabase.open(text if text == ":memory:" else sqlite_path(text))
