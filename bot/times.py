"""Times of day and daily ranges the way students type them: 19:00, 7pm, 7:30 PM, 6-9pm, noon.

Pure functions, no clock and no I/O. A refusal is a `ValueError` whose message is a whole
sentence that starts with the quoted value and says what to type instead (the converters put
the option's name in front). A bare `7` could be morning or evening: it raises `TimeQuestion`,
which carries the readings to offer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from itertools import product

SHOWN = 40  # characters of a refused value quoted back
TIME_FORMS = "use 19:00 or 7pm"
RANGE_FORMS = "use 18:00-21:00 or 6pm-9pm"
EMPTY_WINDOW = "A study window needs a start and an end that differ."

_WORDS = {"noon": time(12), "midday": time(12), "midnight": time(0)}
# One time: an hour, optional minutes after ':', '.' or 'h' (19h30), optional am/pm; or four
# (three) digits run together, 24-hour (1900, 0930, 930), optionally with am/pm (730pm).
_CLOCK = re.compile(
    r"(?P<hour>[0-9]{1,2})(?:[:.h](?P<minute>[0-9]{2}))?h?"
    r"|(?P<packed_hour>[0-9]{1,2})(?P<packed_minute>[0-9]{2})"
)
_HALF = re.compile(r"\s*(?P<half>[ap])\.?(?:m\.?)?$")
# Between the two ends of a range: a dash (ASCII, en, em), "to", "until" or "till".
_RANGE_SEPARATOR = re.compile(r"\s*(?:-|–|—|\bto\b|\buntil\b|\btill\b)\s*", re.IGNORECASE)
_FROM = re.compile(r"^from\s+", re.IGNORECASE)


class TimeQuestion(ValueError):
    """Text with more than one reading (`7`: 07:00 or 19:00); `choices` are the readings."""

    def __init__(self, message: str, choices: tuple[str, ...]) -> None:
        super().__init__(message)
        self.message = message
        self.choices = choices


class EmptyWindow(ValueError):
    """A range whose start and end are the same time."""


@dataclass(frozen=True)
class _Reading:
    """One typed time before am/pm is settled."""

    hour: int
    minute: int
    half: str | None  # "a" or "p" when written, else None
    written: str  # as typed, trimmed and lower-cased
    twelve_hour: bool  # without am/pm it could still be a 12-hour time (1 to 12, no leading 0)
    bare: bool  # an hour alone, 1 to 11, no am/pm: morning or evening?

    def at(self, half: str | None) -> time:
        """The time with this half of the day (None: as written, 24-hour)."""
        if half is None:
            return time(self.hour, self.minute)
        return time(self.hour % 12 + (12 if half == "p" else 0), self.minute)

    def settled(self) -> time | None:
        """The time when the text alone decides it."""
        return None if self.bare else self.at(self.half)


def _quoted(text: str) -> str:
    return repr(text.strip()[:SHOWN])


def _read(text: str) -> _Reading | None:
    """The parts of one typed time, or None when it is not one."""
    written = " ".join(text.strip().lower().split())
    if written in _WORDS:
        word = _WORDS[written]
        return _Reading(word.hour, word.minute, None, written, False, False)
    clock, half = written, None
    suffix = _HALF.search(written)
    if suffix is not None:
        clock, half = written[: suffix.start()], suffix.group("half")
    m = _CLOCK.fullmatch(clock)
    if m is None:
        return None
    digits = m.group("hour") or m.group("packed_hour")
    hour = int(digits)
    minute = int(m.group("minute") or m.group("packed_minute") or 0)
    if minute > 59:
        return None
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        return _Reading(hour, minute, half, written, True, False)
    if hour > 23:
        return None
    twelve = 1 <= hour <= 12 and not digits.startswith("0")
    bare = twelve and hour != 12 and m.group("hour") is not None and m.group("minute") is None
    return _Reading(hour, minute, None, written, twelve, bare)


def _twelve_hour(t: time) -> str:
    """7pm, 7:30am, 12pm: how to write a time so that it has one reading."""
    hour = t.hour % 12 or 12
    minutes = f":{t.minute:02d}" if t.minute else ""
    return f"{hour}{minutes}{'am' if t.hour < 12 else 'pm'}"


def parse_time(text: str) -> time:
    """`19:00`, `9:05`, `19.00`, `1900`, `19`, `7pm`, `7:30 PM`, `12am`, `noon`, `midnight`."""
    reading = _read(text)
    if reading is None:
        raise ValueError(f"{_quoted(text)} is not a time; {TIME_FORMS}.")
    settled = reading.settled()
    if settled is not None:
        return settled
    morning, evening = reading.at("a"), reading.at("p")
    raise TimeQuestion(
        f"{_quoted(text)} has no am or pm. Did you mean {morning:%H:%M} or "
        f"{evening:%H:%M}? Write {_twelve_hour(morning)} or {_twelve_hour(evening)}.",
        (f"{morning:%H:%M}", f"{evening:%H:%M}"),
    )


def _length(start: time, end: time) -> int:
    """Minutes from start to end, across midnight if need be; 0 when they are the same."""
    return (end.hour * 60 + end.minute - start.hour * 60 - start.minute) % (24 * 60)


def _halves(reading: _Reading, other: _Reading) -> tuple[str | None, ...]:
    """The halves of the day one end of a range may be in, given the other end."""
    if reading.half is not None:
        return (reading.half,)
    if reading.twelve_hour and other.half is not None:
        return ("a", "p")  # 6-9pm: the end's am/pm decides the start too (shortest window)
    if reading.bare and other.bare:
        return ("a", "p")  # 6-9: morning or evening, asked below
    return (None,)  # 24-hour, or a bare hour beside a 24-hour end (9-17)


def parse_time_range(text: str) -> tuple[time, time]:
    """Two times with a dash, "to" or "until" between them; the end may be past midnight.

    An end without am/pm takes the other end's (`6-9pm` is 18:00-21:00) whichever gives the
    shorter window (`11-1pm` is 11:00-13:00). Two bare hours (`6-9`) raise `TimeQuestion`.
    """
    parts = _RANGE_SEPARATOR.split(_FROM.sub("", text.strip()))
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"{_quoted(text)} is not a time range; {RANGE_FORMS}.")
    start, end = _read(parts[0]), _read(parts[1])
    for part, reading in zip(parts, (start, end), strict=True):
        if reading is None:
            raise ValueError(
                f"{_quoted(text)} is not a time range: {_quoted(part)} is not a time; "
                f"{RANGE_FORMS}."
            )
    assert start is not None and end is not None
    if start.bare and end.bare and start.hour == end.hour:
        raise EmptyWindow(EMPTY_WINDOW)
    readings = [
        (start.at(a), end.at(b))
        for a, b in product(_halves(start, end), _halves(end, start))
        if start.at(a) != end.at(b)
    ]
    readings.sort(key=lambda pair: _length(*pair))  # stable: mornings before evenings
    if not readings:
        raise EmptyWindow(EMPTY_WINDOW)
    if start.bare and end.bare:
        first, second = readings[0], readings[1]
        raise TimeQuestion(
            f"{_quoted(text)} has no am or pm. Did you mean "
            f"{first[0]:%H:%M}-{first[1]:%H:%M} or {second[0]:%H:%M}-{second[1]:%H:%M}? "
            f"Write {_twelve_hour(first[0])}-{_twelve_hour(first[1])} or "
            f"{_twelve_hour(second[0])}-{_twelve_hour(second[1])}.",
            tuple(f"{s:%H:%M}-{e:%H:%M}" for s, e in (first, second)),
        )
    return readings[0]
