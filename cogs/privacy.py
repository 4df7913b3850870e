"""/privacy: a member takes (export) or erases (delete) everything the bot stores about them.

Both walk `app.personal_data`, so every cog's data is covered the moment that cog registers a
provider. This cog registers the foundation's own data: the member row, the study profile and
the messages the bot queued for the member. Organizers can have the data of members who left
deleted automatically after N days (`/admin privacy`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from bot.app import App
from bot.commands import Invocation, Opt, Reply, command, settings_reply
from bot.community import Setting
from bot.personal_data import PersonalData
from bot.ports import Attachment, Button, Message
from bot.scheduling import Job
from bot.storage import claims
from bot.storage.db import Tx
from bot.storage.dm_channels import DmChannelRepo
from bot.storage.models import Member, Tenant
from bot.storage.privacy import (
    FORMER_MEMBER,
    PrivacyRepo,
    erase_profile,
    scrub_messages,
    tombstone_member,
)

log = logging.getLogger(__name__)

SWEEP_JOB = "privacy-autodelete"
EXPORT_FORMAT = 1


def _show_days(days: int) -> str:
    return f"{days} days after a member leaves" if days > 0 else "off (kept until they ask)"


DELETE_AFTER = Setting.integer(
    "privacy_delete_after_days",
    0,
    "delete the data of members who left after this many days (0: never)",
    "/admin privacy days:30",
    show=_show_days,
)


def _json_default(value: object) -> Any:
    """Exporters return plain data; dates, times and dataclasses are common enough to accept."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot export {type(value).__name__}")


def _amount(data: object) -> str:
    """A glance at one provider's export: which fields hold something, how many entries."""
    if isinstance(data, list | tuple):
        return f"{len(data)} entr{'y' if len(data) == 1 else 'ies'}" if data else "nothing"
    if isinstance(data, dict):
        parts = [
            f"{key.replace('_', ' ')}: {len(value)}"
            if isinstance(value, list)
            else key.replace("_", " ")
            for key, value in data.items()
            if value not in (None, "", False, [], {})
        ]
        return ", ".join(parts) or "nothing"
    return "nothing" if data in (None, "") else "stored"


def export_filename(member: Member, now: datetime) -> str:
    who = re.sub(r"[^A-Za-z0-9_.-]", "_", member.external_id)[:40]
    return f"studybot-export-{who}-{now:%Y-%m-%d}.json"


class Privacy:
    def __init__(self, app: App) -> None:
        self._app = app
        self._repo = PrivacyRepo(app.db)
        self._dm_channels = DmChannelRepo(app.db)

    # --- the foundation's personal data ---------------------------------------------------------

    def register_foundation(self) -> None:
        app = self._app
        app.personal_data.register(
            PersonalData(
                "member",
                "your membership: platform user id, display name, when you joined or left",
                lambda tenant, member: self._repo.member_record(tenant.id, member.id),
                self._erase_member_row,
            )
        )
        app.personal_data.register(
            PersonalData(
                "profile",
                "your study profile: time zone, goal, level, skills, study hours, about",
                self._export_profile,
                lambda tx, tenant, member: erase_profile(tx, tenant.id, member.id),
            )
        )
        app.personal_data.register(
            PersonalData(
                "organizer",
                "when you last ran an organizer command (so the bot knows whom to tell about "
                "refused posts) and whether you get the weekly organizer report",
                self._export_organizer,
                lambda tx, tenant, member: app.organizers.erase(tx, tenant.id, member.id),
            )
        )
        app.personal_data.register(
            PersonalData(
                "messages",
                "messages the bot sent or queued for you (reminders, notices)",
                lambda tenant, member: self._repo.messages(tenant.id, member.id),
                self._erase_messages,
            )
        )
        app.personal_data.register(
            PersonalData(
                "direct_message_channel",
                "the platform's id of your direct-message conversation with the bot",
                lambda tenant, member: self._dm_channels.of_member(tenant.id, member.external_id),
                lambda tx, tenant, member: self._dm_channels.erase(
                    tx, tenant.id, member.external_id
                ),
            )
        )

    async def _export_organizer(self, tenant: Tenant, member: Member) -> dict[str, Any] | None:
        organizer = await self._app.organizers.get(tenant.id, member.id)
        if organizer is None:
            return None
        return {
            "last_admin_command_at": organizer.last_seen_at.isoformat(),
            "weekly_reports": organizer.reports,
        }

    async def _export_profile(self, tenant: Tenant, member: Member) -> dict[str, Any]:
        p = await self._app.profiles.get(tenant.id, member.id)
        return {
            "timezone": p.timezone,
            "goal": p.goal,
            "level": p.level,
            "study_hours": f"{p.hours[0]:%H:%M}-{p.hours[1]:%H:%M}" if p.hours else None,
            "about": p.about,
            "learning": list(p.learning),
            "knows": list(p.knows),
        }

    async def _erase_messages(self, tx: Tx, tenant: Tenant, member: Member) -> int:
        now = self._app.clock.now()
        cancelled = await self._app.outbox.cancel_for_member(tx, tenant.id, member.id, now)
        await scrub_messages(tx, tenant.id, member.id, now)
        return cancelled

    async def _erase_member_row(self, tx: Tx, tenant: Tenant, member: Member) -> int:
        return await tombstone_member(tx, tenant.id, member.id, self._app.clock.now())

    # --- export and erase -----------------------------------------------------------------------

    async def export(self, tenant: Tenant, member: Member, now: datetime) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "exported_at": now.isoformat(),
            "community": {"platform": tenant.platform, "name": tenant.name},
        }
        for provider in self._app.personal_data.providers:
            data[provider.name] = await provider.export(tenant, member)
        return data

    async def erase(self, tenant: Tenant, member: Member, claim: str | None = None) -> bool:
        """Every provider's rows, in one transaction; False if the claim was taken already.

        With `claim`, the erasure is claimed in the same transaction, so a sweep run twice (or
        by two processes) erases once.
        """
        try:
            async with self._app.db.transaction() as tx:
                now = self._app.clock.now()
                if claim is not None and not await claims.claim(
                    tx, tenant.id, SWEEP_JOB, claim, now
                ):
                    return False
                for provider in self._app.personal_data.providers:
                    await provider.erase(tx, tenant, member)
                tx.publish("member", member.id)  # other processes drop the erased member too
        finally:  # the member row is anonymised and the profile gone, even if cancelled
            self._app.members.forget(member.id)
        # Old versions of the erased rows live on (SQLite's write-ahead log, PostgreSQL's dead
        # row versions) until the database is told to drop them.
        await self._app.db.forget_deleted()
        await self._app.messenger.forget_user(tenant.external_id, member.external_id)
        return True

    # --- commands -------------------------------------------------------------------------------

    @command(
        "privacy export",
        "Get everything studybot stores about you here, as a JSON file (only you see it).",
        examples=("/privacy export",),
    )
    async def export_command(self, inv: Invocation) -> Reply:
        data = await self.export(inv.tenant, inv.member, inv.now)
        payload = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)
        filename = export_filename(inv.member, inv.now)
        lines = [
            f"Here is everything studybot stores about you in {self._community(inv.tenant)} "
            f"(attached: {filename}):"
        ]
        lines += [f"- {p.name}: {_amount(data[p.name])}" for p in self._app.personal_data.providers]
        lines.append("To erase all of it, use /privacy delete.")
        attachment = Attachment(filename, payload.encode("utf-8"), "your studybot data (JSON)")
        return Reply(text="\n".join(lines), files=(attachment,), private=True)

    @command(
        "privacy delete",
        "Delete everything studybot stores about you here (asks to confirm first).",
        examples=("/privacy delete", "/privacy delete confirm:yes"),
    )
    async def delete_command(
        self,
        inv: Invocation,
        *,
        confirm: Annotated[bool | None, Opt("yes to delete, no to keep")] = None,
    ) -> Reply:
        where = self._community(inv.tenant)
        if confirm is None:
            what = "\n".join(f"- {p.description}" for p in self._app.personal_data.providers)
            return Reply(
                text=f"This deletes everything studybot stores about you in {where}:\n{what}\n"
                "Pending messages to you are cancelled. Messages already posted (digests, "
                f'buddy intros) stay where they are; your buddies\' history shows "{FORMER_MEMBER}".'
                " This cannot be undone; /privacy export gives you a copy first.\n"
                "Confirm with /privacy delete confirm:yes",
                buttons=(
                    Button("Delete my data", "privacy delete confirm:yes", "danger"),
                    Button("Keep my data", "privacy delete confirm:no"),
                ),
                private=True,
            )
        # Answered: the question that was clicked keeps no buttons to answer it twice.
        answered = Message(f"Your data in {where}: {'deleted' if confirm else 'kept'}.")
        if not confirm:
            return Reply(text="Nothing was deleted.", private=True, replaces_clicked=answered)
        await self.erase(inv.tenant, inv.member)
        log.info("member %s of tenant %s erased on request", inv.member.id, inv.tenant.id)
        return Reply(
            text=f"Done: studybot no longer stores anything about you in {where}. Pending "
            "messages to you were cancelled. If you use studybot here again, you start afresh.",
            private=True,
            replaces_clicked=answered,
        )

    @command(
        "admin privacy",
        "Show or set auto-delete: data of members who left goes after N days (0: never).",
        admin=True,
        examples=("/admin privacy", "/admin privacy 30", "/admin privacy days:0"),
    )
    async def admin_command(
        self,
        inv: Invocation,
        *,
        days: Annotated[
            int | None,
            Opt(
                "days after leaving; 0 keeps data until the member deletes it; "
                "empty shows the current setting",
                primary=True,
                min=0,
                max=3650,
            ),
        ] = None,
    ) -> Reply:
        if days is None:
            current = (await self._app.community.get(inv.tenant.id))[DELETE_AFTER]
            return settings_reply(
                inv, f"Auto-delete of members who left: {DELETE_AFTER.display(current)}."
            )
        await self._app.community.update(inv.tenant.id, {DELETE_AFTER: days})
        if days == 0:
            return Reply(
                text="Auto-delete is off: members who leave keep their data until they "
                "delete it with /privacy delete."
            )
        return Reply(
            text=f"Members who leave will have their data deleted {days} days after they leave "
            "(checked hourly; members who left longer ago are deleted at the next check)."
        )

    def _community(self, tenant: Tenant) -> str:
        return tenant.name or "this community"

    # --- the auto-delete sweep ------------------------------------------------------------------

    async def sweep(self, now: datetime) -> int:
        """Erase members who left at least the configured number of days ago."""
        erased = 0
        for tenant in await self._app.tenants.all():
            if not self._app.owns(tenant):
                continue  # the process running its shard erases them
            days = (await self._app.community.get(tenant.id))[DELETE_AFTER]
            if days <= 0:
                continue
            for member in await self._repo.left_before(tenant.id, now - timedelta(days=days)):
                assert member.left_at is not None
                # One claim per leaving, not per member id: a row is never reused, but a
                # member can come back and leave again.
                if await self.erase(
                    tenant, member, claim=f"{member.id}@{member.left_at:%Y%m%dT%H%M%S%f}"
                ):
                    erased += 1
        if erased:
            log.info("auto-delete erased %d member(s) who left", erased)
        return erased


def setup(app: App) -> None:
    cog = Privacy(app)
    cog.register_foundation()
    app.community.declare(DELETE_AFTER)
    app.add_job(Job(SWEEP_JOB, cog.sweep, timedelta(hours=1)))
    app.add_cog(cog)
