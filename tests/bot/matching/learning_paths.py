"""Small learning paths for matching tests: milestone i (from 0) is "Step i+1", task "Task i+1."."""

from __future__ import annotations

from bench._gen import learning_path
from bot.matching.score import PathStep
from bot.paths.model import Path

ML = learning_path("ml", milestones=6)
DATA = learning_path("data", milestones=6)


def at(index: int, path: Path = ML) -> PathStep:
    """On `path`, with milestone `index` (from 0) current."""
    return PathStep(path, index)
