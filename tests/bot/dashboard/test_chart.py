"""The overview's chart: an <svg> element with a colour key and a title screen readers read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from bot.dashboard import WeekFigures
from bot.dashboard.chart import render

SVG = "{http://www.w3.org/2000/svg}"


def weeks(n: int = 8) -> tuple[WeekFigures, ...]:
    start = date(2026, 1, 5)
    return tuple(
        WeekFigures(
            first=start + timedelta(weeks=i),
            last=start + timedelta(weeks=i, days=6),
            active_members=40,
            checked_in=10 + i,
            checkins=50,
            minutes=600 + 60 * i,
            median_streak=3.0,
            open_blockers=1,
        )
        for i in range(n)
    )


def test_the_chart_is_an_svg_element_to_put_in_a_page() -> None:
    svg = render(weeks())
    assert svg.startswith("<svg")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert ET.fromstring(svg).tag == f"{SVG}svg"


def test_the_title_names_every_week_for_screen_readers() -> None:
    root = ET.fromstring(render(weeks()))
    title = root.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert "Members who checked in and hours studied per week, last 8 weeks" in title.text
    assert "23 Feb – 1 Mar 2026: 17 of 40 members checked in, 17.0 hours" in title.text


def test_the_chart_has_a_colour_key() -> None:
    svg = render(weeks())
    assert "members who checked in" in svg
    assert "hours studied" in svg


def test_a_community_with_no_weeks_yet_still_gets_a_chart() -> None:
    quiet = tuple(WeekFigures(w.first, w.last, 0, 0, 0, 0, 0.0, 0) for w in weeks())
    assert ET.fromstring(render(quiet)).tag == f"{SVG}svg"
