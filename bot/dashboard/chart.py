"""The overview's 8-week chart as an SVG string, written element by element.

Bars are the members who checked in each week, the line the hours they logged (its own axis,
on the right), with the weeks under them and a colour key above; the <title> names the chart
and every figure for screen readers. Two series on two axes are a few dozen elements: drawn
with matplotlib's SVG canvas (as the digest draws its PNG) they took 0.05 s of the overview's
first load, most of it laying out ticks and text; written here they take well under 1 ms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from bot.dashboard.views import WeekFigures
from bot.text import date_span

MEMBERS_COLOR = "#3b7dd8"
HOURS_COLOR = "#d9822b"
WIDTH, HEIGHT = 800, 320  # the viewBox; the page scales the image to its width
LEFT, RIGHT, TOP, BOTTOM = 64, 64, 40, 36  # room for the axes' labels, the key, the weeks
INTERVALS = 4  # between gridlines: both axes share them
_FONT = 'font-family="DejaVu Sans, Arial, sans-serif" font-size="12" fill="#333"'


def describe(weeks: Sequence[WeekFigures]) -> str:
    """The chart in words: the <title> screen readers announce."""
    each = "; ".join(
        f"{date_span(w.first, w.last)}: {w.checked_in:,} of {w.active_members:,} members "
        f"checked in, {w.minutes / 60:,.1f} hours"
        for w in weeks
    )
    return f"Members who checked in and hours studied per week, last {len(weeks)} weeks. {each}"


def axis_step(top: float, whole: bool) -> float:
    """The gridlines' step for values up to `top`: the smallest 1, 2, 2.5 or 5 times a power of
    ten that reaches `top` in INTERVALS steps (a whole number for `whole` ones: members)."""
    wanted = top / INTERVALS
    if wanted <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(wanted))
    return next(
        step
        for step in (m * power for m in (1, 2, 2.5, 5, 10))
        if step >= wanted * (1 - 1e-9) and (not whole or (step >= 1 and step == int(step)))
    )


def _label(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,g}"


def render(weeks: Sequence[WeekFigures]) -> str:
    """An <svg> element (no XML prologue) to put in a page as it is."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    bottom = TOP + plot_height
    members_step = axis_step(max((w.checked_in for w in weeks), default=0), whole=True)
    hours_step = axis_step(max((w.minutes / 60 for w in weeks), default=0), whole=False)

    def y(value: float, step: float) -> float:
        return bottom - value / (step * INTERVALS) * plot_height

    slot = plot_width / max(1, len(weeks))
    centres = [LEFT + (i + 0.5) * slot for i in range(len(weeks))]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}">',
        f"<title>{escape(describe(weeks), quote=False)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
    ]
    for i in range(INTERVALS + 1):
        at = y(i * members_step, members_step)
        parts += [
            f'<line x1="{LEFT}" y1="{at:.1f}" x2="{LEFT + plot_width}" y2="{at:.1f}"'
            f' stroke="{"#999" if i == 0 else "#e3e6ea"}"/>',
            f'<text x="{LEFT - 8}" y="{at + 4:.1f}" text-anchor="end" {_FONT}>'
            f"{_label(i * members_step)}</text>",
            f'<text x="{LEFT + plot_width + 8}" y="{at + 4:.1f}" {_FONT}>'
            f"{_label(i * hours_step)}</text>",
        ]
    parts += [
        f'<text transform="translate(16 {TOP + plot_height / 2:.1f}) rotate(-90)"'
        f' text-anchor="middle" {_FONT}>members</text>',
        f'<text transform="translate({WIDTH - 12} {TOP + plot_height / 2:.1f}) rotate(-90)"'
        f' text-anchor="middle" {_FONT}>hours</text>',
    ]
    for w, x in zip(weeks, centres, strict=True):
        top = y(w.checked_in, members_step)
        parts += [
            f'<rect x="{x - 0.3 * slot:.1f}" y="{top:.1f}" width="{0.6 * slot:.1f}"'
            f' height="{bottom - top:.1f}" fill="{MEMBERS_COLOR}"/>',
            f'<text x="{x:.1f}" y="{bottom + 20}" text-anchor="middle" {_FONT}>'
            f"{w.first.day} {w.first:%b}</text>",
        ]
    points = [(x, y(w.minutes / 60, hours_step)) for w, x in zip(weeks, centres, strict=True)]
    if points:
        parts.append(
            '<polyline points="'
            + " ".join(f"{x:.1f},{at:.1f}" for x, at in points)
            + f'" fill="none" stroke="{HOURS_COLOR}" stroke-width="2"/>'
        )
    parts += [
        f'<circle cx="{x:.1f}" cy="{at:.1f}" r="4" fill="{HOURS_COLOR}"/>' for x, at in points
    ]
    key = TOP - 20
    parts += [
        f'<rect x="{LEFT}" y="{key - 9}" width="18" height="10" fill="{MEMBERS_COLOR}"/>',
        f'<text x="{LEFT + 24}" y="{key}" {_FONT}>members who checked in</text>',
        f'<line x1="{LEFT + 200}" y1="{key - 4}" x2="{LEFT + 222}" y2="{key - 4}"'
        f' stroke="{HOURS_COLOR}" stroke-width="2"/>',
        f'<circle cx="{LEFT + 211}" cy="{key - 4}" r="4" fill="{HOURS_COLOR}"/>',
        f'<text x="{LEFT + 228}" y="{key}" {_FONT}>hours studied</text>',
        "</svg>",
    ]
    return "\n".join(parts)
