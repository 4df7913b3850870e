"""The few SQL spellings that differ between SQLite and PostgreSQL, for the repositories that
need one (everything else is written once, in the SQL both accept)."""

from __future__ import annotations

from bot.storage.db import Dialect


def concat_all(dialect: Dialect, expression: str, separator: str = ",") -> str:
    """The aggregate joining a group's values into one text (in no particular order)."""
    if dialect == "postgresql":
        return f"string_agg({expression}, '{separator}')"
    return f"GROUP_CONCAT({expression}, '{separator}')"


def zero_padded(dialect: Dialect, expression: str, digits: int) -> str:
    """An integer as text of at least `digits` digits, zeros in front."""
    if dialect == "postgresql":
        return f"lpad(CAST({expression} AS TEXT), {digits}, '0')"
    return f"printf('%0{digits}d', {expression})"


def ids_in_json(dialect: Dialect, parameter: str) -> str:
    """A subquery of the integers in a JSON array given as one parameter (`:ids`): any number
    of ids in one statement, which SQLite's limit on parameters would refuse one by one."""
    if dialect == "postgresql":
        return (
            f"SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST({parameter} AS json))"
        )
    return f"SELECT value FROM json_each({parameter})"
