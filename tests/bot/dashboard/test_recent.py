"""The dashboard's cache of recent reads, by the caller's clock."""

from __future__ import annotations

from datetime import timedelta

from bot.dashboard.recent import Recent
from tests.helpers import START

MINUTE = timedelta(minutes=1)


def test_a_value_is_fresh_for_its_time_to_live() -> None:
    kept: Recent[str, int] = Recent(MINUTE, 4)
    kept.put("a", 1, START)
    assert kept.get("a", START + timedelta(seconds=59)) == 1
    assert kept.get("a", START + MINUTE) is None


def test_a_clock_that_went_back_reads_again() -> None:
    kept: Recent[str, int] = Recent(MINUTE, 4)
    kept.put("a", 1, START)
    assert kept.get("a", START - timedelta(seconds=1)) is None


def test_a_dropped_value_is_read_again() -> None:
    kept: Recent[str, int] = Recent(MINUTE, 4)
    kept.put("a", 1, START)
    kept.drop("a")
    assert kept.get("a", START) is None


def test_when_full_the_stale_go_first_then_the_oldest() -> None:
    kept: Recent[str, int] = Recent(MINUTE, 2)
    kept.put("stale", 0, START - 2 * MINUTE)
    kept.put("old", 1, START - timedelta(seconds=10))
    kept.put("new", 2, START)
    assert [kept.get(k, START) for k in ("stale", "old", "new")] == [None, 1, 2]
    kept.put("newer", 3, START)
    assert [kept.get(k, START) for k in ("old", "new", "newer")] == [None, 2, 3]


def test_cleared_values_are_all_read_again() -> None:
    kept: Recent[str, int] = Recent(MINUTE, 4)
    kept.put("a", 1, START)
    kept.put("b", 2, START)
    kept.clear()
    assert (kept.get("a", START), kept.get("b", START)) == (None, None)
