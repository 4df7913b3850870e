"""How a milestone and a member's progress on a path read in replies."""

from __future__ import annotations

from bot.paths.model import Milestone, Path
from bot.paths.progress import PathProgress
from bot.skills import SkillCatalogue
from bot.text import long_date

MARK_REACHED = "✅"
MARK_CURRENT = "▶️"
MARK_LATER = "·"


def position(path: Path, milestone: Milestone) -> str:
    return f"milestone {path.milestones.index(milestone) + 1} of {len(path.milestones)}"


def how_reached(milestone: Milestone, skills: SkillCatalogue, minutes: int) -> str:
    """What still counts: '70 of 120 min of Docker check-ins', 'done with a link to your work'."""
    parts: list[str] = []
    if milestone.minutes is not None:
        parts.append(
            f"{minutes} of {milestone.minutes} min of {skills.names(milestone.skills)} check-ins"
        )
    if milestone.needs_link:
        parts.append("/path done with a link to your work")
    elif milestone.minutes is None:
        parts.append("/path done when you finished it")
    return ", then ".join(parts)


def milestone_line(progress: PathProgress, milestone: Milestone, skills: SkillCatalogue) -> str:
    """One line of /path show: reached (when), current, next or later, and what counts."""
    n = progress.path.milestones.index(milestone) + 1
    reached = progress.reached.get(milestone.id)
    if reached is not None:
        link = f" ({reached.link})" if reached.link else ""
        return (
            f"{MARK_REACHED} {n}. {milestone.title}: reached {long_date(reached.at.date())}{link}"
        )
    after_current = (
        progress.current is not None and progress.path.after(progress.current) == milestone
    )
    mark, label = (
        (MARK_CURRENT, "current")
        if milestone == progress.current
        else (MARK_LATER, "next" if after_current else "later")
    )
    counts = how_reached(milestone, skills, progress.minutes[milestone.id])
    return f"{mark} {n}. {milestone.title} ({label}): {counts}"


def task_lines(path: Path, milestone: Milestone) -> list[str]:
    """A milestone's task and resources, as /path next and /path pick show them."""
    lines = [f"**{milestone.title}** ({position(path, milestone)})", f"Task: {milestone.task}"]
    lines += [f"- {r.title}: {r.url}" for r in milestone.resources]
    return lines
