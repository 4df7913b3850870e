"""Times to meet: shared hours over a week, concrete sessions, each member's own weekday."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.matching.score import MatchProfile
from bot.meeting_times import (
    Person,
    hours_summary,
    pairwise_hours,
    session_for,
    session_for_room,
    sessions,
)


def profile(member_id: int, tz: str, hours: tuple[time, time] | None) -> MatchProfile:
    return MatchProfile(member_id, None, None, frozenset(), frozenset(), tz, hours)


EVENING = (time(19), time(21))
MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


def test_three_sessions_on_different_days_spread_over_the_week() -> None:
    a, b = profile(1, "Europe/Berlin", EVENING), profile(2, "Europe/Berlin", EVENING)
    found = sessions([a, b], MONDAY)
    assert found is not None and len(found) == 3
    days = [s.astimezone(UTC).date() for s, _ in found]
    assert days == [date(2026, 3, 2), date(2026, 3, 5), date(2026, 3, 8)]  # first, middle, last
    assert all(e - s == timedelta(hours=1) for s, e in found)


def test_a_session_already_under_way_starts_at_the_next_half_hour() -> None:
    a = profile(1, "UTC", EVENING)
    found = sessions([a, profile(2, "UTC", EVENING)], MONDAY.replace(hour=19, minute=10))
    assert found is not None and found[0][0] == MONDAY.replace(hour=19, minute=30)


def test_no_sessions_without_shared_time_and_none_without_hours() -> None:
    early, late = profile(1, "UTC", (time(6), time(8))), profile(2, "UTC", EVENING)
    assert sessions([early, late], MONDAY) == []
    assert sessions([early, profile(2, "UTC", None)], MONDAY) is None


def test_sessions_stop_at_the_end_of_the_round() -> None:
    a, b = profile(1, "UTC", EVENING), profile(2, "UTC", EVENING)
    found = sessions([a, b], MONDAY, until=MONDAY + timedelta(days=2))
    assert found is not None and [s.day for s, _ in found] == [2, 3]


def test_a_dst_week_keeps_each_members_wall_clock() -> None:
    """New York springs forward on Sunday 8 March 2026, Berlin not until the 29th: the same
    19:00 in New York is 00:00 in Berlin before the change and 00:00 -> 23:00 after it."""
    ny = profile(1, "America/New_York", (time(18), time(20)))
    berlin = profile(2, "Europe/Berlin", (time(0), time(2)))
    found = sessions([ny, berlin], datetime(2026, 3, 4, 12, tzinfo=UTC))
    assert found is not None
    before = [s for s, _ in found if s < datetime(2026, 3, 8, 7, tzinfo=UTC)]
    after = [s for s, _ in found if s > datetime(2026, 3, 8, 7, tzinfo=UTC)]
    assert before and after
    people = [Person("Ana", ny), Person("Ben", berlin)]
    early = session_for_room((before[0], before[0] + timedelta(hours=1)), people)
    assert "18:00-19:00 for Ana" in early and "00:00-01:00 for Ben" in early
    late = session_for_room((after[0], after[0] + timedelta(hours=1)), people)
    assert "19:00-20:00 for Ana" in late and "00:00-01:00 for Ben" in late  # NY moved an hour


def test_across_the_date_line_each_member_reads_their_own_weekday() -> None:
    """Auckland's Tuesday morning is Los Angeles' Monday afternoon."""
    la = profile(1, "America/Los_Angeles", (time(12), time(15)))
    akl = profile(2, "Pacific/Auckland", (time(9), time(12)))
    found = sessions([la, akl], MONDAY)
    assert found
    start = found[0][0]
    la_day = start.astimezone(ZoneInfo(la.timezone))
    akl_day = start.astimezone(ZoneInfo(akl.timezone))
    assert akl_day.date() == la_day.date() + timedelta(days=1)
    end = la_day + timedelta(hours=1)
    assert session_for(found[0], la, [Person("Kiri", akl)]) == (
        f"{la_day:%a %H:%M}-{end:%H:%M} for you (Kiri: {akl_day:%a %H:%M})"
    )


def test_the_others_day_is_left_out_when_it_is_the_same() -> None:
    a, b = profile(1, "Europe/Berlin", EVENING), profile(2, "Europe/London", EVENING)
    found = sessions([a, b], MONDAY)
    assert found
    text = session_for(found[0], a, [Person("Ben", b)])
    assert text.endswith("for you (Ben: 19:00)")


def test_shared_hours_on_different_local_days_name_the_days() -> None:
    tokyo = profile(1, "Asia/Tokyo", (time(12), time(14)))
    la = profile(2, "America/Los_Angeles", (time(19), time(21)))
    text = hours_summary([Person("s00", tokyo), Person("s46", la)], date(2026, 3, 3))
    assert "s00 Tue 12:00-14:00 (Asia/Tokyo)" in text
    assert "s46 Mon 19:00-21:00 (America/Los_Angeles)" in text


def test_a_trio_without_common_time_is_described_per_pair() -> None:
    ana, ben = profile(1, "UTC", (time(18), time(20))), profile(2, "UTC", (time(18), time(21)))
    cleo = profile(3, "UTC", (time(6), time(8)))
    people = [Person("Ana", ana), Person("Ben", ben), Person("Cleo", cleo)]
    assert pairwise_hours(people, date(2026, 3, 3)) == (
        "Ana and Ben share 2 h; Cleo shares no hours with them"
    )
    text = hours_summary(people, date(2026, 3, 3))
    assert "do not overlap" not in text and "Ana and Ben share 2 h" in text
    assert "/buddy rematch" in text


def test_a_trio_where_one_bridges_the_other_two() -> None:
    ana, ben = profile(1, "UTC", (time(6), time(9))), profile(2, "UTC", (time(8), time(12)))
    cleo = profile(3, "UTC", (time(11), time(14)))
    people = [Person("Ana", ana), Person("Ben", ben), Person("Cleo", cleo)]
    assert pairwise_hours(people, date(2026, 3, 3)) == (
        "Ana and Ben share 1 h; Ben and Cleo share 1 h; Ana and Cleo share no hours"
    )
