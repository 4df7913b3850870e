"""The skill catalogue shipped in `bot/data/skills.json`: canonical ids, names and aliases.

Custom tags are not accepted: matching, blocker routing and digests compare skills by id, and a
free-form tag ("dokcer") would silently match nobody. Unknown skills get suggestions instead;
organizers can propose additions to the catalogue file.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from importlib import resources

from bot.text import name_key

MAX_SKILLS = 15
# Aliases too common in ordinary sentences to tag free text with (typed skill lists still accept
# them): "the rest of", "web page", "cd into", "deployment", "lambda functions in Python".
_EVERYDAY = frozenset(
    {"rest", "web", "cd", "deployment", "serving", "experiments", "lambda", "pipelines"}
)


@dataclass(frozen=True)
class Skill:
    id: str
    name: str
    aliases: tuple[str, ...]


class SkillCatalogue:
    def __init__(self, skills: list[Skill]) -> None:
        self.skills = {s.id: s for s in skills}
        self._lookup: dict[str, str] = {}
        for s in skills:
            for key in (s.id, name_key(s.name), *s.aliases):
                self._lookup[name_key(key)] = s.id

    @classmethod
    def load(cls) -> SkillCatalogue:
        text = resources.files("bot").joinpath("data/skills.json").read_text(encoding="utf-8")
        raw = json.loads(text)["skills"]
        return cls([Skill(r["id"], r["name"], tuple(r["aliases"])) for r in raw])

    def name(self, skill_id: str) -> str:
        skill = self.skills.get(skill_id)
        return skill.name if skill else skill_id

    def names(self, skill_ids: tuple[str, ...] | list[str] | frozenset[str]) -> str:
        return ", ".join(self.name(s) for s in sorted(skill_ids)) or "none"

    def resolve(self, text: str) -> str:
        key = name_key(text)
        if key in self._lookup:
            return self._lookup[key]
        raise ValueError(f"Unknown skill {text.strip()[:40]!r}.{self._hint(key)}")

    def _hint(self, key: str) -> str:
        guesses = difflib.get_close_matches(key, list(self._lookup), n=3, cutoff=0.7)
        ids = list(dict.fromkeys(self._lookup[g] for g in guesses))
        return " Did you mean " + " or ".join(ids) + "?" if ids else " See /skills for the list."

    def find(self, text: str) -> Skill:
        """The skill a reader asks about (/skills NAME): its id, name or an alias in any case, or
        the start of one that no other skill's spellings share ("kube")."""
        key = name_key(text)
        if key in self._lookup:
            return self.skills[self._lookup[key]]
        ids = list(dict.fromkeys(sid for k, sid in self._lookup.items() if k.startswith(key)))
        if len(ids) == 1:
            return self.skills[ids[0]]
        shown = repr(text.strip()[:40])
        if ids:
            raise ValueError(f"{shown} could be {', '.join(ids[:6])}. Type more of the name.")
        raise ValueError(f"Unknown skill {shown}.{self._hint(key)}")

    def spellings(self, skill: Skill) -> tuple[str, ...]:
        """Everything besides the id that names `skill` in a typed list, each once: its name,
        then its aliases ("A/B testing" and "a/b-testing" are one spelling to the parser)."""
        seen = {skill.id}
        found: list[str] = []
        for spelling in (skill.name, *skill.aliases):
            if name_key(spelling) not in seen:
                seen.add(name_key(spelling))
                found.append(spelling)
        return tuple(found)

    def resolve_list(self, text: str) -> tuple[str, ...]:
        """Comma-separated names; a part that is no name may be names with spaces between
        ("sql git", "docker machine learning") when every word belongs to one."""
        parts = [p for p in text.split(",") if p.strip()]
        found: list[str] = []
        for part in parts:
            key = name_key(part)
            found.extend(
                [self._lookup[key]] if key in self._lookup else self.split_names(part) or [part]
            )
        if len(found) > MAX_SKILLS:
            raise ValueError(f"Name at most {MAX_SKILLS} skills, not {len(found)}.")
        return tuple(dict.fromkeys(self.resolve(p) for p in found))

    def split_names(self, part: str) -> list[str]:
        """`part` cut into names, longest first, or [] when a word is left over."""
        words = part.split()
        ids: list[str] = []
        i = 0
        while i < len(words):
            for size in (3, 2, 1):
                key = name_key(" ".join(words[i : i + size]))
                if size <= len(words) - i and key in self._lookup:
                    ids.append(self._lookup[key])
                    i += size
                    break
            else:
                return []
        return ids if len(ids) > 1 else []

    def is_name(self, text: str) -> bool:
        """Whether `text` is exactly a skill's id, name or alias."""
        return name_key(text) in self._lookup

    def is_list(self, text: str) -> bool:
        """Whether `text` is one name, or names with spaces between."""
        return self.is_name(text) or bool(self.split_names(text))

    def mentioned(self, text: str) -> tuple[str, ...]:
        """Skills named in free text, exactly (no guessing), in order: "postgres in docker
        compose" -> sql, docker. Longest names first, so "github actions" is CI/CD, not Git.
        Aliases that are everyday words ("the rest", "web page") do not count in free text.
        """
        words = re.findall(r"[a-z0-9+#]+", text.lower())
        found: dict[str, None] = {}
        i = 0
        while i < len(words):
            for size in (3, 2, 1):
                key = "-".join(words[i : i + size])
                skill_id = None if key in _EVERYDAY else self._lookup.get(key)
                if skill_id is not None:
                    found[skill_id] = None
                    i += size
                    break
            else:
                i += 1
        return tuple(found)

    def starts_a_name(self, text: str) -> bool:
        """Whether `text` is the start of some skill's id, name or alias ("machine" of
        "machine learning"): a typed list may go on after a space."""
        key = name_key(text)
        return any(k.startswith(key) for k in self._lookup)

    def search(self, prefix: str, limit: int = 25) -> list[Skill]:
        """Skills whose id, name or alias starts with `prefix` (adapters' autocomplete)."""
        key = name_key(prefix)
        ids = dict.fromkeys(sid for k, sid in self._lookup.items() if k.startswith(key))
        return [self.skills[i] for i in list(ids)[:limit]]
