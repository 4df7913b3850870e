"""What a learning path is: milestones in order, each with skills, a task and resources."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    """A free resource for a milestone: a link only, never copied text."""

    title: str
    url: str


@dataclass(frozen=True)
class Milestone:
    """One step of a path.

    Reached when the member's check-in minutes tagged with any of `skills` (counted on days
    since they picked the path) total at least `minutes`, or when they mark it done (with a
    link to their work when `needs_link`); with both `minutes` and `needs_link`, marking it
    done also needs the minutes. docs/paths.md has the whole rule.
    """

    id: str
    title: str
    skills: tuple[str, ...]  # catalogue skill ids (bot/data/skills.json)
    task: str  # a concrete practice task that leaves something to show
    minutes: int | None
    needs_link: bool
    capstone: bool  # at most one per path, the last milestone
    resources: tuple[Resource, ...]


@dataclass(frozen=True)
class Path:
    id: str  # lower-case, hyphenated: "ml-engineer-intern"
    name: str  # "ML engineer intern"
    role: str  # the role it leads toward
    summary: str
    milestones: tuple[Milestone, ...]

    def milestone(self, milestone_id: str) -> Milestone | None:
        return next((m for m in self.milestones if m.id == milestone_id), None)

    def after(self, milestone: Milestone) -> Milestone | None:
        """The milestone that follows `milestone` in the path's order, if any."""
        index = self.milestones.index(milestone)
        return self.milestones[index + 1] if index + 1 < len(self.milestones) else None
