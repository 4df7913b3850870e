from __future__ import annotations

import io
import struct
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from matplotlib.image import imread

from bot.digest import History, WeekData
from bot.digest.chart import MAX_SKILL_ROWS, figure, heatmap, render
from bot.digest.week import week_before
from bot.skills import SkillCatalogue

WEEK = week_before(date(2026, 3, 9), ZoneInfo("Europe/Berlin"))
CATALOGUE = SkillCatalogue.load()
SKILLS = sorted(CATALOGUE.skills)


def community(members: int) -> WeekData:
    """A week where each member checks in on most days (with their days, as the dashboard reads)."""
    rng = np.random.default_rng(members)
    grid = {
        m: tuple(
            None if rng.random() < 0.3 else int(rng.choice([0, 15, 30, 60, 120])) for _ in range(7)
        )
        for m in range(1, members + 1)
    }
    per_day = tuple(sum(row[d] is not None for row in grid.values()) for d in range(7))
    skill_days = {s: tuple(int(v) for v in rng.integers(0, members + 1, 7)) for s in SKILLS}
    return WeekData(
        week=WEEK,
        today=date(2026, 3, 9),
        active_members=members + members // 5,
        checked_in=members,
        checkins=sum(per_day),
        minutes=sum(v or 0 for row in grid.values() for v in row),
        previous_checked_in=0,
        previous_minutes=0,
        per_day=per_day if members else (0,) * 7,
        history=History.empty(date(2025, 3, 9)),
        skill_days=skill_days if members else {},
        member_days=grid,
        names={m: f"Member {m} with a rather long display name" for m in grid},
    )


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("members", [0, 10, 5000])
def test_the_chart_is_a_valid_png_of_sensible_size(members: int) -> None:
    data = render(community(members), CATALOGUE.name)
    width, height = png_size(data)
    assert 600 <= width <= 1200 and 200 <= height <= 1600
    assert len(data) < 400_000
    pixels = imread(io.BytesIO(data))
    assert pixels.shape[:2] == (height, width)
    assert float(pixels[..., :3].std()) > 0.01  # something is drawn, not a blank canvas


def test_a_small_communitys_chart_names_no_member_and_shows_no_missed_day() -> None:
    ten = community(10)
    assert any(None in days for days in ten.member_days.values())  # some days were missed
    heat = heatmap(ten, CATALOGUE.name)
    assert heat is not None
    assert heat.rows == tuple(CATALOGUE.name(s) for s in heat_skills(ten))
    drawn = [t.get_text() for ax in figure(ten, CATALOGUE.name).axes for t in ax.get_yticklabels()]
    assert not any("Member" in label for label in drawn)


def heat_skills(data: WeekData) -> list[str]:
    """The week's most practised skills, most first: the rows the chart should draw."""
    ranked = sorted(data.skill_days, key=lambda s: (-sum(data.skill_days[s]), s))
    return ranked[:MAX_SKILL_ROWS]


def test_the_chart_is_the_same_for_10_members_or_5000_at_a_fixed_height() -> None:
    small, big = community(10), community(5000)
    assert len(big.skill_days) > MAX_SKILL_ROWS
    heights = {png_size(render(d, CATALOGUE.name))[1] for d in (small, big)}
    assert len(heights) == 1


def test_the_heatmap_has_a_colour_key_saying_what_the_shades_mean() -> None:
    fig = figure(community(10), CATALOGUE.name)
    [key] = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert "check-ins" in key.get_ylabel()


def test_an_empty_week_has_no_heatmap_and_no_key() -> None:
    fig = figure(community(0), CATALOGUE.name)
    assert heatmap(community(0), CATALOGUE.name) is None
    assert [ax.get_label() for ax in fig.axes if ax.get_label() == "<colorbar>"] == []


def test_rendering_leaves_matplotlib_global_state_alone() -> None:
    import matplotlib

    backend, params = matplotlib.get_backend(), dict(matplotlib.rcParams)
    render(community(10), CATALOGUE.name)
    assert matplotlib.get_backend() == backend and dict(matplotlib.rcParams) == params
