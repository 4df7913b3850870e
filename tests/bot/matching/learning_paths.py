"""Small learning paths for matching tests: ids and milestone titles that say where they are."""

from __future__ import annotations

from bot.matching.score import PathStep
from bot.paths.model import Milestone, Path, Resource


def learning_path(path_id: str = "ml", milestones: int = 6) -> Path:
    """A path whose milestone i (from 0) is titled "Step i+1" with the task "Task i+1."."""
    return Path(
        id=path_id,
        name=f"Path {path_id}",
        role="intern",
        summary="for tests",
        milestones=tuple(
            Milestone(
                id=f"m{i + 1}",
                title=f"Step {i + 1}",
                skills=("git",),
                task=f"Task {i + 1}.",
                minutes=60,
                needs_link=False,
                capstone=False,
                resources=(Resource("docs", "https://example.org/"),),
            )
            for i in range(milestones)
        ),
    )


ML = learning_path("ml")
DATA = learning_path("data")


def at(index: int, path: Path = ML) -> PathStep:
    """On `path`, with milestone `index` (from 0) current."""
    return PathStep(path, index)
