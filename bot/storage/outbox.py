"""The outbox: every outgoing message, written in the same transaction as the work it reports."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.ports import Attachment, Button, Message
from bot.storage.db import Database, Statement, Tx, from_db, to_db


@dataclass(frozen=True)
class Target:
    """Where a message goes. `room` targets carry the members so the sender can open the room."""

    kind: str  # channel | dm | room
    id: str  # channel id, member external id, or our room key
    members: tuple[str, ...] = ()  # room members' external ids
    title: str = ""

    @classmethod
    def channel(cls, channel_id: str) -> Target:
        return cls("channel", channel_id)

    @classmethod
    def dm(cls, external_id: str) -> Target:
        return cls("dm", external_id)

    @classmethod
    def room(cls, room_key: str, members: tuple[str, ...], title: str) -> Target:
        return cls("room", room_key, members, title)


def message_key(kind: str, tenant_id: int, *about: object) -> str:
    """An outbox idempotency key: the kind of message, the community, and what it is about.

    The same work always builds the same key, so queueing it again (a second tick, a restart,
    a racing process) is a no-op. Keys are stored: changing how one is built re-sends once.
    """
    return ":".join([kind, str(tenant_id), *(str(part) for part in about)])


@dataclass(frozen=True)
class OutboxItem:
    id: int
    tenant_id: int
    idem_key: str
    member_id: int | None
    target: Target
    message: Message
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None


def encode(target: Target, message: Message) -> str:
    return json.dumps(
        {
            "members": list(target.members),
            "title": target.title,
            "text": message.text,
            "details": message.details,
            "buttons": [[b.label, b.command, b.style] for b in message.buttons],
            "files": [
                [f.filename, base64.b64encode(f.data).decode("ascii"), f.description]
                for f in message.files
            ],
        }
    )


def _item(r: Any) -> OutboxItem:
    p = json.loads(r["payload"])
    message = Message(
        text=p["text"],
        details=p["details"],
        buttons=tuple(Button(label, command, style) for label, command, style in p["buttons"]),
        files=tuple(Attachment(n, base64.b64decode(d), desc) for n, d, desc in p["files"]),
    )
    target = Target(r["target_kind"], r["target"], tuple(p["members"]), p["title"])
    return OutboxItem(
        id=r["id"],
        tenant_id=r["tenant_id"],
        idem_key=r["idem_key"],
        member_id=r["member_id"],
        target=target,
        message=message,
        status=r["status"],
        attempts=r["attempts"],
        next_attempt_at=from_db(r["next_attempt_at"]),
        last_error=r["last_error"],
    )


async def enqueue(
    tx: Tx,
    tenant_id: int,
    idem_key: str,
    target: Target,
    message: Message,
    now: datetime,
    member_id: int | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Queue a message inside the caller's transaction; False if the key was queued before."""
    changed = await tx.execute(
        "INSERT INTO outbox (tenant_id, idem_key, member_id, target_kind, target, payload,"
        " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (idem_key) DO NOTHING",
        (
            tenant_id,
            idem_key,
            member_id,
            target.kind,
            target.id,
            encode(target, message),
            to_db(not_before or now),
            to_db(now),
        ),
    )
    return changed == 1


async def enqueue_many(
    tx: Tx,
    tenant_id: int,
    items: Sequence[tuple[str, Target, int | None]],
    message: Message,
    now: datetime,
) -> None:
    """Queue one message to many targets in one statement: (idem_key, target, member_id) each.

    Keys queued before are skipped, as with `enqueue`.
    """
    at = to_db(now)
    payloads: dict[tuple[tuple[str, ...], str], str] = {}  # DMs share one payload
    for _, target, _ in items:
        if (target.members, target.title) not in payloads:
            payloads[(target.members, target.title)] = encode(target, message)
    await tx.executemany(
        "INSERT INTO outbox (tenant_id, idem_key, member_id, target_kind, target, payload,"
        " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (idem_key) DO NOTHING",
        [
            (tenant_id, key, member_id, t.kind, t.id, payloads[(t.members, t.title)], at, at)
            for key, t, member_id in items
        ],
    )


def cancel_pending(idem_key: str) -> Statement:
    """The statement that withdraws a queued message not yet picked up by the sender, as a step
    of the transaction that makes it unnecessary (`Tx.pipeline`)."""
    return (
        "UPDATE outbox SET status = 'cancelled' WHERE idem_key = ? AND status = 'pending'",
        (idem_key,),
    )


class OutboxRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim_due(self, now: datetime, limit: int) -> list[OutboxItem]:
        """Mark up to `limit` due messages as being sent, oldest first, and return them."""
        async with self._db.transaction() as tx:
            rows = await tx.fetchall(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1"
                " WHERE id IN (SELECT id FROM outbox WHERE status = 'pending'"
                " AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?) RETURNING *",
                (to_db(now), limit),
            )
        return sorted((_item(r) for r in rows), key=lambda i: (i.next_attempt_at, i.id))

    async def mark_sent(self, item_id: int, now: datetime, message_id: str) -> None:
        await self._db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, last_error = NULL"
            " WHERE id = ?",
            (to_db(now), message_id, item_id),
        )

    async def retry_later(
        self, item_id: int, at: datetime, error: str, *, count_attempt: bool = True
    ) -> None:
        """Back to the queue until `at`; a rate limit (count_attempt=False) costs no attempt."""
        await self._db.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?,"
            " attempts = attempts - ? WHERE id = ? AND status = 'sending'",
            (to_db(at), error[:500], 0 if count_attempt else 1, item_id),
        )

    async def release(self, item_ids: list[int]) -> None:
        """Claimed rows that were never tried go back to the queue as they were."""
        if not item_ids:
            return
        marks = ", ".join("?" for _ in item_ids)
        await self._db.execute(
            "UPDATE outbox SET status = 'pending', attempts = attempts - 1"
            f" WHERE status = 'sending' AND id IN ({marks})",
            item_ids,
        )

    async def mark_failed(self, item_id: int, error: str) -> None:
        await self._db.execute(
            "UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?",
            (error[:500], item_id),
        )

    async def resume_interrupted(self, now: datetime) -> int:
        """After a crash, messages caught mid-send go back to the queue."""
        return await self._db.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE status = 'sending'",
            (to_db(now),),
        )

    async def cancel_for_member(self, tx: Tx, tenant_id: int, member_id: int) -> int:
        return await tx.execute(
            "UPDATE outbox SET status = 'cancelled' WHERE tenant_id = ? AND member_id = ?"
            " AND status IN ('pending', 'sending')",
            (tenant_id, member_id),
        )

    async def next_due(self) -> datetime | None:
        row = await self._db.fetchone(
            "SELECT MIN(next_attempt_at) AS t FROM outbox WHERE status = 'pending'"
        )
        return from_db(row["t"]) if row is not None and row["t"] else None

    async def by_key(self, idem_key: str) -> OutboxItem | None:
        row = await self._db.fetchone("SELECT * FROM outbox WHERE idem_key = ?", (idem_key,))
        return _item(row) if row is not None else None

    async def counts(self) -> dict[str, int]:
        rows = await self._db.fetchall("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
        return {r["status"]: r["n"] for r in rows}

    async def room(self, tenant_id: int, room_key: str) -> str | None:
        row = await self._db.fetchone(
            "SELECT channel_id FROM rooms WHERE tenant_id = ? AND room_key = ?",
            (tenant_id, room_key),
        )
        return str(row["channel_id"]) if row is not None else None

    async def save_room(
        self, tenant_id: int, room_key: str, channel_id: str, kind: str, now: datetime
    ) -> None:
        await self._db.execute(
            "INSERT INTO rooms (tenant_id, room_key, channel_id, kind, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, room_key) DO NOTHING",
            (tenant_id, room_key, channel_id, kind, to_db(now)),
        )


def backoff(attempt: int) -> timedelta:
    """Exponential backoff for transient failures: 2 s, 4 s, 8 s ... capped at 10 minutes."""
    return timedelta(seconds=min(600, 2**attempt))
