"""The digest's picture of the week: a PNG made with matplotlib's Agg canvas.

Only the object-oriented API is used (a `Figure` on its own `FigureCanvasAgg`): no pyplot, no
`matplotlib.use`, no rcParams changes, so nothing global is touched and rendering is safe in a
worker thread. Check-ins per day sit on top; below them one row per skill (days x top skills,
check-ins in each cell, a colour key beside it) at every community size.

The chart is posted in the channel, so it shows what the group did and never who did not: a
row per member would put each one's missed days (and a ranking down to the least active)
in front of everyone. Skills read the same at 10 or 5,000 members; each member's own week is
for the organizer's dashboard (`WeekData.member_days`), not the channel.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from bot.digest import WeekData
from bot.digest.content import DAY_NAMES
from bot.text import date_span

MAX_SKILL_ROWS = 12
WIDTH = 8.0  # inches
DPI = 100
ROW = 0.34  # inches per heatmap row
BAR_COLOR = "#3b7dd8"
EMPTY_CELL = "#eef0f3"


@dataclass(frozen=True, eq=False)
class Heatmap:
    """What the lower panel draws: one labelled row per skill, check-ins per day (NaN: none)."""

    rows: tuple[str, ...]
    values: np.ndarray  # rows x days
    title: str
    key: str  # the colour key's label: what the shades mean


def heatmap(data: WeekData, skill_name: Callable[[str], str]) -> Heatmap | None:
    """The week's top skills by day; None when nothing was practised (an empty week, or only
    check-ins without skills)."""
    ranked = sorted(data.skill_days, key=lambda s: (-sum(data.skill_days[s]), s))[:MAX_SKILL_ROWS]
    if data.empty or not ranked:
        return None
    values = np.array([[float(v) if v else np.nan for v in data.skill_days[s]] for s in ranked])
    return Heatmap(
        rows=tuple(skill_name(s) for s in ranked),
        values=values.reshape(len(ranked), len(data.week.days)),
        title=f"Check-ins by skill (top {len(ranked)})",
        key="check-ins that day (grey: none)",
    )


def figure(data: WeekData, skill_name: Callable[[str], str]) -> Figure:
    """The week's figure on its own Agg canvas: check-ins per day, then the skills heatmap."""
    labels = [f"{DAY_NAMES[d.weekday()]}\n{d.day}" for d in data.week.days]
    heat = heatmap(data, skill_name)
    rows = len(heat.rows) if heat else 0
    height = 2.6 + (ROW * rows + 1.0 if heat else 0.0)
    fig = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    if heat:
        bars, lower = fig.subplots(2, 1, height_ratios=[2.0, ROW * rows + 0.6])
        _heatmap(fig, lower, heat, labels)
    else:
        bars = fig.subplots()
    _bars(bars, data, labels)
    return fig


def render(data: WeekData, skill_name: Callable[[str], str]) -> bytes:
    """The week as PNG bytes."""
    buffer = io.BytesIO()
    figure(data, skill_name).savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _bars(ax: Axes, data: WeekData, labels: Sequence[str]) -> None:
    counts = list(data.per_day) if not data.empty else [0] * len(labels)
    x = np.arange(len(labels))
    ax.bar(x, counts, color=BAR_COLOR, width=0.7)
    ax.set_xticks(x, labels, fontsize=9)
    ax.set_title(
        f"{date_span(data.week.first, data.week.last)} · check-ins per day · "
        f"{data.checked_in:,} of {data.active_members:,} members showed up",
        fontsize=11,
        loc="left",
    )
    top = max(counts, default=0)
    ax.set_ylim(0, top * 1.25 if top else 1)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    for xi, n in zip(x, counts, strict=True):
        if n:
            ax.annotate(
                f"{n:,}",
                (xi, n),
                ha="center",
                va="bottom",
                fontsize=9,
                xytext=(0, 2),
                textcoords="offset points",
            )
    if data.empty:
        ax.text(
            0.5,
            0.55,
            "No check-ins this week yet. Today is a good day to start!",
            ha="center",
            va="center",
            transform=ax.transAxes,
            fontsize=12,
            color="#555555",
        )


def _heatmap(fig: Figure, ax: Axes, heat: Heatmap, labels: Sequence[str]) -> None:
    cmap = ListedColormap(
        ["#d7f0d2", "#a9dca3", "#74c476", "#41ab5d", "#238b45", "#006d2c"], name="digest"
    ).with_extremes(bad=EMPTY_CELL)
    values = heat.values
    finite = values[np.isfinite(values)]
    top = float(finite.max()) if finite.size else 1.0
    image = ax.imshow(
        np.ma.masked_invalid(values),
        aspect="auto",
        cmap=cmap,
        vmin=0,
        vmax=max(top, 1.0),
        interpolation="nearest",
    )
    key = fig.colorbar(image, ax=ax, shrink=0.9, pad=0.01)
    key.set_label(heat.key, fontsize=8, color="#666666")
    key.ax.tick_params(labelsize=8)
    ax.set_xticks(np.arange(len(labels)), labels, fontsize=9)
    ax.set_yticks(np.arange(len(heat.rows)), heat.rows, fontsize=9)
    ax.tick_params(length=0)
    ax.set_title(heat.title, fontsize=11, loc="left")
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_xticks(np.arange(-0.5, len(labels)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(heat.rows)), minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    for (r, c), v in np.ndenumerate(values):
        if np.isnan(v):
            continue
        colour = "white" if v > top * 0.6 else "#1b3a1b"
        ax.text(c, r, f"{int(v):,}", ha="center", va="center", fontsize=8, color=colour)
