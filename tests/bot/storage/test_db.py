"""Transactions on the writer connection: pipelined steps keep their order and their atomicity."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator

import asyncpg
import pytest

from bot.storage.connect import open_database
from bot.storage.db import Database, Many
from bot.storage.postgres import PostgresDatabase
from bot.storage.sqlite import SqliteDatabase


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = await open_database(database_url)
    await database.executescript("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL)")
    yield database
    await database.close()


async def _rows(db: Database) -> list[tuple[str, int]]:
    return [(r["k"], r["n"]) for r in await db.fetchall("SELECT k, n FROM t ORDER BY k")]


async def test_pipeline_steps_run_in_order_and_see_earlier_writes(db: Database) -> None:
    async with db.transaction() as tx:
        results = await tx.pipeline(
            ("INSERT INTO t (k, n) VALUES ('a', 1) RETURNING n", ()),
            Many("INSERT INTO t (k, n) SELECT ?, n + ? FROM t WHERE k = 'a'", [("b", 1), ("c", 2)]),
            ("UPDATE t SET n = n * 10 WHERE k = 'a'", ()),
            ("SELECT k, n FROM t ORDER BY k", ()),
        )
    assert [r["n"] for r in results[0]] == [1]
    assert results[1] == results[2] == []
    assert [(r["k"], r["n"]) for r in results[3]] == [("a", 10), ("b", 2), ("c", 3)]
    assert await _rows(db) == [("a", 10), ("b", 2), ("c", 3)]


async def test_a_failing_step_rolls_back_the_whole_transaction(db: Database) -> None:
    """Neither the step before the failing one nor the one after it is committed."""
    await db.execute("INSERT INTO t (k, n) VALUES ('kept', 0)")
    with pytest.raises((sqlite3.IntegrityError, asyncpg.UniqueViolationError)):
        async with db.transaction() as tx:
            await tx.pipeline(
                ("INSERT INTO t (k, n) VALUES ('before', 1)", ()),
                ("INSERT INTO t (k, n) VALUES ('kept', 2)", ()),  # duplicate key
                ("UPDATE t SET n = 99", ()),
            )
    assert await _rows(db) == [("kept", 0)]
    await db.execute("INSERT INTO t (k, n) VALUES ('after', 3)")  # the writer is usable again
    assert await _rows(db) == [("after", 3), ("kept", 0)]


async def test_a_cancelled_pipeline_commits_nothing(db: Database) -> None:
    """Cancelled while its statements run (on SQLite, on the worker thread, where they finish):
    the rollback follows them, and the writer takes the next transaction."""
    running, release = threading.Event(), threading.Event()
    if isinstance(db, SqliteDatabase):

        def wait_in_sql() -> int:
            running.set()
            release.wait()
            return 1

        await db._conn.create_function("wait_in_sql", 0, wait_in_sql)  # a statement that blocks
        slow = "wait_in_sql()"
    else:
        slow = "(SELECT 1 FROM pg_sleep(30))"  # cancelled by asyncpg on the server

    async def write() -> None:
        async with db.transaction() as tx:
            await tx.pipeline(
                ("INSERT INTO t (k, n) VALUES ('a', 1)", ()),
                (f"INSERT INTO t (k, n) VALUES ('b', {slow})", ()),
            )

    task = asyncio.create_task(write())
    if isinstance(db, SqliteDatabase):
        await asyncio.to_thread(running.wait)
    else:
        await asyncio.sleep(0.2)
    task.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _rows(db) == []
    await db.execute("INSERT INTO t (k, n) VALUES ('c', 3)")
    assert await _rows(db) == [("c", 3)]


async def test_sums_of_integers_are_ints_and_fractions_floats(db: Database) -> None:
    """PostgreSQL's SUM of integers is numeric; it reads as SQLite's int, whatever the backend."""
    await db.execute("INSERT INTO t (k, n) VALUES ('a', 2), ('b', 3)")
    row = await db.fetchone("SELECT SUM(n) AS total, SUM(n) / 2.0 AS half FROM t")
    assert row is not None
    assert (row["total"], type(row["total"])) == (5, int)
    assert (row["half"], type(row["half"])) == (2.5, float)


async def test_a_deadlock_between_processes_is_a_conflict_that_rolls_back(
    db: Database, database_url: str
) -> None:
    """Two processes locking the same rows in opposite orders: PostgreSQL breaks the deadlock
    by aborting one, which reaches the caller as TransactionConflict, with nothing kept."""
    if not isinstance(db, PostgresDatabase):
        pytest.skip("one SQLite process writes at a time: its transactions cannot deadlock")
    await db.execute("INSERT INTO t (k, n) VALUES ('a', 0), ('b', 0)")
    other = await open_database(database_url)  # a second process
    both_hold_one = asyncio.Barrier(2)

    async def lock(database: Database, first: str, second: str) -> None:
        async with database.transaction() as tx:
            await tx.execute("UPDATE t SET n = n + 1 WHERE k = ?", (first,))
            await both_hold_one.wait()
            await tx.execute("UPDATE t SET n = n + 1 WHERE k = ?", (second,))

    try:
        results = await asyncio.gather(
            lock(db, "a", "b"), lock(other, "b", "a"), return_exceptions=True
        )
    finally:
        await other.close()
    assert sorted(type(r).__name__ for r in results) == ["NoneType", "TransactionConflict"]
    assert await _rows(db) == [("a", 1), ("b", 1)]  # the aborted one changed nothing
