"""The path file format (JSON, docs/paths.md), validated with errors that say where.

Built-in paths (bot/data/paths/*.json) and the files organizers add with `/admin paths add`
go through the same `parse_path_file`, so a built-in path can never be one an organizer could
not have written. Every problem is collected, not only the first, and each names its place:
"milestone 3 (docker): unknown skill 'dokcer'. Did you mean docker?".
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any
from urllib.parse import urlsplit

from bot.paths.model import Milestone, Path, Resource
from bot.skills import SkillCatalogue

MIN_MILESTONES = 8
MAX_MILESTONES = 12
MAX_RESOURCES = 3
MAX_MINUTES = 100 * 60  # a milestone asking for more than 100 hours is a typo or a course
MAX_FILE_CHARS = 200_000
MAX_PROBLEMS = 12  # a file wrong everywhere is told its first dozen problems
ID_LENGTH = 40
TITLE_LENGTH = 100
TEXT_LENGTH = 600
URL_LENGTH = 500

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PATH_FIELDS = {"id": True, "name": True, "role": True, "summary": True, "milestones": True}
_MILESTONE_FIELDS = {
    "id": True,
    "title": True,
    "skills": True,
    "task": True,
    "minutes": False,
    "needs_link": False,
    "capstone": False,
    "resources": True,
}
_RESOURCE_FIELDS = {"title": True, "url": True}


class PathFileError(ValueError):
    """A path file that is not valid; `problems` are the sentences, each naming its place."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        lines = [f"- {p}" for p in shown] + ([f"- ... and {more} more"] if more > 0 else [])
        super().__init__("This path file is not valid:\n" + "\n".join(lines))


def web_link(text: str) -> str:
    """`text` as an http(s) link with a host, or ValueError saying what is wrong with it."""
    link = text.strip()
    if not link:
        raise ValueError("a link is empty")
    if len(link) > URL_LENGTH:
        raise ValueError(f"a link is at most {URL_LENGTH} characters")
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in link:
        shown = link if len(link) <= 60 else link[:57] + "..."
        raise ValueError(f"{shown!r} is not a web link (https://...)")
    if "." not in parts.hostname:
        raise ValueError(f"{link!r} has no domain name (https://example.org/...)")
    return link


def typed_link(text: str) -> str:
    """A link as a member typed it, where a bare `github.com/me/repo` plainly means
    https://github.com/me/repo; else `web_link`'s checks and errors."""
    link = text.strip().strip("<>")  # chat apps wrap pasted links in angle brackets
    host = link.split("/", 1)[0]
    if "://" not in link and "." in host and " " not in host:
        link = f"https://{link}"
    return web_link(link)


class _Problems:
    """The problems found so far, and the place each is about."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, where: str, problem: str) -> None:
        self.found.append(f"{where}: {problem}" if where else problem)


def _fields(
    raw: object, expected: dict[str, bool], where: str, what: str, problems: _Problems
) -> dict[str, Any] | None:
    """`raw` as an object with the expected fields: None when it is no object; missing
    required fields and unknown ones are problems (with the nearest known name)."""
    if not isinstance(raw, dict):
        problems.add(where, f"{what} must be an object {{...}}, not {_kind(raw)}")
        return None
    for name in expected:
        if expected[name] and name not in raw:
            problems.add(where, f"missing field {name!r}")
    for name in raw:
        if name not in expected:
            near = difflib.get_close_matches(str(name), list(expected), n=1, cutoff=0.6)
            hint = f" Did you mean {near[0]!r}?" if near else f" Known: {', '.join(expected)}."
            problems.add(where, f"unknown field {name!r}.{hint}")
    return raw


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value[:30]!r}"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _text(raw: dict[str, Any], name: str, limit: int, where: str, problems: _Problems) -> str:
    value = raw.get(name)
    if name not in raw:
        return ""  # already reported as missing
    if not isinstance(value, str):
        problems.add(where, f"{name} must be text, not {_kind(value)}")
        return ""
    text = " ".join(value.split())
    if not text:
        problems.add(where, f"{name} is empty")
    elif len(text) > limit:
        problems.add(where, f"{name} is {len(text)} characters; at most {limit}")
    return text


def _identifier(raw: dict[str, Any], where: str, problems: _Problems) -> str:
    value = raw.get("id")
    if "id" not in raw:
        return ""
    if not isinstance(value, str) or not _ID.fullmatch(value) or len(value) > ID_LENGTH:
        problems.add(
            where,
            f"id must be lower-case letters, digits and hyphens (like 'docker-basics'), at "
            f"most {ID_LENGTH} characters, not {_kind(value)}",
        )
        return ""
    return value


def _flag(raw: dict[str, Any], name: str, where: str, problems: _Problems) -> bool:
    value = raw.get(name, False)
    if not isinstance(value, bool):
        problems.add(where, f"{name} must be true or false, not {_kind(value)}")
        return False
    return value


def _minutes(raw: dict[str, Any], where: str, problems: _Problems) -> int | None:
    value = raw.get("minutes")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_MINUTES:
        problems.add(
            where,
            f"minutes must be a positive whole number up to {MAX_MINUTES} (or left out), "
            f"not {_kind(value)}",
        )
        return None
    return value


def _skills(
    raw: dict[str, Any], catalogue: SkillCatalogue, where: str, problems: _Problems
) -> tuple[str, ...]:
    value = raw.get("skills")
    if "skills" not in raw:
        return ()
    if not isinstance(value, list) or not value:
        problems.add(where, f"skills must be a list of skill ids, not {_kind(value)}")
        return ()
    found: list[str] = []
    for item in value:
        if not isinstance(item, str):
            problems.add(where, f"a skill must be text, not {_kind(item)}")
            continue
        try:
            found.append(catalogue.resolve(item))
        except ValueError as exc:
            problems.add(where, str(exc))
    return tuple(dict.fromkeys(found))


def _resources(raw: dict[str, Any], where: str, problems: _Problems) -> tuple[Resource, ...]:
    value = raw.get("resources")
    if "resources" not in raw:
        return ()
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_RESOURCES:
        problems.add(where, f"resources must be a list of 1 to {MAX_RESOURCES} links")
        return ()
    found: list[Resource] = []
    for n, item in enumerate(value, 1):
        place = f"{where}, resource {n}"
        fields = _fields(item, _RESOURCE_FIELDS, place, "a resource", problems)
        if fields is None:
            continue
        title = _text(fields, "title", TITLE_LENGTH, place, problems)
        url = fields.get("url")
        if not isinstance(url, str):
            if "url" in fields:
                problems.add(place, f"url must be text, not {_kind(url)}")
            continue
        try:
            found.append(Resource(title, web_link(url)))
        except ValueError as exc:
            problems.add(place, str(exc))
    return tuple(found)


def _milestone(
    raw: object, n: int, catalogue: SkillCatalogue, problems: _Problems
) -> Milestone | None:
    label = raw.get("id") if isinstance(raw, dict) else None
    where = f"milestone {n}" + (f" ({label})" if isinstance(label, str) and label else "")
    fields = _fields(raw, _MILESTONE_FIELDS, where, "a milestone", problems)
    if fields is None:
        return None
    milestone = Milestone(
        id=_identifier(fields, where, problems),
        title=_text(fields, "title", TITLE_LENGTH, where, problems),
        skills=_skills(fields, catalogue, where, problems),
        task=_text(fields, "task", TEXT_LENGTH, where, problems),
        minutes=_minutes(fields, where, problems),
        needs_link=_flag(fields, "needs_link", where, problems),
        capstone=_flag(fields, "capstone", where, problems),
        resources=_resources(fields, where, problems),
    )
    if fields.get("minutes") is None and not milestone.needs_link:
        problems.add(where, "say when it counts as reached: minutes, needs_link: true, or both")
    if milestone.capstone and not milestone.needs_link:
        problems.add(where, "a capstone asks for a link to the project: add needs_link: true")
    return milestone


def _order(milestones: list[Milestone], problems: _Problems) -> None:
    """Duplicate ids and where the capstone is: problems across milestones."""
    seen: dict[str, int] = {}
    for n, m in enumerate(milestones, 1):
        if m.id and m.id in seen:
            problems.add(
                f"milestone {n} ({m.id})", f"duplicate milestone id; milestone {seen[m.id]} has it"
            )
        seen.setdefault(m.id, n)
    capstones = [n for n, m in enumerate(milestones, 1) if m.capstone]
    if len(capstones) > 1:
        problems.add("", f"only one milestone may be the capstone; {capstones} are")
    elif capstones and capstones[0] != len(milestones):
        problems.add(f"milestone {capstones[0]}", "the capstone must be the last milestone")


def parse_path_file(text: str, skills: SkillCatalogue) -> Path:
    """A path file's text as a `Path`, or `PathFileError` listing every problem found."""
    if len(text) > MAX_FILE_CHARS:
        raise PathFileError([f"the file is {len(text)} characters; at most {MAX_FILE_CHARS}"])
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PathFileError(
            [f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"]
        ) from None
    problems = _Problems()
    fields = _fields(raw, _PATH_FIELDS, "", "a path file", problems)
    if fields is None:
        raise PathFileError(problems.found)
    path_id = _identifier(fields, "the path", problems)
    name = _text(fields, "name", TITLE_LENGTH, "the path", problems)
    role = _text(fields, "role", TITLE_LENGTH, "the path", problems)
    summary = _text(fields, "summary", TEXT_LENGTH, "the path", problems)
    raw_milestones = fields.get("milestones", [])
    milestones: list[Milestone] = []
    if not isinstance(raw_milestones, list):
        problems.add("the path", f"milestones must be a list, not {_kind(raw_milestones)}")
    else:
        if not MIN_MILESTONES <= len(raw_milestones) <= MAX_MILESTONES:
            problems.add(
                "the path",
                f"a path has {MIN_MILESTONES} to {MAX_MILESTONES} milestones, "
                f"not {len(raw_milestones)}",
            )
        for n, item in enumerate(raw_milestones, 1):
            milestone = _milestone(item, n, skills, problems)
            if milestone is not None:
                milestones.append(milestone)
        _order(milestones, problems)
    if problems.found:
        raise PathFileError(problems.found)
    return Path(path_id, name, role, summary, tuple(milestones))
