"""Which paths a community has: the built-in ones (bot/data/paths/*.json) and its own."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from importlib import resources
from typing import TypeVar

from bot.paths.fileformat import PathFileError, parse_path_file
from bot.paths.model import Milestone, Path
from bot.skills import SkillCatalogue
from bot.storage.paths import PathRepo
from bot.text import name_key

log = logging.getLogger(__name__)
T = TypeVar("T")
# Parsed path files kept, by their text (a few KiB each): the communities' own paths in use.
PARSED_KEPT = 256


class PathLookupError(ValueError):
    """A typed path name that names no path, or more than one."""


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
        self._parsed_files: dict[str, Path] = {}

    def is_builtin(self, path_id: str) -> bool:
        return path_id in self._builtin_ids

    async def paths(self, tenant_id: int) -> list[Path]:
        """The built-in paths, then the community's own in the order they were added."""
        own: list[Path] = []
        for path_id, definition in await self._repo.tenant_paths(tenant_id):
            try:
                own.append(self._parsed(definition))
            except PathFileError:
                # A skill it names left the catalogue: the path is hidden, not fatal.
                log.warning("tenant %s: stored path %s no longer parses", tenant_id, path_id)
        return [*self.builtin, *own]

    def _parsed(self, definition: str) -> Path:
        """A stored path file as a `Path`, parsed once per text: every check-in of a member
        on a path reads the community's paths."""
        if definition not in self._parsed_files:
            if len(self._parsed_files) >= PARSED_KEPT:
                self._parsed_files.pop(next(iter(self._parsed_files)))  # the oldest
            self._parsed_files[definition] = parse_path_file(definition, self._skills)
        return self._parsed_files[definition]

    async def get(self, tenant_id: int, path_id: str) -> Path | None:
        """The path with this id, as stored (None when there is none): a typed name goes
        through `find`, since one path's name may read like another's id."""
        return next((p for p in await self.paths(tenant_id) if p.id == path_id), None)

    async def find(self, tenant_id: int, text: str) -> Path:
        """The path a member typed: its id or name, or the start of exactly one ("ml
        engineer"). PathLookupError asks which when several match, and lists the choices
        when none does."""
        return _choose(
            await self.paths(tenant_id),
            text,
            lambda p: (p.id, name_key(p.name)),
            lambda p: f"{p.name} ({p.id})",
            lambda shown, choices: f"There is no path {shown}. The paths: {choices}.",
        )

    async def add(self, tenant_id: int, text: str, now: datetime) -> tuple[Path, bool]:
        """Validate and store a community's path file; the path and whether it replaced the
        community's path with that id. An id or name that is any other path's id or name is
        refused (a name must say which path it is)."""
        path = parse_path_file(text, self._skills)
        names = {path.id, name_key(path.name)}
        for other in await self.paths(tenant_id):
            # A typed name reads like an id ("cloud intern" is cloud-intern), so neither the
            # id nor the name may be another path's id or name.
            if other.id == path.id and not self.is_builtin(other.id):
                continue  # the community's own path, replaced
            if names & {other.id, name_key(other.name)}:
                whose = "a built-in path" if self.is_builtin(other.id) else "your community's own"
                raise PathFileError(
                    [
                        f"the path: {other.name} ({other.id}) is {whose} with that id or name;"
                        " choose another id and name"
                    ]
                )
        replaced = await self._repo.add_path(tenant_id, path.id, text, now)
        return path, replaced


def find_milestone(path: Path, text: str) -> Milestone:
    """The milestone a member typed: its number, id or title in any case, or the start of
    exactly one id or title ("6", "docker", "containerise")."""
    key = name_key(text)
    if key.isascii() and key.isdecimal() and 1 <= int(key) <= len(path.milestones):
        return path.milestones[int(key) - 1]
    return _choose(
        path.milestones,
        text,
        lambda m: (m.id, name_key(m.title)),
        lambda m: f"{m.id} ({m.title})",
        lambda shown, choices: f"{path.name} has no milestone {shown}. Its milestones: {choices}.",
    )


def _choose(
    items: Sequence[T],
    text: str,
    keys: Callable[[T], tuple[str, ...]],
    describe: Callable[[T], str],
    unknown: Callable[[str, str], str],
) -> T:
    """The item `text` names exactly, else the one whose key it starts; PathLookupError
    asks which when several start so, and lists them all (`unknown`) when none does."""
    key = name_key(text)
    exact = [item for item in items if key in keys(item)]
    if exact:  # an id (the first key) before a name
        return min(exact, key=lambda item: keys(item).index(key))
    starts = [item for item in items if key and any(k.startswith(key) for k in keys(item))]
    if len(starts) == 1:
        return starts[0]
    shown = repr(text.strip()[:40])
    if starts:
        could = " or ".join(describe(item) for item in starts)
        raise PathLookupError(f"{shown} could be {could}. Type more of the name.")
    choices = ", ".join(describe(item) for item in items)
    raise PathLookupError(unknown(shown, choices))
