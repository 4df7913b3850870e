"""A community's learning-path week for the digest: counts per path and milestone, the
milestones reached, the projects submitted and reviewed (bot/digest's `PathWeek`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from bot.digest import PathCount, PathWeek
from bot.digest.week import Week
from bot.paths.progress import PathProgressService
from bot.storage.reviews import ReviewRepo


async def path_week(
    paths: PathProgressService,
    reviews: ReviewRepo,
    tenant_id: int,
    week: Week,
    present: Collection[int],
) -> PathWeek:
    """The week of `tenant_id`, counting only the members in `present` (those still here)."""
    progress = {
        m: p
        for m, p in (await paths.progress_all(tenant_id, minutes=False)).items()
        if m in present
    }
    known = {p.id: p for p in await paths.catalog.paths(tenant_id)}
    at: Counter[tuple[str, str | None]] = Counter(
        (p.path.id, p.current.id if p.current else None) for p in progress.values()
    )
    on_paths = tuple(
        PathCount(
            path.name,
            sum(n for (path_id, _), n in at.items() if path_id == path.id),
            tuple((m.title, at[path.id, m.id]) for m in path.milestones),
            at[path.id, None],
        )
        for path in known.values()
        if any(path_id == path.id for path_id, _ in at)
    )
    reached = []
    for member_id, path_id, milestone in await paths.repo.reached_between(
        tenant_id, week.starts_at, week.ends_at
    ):
        found = known[path_id].milestone(milestone.milestone_id) if path_id in known else None
        if found is not None and member_id in present:
            reached.append((member_id, found.title))
    done = await reviews.week(tenant_id, week.starts_at, week.ends_at)
    return PathWeek(
        on_paths=on_paths,
        reached=tuple(reached),
        submitted=done.submitted,
        reviewed=done.reviewed,
        reviewers=done.reviewers,
    )
