"""Time zones as people name them: `Europe/Berlin`, `berlin`, `Mumbai`, `CET`, `UTC+2`.

`resolve_zone` turns what a member typed into one IANA zone name, or raises `ZoneQuestion`: a
whole sentence saying why the text names no single zone, ending in what to type, and the
zones to offer (best first). Pure: the caller passes `now`, because which places are at an
offset like UTC+2 depends on the season. The tables are built once per process.

Where the names come from:
- IANA names, exactly, in any case, with spaces for underscores;
- cities: the city part of every place zone in tzdata's `zone.tab` and `zone1970.tab` (so no
  deprecated alias like Asia/Calcutta, and no Etc/, US/ or SystemV/ names), plus
  `bot/data/cities.json`, populous cities that no zone is named after (Mumbai, Munich);
- abbreviations (CET, EST, IST) and UTC offsets, which are not places: a city zone follows its
  daylight saving, an abbreviation or an offset does not, so both get a question.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from zoneinfo import available_timezones

from bot.localtime import ZoneSource, member_zone
from bot.localtime import zone as load_zone

MAX_CHOICES = 8
SHOWN = 60  # characters of a refused value quoted back
MAX_ZONE_NAME = 64  # the longest IANA name has 32 characters
WHAT_TO_TYPE = "Use a city like Berlin, or an IANA name like Europe/Berlin."
FIXED_HINT = "fixed:yes"
# Offered before the member has typed anything: where most students are.
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Warsaw",
    "Europe/Kyiv",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)
# Names outside zone.tab that are still places, should tzdata's tables be missing.
_NOT_PLACES = ("Etc/", "US/", "SystemV/", "Canada/", "Mexico/", "Brazil/", "Chile/")


class ZoneQuestion(ValueError):
    """Text that names no single zone: what to tell the member, and the zones to offer."""

    def __init__(self, message: str, choices: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.choices = tuple(dict.fromkeys(choices))[:MAX_CHOICES]


@dataclass(frozen=True)
class Abbreviation:
    """The main zones that use an abbreviation, and what it turns into for daylight saving."""

    zones: tuple[str, ...]
    season: str = ""  # "CEST in summer": the abbreviation the same places use half the year
    note: str = ""  # another meaning of the same letters


def _abbreviation(zones: str, season: str = "", note: str = "") -> Abbreviation:
    return Abbreviation(tuple(zones.split()), season, note)


_EASTERN = "America/New_York America/Toronto America/Detroit America/Indiana/Indianapolis"
_CENTRAL = "America/Chicago America/Winnipeg"
_PACIFIC = "America/Los_Angeles America/Vancouver America/Tijuana"
_CET = (
    "Europe/Berlin Europe/Paris Europe/Madrid Europe/Rome Europe/Warsaw Europe/Amsterdam "
    "Europe/Brussels Europe/Vienna"
)
_EET = (
    "Europe/Kyiv Europe/Athens Europe/Bucharest Africa/Cairo Europe/Helsinki Europe/Sofia "
    "Europe/Riga Europe/Vilnius"
)
_AUSTRALIA_EAST = "Australia/Sydney Australia/Melbourne Australia/Hobart"
ABBREVIATIONS: Mapping[str, Abbreviation] = {
    "EST": _abbreviation(
        f"{_EASTERN} America/Panama America/Jamaica America/Cancun", "EDT in summer"
    ),
    "EDT": _abbreviation(_EASTERN, "EST in winter"),
    "CST": _abbreviation(
        "America/Chicago Asia/Shanghai America/Mexico_City America/Winnipeg Asia/Taipei "
        "America/Regina America/Guatemala America/Havana",
        "CDT in summer",
        "CST is also China Standard Time (Asia/Shanghai) and Cuba's (America/Havana).",
    ),
    "CDT": _abbreviation(f"{_CENTRAL} America/Havana", "CST in winter"),
    "MST": _abbreviation(
        "America/Denver America/Phoenix America/Edmonton America/Boise America/Hermosillo",
        "MDT in summer, except in Arizona",
    ),
    "MDT": _abbreviation("America/Denver America/Edmonton America/Boise", "MST in winter"),
    "PST": _abbreviation(
        f"{_PACIFIC} Asia/Manila",
        "PDT in summer",
        "PST is also Philippine Standard Time (Asia/Manila).",
    ),
    "PDT": _abbreviation(_PACIFIC, "PST in winter"),
    "AKST": _abbreviation("America/Anchorage America/Juneau", "AKDT in summer"),
    "AKDT": _abbreviation("America/Anchorage America/Juneau", "AKST in winter"),
    "HST": _abbreviation("Pacific/Honolulu"),
    "AST": _abbreviation(
        "America/Halifax Asia/Riyadh America/Puerto_Rico America/Santo_Domingo Asia/Baghdad",
        "ADT in summer, in Canada",
        "AST is also Arabia Standard Time (Asia/Riyadh).",
    ),
    "ADT": _abbreviation("America/Halifax", "AST in winter"),
    "NST": _abbreviation("America/St_Johns", "NDT in summer"),
    "NDT": _abbreviation("America/St_Johns", "NST in winter"),
    "GMT": _abbreviation(
        "Europe/London UTC Europe/Dublin Africa/Accra Africa/Abidjan Atlantic/Reykjavik",
        note="Europe/London changes to BST in summer; UTC never changes.",
    ),
    "BST": _abbreviation(
        "Europe/London Asia/Dhaka",
        "GMT in winter",
        "BST is also Bangladesh Standard Time (Asia/Dhaka).",
    ),
    "IST": _abbreviation(
        "Asia/Kolkata Europe/Dublin Asia/Jerusalem",
        note="IST means India Standard Time, but also Irish Standard Time (Europe/Dublin) "
        "and Israel Standard Time (Asia/Jerusalem).",
    ),
    "WET": _abbreviation(
        "Europe/Lisbon Atlantic/Canary Atlantic/Madeira Atlantic/Faroe", "WEST in summer"
    ),
    "WEST": _abbreviation(
        "Europe/Lisbon Atlantic/Canary Atlantic/Madeira Atlantic/Faroe", "WET in winter"
    ),
    "CET": _abbreviation(_CET, "CEST in summer"),
    "CEST": _abbreviation(_CET, "CET in winter"),
    "MEZ": _abbreviation(_CET, "MESZ in summer"),
    "MESZ": _abbreviation(_CET, "MEZ in winter"),
    "EET": _abbreviation(_EET, "EEST in summer"),
    "EEST": _abbreviation(_EET, "EET in winter"),
    "MSK": _abbreviation("Europe/Moscow Europe/Minsk Europe/Simferopol"),
    "TRT": _abbreviation("Europe/Istanbul"),
    "GST": _abbreviation("Asia/Dubai Asia/Muscat"),
    "PKT": _abbreviation("Asia/Karachi"),
    "NPT": _abbreviation("Asia/Kathmandu"),
    "ICT": _abbreviation("Asia/Bangkok Asia/Ho_Chi_Minh Asia/Phnom_Penh Asia/Vientiane"),
    "WIB": _abbreviation("Asia/Jakarta Asia/Pontianak"),
    "SGT": _abbreviation("Asia/Singapore"),
    "MYT": _abbreviation("Asia/Kuala_Lumpur Asia/Kuching"),
    "PHT": _abbreviation("Asia/Manila"),
    "HKT": _abbreviation("Asia/Hong_Kong"),
    "JST": _abbreviation("Asia/Tokyo"),
    "KST": _abbreviation("Asia/Seoul"),
    "AEST": _abbreviation(
        f"{_AUSTRALIA_EAST} Australia/Brisbane", "AEDT in the southern summer, except Queensland"
    ),
    "AEDT": _abbreviation(_AUSTRALIA_EAST, "AEST in the southern winter"),
    "ACST": _abbreviation(
        "Australia/Adelaide Australia/Darwin", "ACDT in the southern summer, in Adelaide"
    ),
    "ACDT": _abbreviation("Australia/Adelaide", "ACST in the southern winter"),
    "AWST": _abbreviation("Australia/Perth"),
    "NZST": _abbreviation("Pacific/Auckland", "NZDT in the southern summer"),
    "NZDT": _abbreviation("Pacific/Auckland", "NZST in the southern winter"),
    "WAT": _abbreviation("Africa/Lagos Africa/Kinshasa Africa/Luanda Africa/Douala"),
    "CAT": _abbreviation(
        "Africa/Maputo Africa/Harare Africa/Lusaka Africa/Lubumbashi Africa/Windhoek"
    ),
    "SAST": _abbreviation("Africa/Johannesburg"),
    "EAT": _abbreviation("Africa/Nairobi Africa/Addis_Ababa Africa/Dar_es_Salaam Africa/Kampala"),
    "BRT": _abbreviation(
        "America/Sao_Paulo America/Fortaleza America/Recife America/Bahia America/Belem"
    ),
    "ART": _abbreviation("America/Argentina/Buenos_Aires America/Argentina/Cordoba"),
    "CLT": _abbreviation("America/Santiago", "CLST in the southern summer"),
    "COT": _abbreviation("America/Bogota"),
    "PET": _abbreviation("America/Lima"),
    "VET": _abbreviation("America/Caracas"),
    "IRST": _abbreviation("Asia/Tehran"),
}

# UTC+2, UTC +2, GMT-3, +05:30, -0300, utc+02:00, UTC−5 (a typographic minus)
_OFFSET = re.compile(
    r"(?:(?:utc|gmt)\s*)?(?P<sign>[+\-−])\s*(?P<hours>[0-9]{1,2})(?::?(?P<minutes>[0-9]{2}))?",
    re.IGNORECASE,
)
_LOWEST, _HIGHEST = timedelta(hours=-12), timedelta(hours=14)  # what places on Earth use
# Letters NFKD does not take apart into a base letter and an accent.
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i", "ß": "ss"})


# --- names and tables ----------------------------------------------------------------------


def fold(text: str) -> str:
    """The form names are compared in: no case, accents, spaces or punctuation ("sao paulo",
    "São_Paulo" and "SaoPaulo" are all "saopaulo")."""
    lowered = text.casefold().translate(_LETTERS)
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c)
    )
    return "".join(c for c in plain if c.isalnum())


def city_of(zone: str) -> str:
    """The place a zone is named after, as people write it: America/New_York -> New York."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@cache
def _names() -> dict[str, str]:
    """Every IANA name with an area (and UTC), by its lower-case form."""
    return {z.lower(): z for z in available_timezones() if "/" in z or z == "UTC"}


def zone_names() -> tuple[str, ...]:
    return tuple(sorted(_names().values()))


def _tzdata_text(name: str) -> str | None:
    try:
        return resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None


@cache
def place_zones() -> frozenset[str]:
    """The zones of places, the ones cities are looked up in (no aliases, no Etc/ or US/)."""
    found: set[str] = set()
    for table in ("zone.tab", "zone1970.tab"):
        for line in (_tzdata_text(table) or "").splitlines():
            fields = line.split("\t")
            if not line.startswith("#") and len(fields) >= 3:
                found.add(fields[2].strip())
    names = set(_names().values())
    if not found:  # no tzdata tables: every area name that is not an old alias area
        found = {z for z in names if "/" in z and not z.startswith(_NOT_PLACES)}
    return frozenset(found & names)


@cache
def _aliases() -> dict[str, str]:
    """Deprecated names of places, by lower-case form, to the place zone that replaced them
    (Asia/Calcutta -> Asia/Kolkata, Europe/Kiev -> Europe/Kyiv), from tzdata's links."""
    places = place_zones()
    found: dict[str, str] = {}
    for line in (_tzdata_text("tzdata.zi") or "").splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] == "L" and fields[1] in places:
            target, alias = fields[1], fields[2]
            if alias not in places and "/" in alias and not alias.startswith("Etc/"):
                found[alias.lower()] = target
    return found


@dataclass(frozen=True)
class _Cities:
    zones: dict[str, tuple[str, ...]]  # folded city name -> its zones, likeliest first
    names: dict[str, str]  # folded city name -> the name as written, "Mumbai"


@cache
def _data() -> dict[str, object]:
    text = resources.files("bot").joinpath("data/cities.json").read_text(encoding="utf-8")
    raw: dict[str, object] = json.loads(text)
    return raw


def curated_cities() -> dict[str, tuple[str, ...]]:
    """bot/data/cities.json's cities as written, each with its zones."""
    raw = _data()["cities"]
    assert isinstance(raw, dict)
    return {
        name: (zones,) if isinstance(zones, str) else tuple(zones) for name, zones in raw.items()
    }


@cache
def _cities() -> _Cities:
    zones: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for name, listed in curated_cities().items():
        zones.setdefault(fold(name), []).extend(listed)
        names.setdefault(fold(name), name)
    for zone in sorted(place_zones()):
        key = fold(city_of(zone))
        zones.setdefault(key, []).append(zone)
        names.setdefault(key, city_of(zone))
    return _Cities({k: tuple(dict.fromkeys(v)) for k, v in zones.items()}, names)


def city_zones(text: str) -> tuple[str, ...]:
    """The zones a city is in, likeliest first; empty when no city is called that."""
    return _cities().zones.get(fold(text), ())


@cache
def _multiword_cities() -> tuple[str, ...]:
    """Folded names of cities written in more than one word ("new york", "sao paulo")."""
    cities = _cities()
    return tuple(k for k, name in cities.names.items() if len(name.split()) > 1)


def starts_a_place(text: str) -> bool:
    """Whether `text` is the start of a city written in several words ("new", "rio de"), so a
    typed line may go on after a space: `timezone:new york`."""
    key = fold(text)
    return bool(key) and any(k.startswith(key) for k in _multiword_cities())


@cache
def _ranked() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Well-known place zones, the best known first, and the other place zones by name."""
    listed = _data()["zones_by_population"]
    assert isinstance(listed, list)
    known = place_zones()
    first = tuple(str(z) for z in listed if z in known)
    return first, tuple(sorted(known - set(first)))


# --- offsets -------------------------------------------------------------------------------


def parse_offset(text: str) -> timedelta | None:
    """The UTC offset that text spells (UTC+2, -0300, +05:30), or None when it spells none."""
    m = _OFFSET.fullmatch(" ".join(text.split()))
    if m is None:
        return None
    minutes = int(m.group("minutes") or 0)
    if minutes > 59:
        return None
    size = timedelta(hours=int(m.group("hours")), minutes=minutes)
    return -size if m.group("sign") in "-−" else size


def offset_label(offset: timedelta) -> str:
    """UTC+2, UTC-3, UTC+5:30, UTC+0."""
    sign = "-" if offset < timedelta(0) else "+"
    hours, rest = divmod(int(abs(offset).total_seconds()) // 60, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def fixed_zone(offset: timedelta) -> str | None:
    """The zone that keeps this offset all year, when there is one (whole hours only).

    POSIX turns the sign round: Etc/GMT-2 is two hours *ahead* of UTC, so UTC+2 is Etc/GMT-2.
    """
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest or not _LOWEST <= offset <= _HIGHEST:
        return None
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


def describe(zone: str) -> str:
    """A zone as members should read it: Etc/GMT-2 is "Etc/GMT-2 (UTC+2 all year)"."""
    m = re.fullmatch(r"Etc/GMT([+-][0-9]{1,2})", zone)
    if m is None:
        return zone
    return f"{zone} ({offset_label(timedelta(hours=-int(m.group(1))))} all year)"


def describe_member_zone(own: str | None, platform: str | None, profile_name: str) -> str:
    """A member's zone as their profile shows it: their choice, their platform's (saying so,
    and that a choice of their own wins), or none (the community's applies)."""
    mz = member_zone(own, platform, None)
    if mz.source is ZoneSource.PROFILE:
        return describe(mz.zone.key)
    if mz.source is ZoneSource.PLATFORM:
        return (
            f"{describe(mz.zone.key)} (from the {profile_name};"
            " /profile set timezone:... overrides it)"
        )
    return "not set (community default)"


def zones_at(offset: timedelta, now: datetime) -> tuple[str, ...]:
    """Place zones whose clocks are at this UTC offset at `now`, the best known first."""
    instant = now if now.tzinfo is not None else now.replace(tzinfo=UTC)

    def at_offset(names: Iterable[str]) -> list[str]:
        return [z for z in names if instant.astimezone(load_zone(z)).utcoffset() == offset]

    known, others = _ranked()
    found = at_offset(known)
    if len(found) < 3:  # a rare offset (UTC+8:45): the less known places are the answer
        found += at_offset(others)
    return tuple(found[:MAX_CHOICES])


# --- resolving -----------------------------------------------------------------------------


def _either(names: Iterable[str]) -> str:
    listed = list(names)
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " or " + listed[-1]


def _quoted(text: str) -> str:
    return repr(text[:SHOWN])


def _path_key(name: str) -> str:
    return "/".join(fold(part) for part in name.split("/"))


@cache
def _folded_names() -> dict[str, str]:
    """Area names by their folded form (america/saopaulo), Etc/ left out: it folds GMT+2 and
    GMT-2 alike. A deprecated alias stands for the zone that replaced it."""
    aliases = _aliases()
    found: dict[str, str] = {}
    for lowered, name in sorted(_names().items()):
        if "/" in name and not name.startswith("Etc/"):
            found.setdefault(_path_key(name), aliases.get(lowered, name))
    return found


def exact_zone(text: str) -> str | None:
    """The zone an IANA name stands for, in any case, with spaces for underscores, accents or
    not (America/São Paulo); a deprecated alias gives the zone that replaced it."""
    lowered = "_".join(text.split()).lower()
    found = _aliases().get(lowered) or _names().get(lowered)
    return found or (_folded_names().get(_path_key(text)) if "/" in text else None)


def known_zone(name: str) -> str | None:
    """A zone name another system handed us (Slack's `tz`), or None if zoneinfo does not know
    it as an IANA name: an odd value is ignored rather than stored and tripped over later."""
    found = exact_zone(name) if len(name) <= MAX_ZONE_NAME else None
    if found is None:
        return None
    try:
        load_zone(found)
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return None
    return found


def _pairs(word: str) -> set[str]:
    return {word[i : i + 2] for i in range(len(word) - 1)}


class _NearMisses:
    """difflib's close matches among many words, compared only with the words that share a
    third of the typed word's letter pairs: the rest cannot come close, and skipping them
    keeps a miss well under a millisecond."""

    def __init__(self, words: Iterable[str]) -> None:
        self._by_pair: dict[str, list[str]] = {}
        for word in words:
            for pair in _pairs(word):
                self._by_pair.setdefault(pair, []).append(word)

    def find(self, word: str, n: int, cutoff: float) -> list[str]:
        pairs = _pairs(word)
        shared = Counter(w for pair in pairs for w in self._by_pair.get(pair, ()))
        need = max(1, len(pairs) // 3)
        pool = [w for w, count in shared.items() if count >= need]
        return difflib.get_close_matches(word, pool, n=n, cutoff=cutoff)


@cache
def _near_cities() -> _NearMisses:
    return _NearMisses(_cities().zones)


@cache
def _areas() -> frozenset[str]:
    return frozenset(fold(z.split("/")[0]) for z in place_zones())


def close_zones(text: str, cutoff: float = 0.7) -> tuple[str, ...]:
    """Zones whose city looks like the city typed (Europe/Berln, berln: Europe/Berlin), those
    in an area like the one typed first."""
    *area, city = text.split("/")
    cities = _cities().zones
    found = [z for key in _near_cities().find(fold(city), 4, cutoff) for z in cities[key]]
    if area:
        near = set(difflib.get_close_matches(fold(area[0]), _areas(), n=1, cutoff=cutoff))
        found.sort(key=lambda z: fold(z.split("/")[0]) not in near)  # stable: keeps the rest
    return tuple(dict.fromkeys(found))[:MAX_CHOICES]


def parse_timezone(value: str) -> str:
    """An exact IANA name, else ValueError naming close ones (for stored values and slips)."""
    found = exact_zone(value)
    if found is None:
        raise _unknown(value.strip())
    return found


def _unknown(value: str) -> ZoneQuestion:
    guesses = close_zones(value)
    hint = f" Did you mean {_either(guesses)}?" if guesses else ""
    return ZoneQuestion(f"Unknown time zone {_quoted(value)}.{hint} {WHAT_TO_TYPE}", guesses)


def _offset_zone(value: str, offset: timedelta, now: datetime, fixed: bool) -> str:
    label = offset_label(offset)
    if not _LOWEST <= offset <= _HIGHEST:
        raise ZoneQuestion(
            f"{_quoted(value)} is {label}, which no place uses: offsets run from UTC-12 to "
            f"UTC+14. {WHAT_TO_TYPE}"
        )
    constant = fixed_zone(offset)
    if fixed and constant is not None:
        return constant
    places = zones_at(offset, now)
    if fixed:  # and no fixed zone: the offset is not whole hours
        offer = (
            f"Pick the city zone you live in (these are at {label} now): {_either(places)}."
            if places
            else WHAT_TO_TYPE
        )
        raise ZoneQuestion(
            f"{_quoted(value)} is {label}, and no zone keeps an offset that is not a whole "
            f"number of hours. {offer}",
            places,
        )
    all_year = f"{FIXED_HINT} to keep {label} all year" if constant is not None else ""
    if not places:
        raise ZoneQuestion(
            f"{_quoted(value)} is {label}, and no place has that offset now. "
            + (f"Add {all_year}, or use a city like Berlin." if all_year else WHAT_TO_TYPE)
        )
    raise ZoneQuestion(
        f"{_quoted(value)} is an offset, not a place, and most places change theirs for "
        f"daylight saving. Pick the city zone you live in, which follows it for you (these "
        f"are at {label} now): {_either(places)}." + (f" Or add {all_year}." if all_year else ""),
        places,
    )


def _abbreviation_question(value: str, abbreviation: Abbreviation) -> ZoneQuestion:
    season = (
        f", which also follows daylight saving ({abbreviation.season})"
        if abbreviation.season
        else ""
    )
    note = f" {abbreviation.note}" if abbreviation.note else ""
    pick = "Type one of them" if len(abbreviation.zones) > 1 else "Type it"
    return ZoneQuestion(
        f"{_quoted(value)} is not a place: pick the city zone you live in{season}: "
        f"{_either(abbreviation.zones)}.{note} {pick}, or your city.",
        abbreviation.zones,
    )


def resolve_zone(text: str, *, now: datetime, fixed: bool = False) -> str:
    """The IANA zone `text` names: an IANA name, a city, or (with `fixed`) a UTC offset.

    Raises `ZoneQuestion` for an abbreviation, an offset without `fixed` (or one no fixed
    zone keeps), a city in several zones, and anything unknown. `now` decides which places
    an offset suggests: UTC+2 is Berlin in July and Cairo in January.
    """
    value = " ".join(text.split())
    if not value:
        raise ZoneQuestion(f"Type a time zone. {WHAT_TO_TYPE}")
    exact = exact_zone(value)
    if exact is not None:
        return exact
    offset = parse_offset(value)
    if offset is not None:
        return _offset_zone(value, offset, now, fixed)
    abbreviation = ABBREVIATIONS.get(value.upper())
    if abbreviation is not None:
        raise _abbreviation_question(value, abbreviation)
    zones = city_zones(value)
    if len(zones) == 1:
        return zones[0]
    if zones:
        raise ZoneQuestion(
            f"{_quoted(value)} is a city in more than one time zone. Pick yours: {_either(zones)}.",
            zones,
        )
    raise _unknown(value)


# --- completing ----------------------------------------------------------------------------


def complete_zone(typed: str, limit: int = 25) -> list[tuple[str, str]]:
    """(label, zone) pairs to offer while the member types: IANA names, then cities.

    "berl" finds Europe/Berlin and "mumb" Asia/Kolkata (labelled "Asia/Kolkata (Mumbai)").
    """
    lowered = "_".join(typed.split()).lower()
    if not lowered:
        return [(z, z) for z in COMMON_ZONES[:limit]]
    every = zone_names()
    found: list[tuple[str, str]] = []
    abbreviation = ABBREVIATIONS.get(typed.strip().upper())
    if abbreviation is not None:
        found += [(z, z) for z in abbreviation.zones]
    found += [(z, z) for z in every if z.lower().startswith(lowered)]
    key = fold(typed)
    cities = _cities()
    rank = {z: i for i, z in enumerate(_ranked()[0])}
    hits = sorted(
        (k for k in cities.zones if key and k.startswith(key)),
        key=lambda k: (k != key, min(rank.get(z, len(rank)) for z in cities.zones[k]), k),
    )
    for hit in hits:
        for zone in cities.zones[hit]:
            named = cities.names[hit]
            found.append((zone if fold(city_of(zone)) == hit else f"{zone} ({named})", zone))
    found += [(z, z) for z in every if lowered in z.lower()]
    unique = {zone: label for label, zone in reversed(found)}  # the first label of each zone
    return [(unique[z], z) for z in dict.fromkeys(z for _, z in found)][:limit]
