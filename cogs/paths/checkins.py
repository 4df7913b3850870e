"""What a check-in's reply says about the member's path: the milestones its minutes count
toward ("Docker 35 min: 70 of 120 min toward *Containerise your model*"), and a milestone
it reached, with the next one named."""

from __future__ import annotations

from bot.app import App
from bot.events import CheckinRecorded
from bot.paths.model import Milestone
from bot.paths.progress import PathProgress
from cogs.paths.texts import position

MAX_TOWARD = 2  # a check-in tagged with many skills names the first milestones it feeds


class CheckinNotes:
    def __init__(self, app: App) -> None:
        self._app = app

    async def on_checkin(self, event: CheckinRecorded) -> list[str]:
        if not event.skills or event.minutes is None:
            return []
        progress, reached = await self._app.paths.record_due(
            event.tenant.id, event.member.id, self._app.clock.now()
        )
        if progress is None or (progress.since is not None and event.local_date < progress.since):
            return []  # on no path, or a day logged from before they picked it
        lines = [self._reached_line(progress, m) for m in reached]
        toward = [
            m
            for m in progress.path.milestones
            if m.id not in progress.reached
            and m.minutes is not None
            and set(m.skills).intersection(event.skills)
        ]
        lines += [self._toward_line(event, progress, m) for m in toward[:MAX_TOWARD]]
        if reached:
            lines.append(self._next_line(progress))
        return lines

    def _toward_line(self, event: CheckinRecorded, progress: PathProgress, m: Milestone) -> str:
        skills = self._app.skills.names([s for s in event.skills if s in m.skills])
        done_with = "; then /path done with a link" if m.needs_link else ""
        return (
            f"{skills} {event.minutes} min: {progress.minutes[m.id]} of {m.minutes} min toward "
            f"*{m.title}*{done_with}"
        )

    def _reached_line(self, progress: PathProgress, m: Milestone) -> str:
        return (
            f"🎉 Milestone reached on {progress.path.name}: **{m.title}** "
            f"({position(progress.path, m)}, {progress.minutes[m.id]} min)."
        )

    def _next_line(self, progress: PathProgress) -> str:
        if progress.current is None:
            return f"You reached every milestone of {progress.path.name}!"
        return f"Next: **{progress.current.title}**. /path next shows its task and resources."
