"""The overview's chart: an <svg> element with a colour key and a title screen readers read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from bot.dashboard import WeekFigures
from bot.dashboard.chart import HOURS_COLOR, MEMBERS_COLOR, axis_step, render

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


def test_each_week_has_a_bar_labelled_with_its_first_day_and_a_point_on_the_line() -> None:
    root = ET.fromstring(render(weeks()))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == MEMBERS_COLOR]
    points = [c for c in root.iter(f"{SVG}circle") if c.get("fill") == HOURS_COLOR]
    assert len(bars) == len(points) == 8 + 1  # and one in the colour key
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "5 Jan" in labels and "23 Feb" in labels


def test_a_taller_bar_is_a_week_with_more_members() -> None:
    root = ET.fromstring(render(weeks()))
    heights = [
        float(r.get("height", "0"))
        for r in root.iter(f"{SVG}rect")
        if r.get("fill") == MEMBERS_COLOR and r.get("width") != "18"
    ]
    assert heights == sorted(heights) and heights[0] < heights[-1]


@pytest.mark.parametrize(
    ("top", "whole", "step"),
    [(0, True, 1), (3, True, 1), (17, True, 5), (9_800, True, 2_500), (0.5, False, 0.2)],
)
def test_gridlines_fall_on_round_values_that_reach_the_top(
    top: float, whole: bool, step: float
) -> None:
    assert axis_step(top, whole) == pytest.approx(step)
