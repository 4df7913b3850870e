"""Where a member is on their path: milestones reached, minutes so far, the current one.

Minutes toward a milestone are the minutes of the member's check-ins tagged with any of its
skills, on days since they picked the path. A check-in counts in full for every milestone whose
skills it names (a day of "docker, ci-cd" counts toward both), not split between them: it is
the simplest rule a member can check against their own log. Once a milestone is reached, more
minutes change nothing about it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.paths.catalog import PathCatalog
from bot.paths.model import Milestone, Path
from bot.storage.paths import MemberPath, PathRepo, ReachedMilestone, SkillMinutes


@dataclass(frozen=True)
class PathProgress:
    path: Path
    reached: dict[str, ReachedMilestone]  # milestone id -> when (and the link)
    minutes: dict[str, int]  # milestone id -> minutes so far
    current: Milestone | None  # the first milestone not reached; None when all are
    since: date | None = None  # the member's local day from which check-ins count

    @property
    def reached_count(self) -> int:
        return sum(1 for m in self.path.milestones if m.id in self.reached)

    def due(self) -> list[Milestone]:
        """Milestones check-ins reached that are not recorded yet."""
        return [
            m
            for m in self.path.milestones
            if not m.needs_link
            and m.minutes is not None
            and m.id not in self.reached
            and self.minutes[m.id] >= m.minutes
        ]


def minutes_toward(path: Path, by_skills: SkillMinutes) -> dict[str, int]:
    """Milestone id -> minutes of the days tagged with any of its skills."""
    return {
        m.id: sum(n for skills, n in by_skills.items() if skills.intersection(m.skills))
        for m in path.milestones
    }


def first_unreached(path: Path, reached: dict[str, ReachedMilestone]) -> Milestone | None:
    return next((m for m in path.milestones if m.id not in reached), None)


def progress(
    path: Path, picked: MemberPath, reached: dict[str, ReachedMilestone], by_skills: SkillMinutes
) -> PathProgress:
    return PathProgress(
        path,
        reached,
        minutes_toward(path, by_skills),
        first_unreached(path, reached),
        picked.picked_on,
    )


class PathProgressService:
    """Progress from the catalogue and the repository: a few queries per call, whether for
    one member or for everyone on a path in the community."""

    def __init__(self, catalog: PathCatalog, repo: PathRepo) -> None:
        self.catalog = catalog
        self.repo = repo

    async def progress_of(self, tenant_id: int, member_id: int) -> PathProgress | None:
        """The member's progress on their active path; None when they are on none (or on a
        community path that was removed)."""
        picked = await self.repo.active(tenant_id, member_id)
        if picked is None:
            return None
        path = await self.catalog.get(tenant_id, picked.path_id)
        if path is None:
            return None
        reached = await self.repo.reached(tenant_id, member_id, path.id)
        by_skills = (await self.repo.skill_minutes(tenant_id, member_id)).get(member_id, {})
        return progress(path, picked, reached, by_skills)

    async def progress_all(
        self, tenant_id: int, *, minutes: bool = True
    ) -> dict[int, PathProgress]:
        """member id -> progress, for every member on a path (four queries in all).
        `minutes=False`: three, without the minutes toward each milestone (all zero in
        `PathProgress.minutes`, so `due()` finds nothing), for what needs only where members are
        (matching, the digest): it spares reading every path member's check-ins since they
        picked."""
        active: dict[int, MemberPath] = await self.repo.active_all(tenant_id)
        if not active:
            return {}
        paths = {p.id: p for p in await self.catalog.paths(tenant_id)}
        reached = await self.repo.reached_on_active(tenant_id)
        minutes_of = await self.repo.skill_minutes(tenant_id) if minutes else {}
        return {
            member_id: progress(
                paths[mp.path_id], mp, reached.get(member_id, {}), minutes_of.get(member_id, {})
            )
            for member_id, mp in active.items()
            if mp.path_id in paths
        }

    async def record_due(
        self, tenant_id: int, member_id: int, now: datetime
    ) -> tuple[PathProgress | None, list[Milestone]]:
        """Record the milestones the member's check-ins reached; their progress after, and
        the milestones newly reached (in path order)."""
        before = await self.progress_of(tenant_id, member_id)
        if before is None:
            return None, []
        due = before.due()
        if not due:
            return before, []
        new = await self.repo.reach(tenant_id, member_id, before.path.id, [m.id for m in due], now)
        reached = before.reached | {m.id: ReachedMilestone(m.id, now, None) for m in due}
        after = replace(before, reached=reached, current=first_unreached(before.path, reached))
        return after, [m for m in due if m.id in new]
