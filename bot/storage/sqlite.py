"""SQLite: one aiosqlite writing connection per process, with WAL, foreign keys and serialised
transactions, plus a read-only connection for plain reads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.private_files import private_file
from bot.storage.db import CorruptDatabase, Database, Many, Params, Row, Step, Tx
from bot.storage.invalidation import Subscriber, Topic


def _busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


async def _wal_mode(conn: aiosqlite.Connection, wait: float = 10.0) -> None:
    """Switch to write-ahead logging. Switching needs the file to itself, which the busy
    timeout does not wait for: a second process opening a new file while the first migrates
    it retries here instead of failing."""
    delay, waited = 0.02, 0.0
    while True:
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except aiosqlite.OperationalError as exc:
            if not _busy(exc) or waited >= wait:
                raise
        await asyncio.sleep(delay)
        waited += delay
        delay = min(delay * 2, 0.5)


class SqliteDatabase(Database):
    """The process's one writing connection, plus a read-only one for plain reads.

    aiosqlite runs each connection's statements on its own worker thread. The lock keeps one
    coroutine's transaction from interleaving with another's statements on the writer. Reads
    outside a transaction go to the reader without that lock: in WAL mode a reader sees every
    committed write and never one in progress, and queued reads keep its thread busy instead of
    waiting their turn behind every write.
    """

    def __init__(
        self, conn: aiosqlite.Connection, path: Path | str, reader: aiosqlite.Connection | None
    ) -> None:
        self._conn = conn
        self._reader = reader
        self._lock = asyncio.Lock()
        self.path = str(path)
        self.url = self.path

    dialect = "sqlite"

    @classmethod
    async def open(cls, path: Path | str) -> SqliteDatabase:
        if str(path) != ":memory:":
            private_file(Path(path))  # owner-only before SQLite writes a byte (its -wal too)
        # The sqlite3 module opens the transaction (BEGIN IMMEDIATE) itself, in the same call
        # as a transaction's first write: one round trip to the worker thread fewer per write.
        conn = await aiosqlite.connect(str(path), isolation_level="IMMEDIATE")
        conn.row_factory = aiosqlite.Row
        reader: aiosqlite.Connection | None = None
        try:
            await conn.execute("PRAGMA busy_timeout = 5000")
            await _wal_mode(conn)
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            # Deleted and overwritten content is zeroed, not left in free pages: an erased
            # member's words must not be recoverable from the file.
            await conn.execute("PRAGMA secure_delete = ON")
            if str(path) != ":memory:":  # an in-memory database cannot be shared
                reader = await aiosqlite.connect(str(path), isolation_level=None)
                reader.row_factory = aiosqlite.Row
                await reader.execute("PRAGMA busy_timeout = 5000")
                await reader.execute("PRAGMA query_only = ON")
            db = cls(conn, path, reader)
            await db.check_integrity()
        except (aiosqlite.DatabaseError, CorruptDatabase) as exc:
            await conn.close()
            if reader is not None:
                await reader.close()
            if isinstance(exc, aiosqlite.OperationalError) and _busy(exc):
                raise  # another process holds the file for longer than we wait: not damage
            raise CorruptDatabase(
                f"The database at {path} is damaged ({exc}). Restore a backup made with "
                "`python -m bot backup` or move the file away to start fresh."
            ) from exc
        return db

    async def check_integrity(self) -> None:
        async with self._conn.execute("PRAGMA quick_check") as cur:
            rows = [str(r[0]) for r in await cur.fetchall()]
        if rows != ["ok"]:
            raise CorruptDatabase("; ".join(rows[:3]))

    async def trace(self, callback: Callable[[str], object] | None) -> None:
        """Call `callback` with each statement as SQLite runs it, values filled in (tests and
        diagnostics: query plans); None stops it."""
        for conn in (self._conn, self._reader):
            if conn is not None:
                # aiosqlite's stub wants a callable; sqlite3 itself takes None to stop tracing
                await conn.set_trace_callback(callback)  # type: ignore[arg-type]

    def on_invalidation(self, subscriber: Subscriber) -> None:
        """Nothing to deliver: the process holding the file is its only writer, and its
        repositories drop what they change themselves."""

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the database and truncate it to zero bytes."""
        async with self._lock:
            await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def forget_deleted(self) -> None:
        # secure_delete zeroes the database's pages; the log may still hold old page images
        await self.checkpoint()

    async def close(self) -> None:
        async with self._lock:
            if self._reader is not None:
                await self._reader.close()
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """Statements that commit together or not at all, rolled back on any exception.

        The transaction begins (BEGIN IMMEDIATE) with its first write. Reads before that run
        on the same connection under the same lock, and this process is the only writer, so
        nothing can change between them and the write.
        """
        async with self._lock:
            try:
                yield SqliteTx(self._conn)
                if self._conn.in_transaction:
                    await self._conn.commit()
            except BaseException:
                # Also after a cancellation: a statement already handed to the worker thread
                # runs anyway and may open the transaction; the rollback is queued behind it.
                await self._conn.rollback()
                raise

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        if self._reader is not None:
            return list(await self._reader.execute_fetchall(sql, params))
        async with self._lock:
            return list(await self._conn.execute_fetchall(sql, params))

    async def executescript(self, script: str) -> None:
        async with self._lock:
            await self._conn.executescript(script)

    async def rollback_if_open(self) -> None:
        async with self._lock:
            await self._conn.rollback()  # a no-op when no transaction is open

    async def backup(self, target: Path | str) -> None:
        """SQLite's online backup: a consistent copy while the bot keeps running."""
        async with self._lock:
            private_file(Path(target))
            dest = await aiosqlite.connect(str(target))
            try:
                await self._conn.backup(dest)
            finally:
                await dest.close()


class SqliteTx(Tx):
    """Statements inside one open SQLite transaction (see `SqliteDatabase.transaction`).

    Each method is one round trip to aiosqlite's thread, which is what a statement costs
    most: results are fetched with the statement, and the cursor of a finished statement
    (which holds nothing) is dropped rather than closed in a second trip.
    """

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    def publish(self, topic: Topic, key: int) -> None:
        """Nothing to tell: no other process shares the file (and this path costs nothing)."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        cur = await self._conn.execute(sql, params)
        return cur.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._conn.execute_fetchall(sql, params))

    async def pipeline(self, *steps: Step) -> list[list[Row]]:
        """Run `steps` in order, in one call on the connection's thread; their rows, in order
        (empty for `Many`).

        A statement awaited on its own is a round trip to aiosqlite's thread, and its result
        then waits behind everything else the event loop has to do; a write of five statements
        paid that five times. Here it is paid once. A step sees what earlier ones wrote, but no
        step may need an earlier one's result in Python (look such values up in SQL instead).
        If a step fails, the steps after it do not run and the error is raised; left to
        propagate out of `Database.transaction()`, it rolls the whole transaction back.
        """
        conn = self._conn

        def run() -> list[list[Row]]:
            raw = conn._conn  # the sqlite3 connection, used here on its own thread only
            rows: list[list[Row]] = []
            for step in steps:
                if isinstance(step, Many):
                    raw.executemany(step.sql, step.rows)
                    rows.append([])
                else:
                    rows.append(raw.execute(*step).fetchall())
            return rows

        # aiosqlite queues every call of its public API this way; it has no public method that
        # runs several statements in one call (pinned to the tested minor version).
        result: list[list[Row]] = await conn._execute(run)  # type: ignore[no-untyped-call]
        return result
