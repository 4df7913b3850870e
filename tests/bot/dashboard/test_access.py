"""One-time login links and dashboard sessions (bot/dashboard/access.py)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from bot.app import App
from bot.clock import ManualClock
from bot.dashboard.access import DashboardAccess, Refusal, Session, login_link
from bot.signing import Signer
from bot.storage.dashboard_sessions import DashboardSessionRepo
from tests.helpers import say


def _access(app: App) -> DashboardAccess:
    return DashboardAccess(app.signer, DashboardSessionRepo(app.db))


async def _token(app: App, user: str = "olga", tenant: str = "T1") -> str:
    reply = await say(app, "/admin dashboard", user, tenant=tenant, admin=True)
    url = next(word for word in reply.text.split() if "/login?token=" in word)
    return parse_qs(urlsplit(url).query)["token"][0]


async def test_a_link_opens_a_session_for_its_organizer(app: App, clock: ManualClock) -> None:
    token = await _token(app)
    session = await _access(app).log_in(token, clock.now())
    assert isinstance(session, Session)
    olga = await app.members.find(session.tenant_id, "olga")
    assert olga is not None and session.member_id == olga.id
    assert session.expires_at == clock.now() + timedelta(hours=12)
    assert await _access(app).session(session.cookie, clock.now()) is not None


async def test_a_link_works_once(app: App, clock: ManualClock) -> None:
    token = await _token(app)
    assert isinstance(await _access(app).log_in(token, clock.now()), Session)
    assert await _access(app).log_in(token, clock.now()) is Refusal.USED


async def test_a_link_expires_after_15_minutes(app: App, clock: ManualClock) -> None:
    token = await _token(app)
    assert await _access(app).log_in(token, clock.now() + timedelta(minutes=15)) is Refusal.EXPIRED


async def test_a_tampered_link_is_refused(app: App, clock: ManualClock) -> None:
    token = await _token(app)
    tenant, rest = token.split(".", 1)
    assert await _access(app).log_in(f"{int(tenant) + 1}.{rest}", clock.now()) is Refusal.INVALID
    assert await _access(app).log_in(token[:-1], clock.now()) is Refusal.INVALID
    assert await _access(app).log_in("nonsense", clock.now()) is Refusal.INVALID


async def test_a_link_signed_with_another_secret_is_refused(app: App, clock: ManualClock) -> None:
    await say(app, "/admin show", "olga", admin=True)
    olga = await app.members.find(1, "olga")
    assert olga is not None
    forged = login_link(Signer("another installation"), "http://x", 1, olga.id, clock.now())
    token = parse_qs(urlsplit(forged).query)["token"][0]
    assert await _access(app).log_in(token, clock.now()) is Refusal.INVALID


async def test_someone_who_left_cannot_log_in(app: App, clock: ManualClock) -> None:
    token = await _token(app)
    await app.member_left("T1", "olga")
    assert await _access(app).log_in(token, clock.now()) is Refusal.NOT_A_MEMBER


async def test_a_session_ends_after_12_hours(app: App, clock: ManualClock) -> None:
    session = await _access(app).log_in(await _token(app), clock.now())
    assert isinstance(session, Session)
    later = clock.now() + timedelta(hours=12)
    assert await _access(app).session(session.cookie, later) is None


async def test_logging_out_ends_the_session(app: App, clock: ManualClock) -> None:
    session = await _access(app).log_in(await _token(app), clock.now())
    assert isinstance(session, Session)
    await _access(app).log_out(session.cookie, clock.now())
    assert await _access(app).session(session.cookie, clock.now()) is None


async def test_the_database_holds_no_usable_cookie(app: App, clock: ManualClock) -> None:
    session = await _access(app).log_in(await _token(app), clock.now())
    assert isinstance(session, Session)
    rows = await app.db.fetchall("SELECT token_hash FROM dashboard_sessions")
    assert [r["token_hash"] for r in rows] != [session.cookie]
    assert session.cookie not in rows[0]["token_hash"]
