"""Time zones as people name them (bot/timezones.py): IANA names, cities, abbreviations and
UTC offsets, with the places at an offset depending on the season."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.timezones import (
    ABBREVIATIONS,
    COMMON_ZONES,
    MAX_CHOICES,
    WHAT_TO_TYPE,
    ZoneQuestion,
    city_of,
    city_zones,
    complete_zone,
    curated_cities,
    describe,
    fixed_zone,
    fold,
    known_zone,
    offset_label,
    parse_offset,
    parse_timezone,
    place_zones,
    resolve_zone,
)

WINTER = datetime(2026, 1, 15, 12, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 12, tzinfo=UTC)
ZONES = available_timezones()


def question(text: str, *, now: datetime = WINTER, fixed: bool = False) -> ZoneQuestion:
    with pytest.raises(ZoneQuestion) as raised:
        resolve_zone(text, now=now, fixed=fixed)
    return raised.value


def offset_at(zone: str, now: datetime) -> timedelta | None:
    return now.astimezone(ZoneInfo(zone)).utcoffset()


# --- IANA names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("EUROPE/BERLIN", "Europe/Berlin"),
        ("  Europe/Berlin ", "Europe/Berlin"),
        ("America/New York", "America/New_York"),
        ("america/new_york", "America/New_York"),
        ("America/São Paulo", "America/Sao_Paulo"),
        ("America/Argentina/Buenos Aires", "America/Argentina/Buenos_Aires"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("Etc/GMT-2", "Etc/GMT-2"),  # typed exactly, an Etc/ name is taken as it is
        # deprecated aliases give the zone that replaced them
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("US/Eastern", "America/New_York"),
        # a zone that tzdata links to another but that is still a place keeps its name
        ("Europe/Amsterdam", "Europe/Amsterdam"),
    ],
)
def test_iana_names_in_any_case(text: str, expected: str) -> None:
    assert resolve_zone(text, now=WINTER) == expected
    assert resolve_zone(text, now=SUMMER, fixed=True) == expected


def test_parse_timezone_takes_exact_names_only() -> None:
    assert parse_timezone("europe/berlin") == "Europe/Berlin"
    with pytest.raises(ValueError, match="Did you mean Europe/Berlin"):
        parse_timezone("Europe/Berln")
    with pytest.raises(ValueError, match="Unknown time zone 'berlin'"):
        parse_timezone("berlin")


# --- cities --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("NEW YORK", "America/New_York"),
        ("newyork", "America/New_York"),
        ("new_york", "America/New_York"),
        ("sao paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),
        ("st. john's", "America/St_Johns"),
        ("Ho Chi Minh City", "Asia/Ho_Chi_Minh"),
        ("saigon", "Asia/Ho_Chi_Minh"),
        ("Mumbai", "Asia/Kolkata"),
        ("bombay", "Asia/Kolkata"),
        ("Delhi", "Asia/Kolkata"),
        ("New Delhi", "Asia/Kolkata"),
        ("Bangalore", "Asia/Kolkata"),
        ("Bengaluru", "Asia/Kolkata"),
        ("Chennai", "Asia/Kolkata"),
        ("Hyderabad", "Asia/Kolkata"),
        ("calcutta", "Asia/Kolkata"),
        ("Kolkata", "Asia/Kolkata"),
        ("Beijing", "Asia/Shanghai"),
        ("Munich", "Europe/Berlin"),
        ("München", "Europe/Berlin"),
        ("Hamburg", "Europe/Berlin"),
        ("Frankfurt", "Europe/Berlin"),
        ("San Francisco", "America/Los_Angeles"),
        ("Seattle", "America/Los_Angeles"),
        ("Boston", "America/New_York"),
        ("Washington", "America/New_York"),
        ("Miami", "America/New_York"),
        ("Atlanta", "America/New_York"),
        ("Philadelphia", "America/New_York"),
        ("Austin", "America/Chicago"),
        ("Dallas", "America/Chicago"),
        ("Houston", "America/Chicago"),
        ("Osaka", "Asia/Tokyo"),
        ("Milan", "Europe/Rome"),
        ("Barcelona", "Europe/Madrid"),
        ("Melbourne", "Australia/Melbourne"),
        ("Lagos", "Africa/Lagos"),
        ("Cairo", "Africa/Cairo"),
        ("kiev", "Europe/Kyiv"),
        ("Kyiv", "Europe/Kyiv"),
        ("Łódź", "Europe/Warsaw"),
        ("lodz", "Europe/Warsaw"),
        ("xi'an", "Asia/Shanghai"),
    ],
)
def test_a_city_alone_names_its_zone(text: str, expected: str) -> None:
    assert resolve_zone(text, now=WINTER) == expected


@pytest.mark.parametrize(
    ("text", "zones"),
    [
        ("portland", ("America/Los_Angeles", "America/New_York")),
        ("Cambridge", ("Europe/London", "America/New_York")),
        ("san jose", ("America/Los_Angeles", "America/Costa_Rica")),
        ("San Juan", ("America/Puerto_Rico", "America/Argentina/San_Juan")),
    ],
)
def test_a_city_in_several_zones_asks_which(text: str, zones: tuple[str, ...]) -> None:
    asked = question(text)
    assert asked.choices == zones
    assert asked.message == (
        f"{text!r} is a city in more than one time zone. Pick yours: {zones[0]} or {zones[1]}."
    )


def test_city_names_fold_case_accents_spaces_and_punctuation() -> None:
    assert fold("São Paulo") == fold("sao_paulo") == fold("SaoPaulo") == "saopaulo"
    assert fold("Łódź") == "lodz" and fold("St. John's") == "stjohns"
    assert city_of("America/Argentina/Buenos_Aires") == "Buenos Aires"


def test_cities_come_from_place_zones_only() -> None:
    places = place_zones()
    assert "Asia/Kolkata" in places and "Europe/Kyiv" in places and "Europe/Amsterdam" in places
    assert not any(z.startswith(("Etc/", "US/", "SystemV/")) for z in places)
    assert "Asia/Calcutta" not in places and "Europe/Kiev" not in places
    assert city_zones("eastern") == ()  # US/Eastern is no city


# --- the curated table ---------------------------------------------------------------------


def _raw_table() -> dict[str, Any]:
    text = resources.files("bot").joinpath("data/cities.json").read_text(encoding="utf-8")

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"duplicate keys: {keys}"
        return dict(pairs)

    table: dict[str, Any] = json.loads(text, object_pairs_hook=no_duplicates)
    return table


def test_the_table_says_where_it_comes_from() -> None:
    table = _raw_table()
    assert "compiled for studybot from general knowledge" in table["source"].lower()
    assert set(table) == {"source", "cities", "zones_by_population"}


def test_every_city_in_the_table_has_valid_place_zones() -> None:
    cities = curated_cities()
    assert len(cities) >= 150
    for name, zones in cities.items():
        assert zones and len(set(zones)) == len(zones), name
        assert all(z in ZONES and z in place_zones() for z in zones), (name, zones)


def test_city_names_in_the_table_are_written_once_and_cleanly() -> None:
    names = list(curated_cities())
    assert all(n == " ".join(n.split()) and n[:1].isupper() for n in names)
    folded = [fold(n) for n in names]
    assert len(folded) == len(set(folded)), "two names fold to the same city"
    assert all(folded)


def test_the_table_adds_only_what_zone_names_do_not_say() -> None:
    """A city already named by its zone (Berlin, Tokyo) needs no entry."""
    by_zone_city = {fold(city_of(z)): z for z in place_zones()}
    for name, zones in curated_cities().items():
        assert by_zone_city.get(fold(name)) not in zones or len(zones) > 1, name


def test_the_population_ranking_lists_place_zones_once() -> None:
    ranked = _raw_table()["zones_by_population"]
    assert len(ranked) == len(set(ranked))
    assert all(z in place_zones() for z in ranked)


# --- abbreviations -------------------------------------------------------------------------


@pytest.mark.parametrize("abbreviation", sorted(ABBREVIATIONS))
def test_every_abbreviation_asks_for_valid_city_zones(abbreviation: str) -> None:
    asked = question(abbreviation)
    assert asked.choices == ABBREVIATIONS[abbreviation].zones
    assert 1 <= len(asked.choices) <= MAX_CHOICES
    assert all(z in ZONES and (z in place_zones() or z == "UTC") for z in asked.choices)
    assert asked.message.startswith(f"{abbreviation!r} is not a place: pick the city zone")
    assert asked.message.endswith(", or your city.")
    assert question(abbreviation.lower()).choices == asked.choices
    assert city_zones(abbreviation) == ()  # no city is called like an abbreviation


def test_cet_explains_daylight_saving() -> None:
    asked = question("CET")
    assert asked.message.startswith(
        "'CET' is not a place: pick the city zone you live in, which also follows daylight "
        "saving (CEST in summer): Europe/Berlin, Europe/Paris, Europe/Madrid, Europe/Rome, "
        "Europe/Warsaw"
    )
    assert asked.choices[:3] == ("Europe/Berlin", "Europe/Paris", "Europe/Madrid")


@pytest.mark.parametrize(
    ("abbreviation", "zones", "said"),
    [
        ("IST", ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"), "Irish"),
        ("CST", ("America/Chicago", "Asia/Shanghai"), "China"),
        ("PST", ("America/Los_Angeles", "Asia/Manila"), "Philippine"),
        ("GMT", ("Europe/London", "UTC"), "UTC never changes"),
        ("EST", ("America/New_York",), "EDT in summer"),
        ("AEST", ("Australia/Sydney",), "southern summer"),
    ],
)
def test_abbreviations_with_more_than_one_meaning_say_so(
    abbreviation: str, zones: tuple[str, ...], said: str
) -> None:
    asked = question(abbreviation)
    assert asked.choices[0] == zones[0] and set(zones) <= set(asked.choices)
    assert said in asked.message


# --- offsets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hours", "minutes"),
    [
        ("UTC+2", 2, 0),
        ("UTC +2", 2, 0),
        ("utc + 2", 2, 0),
        ("GMT+1", 1, 0),
        ("GMT-3", -3, 0),
        ("+05:30", 5, 30),
        ("-0300", -3, 0),
        ("UTC+5:30", 5, 30),
        ("utc+02:00", 2, 0),
        ("UTC−5", -5, 0),  # a typographic minus
        ("+0545", 5, 45),
        ("-9:30", -9, -30),
        ("+0", 0, 0),
    ],
)
def test_offsets_as_people_write_them(text: str, hours: int, minutes: int) -> None:
    assert parse_offset(text) == timedelta(hours=hours, minutes=minutes)


@pytest.mark.parametrize("text", ["UTC", "GMT", "2", "UTC2", "+5:75", "Europe/Berlin", "+-2"])
def test_what_is_no_offset(text: str) -> None:
    assert parse_offset(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UTC+2", "Etc/GMT-2"),
        ("GMT+1", "Etc/GMT-1"),
        ("UTC-3", "Etc/GMT+3"),
        ("-0500", "Etc/GMT+5"),
        ("+14", "Etc/GMT-14"),
        ("UTC-12", "Etc/GMT+12"),
        ("UTC+0", "UTC"),
        ("GMT-0", "UTC"),
    ],
)
def test_a_fixed_offset_is_the_etc_zone_with_the_posix_sign(text: str, expected: str) -> None:
    assert resolve_zone(text, now=WINTER, fixed=True) == expected


def test_gmt_plus_one_is_never_etc_gmt_plus_one() -> None:
    """Etc/GMT+1 is an hour *behind* UTC: the bug this module replaces."""
    zone = resolve_zone("GMT+1", now=WINTER, fixed=True)
    assert zone != "Etc/GMT+1"
    assert offset_at(zone, WINTER) == timedelta(hours=1)
    assert "Etc/GMT+1" not in question("GMT+1").choices


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("Etc/GMT-2", "Etc/GMT-2 (UTC+2 all year)"),
        ("Etc/GMT+3", "Etc/GMT+3 (UTC-3 all year)"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("UTC", "UTC"),
    ],
)
def test_a_fixed_zone_is_shown_with_the_offset_it_means(zone: str, shown: str) -> None:
    assert describe(zone) == shown


@given(st.integers(-12, 14))
def test_every_fixed_zone_keeps_its_offset_all_year(hours: int) -> None:
    offset = timedelta(hours=hours)
    zone = resolve_zone(offset_label(offset), now=WINTER, fixed=True)
    assert zone == fixed_zone(offset)
    assert offset_at(zone, WINTER) == offset_at(zone, SUMMER) == offset


def test_utc_plus_two_is_berlin_in_summer_and_not_in_winter() -> None:
    summer = question("UTC+2", now=SUMMER)
    winter = question("UTC+2", now=WINTER)
    assert "Europe/Berlin" in summer.choices and "Europe/Berlin" not in winter.choices
    assert {"Africa/Cairo", "Europe/Kyiv", "Europe/Athens"} <= set(winter.choices)
    assert "Europe/Kyiv" not in summer.choices  # UTC+3 in summer
    assert summer.message == (
        "'UTC+2' is an offset, not a place, and most places change theirs for daylight saving. "
        "Pick the city zone you live in, which follows it for you (these are at UTC+2 now): "
        + ", ".join(summer.choices[:-1])
        + f" or {summer.choices[-1]}. Or add fixed:yes to keep UTC+2 all year."
    )


@pytest.mark.parametrize("now", [WINTER, SUMMER])
@pytest.mark.parametrize(
    "text", ["UTC+1", "UTC+2", "UTC-5", "GMT-3", "+05:30", "UTC+9", "UTC+10", "+0545", "UTC+0"]
)
def test_the_places_offered_for_an_offset_are_at_it_now(text: str, now: datetime) -> None:
    asked = question(text, now=now)
    offset = parse_offset(text)
    assert asked.choices and len(asked.choices) <= MAX_CHOICES
    assert all(offset_at(z, now) == offset for z in asked.choices)
    assert all(z in place_zones() for z in asked.choices)


def test_an_offset_of_no_whole_hours_has_no_fixed_zone() -> None:
    asked = question("UTC+5:30", fixed=True)
    assert asked.choices == ("Asia/Kolkata", "Asia/Colombo")
    assert "no zone keeps an offset that is not a whole number of hours" in asked.message
    assert "fixed:yes" not in question("UTC+5:30").message


def test_a_rare_offset_still_finds_its_place() -> None:
    assert question("UTC+8:45").choices == ("Australia/Eucla",)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("UTC+15", "'UTC+15' is UTC+15, which no place uses: offsets run from UTC-12 to UTC+14."),
        ("UTC-12", "no place has that offset now. Add fixed:yes to keep UTC-12 all year"),
    ],
)
def test_offsets_no_place_has(text: str, said: str) -> None:
    asked = question(text)
    assert said in asked.message and asked.choices == ()


# --- everything else -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        ("Europe/Berln", "Europe/Berlin"),
        ("berln", "Europe/Berlin"),
        ("Amrica/New_Yrok", "America/New_York"),
        ("Sao Paolo", "America/Sao_Paulo"),
        ("mumbay", "Asia/Kolkata"),
        ("tokio", "Asia/Tokyo"),
    ],
)
def test_a_near_miss_suggests_the_zone(text: str, suggested: str) -> None:
    asked = question(text)
    assert asked.choices[0] == suggested
    assert f"Did you mean {suggested}" in asked.message
    assert asked.message.startswith(f"Unknown time zone {text!r}.")
    assert asked.message.endswith(WHAT_TO_TYPE)


@pytest.mark.parametrize("text", ["Mars/Olympus", "qwertyuiop", "", "   "])
def test_nothing_like_a_zone_says_what_to_type(text: str) -> None:
    asked = question(text)
    assert asked.choices == () and asked.message.endswith(WHAT_TO_TYPE)


def test_the_quoted_value_is_cut_short() -> None:
    assert len(question("x" * 5000).message) < 200


@given(st.text(max_size=40), st.booleans(), st.sampled_from([WINTER, SUMMER]))
def test_any_text_is_a_zone_or_a_question_with_valid_choices(
    text: str, fixed: bool, now: datetime
) -> None:
    try:
        zone = resolve_zone(text, now=now, fixed=fixed)
    except ZoneQuestion as asked:
        assert asked.message and len(asked.choices) <= MAX_CHOICES
        assert all(z in ZONES for z in asked.choices)
    else:
        assert zone in ZONES


# --- completing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "zone", "label"),
    [
        ("berl", "Europe/Berlin", "Europe/Berlin"),
        ("Europe/Be", "Europe/Berlin", "Europe/Berlin"),
        ("mumb", "Asia/Kolkata", "Asia/Kolkata (Mumbai)"),
        ("new y", "America/New_York", "America/New_York"),
        ("sao", "America/Sao_Paulo", "America/Sao_Paulo"),
        ("munich", "Europe/Berlin", "Europe/Berlin (Munich)"),
        ("cet", "Europe/Berlin", "Europe/Berlin"),
    ],
)
def test_completion_finds_cities_and_names(typed: str, zone: str, label: str) -> None:
    found = complete_zone(typed)
    assert (label, zone) in found
    assert len({z for _, z in found}) == len(found)


def test_completion_offers_common_zones_before_typing_and_keeps_to_the_limit() -> None:
    assert [z for _, z in complete_zone("")] == list(COMMON_ZONES)
    assert len(complete_zone("a", limit=10)) == 10
    assert all(z in ZONES for z in COMMON_ZONES)


# --- zones other systems report (Slack's users.info tz) -------------------------------------


@pytest.mark.parametrize(
    ("reported", "stored"),
    [
        ("America/Los_Angeles", "America/Los_Angeles"),
        ("UTC", "UTC"),
        ("US/Pacific", "America/Los_Angeles"),  # a deprecated alias: the zone that replaced it
    ],
)
def test_a_known_zone_is_kept(reported: str, stored: str) -> None:
    assert known_zone(reported) == stored


@pytest.mark.parametrize(
    "reported", ["Mars/Olympus_Mons", "", "localtime", "../../etc/passwd", "Europe/" + "x" * 80]
)
def test_an_unknown_zone_is_ignored(reported: str) -> None:
    assert known_zone(reported) is None
