from __future__ import annotations

import pytest

from bot.commands.amounts import is_unit_word, parse_amount


@pytest.mark.parametrize(
    ("text", "unit", "amount"),
    [
        ("45", "minutes", 45),
        ("45min", "minutes", 45),
        ("45 Mins", "minutes", 45),
        ("1h", "minutes", 60),
        ("1h30", "minutes", 90),
        ("1 hr 15 min", "minutes", 75),
        ("1,5h", "minutes", 90),
        ("2 weeks", "weeks", 2),
        ("3wks", "weeks", 3),
        ("2 days", "days", 2),
    ],
)
def test_amounts_people_write(text: str, unit: str, amount: int) -> None:
    assert parse_amount(text, unit) == amount


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("forty", "minutes"),
        ("0.5", "minutes"),
        ("45 apples", "minutes"),
        ("2 weeks", "days"),
        ("", "minutes"),
        ("h", "minutes"),
        ("45 30 pushups", "minutes"),
        ("2", "furlongs"),
    ],
)
def test_what_is_not_an_amount_is_none(text: str, unit: str) -> None:
    assert parse_amount(text, unit) is None


def test_unit_words_include_larger_units_of_minutes() -> None:
    assert is_unit_word("minutes", "hours") and is_unit_word("weeks", "wk.")
    assert not is_unit_word("weeks", "days")
