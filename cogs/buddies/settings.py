"""The buddy-matching settings a community's organizers choose, and the cadence they make."""

from __future__ import annotations

from datetime import time

from bot.community import PAIRING_CHANNEL, TIMEZONE, CommunityValues, Setting
from bot.localtime import zone
from bot.matching.round import GROUP_SIZES, Cadence, describe_cadence
from bot.text import WEEKDAYS, plural
from cogs.buddies.texts import group_size_rule

ROUND_DAY = Setting.weekday(
    "buddy_day", "monday", "weekday buddy rounds start on", "/admin buddies day:monday"
)
ROUND_TIME = Setting.time_of_day(
    "buddy_time", time(10), "time buddy rounds start, community time", "/admin buddies time:10:00"
)
EVERY_WEEKS = Setting.integer(
    "buddy_every_weeks",
    1,
    "weeks between buddy rounds",
    "/admin buddies every:2",
    show=lambda n: f"every {n} week(s)",
)
GROUP_SIZE = Setting.integer(
    "buddy_group_size", 2, "buddy group size: 2 pairs, 3 trios", "/admin buddies size:3"
)
REPEAT_WINDOW = Setting.integer(
    "buddy_repeat_window",
    6,
    "rounds before two buddies may be paired again",
    "/admin buddies repeat:6",
)
SILENCE = Setting.text(
    "buddy_silence",
    "out",
    'whether a member silent after "Still in?" sits the round out or is in',
    "/admin buddies silence:in",
)
SILENCE_CHOICES = ("out", "in")
STILLIN_HOURS = Setting.integer(
    "buddy_stillin_hours",
    24,
    'hours before a round silent members are asked "Still in?"',
    "/admin buddies ask:48",
)
MAX_STILLIN_HOURS = 72
QUIET_DAYS = 3  # days without a word before /buddy rematch moves on from a buddy
SETTINGS = (
    ROUND_DAY,
    ROUND_TIME,
    EVERY_WEEKS,
    GROUP_SIZE,
    REPEAT_WINDOW,
    PAIRING_CHANNEL,
    SILENCE,
    STILLIN_HOURS,
)
GROUP_SIZE_CHOICES = tuple(str(size) for size in GROUP_SIZES)
MAX_EVERY_WEEKS = 8
MAX_REPEAT_WINDOW = 52


def cadence_of(values: CommunityValues) -> Cadence:
    return Cadence(
        weekday=WEEKDAYS.index(values[ROUND_DAY]),
        at=values[ROUND_TIME],
        every_weeks=values[EVERY_WEEKS],
        zone=zone(values[TIMEZONE]),
    )


def describe(values: CommunityValues) -> str:
    """The settings as `/admin buddies` shows them."""
    return (
        f"Rounds: {describe_cadence(cadence_of(values))}\n"
        f"Group size: {values[GROUP_SIZE]} ({group_size_rule(values[GROUP_SIZE])})\n"
        f"No repeat partners within: {plural(values[REPEAT_WINDOW], 'round')}\n"
        f"Rooms: {PAIRING_CHANNEL.display(values[PAIRING_CHANNEL])}\n"
        f'"Still in?" asked {plural(values[STILLIN_HOURS], "hour")} before a round of members '
        f"silent since the last one; silence means {values[SILENCE]}"
    )
