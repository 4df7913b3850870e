"""Daily check-ins: /checkin (and edit, delete, solved), /streak, /stats, reminders.

A member's day is their profile time zone, else the community's, else UTC. A day's check-in
gathers every session of that day; streaks and freezes come from bot/streaks.py; the reminder
tick claims each (member, local date) before queueing its DM, so it goes out once.

- `commands`: /checkin and what follows it; `progress`: /streak and /stats
- `reminders`: /checkin remind and the reminder tick; `admin`: /admin checkins
- `days`: the member's day and the days they may log; `forms`: the check-in form
- `zones`: re-dating today's check-in when a member sets their time zone
"""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.community import STREAK_FREEZES
from bot.events import TimeZoneChanged
from bot.personal_data import PersonalData
from bot.scheduling import Job
from bot.storage.checkins import CheckinRepo, erase
from cogs.checkins.admin import CheckinSettings
from cogs.checkins.commands import CheckinCommands
from cogs.checkins.days import BACKFILL
from cogs.checkins.progress import ProgressCommands
from cogs.checkins.reminders import CLAIMS_PRUNE_JOB, REMINDER_JOB, ReminderCommands
from cogs.checkins.zones import redate


def setup(app: App) -> None:
    repo = CheckinRepo(app.db)
    reminders = ReminderCommands(app, repo)
    app.community.declare(STREAK_FREEZES, BACKFILL)
    app.personal_data.register(
        PersonalData(
            "checkins",
            "your daily check-ins, the skills and blockers in them, and your reminder time",
            lambda tenant, member: repo.export(tenant.id, member.id),
            lambda tx, tenant, member: erase(tx, tenant.id, member.id),
        )
    )
    app.events.subscribe(TimeZoneChanged, lambda event: redate(app, repo, event))
    app.add_job(Job(REMINDER_JOB, reminders.tick, timedelta(minutes=1)))
    app.add_job(Job(CLAIMS_PRUNE_JOB, reminders.prune_claims, timedelta(hours=6)))
    app.add_cog(CheckinCommands(app, repo, reminders))
    app.add_cog(reminders)
    app.add_cog(ProgressCommands(app, repo))
    app.add_cog(CheckinSettings(app))
