"""The overview's 8-week chart as an SVG string, with matplotlib's SVG canvas.

Like the digest's chart (bot/digest/chart.py), only the object-oriented API: a `Figure` on its
own `FigureCanvasSVG`, no pyplot. Bars are the members who checked in each week, the line the
hours they logged (its own axis), with a colour key; the <title> names the chart and every
figure for screen readers. Its words stay text (`svg.fonttype: none`, the one setting changed,
for the call only): a quarter less time than drawing every glyph as a path, and half the size.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from matplotlib import rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from bot.dashboard.views import WeekFigures
from bot.text import date_span

MEMBERS_COLOR = "#3b7dd8"
HOURS_COLOR = "#d9822b"
WIDTH, HEIGHT = 8.0, 3.2  # inches; the SVG scales to the page (viewBox)


def describe(weeks: Sequence[WeekFigures]) -> str:
    """The chart in words: the <title> screen readers announce."""
    each = "; ".join(
        f"{date_span(w.first, w.last)}: {w.checked_in:,} of {w.active_members:,} members "
        f"checked in, {w.minutes / 60:,.1f} hours"
        for w in weeks
    )
    return f"Members who checked in and hours studied per week, last {len(weeks)} weeks. {each}"


def render(weeks: Sequence[WeekFigures]) -> str:
    """An <svg> element (no XML prologue) to put in a page as it is."""
    labels = [f"{w.first.day} {w.first:%b}" for w in weeks]
    x = np.arange(len(weeks))
    fig = Figure(figsize=(WIDTH, HEIGHT))
    # Fixed margins: matplotlib's layout engines measure every label first, which took more
    # than half of a render (about 0.1 s).
    fig.subplots_adjust(left=0.09, right=0.91, bottom=0.1, top=0.96)
    FigureCanvasSVG(fig)
    members = fig.subplots()
    bars = members.bar(
        x,
        [w.checked_in for w in weeks],
        color=MEMBERS_COLOR,
        width=0.6,
        label="members who checked in",
    )
    members.set_ylabel("members")
    members.set_xticks(x, labels, fontsize=9)
    members.set_ylim(0, max((w.checked_in for w in weeks), default=0) * 1.2 or 1)
    hours = members.twinx()
    (line,) = hours.plot(
        x,
        [w.minutes / 60 for w in weeks],
        color=HOURS_COLOR,
        marker="o",
        linewidth=2,
        label="hours studied",
    )
    hours.set_ylabel("hours")
    hours.set_ylim(0, max((w.minutes for w in weeks), default=0) / 60 * 1.2 or 1)
    for side in ("top",):
        members.spines[side].set_visible(False)
        hours.spines[side].set_visible(False)
    members.legend(handles=[bars, line], loc="upper left", fontsize=9, frameon=False)
    buffer = io.StringIO()
    with rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    opening = svg.index(">") + 1
    title = describe(weeks).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"{svg[:opening]}\n<title>{title}</title>{svg[opening:]}"


def warm_up() -> None:
    """Draw a chart now, as the server starts: a process's first figure loads matplotlib's
    fonts and caches, which took 0.07 s of the first overview."""
    render([])
