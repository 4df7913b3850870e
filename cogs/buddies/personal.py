"""A member's buddy data for /privacy export and /privacy delete."""

from __future__ import annotations

from typing import Any

from bot.personal_data import PersonalData
from bot.storage.buddies import BuddyRepo, Group
from bot.storage.db import Tx
from bot.storage.models import Member, Tenant
from bot.storage.presence import PresenceRepo


class BuddyData:
    def __init__(self, repo: BuddyRepo, presence: PresenceRepo) -> None:
        self._repo = repo
        self._presence = presence

    def provider(self) -> PersonalData:
        return PersonalData(
            name="buddies",
            description=(
                "buddy matching settings, your buddy groups and answers, your blocks,"
                " rounds that did not group you, round reports you receive"
            ),
            export=self.export,
            erase=self.erase,
        )

    async def export(self, tenant: Tenant, member: Member) -> dict[str, Any]:
        buddy = await self._repo.get(tenant.id, member.id)
        groups = await self._repo.groups_of(tenant.id, member.id, limit=10_000)
        return {
            "settings": None
            if buddy is None
            else {
                "status": buddy.status,
                "paused_until": buddy.paused_until,
                "share_checkins": buddy.share_checkins,
                "last_nudge_on": buddy.last_nudge_on,
                "joined_at": buddy.joined_at,
            },
            "blocked": await self._repo.blocked_by(tenant.id, member.id),
            "groups": [_exported(g, member.id) for g in groups],
            "presence": await self._presence.export(tenant.id, member.id),
            "rounds_not_grouped": [
                {"round": number, "why": kind}
                for number, kind in await self._repo.notes_of(tenant.id, member.id)
            ],
            "receives_round_reports_since": await self._repo.organizer_since(tenant.id, member.id),
        }

    async def erase(self, tx: Tx, tenant: Tenant, member: Member) -> int:
        return await self._repo.erase(tx, tenant.id, member.id)


def _exported(group: Group, member_id: int) -> dict[str, Any]:
    me = group.member(member_id)
    return {
        "round": group.round.number,
        "started_at": group.round.started_at,
        "partners": [m.display_name for m in group.others(member_id)],
        "met": me.met if me else None,
    }
