"""What the repositories need from a database, whichever backend holds it.

Two backends implement it: SQLite (bot/storage/sqlite.py, one file, one process: the default)
and PostgreSQL (bot/storage/postgres.py, any number of processes). Repositories write SQL once,
in SQLite's spelling (`?` and `:name` parameters); the PostgreSQL backend translates the
parameters, and the few statements whose SQL must differ ask `db.dialect`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from bot.storage.invalidation import Subscriber, Topic

Params = Sequence[Any] | dict[str, Any]
Dialect = Literal["sqlite", "postgresql"]


class Row(Protocol):
    """A result row: by column name or position (sqlite3.Row, asyncpg.Record)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...

    def keys(self) -> Any: ...


class CorruptDatabase(RuntimeError):
    pass


class TransactionConflict(RuntimeError):
    """Another process's transaction got in the way (PostgreSQL found a deadlock or could not
    serialise the two): this one was rolled back whole, and running it again is safe."""


def to_db(instant: datetime) -> str:
    """Instants are stored as UTC ISO-8601 text, which sorts correctly as a string."""
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Many:
    """A pipeline step that runs one statement once per row of parameters (executemany)."""

    sql: str
    rows: Sequence[Params]


Statement = tuple[str, Params]
Step = Statement | Many
"""One statement of `Tx.pipeline`: (sql, params), or `Many`."""


class Tx(ABC):
    """Statements inside one open transaction (see `Database.transaction`)."""

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the number of rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query that returns one (a key lookup, LIMIT 1)."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an `INSERT ... RETURNING id`; the new row's id."""
        row = await self.fetchone(sql, params)
        assert row is not None, "an INSERT for its id needs RETURNING id"
        return int(row[0])

    @abstractmethod
    def publish(self, topic: Topic, key: int) -> None:
        """Tell every other process, once this transaction commits, that the row `topic` names
        by `key` changed (bot/storage/invalidation.py)."""

    @abstractmethod
    async def pipeline(self, *steps: Step) -> list[list[Row]]:
        """Run `steps` in order, in as few round trips as the backend allows; their rows, in
        order (empty for `Many`).

        A step sees what earlier ones wrote, but no step may need an earlier one's result in
        Python (look such values up in SQL instead). If a step fails, the steps after it do not
        run and the error is raised; left to propagate out of `Database.transaction()`, it rolls
        the whole transaction back.
        """


class Database(ABC):
    """A process's access to the database: transactions, and plain reads of committed data.

    Each process runs one write transaction at a time (both backends hold a lock for it):
    reads inside a transaction see nothing another coroutine of this process changes under
    them. Between processes (PostgreSQL only) claims, unique keys and row locks decide.
    """

    dialect: Dialect
    url: str
    """Where the database is: a file path (SQLite) or a postgresql:// URL, password removed."""

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Tx]:
        """Statements that commit together or not at all, rolled back on any exception."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query that returns one (a key lookup, LIMIT 1)."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One statement in its own transaction; returns the number of rows changed."""
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    @abstractmethod
    def on_invalidation(self, subscriber: Subscriber) -> None:
        """Apply to `subscriber` what other processes publish (`Tx.publish`)."""

    @abstractmethod
    async def executescript(self, script: str) -> None:
        """Several statements separated by `;`, outside any transaction (tests, setup)."""

    @abstractmethod
    async def check_integrity(self) -> None:
        """Raise CorruptDatabase when the database is damaged."""

    @abstractmethod
    async def forget_deleted(self) -> None:
        """Make deleted rows unrecoverable from the database's files, as far as the backend
        lets a client do it (after an erasure)."""

    @abstractmethod
    async def close(self) -> None: ...


Reader = Database | Tx
"""Where plain reads can run: the database (committed data) or an open transaction."""
