"""PostgreSQL through asyncpg: a small pool per process, for several processes on one database.

Repositories write their SQL once with SQLite's parameters (`?`, `:name`); `translate` turns
them into PostgreSQL's `$1, $2, ...` (once per distinct statement) and `bind` orders the values
to match. asyncpg prepares each statement and caches the plan per connection.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.storage.db import (
    CorruptDatabase,
    Database,
    Many,
    Params,
    Row,
    Step,
    TransactionConflict,
    Tx,
)
from bot.storage.invalidation import CHANNEL, Subscriber, Subscribers, Topic, encode

log = logging.getLogger(__name__)

# A quoted string or identifier, a comment, or a parameter: `?` or `:name` (not `::`).
_TOKEN = re.compile(
    r"'(?:[^']|'')*'"
    r'|"(?:[^"]|"")*"'
    r"|--[^\n]*"
    r"|/\*.*?\*/"
    r"|::"
    r"|(?P<positional>\?)"
    r"|(?<![\w:]):(?P<name>[A-Za-z_]\w*)",
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class Translated:
    sql: str
    names: tuple[str, ...] | None
    """The parameter names in `$n` order for `:name` statements; None for `?` statements."""


@lru_cache(maxsize=4096)
def translate(sql: str) -> Translated:
    """SQLite's parameters in PostgreSQL's spelling: each `?` becomes the next `$n`; each
    distinct `:name` gets one `$n` however often it appears."""
    names: dict[str, int] = {}
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if match.group("positional"):
            count += 1
            return f"${count}"
        name = match.group("name")
        if name is None:
            return match.group(0)
        if name not in names:
            names[name] = len(names) + 1
        return f"${names[name]}"

    text = _TOKEN.sub(replace, sql)
    if count and names:
        raise ValueError(f"a statement mixes ? and :name parameters: {sql[:80]!r}")
    return Translated(text, tuple(names) if names else None)


def bind(translated: Translated, params: Params) -> list[Any]:
    if translated.names is None:
        if isinstance(params, dict):
            raise TypeError("named values for a statement with ? parameters")
        return list(params)
    if not isinstance(params, dict):
        raise TypeError("a statement with :name parameters takes a dict of values")
    return [params[name] for name in translated.names]


def _rowcount(status: str) -> int:
    """asyncpg returns the command tag ("UPDATE 3", "INSERT 0 1"); its last word is the count."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def redacted(url: str) -> str:
    """The URL without its password, for logs and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresDatabase(Database):
    """A pool of connections: plain reads take any, write transactions one at a time.

    One write transaction at a time per process keeps what the repositories were written for
    (reads in a transaction see no change by this process's other coroutines); other processes
    are kept apart by unique keys, claims and row locks. Measured here (docs/scaling.md): fewer
    connections win on 2 cores, so the pool stays small.
    """

    dialect = "postgresql"

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self._lock = asyncio.Lock()
        self.url = redacted(url)
        self._subscribers = Subscribers()
        self._listener = Listener(
            lambda: asyncpg.connect(url, server_settings={"application_name": LISTENER_NAME}),
            self._subscribers,
        )

    @classmethod
    async def open(cls, url: str, *, pool_size: int = 4) -> PostgresDatabase:
        try:
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=pool_size, init=_session, command_timeout=60
            )
        except (OSError, asyncpg.PostgresError) as exc:
            raise ConnectionError(
                f"cannot connect to PostgreSQL at {redacted(url)}: {exc}"
            ) from exc
        db = cls(pool, url)
        try:
            await db.check_integrity()
            await db._listener.start()  # before any read is cached
        except BaseException:
            await pool.close()
            raise
        return db

    async def check_integrity(self) -> None:
        row = await self.fetchone("SELECT 1 AS ok")
        if row is None or row["ok"] != 1:
            raise CorruptDatabase(f"PostgreSQL at {self.url} did not answer a query")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        try:
            async with self._lock, self._pool.acquire() as conn, conn.transaction():
                tx = PostgresTx(conn)
                yield tx
                await tx.notify_published()
        except (asyncpg.DeadlockDetectedError, asyncpg.SerializationError) as exc:
            raise TransactionConflict(str(exc)) from exc

    def on_invalidation(self, subscriber: Subscriber) -> None:
        self._subscribers.add(subscriber)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        query = translate(sql)
        async with self._pool.acquire() as conn:
            rows: list[Row] = await conn.fetch(query.sql, *bind(query, params))
        return rows

    async def executescript(self, script: str) -> None:
        async with self._pool.acquire() as conn:
            await conn.execute(script)

    async def forget_deleted(self) -> None:
        # Deleted rows stay in the table files as dead versions until VACUUM reclaims them;
        # plain VACUUM takes no lock that stops reads or writes.
        async with self._pool.acquire() as conn:
            await conn.execute("VACUUM")

    async def close(self) -> None:
        await self._listener.close()
        await self._pool.close()


async def _session(conn: asyncpg.Connection) -> None:
    # Instants are ISO text in UTC; anything SQL computes from the clock must agree with them.
    await conn.execute("SET TIME ZONE 'UTC'")
    # SUM over integers is `numeric` in PostgreSQL, a Decimal in Python: read it as SQLite's
    # int (or float), so a repository's arithmetic and JSON see the same types on both.
    await conn.set_type_codec(
        "numeric", schema="pg_catalog", encoder=str, decoder=_number, format="text"
    )


def _number(text: str) -> int | float:
    return float(text) if any(c in text for c in ".eEN") else int(text)  # N: NaN


class PostgresTx(Tx):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn
        self._published: set[str] = set()

    def publish(self, topic: Topic, key: int) -> None:
        self._published.add(encode(topic, key))

    async def notify_published(self) -> None:
        """Send what was published, in one statement, as the transaction's last: PostgreSQL
        delivers it on commit, and never if the transaction rolls back."""
        if self._published:
            await self._conn.execute(
                "SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload",
                CHANNEL,
                sorted(self._published),
            )

    async def execute(self, sql: str, params: Params = ()) -> int:
        query = translate(sql)
        status: str = await self._conn.execute(query.sql, *bind(query, params))
        return _rowcount(status)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        query = translate(sql)
        values = [bind(query, row) for row in rows]
        if values:
            await self._conn.executemany(query.sql, values)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        query = translate(sql)
        rows: list[Row] = await self._conn.fetch(query.sql, *bind(query, params))
        return rows

    async def pipeline(self, *steps: Step) -> list[list[Row]]:
        # asyncpg has no pipeline mode: one round trip per step, on loopback about 0.1 ms.
        results: list[list[Row]] = []
        for step in steps:
            if isinstance(step, Many):
                await self.executemany(step.sql, step.rows)
                results.append([])
            else:
                results.append(await self.fetchall(*step))
        return results


LISTENER_NAME = "studybot cache listener"
"""The listening connection's application_name (pg_stat_activity shows it)."""
RECONNECT_FIRST_DELAY = 0.1
RECONNECT_MAX_DELAY = 5.0


class Listener:
    """One connection that LISTENs on `CHANNEL` and hands each notification to `subscribers`.

    When the connection drops it reconnects (with growing delays) and drops every cache, both
    when it notices the drop and once it listens again: notifications sent meanwhile are lost.
    """

    def __init__(
        self, connect: Callable[[], Awaitable[asyncpg.Connection]], subscribers: Subscribers
    ) -> None:
        self._connect = connect
        self._subscribers = subscribers
        self._conn: asyncpg.Connection | None = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._closed = False

    async def start(self) -> None:
        conn = await self._connect()
        try:
            await conn.add_listener(CHANNEL, self._notified)
        except BaseException:
            await conn.close()
            raise
        conn.add_termination_listener(self._lost)
        self._conn = conn

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        self._subscribers.deliver(payload)

    def _lost(self, _conn: object) -> None:
        self._conn = None
        if self._closed:
            return
        log.warning("the cache listener's connection dropped: dropping caches, reconnecting")
        self._subscribers.reset()
        self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        delay = RECONNECT_FIRST_DELAY
        while not self._closed:
            try:
                await self.start()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("cache listener: cannot reconnect yet (%s)", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_DELAY)
                continue
            self._subscribers.reset()  # what changed while nobody listened
            log.info("the cache listener listens again")
            return

    async def close(self) -> None:
        self._closed = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        if self._conn is not None:
            await self._conn.close()
