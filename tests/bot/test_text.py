"""The small pieces of English every reply is built from."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.text import (
    date_span,
    duration,
    group_names,
    join,
    literal,
    local_moment,
    long_date,
    one_line,
    plural,
    shorten,
    split,
    total_time,
    unescape,
)


def test_plural() -> None:
    assert [plural(n, "day") for n in (0, 1, 2, 1000)] == [
        "0 days",
        "1 day",
        "2 days",
        "1,000 days",
    ]
    assert plural(3, "entry", "entries") == "3 entries"


def test_join_lists_and_counts_what_it_leaves_out() -> None:
    assert [join([]), join(["A"]), join(["A", "B"]), join(["A", "B", "C"])] == [
        "",
        "A",
        "A and B",
        "A, B and C",
    ]
    assert join(["A", "B"], conjunction="or") == "A or B"
    assert join(["A", "B"], total=5) == "A, B and 3 more"
    assert group_names(["Ana", "Ben", "Caro"]) == "Ana, Ben & Caro"


def test_durations() -> None:
    assert [duration(m) for m in (15, 60, 150)] == ["15 min", "1 h", "2 h 30 min"]
    assert [total_time(m) for m in (45, 750)] == ["45 min", "12.5 h"]


def test_dates_and_moments() -> None:
    assert long_date(date(2026, 3, 2)) == "Monday 2 March"
    assert date_span(date(2026, 3, 2), date(2026, 3, 8)) == "2 Mar – 8 Mar 2026"
    instant = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert local_moment(instant, ZoneInfo("Europe/Berlin")) == "Mon 02 Mar, 10:00 (Europe/Berlin)"


def test_shortening() -> None:
    assert shorten("short", 10) == "short"
    assert shorten("a" * 20, 10) == "a" * 9 + "…"
    assert one_line("  two\n lines ", 20) == "two lines"
    assert one_line("   ", 10) == "-"


def test_split_keeps_lines_together_and_cuts_only_overlong_ones() -> None:
    assert split("a\nb\nc", 3) == ["a\nb", "c"]
    assert split("x" * 7, 3) == ["xxx", "xxx", "x"]
    assert split("", 5) == [""]


@given(st.text(alphabet="ab \n", max_size=200), st.integers(min_value=1, max_value=40))
def test_split_pieces_fit_and_lose_nothing_but_breaks(text: str, limit: int) -> None:
    pieces = split(text, limit)
    assert all(len(p) <= limit for p in pieces)
    kept, whole = "".join(pieces).replace("\n", ""), text.replace("\n", "")
    assert whole.startswith(kept) and not whole[len(kept) :].strip()  # only blank tails go


def test_member_text_is_escaped_so_it_shows_as_typed() -> None:
    typed = "[free nitro](https://x.example) **now** a_b ||spoiler|| `code` \\"
    escaped = literal(typed)
    assert "[" not in escaped.replace("\\[", "") and "*" not in escaped.replace("\\*", "")
    assert unescape(escaped) == typed
    assert unescape(escaped, lambda ch: "<" + ch + ">").startswith("<[>free nitro<]>")
