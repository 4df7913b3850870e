"""`python -m bot copy`: move a community's data from one database to another, either backend.

Both databases are first migrated to this studybot's schema; the target must hold no data. The
source is read in one transaction (a snapshot on PostgreSQL; on SQLite the single-instance lock
keeps every bot away while it runs) and every table is written in foreign-key order, in batches,
inside one transaction on the target: a failed copy leaves the target as empty as it was.
Numbering moves with the rows: on PostgreSQL every identity column starts after the highest id
copied or ever handed out by the source, on SQLite the AUTOINCREMENT counters do, so an id that
an erasure freed is not handed out again (claims and outbox keys name ids).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.storage.connect import describe, is_postgres, open_database, sqlite_path
from bot.storage.db import Database, Reader, Tx
from bot.storage.instance_lock import InstanceLock
from bot.storage.migrations import (
    identities_past_copied_rows,
    migrate,
    schema_version,
    table_names,
)

BATCH_ROWS = 1000
LEDGER = "schema_migrations"
"""The migration ledger: each database keeps its own (the copy checks that they agree)."""


class CopyRefused(RuntimeError):
    """The copy would lose or mix data: nothing was written."""


@dataclass(frozen=True)
class CopiedTable:
    name: str
    rows: int


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    """The primary key's columns, which page the reads; () reads the table at once."""
    parents: frozenset[str]
    """Tables its foreign keys refer to (itself excluded)."""


async def copy_locations(
    source: str | Path,
    target: str | Path,
    now: datetime,
    holder: str,
    progress: Callable[[CopiedTable], object] = lambda table: None,
) -> list[CopiedTable]:
    """Lock (SQLite), open and migrate both databases, then copy every row from one to the other.

    `holder` names this process in the lock file, for the message a bot started meanwhile prints.
    Raises AlreadyRunning while a bot uses either SQLite file, CopyRefused when the copy cannot
    be made without loss.
    """
    if _same_place(source, target):
        raise CopyRefused("--from and --to name the same database")
    async with AsyncExitStack() as stack:
        for location in (source, target):
            if not is_postgres(location):
                lock = InstanceLock.acquire(sqlite_path(location), holder)
                stack.callback(lock.release)
        if not is_postgres(source) and not sqlite_path(source).is_file():
            raise CopyRefused(f"there is no database at {sqlite_path(source)}")
        databases = []
        for location in (source, target):
            db = await open_database(location)
            stack.push_async_callback(db.close)
            await migrate(db, now)
            databases.append(db)
        return await copy_database(databases[0], databases[1], progress=progress)


def _same_place(source: str | Path, target: str | Path) -> bool:
    if is_postgres(source) or is_postgres(target):
        return describe(source) == describe(target)
    return sqlite_path(source).resolve() == sqlite_path(target).resolve()


async def copy_database(
    source: Database,
    target: Database,
    *,
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[CopiedTable], object] = lambda table: None,
) -> list[CopiedTable]:
    """Copy every row of `source` into the empty `target` (both at the same schema version);
    each table's row count, in the order copied."""
    versions = (await schema_version(source), await schema_version(target))
    if versions[0] != versions[1]:
        raise CopyRefused(
            f"the source is at schema version {versions[0]} and the target at {versions[1]}:"
            " migrate both with this studybot (python -m bot migrate --db ...) first"
        )
    tables = in_foreign_key_order(await describe_tables(source))
    copied: list[CopiedTable] = []
    async with source.transaction() as reading, target.transaction() as writing:
        if source.dialect == "postgresql":
            # every batch of every table from the same moment, whatever runs meanwhile
            await reading.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        occupied = [t.name for t in tables if await _has_rows(writing, t.name)]
        if occupied:
            raise CopyRefused(
                f"the target {target.url} already holds data (in {', '.join(occupied)}): copy"
                " into a new, empty database"
            )
        issued = await ids_handed_out(reading, source.dialect)
        for table in tables:
            rows = await _copy_table(reading, writing, table, batch_rows)
            copied.append(CopiedTable(table.name, rows))
            progress(copied[-1])
        if target.dialect == "postgresql":
            await identities_past_copied_rows(writing, issued)
        else:
            await _autoincrement_past(writing, issued)
    return copied


async def describe_tables(db: Database) -> list[Table]:
    """Every table but the migration ledger: its columns, primary key and parents."""
    found = []
    for name in await table_names(db):
        if name == LEDGER:
            continue
        if db.dialect == "postgresql":
            columns = await db.fetchall(
                "SELECT column_name AS name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = ?"
                " ORDER BY ordinal_position",
                (name,),
            )
            key = await db.fetchall(
                "SELECT a.attname AS name FROM pg_index i"
                " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                " WHERE i.indrelid = CAST(? AS regclass) AND i.indisprimary"
                " ORDER BY array_position(i.indkey, a.attnum)",
                (name,),
            )
            parents = await db.fetchall(
                "SELECT DISTINCT target.table_name AS name"
                " FROM information_schema.referential_constraints r"
                " JOIN information_schema.table_constraints source"
                "  ON source.constraint_name = r.constraint_name"
                "  AND source.constraint_schema = r.constraint_schema"
                " JOIN information_schema.table_constraints target"
                "  ON target.constraint_name = r.unique_constraint_name"
                "  AND target.constraint_schema = r.unique_constraint_schema"
                " WHERE source.table_schema = current_schema() AND source.table_name = ?",
                (name,),
            )
        else:
            columns = await db.fetchall(
                "SELECT name FROM pragma_table_info(?) ORDER BY cid", (name,)
            )
            key = await db.fetchall(
                "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", (name,)
            )
            parents = await db.fetchall(
                'SELECT DISTINCT "table" AS name FROM pragma_foreign_key_list(?)', (name,)
            )
        found.append(
            Table(
                name,
                tuple(r["name"] for r in columns),
                tuple(r["name"] for r in key),
                frozenset(r["name"] for r in parents) - {name},
            )
        )
    return found


def in_foreign_key_order(tables: Sequence[Table]) -> list[Table]:
    """Parents before the tables that refer to them; otherwise by name."""
    remaining = {t.name: t for t in tables}
    ordered: list[Table] = []
    while remaining:
        ready = sorted(
            (t for t in remaining.values() if not t.parents & remaining.keys()),
            key=lambda t: t.name,
        )
        if not ready:
            raise CopyRefused(f"the foreign keys of {', '.join(sorted(remaining))} form a cycle")
        for table in ready:
            ordered.append(table)
            del remaining[table.name]
    return ordered


async def ids_handed_out(reader: Reader, dialect: str) -> dict[str, int]:
    """The highest id each numbered table ever handed out (rows since erased included)."""
    if dialect == "postgresql":
        rows = await reader.fetchall(
            "SELECT table_name AS name,"
            " pg_sequence_last_value(pg_get_serial_sequence(table_name, column_name)) AS seq"
            " FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND is_identity = 'YES'"
        )
    elif await reader.fetchone("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"):
        rows = await reader.fetchall("SELECT name, seq FROM sqlite_sequence")
    else:
        rows = []
    return {r["name"]: int(r["seq"]) for r in rows if r["seq"] is not None}


async def _has_rows(tx: Tx, table: str) -> bool:
    return await tx.fetchone(f"SELECT 1 FROM {table} LIMIT 1") is not None


async def _copy_table(reading: Tx, writing: Tx, table: Table, batch_rows: int) -> int:
    names = ", ".join(table.columns)
    insert = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' for _ in table.columns)})"
    select = f"SELECT {names} FROM {table.name}"
    if not table.key:
        rows = await reading.fetchall(select)
        await writing.executemany(insert, [tuple(r) for r in rows])
        return len(rows)
    key = ", ".join(table.key)
    first = f"{select} ORDER BY {key} LIMIT ?"
    after = f"{select} WHERE ({key}) > ({', '.join('?' for _ in table.key)}) ORDER BY {key} LIMIT ?"
    copied = 0
    last: tuple[Any, ...] | None = None
    while True:
        if last is None:
            rows = await reading.fetchall(first, (batch_rows,))
        else:
            rows = await reading.fetchall(after, (*last, batch_rows))
        if not rows:
            return copied
        await writing.executemany(insert, [tuple(r) for r in rows])
        copied += len(rows)
        last = tuple(rows[-1][column] for column in table.key)


async def _autoincrement_past(tx: Tx, issued: Mapping[str, int]) -> None:
    """SQLite's AUTOINCREMENT counters at least at the source's: the rows copied moved them
    to the highest id copied already, and a counter exists only for AUTOINCREMENT tables."""
    counters = await tx.fetchall("SELECT name FROM sqlite_master WHERE sql LIKE '%AUTOINCREMENT%'")
    for row in counters:
        if (seq := issued.get(row["name"])) is None:
            continue
        changed = await tx.execute(
            "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?", (seq, row["name"])
        )
        if not changed:
            await tx.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (row["name"], seq)
            )
