"""/admin dashboard: a private one-time link to the organizers' web dashboard."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.app import App
from bot.commands import Invocation, Reply, command
from bot.dashboard.access import LINK_LIFETIME, login_link
from bot.personal_data import PersonalData
from bot.scheduling import Job
from bot.storage.dashboard_sessions import DashboardSessionRepo
from bot.storage.db import Tx
from bot.storage.models import Member, Tenant
from bot.text import duration

PRUNE_JOB = "dashboard-prune"


class DashboardLink:
    def __init__(self, app: App) -> None:
        self._app = app
        self._sessions = DashboardSessionRepo(app.db)

    @command(
        "admin dashboard",
        "Get a private link to the organizers' web dashboard.",
        admin=True,
        examples=("/admin dashboard",),
    )
    async def dashboard(self, inv: Invocation) -> Reply:
        base = self._app.settings.dashboard_url()
        link = login_link(self._app.signer, base, inv.tenant.id, inv.member.id, inv.now)
        return Reply(
            text=f"Your dashboard link (only for you; it works once, for the next "
            f"{duration(LINK_LIFETIME / timedelta(minutes=1))}):\n{link}\n"
            "It shows members, check-ins, buddy rounds, blockers and settings, and lets you "
            "pause someone's matching. If the page does not open, the dashboard is not running: "
            "start it beside the bot with `python -m bot dashboard` (docs/dashboard.md).",
            private=True,
        )

    async def member_left(self, tenant: Tenant, member: Member) -> None:
        await self._sessions.end_all(tenant.id, self._app.clock.now(), member.id)

    async def bot_removed(self, tenant: Tenant) -> None:
        await self._sessions.end_all(tenant.id, self._app.clock.now())

    async def prune(self, now: datetime) -> None:
        await self._sessions.prune(now - timedelta(days=1))

    async def erase(self, tx: Tx, tenant: Tenant, member: Member) -> int:
        return await self._sessions.erase(tx, tenant.id, member.id)

    async def export(self, tenant: Tenant, member: Member) -> dict[str, Any] | None:
        logins = await self._sessions.logins_of(tenant.id, member.id)
        return {"logins": logins} if logins else None


def setup(app: App) -> None:
    cog = DashboardLink(app)
    app.add_cog(cog)
    app.add_job(Job(PRUNE_JOB, cog.prune, timedelta(hours=1)))
    app.on_member_left(cog.member_left)
    app.on_tenant_removed(cog.bot_removed)
    app.personal_data.register(
        PersonalData(
            "dashboard",
            "when you opened the organizers' dashboard",
            cog.export,
            cog.erase,
        )
    )
