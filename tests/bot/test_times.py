"""Times of day and daily ranges the way students type them (bot/times.py)."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.times import EmptyWindow, TimeQuestion, parse_time, parse_time_range


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19:00", time(19)),
        ("9:05", time(9, 5)),
        ("09:05", time(9, 5)),
        ("19.00", time(19)),
        ("1900", time(19)),
        ("0930", time(9, 30)),
        ("930", time(9, 30)),
        ("19", time(19)),
        ("13", time(13)),
        ("23", time(23)),
        ("12", time(12)),
        ("0", time(0)),
        ("07", time(7)),  # a leading zero is 24-hour
        ("00:00", time(0)),
        ("23:59", time(23, 59)),
        ("7pm", time(19)),
        ("7 pm", time(19)),
        ("7PM", time(19)),
        ("7 P.M.", time(19)),
        ("7p", time(19)),
        ("7am", time(7)),
        ("7:30 PM", time(19, 30)),
        ("7:30pm", time(19, 30)),
        ("7.30pm", time(19, 30)),
        ("730pm", time(19, 30)),
        ("12am", time(0)),
        ("12:30am", time(0, 30)),
        ("12pm", time(12)),
        ("12:15 pm", time(12, 15)),
        ("11pm", time(23)),
        ("noon", time(12)),
        ("Noon", time(12)),
        ("midnight", time(0)),
        ("MIDNIGHT", time(0)),
        ("19h", time(19)),
        ("19h30", time(19, 30)),
        ("  19:00  ", time(19)),
        ("\t7pm\n", time(19)),
    ],
)
def test_times_as_students_type_them(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "25:00",
        "24:00",
        "19:60",
        "7:5",
        "13pm",
        "0am",
        "00pm",
        "1900pm",
        "7 o'clock",
        "seven",
        "19:00:00",
        "-7",
        "7pmm",
        "١٩:٠٠",  # Arabic-Indic digits: int() would read them, the parser does not
        "19:00 " + "x" * 200,
    ],
)
def test_what_is_not_a_time_is_refused_with_the_forms_to_use(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_time(text)
    assert type(raised.value) is ValueError
    message = str(raised.value)
    assert message.startswith(repr(text.strip()[:40])) and message.endswith("use 19:00 or 7pm.")


def test_the_refusal_reads_as_a_whole_sentence() -> None:
    with pytest.raises(ValueError, match=r"^'25:00' is not a time; use 19:00 or 7pm\.$"):
        parse_time("25:00")


@pytest.mark.parametrize(
    ("text", "morning", "evening", "hint"),
    [
        ("7", "07:00", "19:00", "Write 7am or 7pm."),
        ("1", "01:00", "13:00", "Write 1am or 1pm."),
        ("11", "11:00", "23:00", "Write 11am or 11pm."),
        ("7h", "07:00", "19:00", "Write 7am or 7pm."),
        (" 9 ", "09:00", "21:00", "Write 9am or 9pm."),
    ],
)
def test_a_bare_hour_asks_morning_or_evening(
    text: str, morning: str, evening: str, hint: str
) -> None:
    with pytest.raises(TimeQuestion) as raised:
        parse_time(text)
    assert raised.value.choices == (morning, evening)
    assert str(raised.value) == (
        f"{text.strip()!r} has no am or pm. Did you mean {morning} or {evening}? {hint}"
    )
    assert isinstance(raised.value, ValueError)


@given(st.integers(0, 23), st.integers(0, 59))
def test_every_24_hour_time_round_trips(hour: int, minute: int) -> None:
    at = time(hour, minute)
    assert parse_time(f"{at:%H:%M}") == at
    assert parse_time(f"{at:%H%M}") == at
    assert parse_time(f"{hour}:{minute:02d}") == at


@given(st.integers(1, 12), st.integers(0, 59), st.sampled_from(["am", "pm", " AM", " p.m."]))
def test_every_12_hour_time_reads_as_the_clock_does(hour: int, minute: int, half: str) -> None:
    expected = time(hour % 12 + (12 if "p" in half.lower() else 0), minute)
    assert parse_time(f"{hour}:{minute:02d}{half}") == expected


@given(st.text(max_size=30))
def test_any_text_is_a_time_or_a_value_error(text: str) -> None:
    try:
        assert isinstance(parse_time(text), time)
    except ValueError as refused:
        assert str(refused).endswith(".")  # a sentence: what is wrong, what to type


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("18:00-21:00", time(18), time(21)),
        ("18-21", time(18), time(21)),
        ("6pm-9pm", time(18), time(21)),
        ("6-9pm", time(18), time(21)),  # the end's pm applies to the start too
        ("6pm-9", time(18), time(21)),
        ("6:30-9pm", time(18, 30), time(21)),
        ("11-1pm", time(11), time(13)),  # the shorter window: 11am to 1pm
        ("10-2am", time(22), time(2)),
        ("9-5pm", time(9), time(17)),
        ("12-3pm", time(12), time(15)),
        ("9-17", time(9), time(17)),  # a 24-hour end makes the bare start 24-hour
        ("7-9:30", time(7), time(9, 30)),
        ("18:00 - 21:00", time(18), time(21)),
        ("18:00 to 21:00", time(18), time(21)),
        ("18:00 TO 21:00", time(18), time(21)),
        ("18:00–21:00", time(18), time(21)),  # en dash
        ("18:00—21:00", time(18), time(21)),  # em dash
        ("6pm to 9pm", time(18), time(21)),
        ("6 pm - 9 pm", time(18), time(21)),
        ("from 6pm until 9pm", time(18), time(21)),
        ("noon-2pm", time(12), time(14)),
        ("22:00-01:00", time(22), time(1)),  # across midnight
        ("10pm-1am", time(22), time(1)),
        ("23-midnight", time(23), time(0)),
        (" 1800-2100 ", time(18), time(21)),
    ],
)
def test_ranges_as_students_type_them(text: str, start: time, end: time) -> None:
    assert parse_time_range(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "choices", "hint"),
    [
        ("6-9", ("06:00-09:00", "18:00-21:00"), "Write 6am-9am or 6pm-9pm."),
        ("9-5", ("09:00-17:00", "21:00-05:00"), "Write 9am-5pm or 9pm-5am."),
        ("6 to 9", ("06:00-09:00", "18:00-21:00"), "Write 6am-9am or 6pm-9pm."),
    ],
)
def test_two_bare_hours_ask_which_window(text: str, choices: tuple[str, str], hint: str) -> None:
    with pytest.raises(TimeQuestion) as raised:
        parse_time_range(text)
    assert raised.value.choices == choices
    assert str(raised.value) == (
        f"{text!r} has no am or pm. Did you mean {choices[0]} or {choices[1]}? {hint}"
    )


@pytest.mark.parametrize("text", ["18:00-18:00", "6pm-6pm", "18-6pm", "6-6", "noon-12pm"])
def test_a_window_needs_two_different_ends(text: str) -> None:
    with pytest.raises(
        EmptyWindow, match=r"^A study window needs a start and an end that differ\.$"
    ):
        parse_time_range(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("18:00", "'18:00' is not a time range; use 18:00-21:00 or 6pm-9pm."),
        ("18:00-", "'18:00-' is not a time range; use 18:00-21:00 or 6pm-9pm."),
        ("-21:00", "'-21:00' is not a time range; use 18:00-21:00 or 6pm-9pm."),
        ("1-2-3", "'1-2-3' is not a time range; use 18:00-21:00 or 6pm-9pm."),
        (
            "18-25",
            "'18-25' is not a time range: '25' is not a time; use 18:00-21:00 or 6pm-9pm.",
        ),
        (
            "evening-21:00",
            "'evening-21:00' is not a time range: 'evening' is not a time; "
            "use 18:00-21:00 or 6pm-9pm.",
        ),
    ],
)
def test_what_is_not_a_range_says_which_part_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_time_range(text)
    assert str(raised.value) == message


@given(st.integers(0, 23), st.integers(0, 59), st.integers(0, 23), st.integers(0, 59))
def test_every_24_hour_range_round_trips(h1: int, m1: int, h2: int, m2: int) -> None:
    start, end = time(h1, m1), time(h2, m2)
    text = f"{start:%H:%M}-{end:%H:%M}"
    if start == end:
        with pytest.raises(EmptyWindow):
            parse_time_range(text)
    else:
        assert parse_time_range(text) == (start, end)


@given(st.text(max_size=30))
def test_any_text_is_a_range_or_a_value_error(text: str) -> None:
    try:
        start, end = parse_time_range(text)
        assert start != end
    except ValueError as refused:
        assert str(refused).endswith(".")
