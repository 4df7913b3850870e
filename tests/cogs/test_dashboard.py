"""/admin dashboard: the private login link, and the logins in a member's data (cogs/dashboard.py)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from bot.app import App
from bot.clock import ManualClock
from bot.dashboard.access import DashboardAccess, Session
from bot.storage.dashboard_sessions import DashboardSessionRepo
from tests.helpers import say


def _link(text: str) -> str:
    return next(word for word in text.split() if "/login?token=" in word)


async def test_an_organizer_gets_a_private_link_to_the_dashboard_url(app: App) -> None:
    reply = await say(app, "/admin dashboard", "olga", admin=True)
    assert reply.private and not reply.error
    assert _link(reply.text).startswith("http://127.0.0.1:8080/login?token=")
    assert "works once" in reply.text and "15 min" in reply.text


async def test_the_link_uses_the_configured_public_url(app: App) -> None:
    app.settings.studybot_dashboard_url = "https://study.example.org/dash/"
    reply = await say(app, "/admin dashboard", "olga", admin=True)
    assert _link(reply.text).startswith("https://study.example.org/dash/login?token=")


async def test_a_member_who_is_not_an_organizer_gets_no_link(app: App) -> None:
    reply = await say(app, "/admin dashboard", "sam")
    assert reply.error and "/login" not in reply.text and "admins only" in reply.text


async def _log_in(app: App, clock: ManualClock) -> Session:
    token = parse_qs(urlsplit(_link((await say(app, "/admin dashboard", admin=True)).text)).query)
    session = await DashboardAccess(app.signer, DashboardSessionRepo(app.db)).log_in(
        token["token"][0], clock.now()
    )
    assert isinstance(session, Session)
    return session


async def test_an_export_lists_when_the_dashboard_was_opened(app: App, clock: ManualClock) -> None:
    await _log_in(app, clock)
    reply = await say(app, "/privacy export", admin=True)
    data = json.loads(reply.files[0].data)
    assert data["dashboard"] == {"logins": [clock.now().isoformat()]}


async def test_deleting_ones_data_ends_ones_dashboard_sessions(
    app: App, clock: ManualClock
) -> None:
    session = await _log_in(app, clock)
    await say(app, "/privacy delete confirm:yes", admin=True)
    access = DashboardAccess(app.signer, DashboardSessionRepo(app.db))
    assert await access.session(session.cookie, clock.now()) is None
    assert await app.db.fetchall("SELECT * FROM dashboard_sessions") == []
    assert await app.db.fetchall("SELECT * FROM dashboard_logins") == []
