"""/path: learning paths toward a role, milestones reached through tagged check-ins or a
member's word (with a link to their work), and the organizers' own paths (docs/paths.md).

- `commands`: what members do (`/path ...`); `admin`: `/admin paths add|remove`
- `checkins`: the lines a check-in's reply gets about the member's path
- `texts`: how a milestone and progress read
- `review`: peer review of capstone projects (`/path submit`, `/path review`, ...)
"""

from __future__ import annotations

from bot.app import App
from bot.events import CheckinRecorded
from bot.personal_data import PersonalData
from bot.storage import paths as storage
from cogs.paths import review
from cogs.paths.admin import PathAdmin
from cogs.paths.checkins import CheckinNotes
from cogs.paths.commands import PathCommands


def setup(app: App) -> None:
    repo = app.paths.repo
    app.events.add_reply_note(CheckinRecorded, CheckinNotes(app).on_checkin)
    app.personal_data.register(
        PersonalData(
            name="paths",
            description="the learning paths you picked and the milestones you reached, with "
            "the links you gave",
            export=lambda tenant, member: repo.export(tenant.id, member.id),
            erase=lambda tx, tenant, member: storage.erase(tx, tenant.id, member.id),
        )
    )
    app.add_cog(PathCommands(app))
    app.add_cog(PathAdmin(app))
    review.setup(app)
