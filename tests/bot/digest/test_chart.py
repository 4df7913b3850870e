from __future__ import annotations

import io
import struct
from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from matplotlib.image import imread

from bot.digest import History, WeekData
from bot.digest.chart import MAX_MEMBER_ROWS, MAX_SKILL_ROWS, render
from bot.digest.week import week_before
from bot.skills import SkillCatalogue

WEEK = week_before(date(2026, 3, 9), ZoneInfo("Europe/Berlin"))
CATALOGUE = SkillCatalogue.load()
SKILLS = sorted(CATALOGUE.skills)


def community(members: int) -> WeekData:
    """A week where each member checks in on most days; per-member rows only when small."""
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
        member_days=grid if members <= MAX_MEMBER_ROWS else {},
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


def test_a_small_community_gets_one_row_per_member() -> None:
    ten, eleven = community(10), community(11)
    assert png_size(render(eleven, CATALOGUE.name))[1] > png_size(render(ten, CATALOGUE.name))[1]


def test_a_large_community_is_charted_by_its_top_skills_at_a_fixed_height() -> None:
    big, bigger = community(5000), community(20000)
    assert len(big.skill_days) > MAX_SKILL_ROWS
    heights = {png_size(render(d, CATALOGUE.name))[1] for d in (big, bigger)}
    assert len(heights) == 1


def test_rendering_leaves_matplotlib_global_state_alone() -> None:
    import matplotlib

    backend, params = matplotlib.get_backend(), dict(matplotlib.rcParams)
    render(community(10), CATALOGUE.name)
    assert matplotlib.get_backend() == backend and dict(matplotlib.rcParams) == params
