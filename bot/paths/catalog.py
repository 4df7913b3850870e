"""Which paths a community has: the built-in ones (bot/data/paths/*.json) and its own."""

from __future__ import annotations

import logging
from datetime import datetime
from importlib import resources

from bot.paths.fileformat import PathFileError, parse_path_file
from bot.paths.model import Path
from bot.skills import SkillCatalogue
from bot.storage.paths import PathRepo

log = logging.getLogger(__name__)


class PathLookupError(ValueError):
    """A typed path name that names no path, or more than one."""


def path_key(text: str) -> str:
    """How a typed path name is compared: any case, spaces or underscores for hyphens."""
    return "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def load_builtin(skills: SkillCatalogue) -> list[Path]:
    """The shipped paths, through the same validation as an organizer's file."""
    folder = resources.files("bot").joinpath("data/paths")
    found: list[Path] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            try:
                found.append(parse_path_file(entry.read_text(encoding="utf-8"), skills))
            except PathFileError as exc:
                raise PathFileError([f"{entry.name}: {p}" for p in exc.problems]) from None
    return found


class PathCatalog:
    def __init__(self, skills: SkillCatalogue, repo: PathRepo, builtin: list[Path]) -> None:
        self._skills = skills
        self._repo = repo
        self.builtin = builtin
        self._builtin_ids = {p.id for p in builtin}

    def is_builtin(self, path_id: str) -> bool:
        return path_id in self._builtin_ids

    async def paths(self, tenant_id: int) -> list[Path]:
        """The built-in paths, then the community's own in the order they were added."""
        own: list[Path] = []
        for path_id, definition in await self._repo.tenant_paths(tenant_id):
            try:
                own.append(parse_path_file(definition, self._skills))
            except PathFileError:
                # A skill it names left the catalogue: the path is hidden, not fatal.
                log.warning("tenant %s: stored path %s no longer parses", tenant_id, path_id)
        return [*self.builtin, *own]

    async def get(self, tenant_id: int, path_id: str) -> Path | None:
        """The path with this id or name, in any case ("ML-engineer-intern", "ml engineer
        intern"); None when there is none."""
        key = path_key(path_id)
        return next(
            (p for p in await self.paths(tenant_id) if key in (p.id, path_key(p.name))), None
        )

    async def find(self, tenant_id: int, text: str) -> Path:
        """The path a member typed: its id or name, or the start of exactly one ("ml
        engineer"). PathLookupError asks which when several match, and lists the choices
        when none does."""
        paths = await self.paths(tenant_id)
        key = path_key(text)
        exact = [p for p in paths if key in (p.id, path_key(p.name))]
        if exact:
            return exact[0]
        starts = [
            p for p in paths if key and (p.id.startswith(key) or path_key(p.name).startswith(key))
        ]
        if len(starts) == 1:
            return starts[0]
        shown = repr(text.strip()[:40])
        if starts:
            choices = " or ".join(f"{p.name} ({p.id})" for p in starts)
            raise PathLookupError(f"{shown} could be {choices}. Type more of the name.")
        choices = ", ".join(f"{p.name} ({p.id})" for p in paths)
        raise PathLookupError(f"There is no path {shown}. The paths: {choices}.")

    async def add(self, tenant_id: int, text: str, now: datetime) -> tuple[Path, bool]:
        """Validate and store a community's path file; the path and whether it replaced the
        community's path with that id. A built-in path's id or name is refused."""
        path = parse_path_file(text, self._skills)
        clash = next(
            (b for b in self.builtin if path.id == b.id or path_key(path.name) == path_key(b.name)),
            None,
        )
        if clash is not None:
            raise PathFileError(
                [
                    f"the path: {clash.name} ({clash.id}) is a built-in path; choose another id and name"
                ]
            )
        replaced = await self._repo.add_path(tenant_id, path.id, text, now)
        return path, replaced
