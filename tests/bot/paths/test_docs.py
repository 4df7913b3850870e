"""docs/paths.md's tables of the built-in paths are the shipped files'."""

from __future__ import annotations

from pathlib import Path

from bot.paths.catalog import load_builtin
from bot.paths.model import Milestone
from bot.skills import SkillCatalogue

DOC = Path(__file__).resolve().parents[3] / "docs" / "paths.md"


def _row(n: int, m: Milestone) -> str:
    how = " + ".join(
        part
        for part in (f"{m.minutes} min" if m.minutes else "", "a link" if m.needs_link else "")
        if part
    )
    capstone = " (capstone)" if m.capstone else ""
    return f"| {n} | {m.title} (`{m.id}`) | {', '.join(m.skills)} | {how}{capstone} |"


def test_every_built_in_milestone_has_its_row_in_the_docs() -> None:
    text = DOC.read_text(encoding="utf-8")
    for path in load_builtin(SkillCatalogue.load()):
        section = text[text.index(f"### {path.name} (`{path.id}`)") :]
        table = section[: section.index("\n\n", section.index("| # |"))]
        rows = [line for line in table.splitlines() if line.startswith("| ") and line[2].isdigit()]
        assert rows == [_row(n, m) for n, m in enumerate(path.milestones, 1)], path.id
