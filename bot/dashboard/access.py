"""Who may see a community's dashboard: one-time login links and the sessions they open.

`/admin dashboard` mints a link for the organizer who ran it: its token names the community,
the organizer, an expiry 15 minutes on and a random nonce, signed with the installation's
secret (all 256 bits of the HMAC). Redeeming it records the nonce (so it works once, across
every dashboard process) and opens a session: a random cookie value whose SHA-256 is stored
with the session's tenant, organizer, CSRF token and 12-hour expiry. Every page reads the
tenant from the session, never from the request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from urllib.parse import urlencode

from bot.signing import FULL_SIGNATURE_CHARS, Signer, base36
from bot.storage.dashboard_sessions import DashboardSessionRepo

LINK_LIFETIME = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
_PURPOSE = "dashboard-login"  # a login signature can never pass as a button's, nor the reverse


@dataclass(frozen=True)
class Session:
    tenant_id: int
    member_id: int
    csrf_token: str
    expires_at: datetime
    cookie: str = ""  # the cookie's value: only known when the session was just opened


class Refusal(Enum):
    """Why a login link opens nothing; the value is what the person reads."""

    INVALID = "This login link is not valid. Run /admin dashboard in your community for a new one."
    EXPIRED = (
        "This login link has expired: links work for 15 minutes. "
        "Run /admin dashboard in your community for a new one."
    )
    USED = (
        "This login link was already used: each link opens the dashboard once. "
        "Run /admin dashboard in your community for a new one."
    )
    NOT_A_MEMBER = "This link belongs to someone who is no longer in the community."


@dataclass(frozen=True)
class _Token:
    tenant_id: int
    member_id: int
    expires_at: datetime
    nonce: str


def login_link(signer: Signer, base_url: str, tenant_id: int, member_id: int, now: datetime) -> str:
    """A link that opens a session for this organizer of this community, once, for 15 minutes."""
    expires = base36(int((now + LINK_LIFETIME).timestamp()))
    nonce = secrets.token_urlsafe(16)
    parts = (str(tenant_id), str(member_id), expires, nonce)
    signature = signer.sign(_PURPOSE, *parts, chars=FULL_SIGNATURE_CHARS)
    return f"{base_url}/login?{urlencode({'token': '.'.join((*parts, signature))})}"


def _read(signer: Signer, token: str) -> _Token | None:
    pieces = token.split(".")
    if len(pieces) != 5:
        return None
    tenant, member, expires, nonce, signature = pieces
    if not signer.verify(
        signature, _PURPOSE, tenant, member, expires, nonce, chars=FULL_SIGNATURE_CHARS
    ):
        return None
    try:  # signed by us, so these parse; checked anyway rather than trusted
        return _Token(int(tenant), int(member), _instant(int(expires, 36)), nonce)
    except (ValueError, OverflowError):
        return None


def _instant(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _hash(cookie: str) -> str:
    # A Cookie header's bytes that are not UTF-8 arrive as surrogates: hashed, they open nothing.
    return hashlib.sha256(cookie.encode("utf-8", "surrogateescape")).hexdigest()


class DashboardAccess:
    def __init__(self, signer: Signer, sessions: DashboardSessionRepo) -> None:
        self._signer = signer
        self._sessions = sessions

    async def addressee(self, token: str, now: datetime) -> tuple[int, int] | Refusal:
        """(tenant id, member id) a link would open the dashboard for, without using it: the
        landing page names them, so nobody presses a button sent by someone else unawares."""
        read = _read(self._signer, token.strip())
        if read is None:
            return Refusal.INVALID
        if read.expires_at <= now:
            return Refusal.EXPIRED
        if await self._sessions.nonce_used(read.nonce):
            return Refusal.USED
        return read.tenant_id, read.member_id

    async def log_in(self, token: str, now: datetime) -> Session | Refusal:
        """Redeem a login link's token: a new session, or why not."""
        read = _read(self._signer, token.strip())
        if read is None:
            return Refusal.INVALID
        if read.expires_at <= now:
            return Refusal.EXPIRED
        cookie = secrets.token_urlsafe(32)
        opened = await self._sessions.open_session(
            nonce=read.nonce,
            link_expires_at=read.expires_at,
            tenant_id=read.tenant_id,
            member_id=read.member_id,
            token_hash=_hash(cookie),
            csrf_token=secrets.token_urlsafe(32),
            now=now,
            expires_at=now + SESSION_LIFETIME,
        )
        if not opened:
            return Refusal.USED
        session = await self.session(cookie, now)
        if session is None:  # left the community, or the bot was removed from it
            await self.log_out(cookie, now)
            return Refusal.NOT_A_MEMBER
        return Session(
            session.tenant_id, session.member_id, session.csrf_token, session.expires_at, cookie
        )

    async def session(self, cookie: str, now: datetime) -> Session | None:
        """The live session this cookie opens, if any."""
        if not cookie:
            return None
        stored = await self._sessions.session(_hash(cookie), now)
        if stored is None:
            return None
        return Session(stored.tenant_id, stored.member_id, stored.csrf_token, stored.expires_at)

    async def log_out(self, cookie: str, now: datetime) -> None:
        await self._sessions.end(_hash(cookie), now)
