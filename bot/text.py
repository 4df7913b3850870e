"""Small pieces of English every reply is built from: plurals, lists of names, durations, days,
and text cut to a platform's limits. One implementation each, so a wording is fixed in one place.

The bot speaks English only, so these are plain functions rather than a localisation library
(Babel's `format_list` would add a 30 MB dependency for what `join` does in six lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

# Characters that format text on Discord or Slack (bold, italics, strike, code, spoilers, quotes,
# headings, masked links). Member-written text in posts carries them escaped with a backslash,
# so they show as typed and never format, link or hide anything; each adapter renders an
# escaped character its own way (Discord natively, Slack and the console as the character).
FORMATTING = frozenset("\\*_~`|>[]()#")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ELLIPSIS = "…"
_ESCAPED = re.compile(r"\\([\\*_~`|>\[\]()#])")


def name_key(text: str) -> str:
    """How a typed name (a skill, a path, a milestone) is compared with the names it may mean:
    any case, spaces, hyphens and underscores alike ("ML engineer", "ml_engineer" and
    "ML-Engineer" are one)."""
    return "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 day', '2 days', '1,000 members'; `many` for irregular plurals ('entry', 'entries')."""
    form = word if count == 1 else (many or f"{word}s")
    return f"{count:,} {form}"


def join(items: Sequence[str], *, conjunction: str = "and", total: int | None = None) -> str:
    """'A', 'A and B', 'A, B and C'; with `total` beyond the items shown: 'A, B and 3 more'."""
    extra = (total if total is not None else len(items)) - len(items)
    if extra > 0:
        return f"{', '.join(items)} and {extra:,} more"
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def group_names(people: Sequence[str]) -> str:
    """A buddy group's names as intros and titles write them: 'Ana, Ben & Caro'."""
    return join(people, conjunction="&")


def duration(minutes: float) -> str:
    """A span of study time to the minute: '45 min', '2 h', '2 h 30 min'."""
    hours, rest = divmod(round(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest:02d} min"


def total_time(minutes: int) -> str:
    """A week's total, where a decimal reads better than minutes: '45 min', '12.5 h'."""
    return f"{minutes / 60:,.1f} h" if minutes >= 60 else f"{minutes} min"


def long_date(on: date) -> str:
    """'Monday 2 March'."""
    return f"{on:%A} {on.day} {on:%B}"


def date_span(first: date, last: date) -> str:
    """'2 Mar – 8 Mar 2026'."""
    return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"


def local_moment(instant: datetime, zone: ZoneInfo) -> str:
    """An instant in a member's own time, with the zone named: 'Mon 02 Mar, 10:00 (Europe/Berlin)'."""
    return f"{instant.astimezone(zone):%a %d %b, %H:%M} ({zone.key})"


def literal(text: str) -> str:
    """Member-written text for a post: formatting characters escaped, so nothing a member
    types (a masked link `[free nitro](https://…)`, **bold**, a spoiler) acts as markup."""
    return "".join(f"\\{ch}" if ch in FORMATTING else ch for ch in text)


def unescape(text: str, replace: Callable[[str], str] = str) -> str:
    """Escaped formatting characters (see `literal`) back to characters, through `replace`
    (a platform's safe form of the character)."""
    return _ESCAPED.sub(lambda m: replace(m.group(1)), text)


def shorten(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut with an ellipsis when it is longer."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def one_line(text: str, limit: int) -> str:
    """`text` on one line (whitespace runs collapsed), within `limit`; '-' if nothing is left."""
    return shorten(" ".join(text.split()) or "-", limit)


def split(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, split at line breaks; an overlong line is cut.

    Line breaks between pieces are dropped (each piece is its own message or block), so
    joining the pieces with newlines gives the text back.
    """
    pieces: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        while len(line) > limit:
            if current is not None:
                pieces.append(current)
                current = None
            pieces.append(line[:limit])
            line = line[limit:]
        if current is None:
            current = line
        elif len(current) + 1 + len(line) <= limit:
            current = f"{current}\n{line}"
        else:
            pieces.append(current)
            current = line
    if current is not None and (current.strip() or not pieces):
        pieces.append(current)
    return pieces
