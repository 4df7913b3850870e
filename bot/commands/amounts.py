"""Amounts as people type them after a number: `45min`, `1h30`, `1.5 h`, `2 weeks`.

A whole-number option may declare the unit it counts (`Opt(unit="minutes")`); the text
syntax then takes that unit's spellings, and for minutes also hours, which is how a study
session is often told ("1h30").
"""

from __future__ import annotations

import re

# unit -> spelling -> how many of the unit it is
UNITS: dict[str, dict[str, int]] = {
    "minutes": {
        **dict.fromkeys(("m", "min", "mins", "minute", "minutes", "mn"), 1),
        **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 60),
    },
    "weeks": dict.fromkeys(("w", "wk", "wks", "week", "weeks"), 1),
    "days": dict.fromkeys(("d", "day", "days"), 1),
}
_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([^\W\d_]*)")


def is_unit_word(unit: str, word: str) -> bool:
    """Whether `word` spells the unit (or a larger one it counts): "min", "hours"."""
    return word.lower().strip(".") in UNITS.get(unit, {})


def parse_amount(text: str, unit: str) -> int | None:
    """The whole number of `unit`s `text` says, or None when it is not an amount of them.

    A bare number after a larger unit is of the unit itself: "1h30" and "1 h 30" are 90
    minutes. Fractions count when the total is whole: "1.5h" is 90, "0.5 min" is refused.
    """
    spellings = UNITS.get(unit)
    value = text.strip().lower()
    if spellings is None or not value:
        return None
    total = 0.0
    position = 0
    for match in _PART.finditer(value):
        if value[position : match.start()].strip():
            return None  # words that are not part of an amount
        number, word = match.group(1).replace(",", "."), match.group(2).strip(".")
        if word and word not in spellings:
            return None
        total += float(number) * (spellings[word] if word else 1)
        position = match.end()
    if position == 0 or value[position:].strip() or total != int(total):
        return None
    return int(total)
