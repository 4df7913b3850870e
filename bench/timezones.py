"""Time zone and time parsing benchmark: how long one lookup takes, by kind of input.

    python -m bench.timezones
    python -m bench.timezones --repeat 5000

Builds the tables once (the first lookup, timed on its own), then times each input many times
and prints the mean per lookup. Target: every kind well under a millisecond, so a converter
never slows a command down, near misses (difflib) included.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime

from bot.times import parse_time, parse_time_range
from bot.timezones import complete_zone, resolve_zone

NOW = datetime(2026, 7, 15, 12, tzinfo=UTC)
ZONE_INPUTS = (
    ("IANA name", "Europe/Berlin"),
    ("IANA name, any case", "america/new york"),
    ("city", "berlin"),
    ("curated city", "Mumbai"),
    ("city in two zones", "portland"),
    ("abbreviation", "CET"),
    ("offset", "UTC+2"),
    ("offset, fixed", "UTC+2 fixed"),
    ("near miss", "Europe/Berln"),
    ("near miss, city", "Amrica/New_Yrok"),
    ("nothing like a zone", "qwertyuiop"),
)


def _zone(text: str) -> Callable[[], object]:
    fixed = text.endswith(" fixed")
    value = text.removesuffix(" fixed")

    def lookup() -> object:
        try:
            return resolve_zone(value, now=NOW, fixed=fixed)
        except ValueError as asked:
            return asked

    return lookup


def _mean_microseconds(call: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        call()
    return (time.perf_counter() - start) / repeat * 1e6


def _quietly(parse: Callable[[str], object], text: str) -> Callable[[], object]:
    def call() -> object:
        try:
            return parse(text)
        except ValueError as refused:
            return refused

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2000)
    repeat = parser.parse_args().repeat
    start = time.perf_counter()
    _zone("berlin")()
    complete_zone("berl")
    print(f"tables built in {(time.perf_counter() - start) * 1000:,.1f} ms (once per process)")
    rows: list[tuple[str, str, Callable[[], object]]] = [
        (f"resolve_zone, {kind}", text, _zone(text)) for kind, text in ZONE_INPUTS
    ]
    rows += [("complete_zone", typed, _quietly(complete_zone, typed)) for typed in ("berl", "san")]
    rows += [("parse_time", text, _quietly(parse_time, text)) for text in ("19:00", "7:30 PM", "7")]
    rows += [("parse_time_range", text, _quietly(parse_time_range, text)) for text in ("6-9pm",)]
    for what, text, call in rows:
        print(f"{what:<36} {text!r:<20} {_mean_microseconds(call, repeat):8.1f} µs")


if __name__ == "__main__":
    main()
