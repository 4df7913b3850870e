"""The digest's picture of the week: a PNG made with matplotlib's Agg canvas.

Only the object-oriented API is used (a `Figure` on its own `FigureCanvasAgg`): no pyplot, no
`matplotlib.use`, no rcParams changes, so nothing global is touched and rendering is safe in a
worker thread. Small communities get one row per member (days x members, minutes in each
cell); larger ones one row per skill (days x top skills, check-ins in each cell), so the
picture stays readable from 10 to 5,000 members. Check-ins per day sit on top.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from bot.digest import WeekData
from bot.digest.content import DAY_NAMES, NAME_LIMIT, plain
from bot.text import date_span

MAX_MEMBER_ROWS = 30  # more members than this: one row per skill instead
MAX_SKILL_ROWS = 12
WIDTH = 8.0  # inches
DPI = 100
ROW = 0.34  # inches per heatmap row
BAR_COLOR = "#3b7dd8"
EMPTY_CELL = "#eef0f3"


def render(data: WeekData, skill_name: Callable[[str], str]) -> bytes:
    """The week as PNG bytes: check-ins per day, then a members or skills heatmap."""
    labels = [f"{DAY_NAMES[d.weekday()]}\n{d.day}" for d in data.week.days]
    if data.empty:
        rows: list[str] = []
        values = np.zeros((0, len(labels)))
        title, unit = "", ""
    elif data.member_days and len(data.member_days) <= MAX_MEMBER_ROWS:
        rows, values = _member_rows(data)
        title, unit = "Minutes studied by member (✓ = checked in)", "minutes"
    else:
        rows, values = _skill_rows(data, skill_name)
        title, unit = f"Check-ins by skill (top {len(rows)})", "check-ins"
    height = 2.6 + (ROW * len(rows) + 1.0 if rows else 0.0)
    fig = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    if rows:
        bars, heat = fig.subplots(2, 1, height_ratios=[2.0, ROW * len(rows) + 0.6])
        _heatmap(heat, rows, values, labels, title, unit)
    else:
        bars = fig.subplots()
    _bars(bars, data, labels)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
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


def _member_rows(data: WeekData) -> tuple[list[str], np.ndarray]:
    order = sorted(
        data.member_days,
        key=lambda m: (-sum(v is not None for v in data.member_days[m]), data.names.get(m, "")),
    )
    names = [plain(data.names.get(m, "a member"), NAME_LIMIT) for m in order]
    values = np.array(
        [[np.nan if v is None else float(v) for v in data.member_days[m]] for m in order]
    )
    return names, values


def _skill_rows(data: WeekData, skill_name: Callable[[str], str]) -> tuple[list[str], np.ndarray]:
    ranked = sorted(data.skill_days, key=lambda s: (-sum(data.skill_days[s]), s))[:MAX_SKILL_ROWS]
    values = np.array([[float(v) if v else np.nan for v in data.skill_days[s]] for s in ranked])
    return [skill_name(s) for s in ranked], values.reshape(len(ranked), len(data.week.days))


def _heatmap(
    ax: Axes, rows: Sequence[str], values: np.ndarray, labels: Sequence[str], title: str, unit: str
) -> None:
    cmap = ListedColormap(
        ["#d7f0d2", "#a9dca3", "#74c476", "#41ab5d", "#238b45", "#006d2c"], name="digest"
    ).with_extremes(bad=EMPTY_CELL)
    finite = values[np.isfinite(values)]
    top = float(finite.max()) if finite.size else 1.0
    ax.imshow(
        np.ma.masked_invalid(values),
        aspect="auto",
        cmap=cmap,
        vmin=0,
        vmax=max(top, 1.0),
        interpolation="nearest",
    )
    ax.set_xticks(np.arange(len(labels)), labels, fontsize=9)
    ax.set_yticks(np.arange(len(rows)), rows, fontsize=9)
    ax.tick_params(length=0)
    ax.set_title(title, fontsize=11, loc="left")
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_xticks(np.arange(-0.5, len(labels)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    for (r, c), v in np.ndenumerate(values):
        if np.isnan(v):
            continue
        text = "✓" if v == 0 else f"{int(v):,}"
        colour = "white" if v > top * 0.6 else "#1b3a1b"
        ax.text(c, r, text, ha="center", va="center", fontsize=8, color=colour)
    ax.set_xlabel(f"cells: {unit}", fontsize=8, color="#666666", loc="right")
