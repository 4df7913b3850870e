"""One SQLite connection per process, with WAL, foreign keys and serialised transactions."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

Params = Sequence[Any] | dict[str, Any]


class CorruptDatabase(RuntimeError):
    pass


def to_db(instant: datetime) -> str:
    """Instants are stored as UTC ISO-8601 text, which sorts correctly as a string."""
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


class Database:
    """The process's single connection.

    Statements run inline on the event loop's thread. SQLite is an in-process library and these
    statements take tens of microseconds, while handing each one to a worker thread and back
    (aiosqlite, which this replaced) cost several times that and capped the core at a few
    hundred commands per second (bench/load.py). The lock keeps one coroutine's transaction
    from interleaving with another's statements while its body awaits something else.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | str) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = str(path)

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), isolation_level=None)
        conn.row_factory = sqlite3.Row
        db = cls(conn, path)
        try:
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            await db.check_integrity()
        except (sqlite3.DatabaseError, CorruptDatabase) as exc:
            conn.close()
            raise CorruptDatabase(
                f"The database at {path} is damaged ({exc}). Restore a backup made with "
                "`python -m bot backup` or move the file away to start fresh."
            ) from exc
        return db

    async def check_integrity(self) -> None:
        rows = [str(r[0]) for r in self._conn.execute("PRAGMA quick_check").fetchall()]
        if rows != ["ok"]:
            raise CorruptDatabase("; ".join(rows[:3]))

    async def close(self) -> None:
        async with self._lock:
            self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception, cancellation included."""
        async with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                yield Tx(self._conn)
                self._conn.execute("COMMIT")
            except BaseException:
                # A failed COMMIT leaves the transaction open; without this ROLLBACK every
                # later BEGIN would fail. "No transaction is active" just means there was none.
                with contextlib.suppress(sqlite3.OperationalError):
                    self._conn.execute("ROLLBACK")
                raise

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._lock:
            return self._conn.execute(sql, params).fetchall()

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._lock:
            row: sqlite3.Row | None = self._conn.execute(sql, params).fetchone()
            return row

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One statement in its own transaction; returns the number of rows changed."""
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    async def executescript(self, script: str) -> None:
        async with self._lock:
            self._conn.executescript(script)

    async def rollback_if_open(self) -> None:
        async with self._lock:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")

    async def backup(self, target: Path | str) -> None:
        """SQLite's online backup: a consistent copy while the bot keeps running."""
        async with self._lock:
            dest = sqlite3.connect(str(target))
            try:
                self._conn.backup(dest)
            finally:
                dest.close()


class Tx:
    """Statements inside one open transaction (see `Database.transaction`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        return self._conn.execute(sql, params).rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self._conn.executemany(sql, rows)

    async def insert(self, sql: str, params: Params = ()) -> int:
        rowid = self._conn.execute(sql, params).lastrowid
        assert rowid is not None
        return rowid

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return self._conn.execute(sql, params).fetchall()

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._conn.execute(sql, params).fetchone()
        return row
