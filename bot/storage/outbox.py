"""The outbox: every outgoing message, written in the same transaction as the work it reports."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.ports import Attachment, Button, Message
from bot.shards import TenantShare
from bot.storage.db import Database, Statement, Tx, from_db, to_db
from bot.storage.tenants import owned_by


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
    expires_at: datetime | None = None


# How long a claim stays the claimer's: renewed while its batch is being sent. A lease that ran
# out means the claiming process died, and the row may be sent by another.
LEASE = timedelta(seconds=60)
DEFAULT_TTL = timedelta(days=7)
URGENT = timedelta(
    hours=1
)  # a message this close to expiring goes before all others  # for messages whose producer gives no time to live
DONE = ("sent", "failed", "cancelled", "expired")


def encode(target: Target, message: Message) -> str:
    """The payload: everything but file bytes, which are stored once (`attachments`)."""
    return json.dumps(
        {
            "members": list(target.members),
            "title": target.title,
            "text": message.text,
            "details": message.details,
            "buttons": [[b.label, b.command, b.style] for b in message.buttons],
            "files": [
                {"name": f.filename, "sha256": _sha256(f.data), "description": f.description}
                for f in message.files
            ],
        }
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _item(r: Any, files: dict[str, bytes]) -> OutboxItem:
    p = json.loads(r["payload"])
    message = Message(
        text=p["text"],
        details=p["details"],
        buttons=tuple(Button(label, command, style) for label, command, style in p["buttons"]),
        files=tuple(_attachment(f, files) for f in p["files"]),
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
        expires_at=from_db(r["expires_at"]) if r["expires_at"] else None,
    )


def _attachment(entry: Any, files: dict[str, bytes]) -> Attachment:
    if isinstance(entry, list):  # queued before migration 0007: the bytes inline, base64
        name, data, description = entry
        return Attachment(name, base64.b64decode(data), description)
    return Attachment(entry["name"], files[entry["sha256"]], entry["description"])


async def enqueue(
    tx: Tx,
    tenant_id: int,
    idem_key: str,
    target: Target,
    message: Message,
    now: datetime,
    member_id: int | None = None,
    not_before: datetime | None = None,
    *,
    expires_at: datetime | None = None,
    mentions: Iterable[int] = (),
) -> bool:
    """Queue a message inside the caller's transaction; False if the key was queued before.

    `member_id` is the member it is for (their export lists it); `mentions` are the other
    members it names or is addressed to, whose erasure blanks it. It is dropped, never sent,
    once `expires_at` has passed (`DEFAULT_TTL` after `now` when not given).
    """
    row = await tx.fetchone(
        "INSERT INTO outbox (tenant_id, idem_key, member_id, target_kind, target, payload,"
        " next_attempt_at, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (idem_key) DO NOTHING RETURNING id",
        (
            tenant_id,
            idem_key,
            member_id,
            target.kind,
            target.id,
            encode(target, message),
            to_db(not_before or now),
            to_db(now),
            to_db(expires_at or now + DEFAULT_TTL),
        ),
    )
    if row is None:
        return False
    outbox_id = int(row["id"])
    named = sorted(set(mentions) - {member_id} if member_id is not None else set(mentions))
    if named:
        await tx.executemany(
            "INSERT INTO outbox_mentions (outbox_id, tenant_id, member_id) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [(outbox_id, tenant_id, m) for m in named],
        )
    for file in message.files:
        digest = _sha256(file.data)
        await tx.execute(
            "INSERT INTO attachments (tenant_id, sha256, data, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (tenant_id, digest, file.data, to_db(now)),
        )
        await tx.execute(
            "INSERT INTO outbox_attachments (outbox_id, tenant_id, sha256) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (outbox_id, tenant_id, digest),
        )
    return True


@dataclass(frozen=True)
class Addressed:
    """One target of a message queued to many (`enqueue_many`)."""

    idem_key: str
    target: Target
    member_id: int | None
    expires_at: datetime


async def enqueue_many(
    tx: Tx,
    tenant_id: int,
    items: Sequence[Addressed],
    message: Message,
    now: datetime,
) -> None:
    """Queue one message without files to many targets in one statement (reminders).

    Keys queued before are skipped, as with `enqueue`.
    """
    if message.files:
        raise ValueError("enqueue_many sends no files; queue messages with files one by one")
    at = to_db(now)
    payloads: dict[tuple[tuple[str, ...], str], str] = {}  # DMs share one payload
    for item in items:
        shape = (item.target.members, item.target.title)
        if shape not in payloads:
            payloads[shape] = encode(item.target, message)
    await tx.executemany(
        "INSERT INTO outbox (tenant_id, idem_key, member_id, target_kind, target, payload,"
        " next_attempt_at, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (idem_key) DO NOTHING",
        [
            (
                tenant_id,
                i.idem_key,
                i.member_id,
                i.target.kind,
                i.target.id,
                payloads[(i.target.members, i.target.title)],
                at,
                at,
                to_db(i.expires_at),
            )
            for i in items
        ],
    )


def cancel_pending(idem_key: str, now: datetime) -> Statement:
    """The statement that withdraws a queued message not yet picked up by the sender, as a step
    of the transaction that makes it unnecessary (`Tx.pipeline`)."""
    return (
        "UPDATE outbox SET status = 'cancelled', done_at = ? WHERE idem_key = ?"
        " AND status = 'pending'",
        (to_db(now), idem_key),
    )


@dataclass(frozen=True)
class Pruned:
    messages: int
    attachments: int


class OutboxRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def expire_due(self, now: datetime) -> int:
        """Drop, never send, waiting messages whose time to live has passed; the row stays as
        the record ('expired', with when)."""
        return await self._db.execute(
            "UPDATE outbox SET status = 'expired', done_at = ?, last_error = 'expired unsent'"
            " WHERE status = 'pending' AND expires_at <= ?",
            (to_db(now), to_db(now)),
        )

    async def claim_due(
        self,
        now: datetime,
        limit: int,
        owner: str,
        lease: timedelta = LEASE,
        share: TenantShare | None = None,
        platform: str | None = None,
    ) -> list[OutboxItem]:
        """Claim up to `limit` due messages for `owner` until the lease ends, and return them;
        with a `platform`, only messages of its communities (a Slack process and a Discord one
        may share a database), and with a `share`, only those of the communities it owns
        (bot/shards.py).

        The urgent first (those that expire within `URGENT`), then the newest: after an
        outage, today's messages go out before yesterday's (which mostly expire unsent). A
        target's messages still go out in the order they were queued (an intro before the
        room's first check-in line): a row waits while an older one to the same target is
        unsent.
        """
        # On PostgreSQL several senders claim at once: each skips the rows another is claiming
        # (SKIP LOCKED) and re-checks the status of those it locked, or two would send the same
        # rows (measured: 1,900 to 2,250 duplicates in 5,000 with four senders, without).
        locking = " FOR UPDATE OF o SKIP LOCKED" if self._db.dialect == "postgresql" else ""
        owned, owned_params = owned_by(platform, share, "o.tenant_id")
        async with self._db.transaction() as tx:
            rows = await tx.fetchall(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_by = ?,"
                " lease_until = ? WHERE status = 'pending' AND id IN (SELECT o.id FROM outbox o"
                " WHERE o.status = 'pending' AND o.next_attempt_at <= ?"
                " AND (o.expires_at IS NULL OR o.expires_at > ?)"
                f"{owned}"
                " AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.tenant_id = o.tenant_id"
                "   AND e.target_kind = o.target_kind AND e.target = o.target"
                "   AND e.status IN ('pending', 'sending') AND e.id < o.id)"
                " ORDER BY o.expires_at IS NOT NULL AND o.expires_at <= ? DESC, o.id DESC"
                f" LIMIT ?{locking}) RETURNING *",
                (
                    owner,
                    to_db(now + lease),
                    to_db(now),
                    to_db(now),
                    *owned_params,
                    to_db(now + URGENT),
                    limit,
                ),
            )
            files = await self._files(tx, [int(r["id"]) for r in rows])
        soon = now + URGENT
        items = [_item(r, files) for r in rows]
        return sorted(items, key=lambda i: (not (i.expires_at and i.expires_at <= soon), -i.id))

    async def _files(self, tx: Tx, ids: list[int]) -> dict[str, bytes]:
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        rows = await tx.fetchall(
            "SELECT DISTINCT a.sha256, a.data FROM outbox_attachments oa JOIN attachments a"
            " ON a.tenant_id = oa.tenant_id AND a.sha256 = oa.sha256"
            f" WHERE oa.outbox_id IN ({marks})",
            ids,
        )
        return {r["sha256"]: bytes(r["data"]) for r in rows}

    async def renew(self, item_ids: list[int], owner: str, until: datetime) -> None:
        """Keep this owner's claim on rows it is still working through."""
        if not item_ids:
            return
        marks = ", ".join("?" for _ in item_ids)
        await self._db.execute(
            "UPDATE outbox SET lease_until = ?"
            f" WHERE status = 'sending' AND claimed_by = ? AND id IN ({marks})",
            [to_db(until), owner, *item_ids],
        )

    async def mark_sent(self, item_id: int, now: datetime, message_id: str) -> None:
        await self._db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, done_at = ?, message_id = ?,"
            " last_error = NULL, claimed_by = NULL, lease_until = NULL WHERE id = ?",
            (to_db(now), to_db(now), message_id, item_id),
        )

    async def retry_later(
        self, item_id: int, at: datetime, error: str, *, count_attempt: bool = True
    ) -> None:
        """Back to the queue until `at`; a rate limit (count_attempt=False) costs no attempt."""
        await self._db.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?,"
            " attempts = attempts - ?, claimed_by = NULL, lease_until = NULL"
            " WHERE id = ? AND status = 'sending'",
            (to_db(at), error[:500], 0 if count_attempt else 1, item_id),
        )

    async def release(self, item_ids: list[int]) -> None:
        """Claimed rows that were never tried go back to the queue as they were."""
        if not item_ids:
            return
        marks = ", ".join("?" for _ in item_ids)
        await self._db.execute(
            "UPDATE outbox SET status = 'pending', attempts = attempts - 1, claimed_by = NULL,"
            f" lease_until = NULL WHERE status = 'sending' AND id IN ({marks})",
            item_ids,
        )

    async def mark_expired(self, item_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE outbox SET status = 'expired', last_error = 'expired unsent', done_at = ?,"
            " claimed_by = NULL, lease_until = NULL WHERE id = ?",
            (to_db(now), item_id),
        )

    async def mark_failed(self, item_id: int, error: str, now: datetime) -> None:
        await self._db.execute(
            "UPDATE outbox SET status = 'failed', last_error = ?, done_at = ?, claimed_by = NULL,"
            " lease_until = NULL WHERE id = ?",
            (error[:500], to_db(now), item_id),
        )

    async def resume_interrupted(self, now: datetime, owner: str, *, sole_sender: bool) -> int:
        """Rows caught mid-send by a process that died go back to the queue.

        A dead process is one whose lease ran out; when this process is known to be the only
        sender on the database (SQLite's single-instance lock), every other owner is dead.
        """
        if sole_sender:
            return await self._db.execute(
                "UPDATE outbox SET status = 'pending', next_attempt_at = ?, claimed_by = NULL,"
                " lease_until = NULL WHERE status = 'sending' AND (claimed_by IS NULL"
                " OR claimed_by <> ?)",
                (to_db(now), owner),
            )
        return await self._db.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, claimed_by = NULL,"
            " lease_until = NULL WHERE status = 'sending' AND (lease_until IS NULL"
            " OR lease_until < ?)",
            (to_db(now), to_db(now)),
        )

    async def cancel_for_member(self, tx: Tx, tenant_id: int, member_id: int, now: datetime) -> int:
        return await tx.execute(
            "UPDATE outbox SET status = 'cancelled', done_at = ? WHERE tenant_id = ?"
            " AND member_id = ? AND status IN ('pending', 'sending')",
            (to_db(now), tenant_id, member_id),
        )

    async def prune(self, before: datetime) -> Pruned:
        """Forget messages that reached their last status before `before`, and files nobody
        refers to any more.

        Nothing needs them: the work that queued them is claimed (`job_runs`), so it is never
        queued again, and the platform holds what was posted.
        """
        async with self._db.transaction() as tx:
            messages = await tx.execute(
                "DELETE FROM outbox WHERE status IN ('sent', 'failed', 'cancelled', 'expired')"
                " AND done_at < ?",
                (to_db(before),),
            )
            files = await tx.execute(
                "DELETE FROM attachments WHERE NOT EXISTS (SELECT 1 FROM outbox_attachments oa"
                " WHERE oa.tenant_id = attachments.tenant_id AND oa.sha256 = attachments.sha256)"
            )
        return Pruned(messages, files)

    async def next_due(self) -> datetime | None:
        row = await self._db.fetchone(
            "SELECT MIN(next_attempt_at) AS t FROM outbox WHERE status = 'pending'"
        )
        return from_db(row["t"]) if row is not None and row["t"] else None

    async def by_key(self, idem_key: str) -> OutboxItem | None:
        row = await self._db.fetchone("SELECT * FROM outbox WHERE idem_key = ?", (idem_key,))
        if row is None:
            return None
        async with self._db.transaction() as tx:
            files = await self._files(tx, [int(row["id"])])
        return _item(row, files)

    async def counts(self) -> dict[str, int]:
        rows = await self._db.fetchall("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
        return {r["status"]: r["n"] for r in rows}

    async def room(self, tenant_id: int, room_key: str) -> str | None:
        """The platform channel of a room that was opened, or None."""
        row = await self._db.fetchone(
            "SELECT channel_id FROM rooms WHERE tenant_id = ? AND room_key = ?",
            (tenant_id, room_key),
        )
        return str(row["channel_id"]) if row is not None and row["channel_id"] else None

    async def begin_room(self, tenant_id: int, room_key: str, now: datetime) -> bool:
        """Record the intent to open a room before opening it; True if an earlier attempt was
        recorded and never finished (it may have opened the room before the process died)."""
        inserted = await self._db.execute(
            "INSERT INTO rooms (tenant_id, room_key, channel_id, kind, created_at)"
            " VALUES (?, ?, '', '', ?) ON CONFLICT (tenant_id, room_key) DO NOTHING",
            (tenant_id, room_key, to_db(now)),
        )
        return inserted == 0

    async def save_room(self, tenant_id: int, room_key: str, channel_id: str, kind: str) -> None:
        await self._db.execute(
            "UPDATE rooms SET channel_id = ?, kind = ? WHERE tenant_id = ? AND room_key = ?"
            " AND channel_id = ''",
            (channel_id, kind, tenant_id, room_key),
        )


def backoff(attempt: int) -> timedelta:
    """Exponential backoff for transient failures: 2 s, 4 s, 8 s ... capped at 10 minutes."""
    return timedelta(seconds=min(600, 2**attempt))
