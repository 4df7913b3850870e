"""What counts as a blocker (students answer "none", "n/a" or "-" when there is none), and how
long one stays open."""

from __future__ import annotations

import re
import unicodedata

# A blocker counts as open for a week unless its author marks it solved sooner: /stats lists
# it, /checkin solved finds it, and the digest asks peers about it that long.
BLOCKER_DAYS = 7

# Said when there is nothing blocking, in the spellings people use (and a few languages).
_NOTHING = frozenset(
    {
        "none",
        "no",
        "nope",
        "nah",
        "nothing",
        "nada",
        "n/a",
        "na",
        "nil",
        "null",
        "-",
        "--",
        "—",
        "–",
        "x",
        "/",
        ".",
        "0",
        "no blocker",
        "no blockers",
        "none so far",
        "none today",
        "nothing today",
        "nothing really",
        "not really",
        "all good",
        "all fine",
        "no issues",
        "no problems",
        "nothing blocking",
        "not blocked",
        "no blocks",
        "keine",
        "nichts",
        "aucun",
        "rien",
        "ninguno",
        "nada por ahora",
    }
)
_EDGES = re.compile(r"^[\s.!,;:)(\[\]'\"`*_~]+|[\s.!,;:)(\[\]'\"`*_~]+$")


def is_blocker(text: str) -> bool:
    """Whether `text` reports something blocking (not "none", "n/a", "-", "no blockers")."""
    words = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    if not words:
        return False
    stripped = _EDGES.sub("", words) or words
    return stripped not in _NOTHING and words not in _NOTHING
