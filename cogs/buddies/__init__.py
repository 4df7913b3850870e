"""/buddy: study-buddy matching rounds, private rooms with intros, follow-ups, pause and block.

- `settings`: what organizers choose (cadence, group size, repeat window, room channel)
- `commands`: what members do (`/buddy ...`); `admin`: what organizers do
- `rounds`: starting a round and the halfway "did you meet?"
- `rooms`: where a group's messages go, and what the room hears between rounds
- `schedule`: when the next round really runs; `report`: the organizer's round report
- `presence`: "Still in?" before a round and who a round may pair; `rematch`: /buddy rematch
- `texts`: the notices; `personal`: export and erasure
"""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.events import CheckinRecorded
from bot.scheduling import Job
from bot.storage.buddies import BuddyRepo
from bot.storage.presence import PresenceRepo
from cogs.buddies.admin import OrganizerCommands
from cogs.buddies.commands import MemberCommands
from cogs.buddies.personal import BuddyData
from cogs.buddies.presence import STILLIN_JOB, Presence, StillInCommands
from cogs.buddies.rematch import RematchCommands
from cogs.buddies.rooms import CLOSE_JOB, Rooms
from cogs.buddies.rounds import FOLLOWUP_JOB, Rounds
from cogs.buddies.schedule import ROUND_JOB
from cogs.buddies.settings import SETTINGS


def setup(app: App) -> None:
    repo = BuddyRepo(app.db)
    rooms = Rooms(app, repo)
    rounds = Rounds(app, repo, rooms)
    app.community.declare(*SETTINGS)
    app.events.subscribe(CheckinRecorded, rooms.on_checkin)
    app.on_member_left(rooms.on_member_left)
    app.personal_data.register(BuddyData(repo, PresenceRepo(app.db)).provider())
    app.add_job(Job(ROUND_JOB, rounds.tick))
    app.add_job(Job(FOLLOWUP_JOB, rounds.followup_tick))
    app.add_job(Job(STILLIN_JOB, Presence(app, repo).tick))
    app.add_job(Job(CLOSE_JOB, rooms.close_finished, timedelta(hours=1)))
    app.add_cog(MemberCommands(app, repo))
    app.add_cog(OrganizerCommands(app, repo, rounds))
    app.add_cog(StillInCommands(app, repo))
    app.add_cog(RematchCommands(app, repo, rooms))
