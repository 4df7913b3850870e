from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import streaks
from bot.digest import HISTORY_DAYS, Blocker, BuddyWeek, History, SkillStat, WeekData
from bot.digest.content import (
    MAX_BLOCKERS,
    StreakSummary,
    build,
    current_streaks,
    current_streaks_on,
    route,
    safe,
    summarize,
    tag,
    underpractised,
    window_start,
)
from bot.digest.week import week_before, week_so_far
from bot.ports import Button
from bot.skills import SkillCatalogue

TODAY = date(2026, 3, 9)  # a Monday: the week is 2-8 March
WEEK = week_before(TODAY, ZoneInfo("UTC"))
CATALOGUE = SkillCatalogue.load()


SINCE = TODAY - timedelta(days=400)


def history(days_by_member: dict[int, set[date]], since: date = SINCE) -> History:
    pairs = sorted((m, d.toordinal()) for m, days in days_by_member.items() for d in days)
    members = np.array([m for m, _ in pairs], np.int64)
    return History(members, np.array([d for _, d in pairs], np.int64), since)


def summary(
    days_by_member: dict[int, set[date]], freezes: int = 1, since: date = SINCE
) -> StreakSummary:
    return summarize(history(days_by_member, since), TODAY, WEEK.first, WEEK.last, freezes)


def week_data(**overrides: object) -> WeekData:
    values: dict[str, object] = {
        "week": WEEK,
        "today": TODAY,
        "active_members": 10,
        "checked_in": 3,
        "checkins": 9,
        "minutes": 300,
        "previous_checked_in": 2,
        "previous_minutes": 200,
        "per_day": (1, 2, 1, 2, 1, 1, 1),
        "history": History.empty(SINCE),
        "names": {1: "Ana", 2: "Ben", 3: "Chen", 4: "Dara", 5: "Eli"},
    }
    values.update(overrides)
    return WeekData(**values)  # type: ignore[arg-type]


# --- streaks ------------------------------------------------------------------------------------


@st.composite
def mostly_daily(draw: st.DrawFn) -> set[int]:
    """Long runs with a few missed days, ending anywhere around the week."""
    end = draw(st.integers(min_value=0, max_value=10))
    length = draw(st.integers(min_value=0, max_value=130))
    missed = draw(st.sets(st.integers(min_value=end, max_value=end + length), max_size=6))
    return {o for o in range(end, end + length) if o not in missed}


day_offsets = st.one_of(
    st.sets(st.integers(min_value=0, max_value=150), max_size=80), mostly_daily()
)


@settings(max_examples=300, deadline=None)
@given(
    members=st.lists(day_offsets, min_size=1, max_size=4),
    freezes=st.integers(min_value=0, max_value=3),
)
def test_current_streaks_match_the_day_by_day_rules(members: list[set[int]], freezes: int) -> None:
    days = {m: {TODAY - timedelta(days=o) for o in offsets} for m, offsets in enumerate(members)}
    result = summary(days, freezes)
    current = dict(zip(result.members.tolist(), result.current.tolist(), strict=True))
    for m, member_days in days.items():
        assert current.get(m, 0) == streaks.compute(member_days, TODAY, freezes).current


@settings(max_examples=100, deadline=None)
@given(
    members=st.lists(day_offsets, max_size=4),
    freezes=st.integers(min_value=0, max_value=3),
)
def test_current_streaks_alone_are_the_summarys(members: list[set[int]], freezes: int) -> None:
    days = {m: {TODAY - timedelta(days=o) for o in offsets} for m, offsets in enumerate(members)}
    ids, current = current_streaks(history(days), TODAY, freezes)
    result = summary(days, freezes)
    assert (ids.tolist(), current.tolist()) == (result.members.tolist(), result.current.tolist())


@settings(max_examples=300, deadline=None)
@given(
    members=st.lists(day_offsets, max_size=4),
    back=st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=4),
    window=st.integers(min_value=0, max_value=40),
    freezes=st.integers(min_value=0, max_value=3),
)
def test_streaks_a_history_from_a_sunday_does_not_cap_are_the_whole_historys(
    members: list[set[int]], back: list[int], window: int, freezes: int
) -> None:
    days = [TODAY - timedelta(days=b) for b in back]
    ran = {m: {TODAY - timedelta(days=o) for o in offsets} for m, offsets in enumerate(members)}
    since = window_start(min(days) - timedelta(days=window))
    recent = history({m: {d for d in ds if d >= since} for m, ds in ran.items()}, since)
    whole = history(ran, min(days) - timedelta(days=HISTORY_DAYS))
    each = zip(
        current_streaks_on(recent, days, freezes),
        streaks_each_day_alone(whole, days, freezes),
        strict=True,
    )
    for seen, (ids, counted) in each:
        exact = dict(zip(ids, counted, strict=True))
        for m, streak, capped in zip(
            seen.members.tolist(), seen.current.tolist(), seen.capped.tolist(), strict=True
        ):
            assert streak <= exact[m] if capped else streak == exact[m]


def test_a_freeze_used_on_a_windows_first_monday_is_seen() -> None:
    """Monday 2 March missed (a freeze), Wednesday and Thursday missed, Saturday missed: the
    week's one freeze went on Monday, so the streak on Monday 9 March is Sunday and Monday."""
    ran = {date(2026, 3, d) for d in (1, 3, 6, 8, 9)} | {date(2026, 2, d) for d in (27, 28)}
    since = window_start(date(2026, 3, 2))
    (seen,) = current_streaks_on(history({1: {d for d in ran if d >= since}}, since), [TODAY], 1)
    assert (seen.current.tolist(), seen.capped.tolist()) == ([2], [False])
    assert current_streaks(history({1: ran}), TODAY, 1)[1].tolist() == [2]


def test_a_window_starts_on_the_sunday_before() -> None:
    assert [window_start(date(2026, 3, d)).isoformat() for d in (8, 9, 14, 15)] == [
        "2026-03-08",
        "2026-03-08",
        "2026-03-08",
        "2026-03-15",
    ]


def streaks_each_day_alone(
    whole: History, days: list[date], freezes: int
) -> list[tuple[list[int], list[int]]]:
    """What current_streaks says for each day on the history a digest of that day reads."""
    found = []
    for day in days:
        members, current = current_streaks(
            whole.cut(day - timedelta(days=HISTORY_DAYS), day), day, freezes
        )
        found.append((members.tolist(), current.tolist()))
    return found


@settings(max_examples=300, deadline=None)
@given(
    members=st.lists(day_offsets, max_size=4),
    back=st.lists(st.integers(min_value=0, max_value=70), min_size=1, max_size=10),
    freezes=st.integers(min_value=0, max_value=3),
)
def test_current_streaks_on_several_days_are_each_days_own(
    members: list[set[int]], back: list[int], freezes: int
) -> None:
    days = [TODAY - timedelta(days=b) for b in back]
    whole = history(
        {m: {TODAY - timedelta(days=o) for o in offsets} for m, offsets in enumerate(members)},
        min(days) - timedelta(days=HISTORY_DAYS),
    )
    found = [
        (d.members.tolist(), d.current.tolist()) for d in current_streaks_on(whole, days, freezes)
    ]
    assert found == streaks_each_day_alone(whole, days, freezes)


def test_current_streaks_on_a_day_a_streak_outlasts_are_counted_on_its_own_history() -> None:
    """Streaks of over HISTORY_DAYS, with freezes used where each day's look-back starts."""
    first_day = TODAY - timedelta(days=HISTORY_DAYS + 60)
    every_day = {first_day + timedelta(days=n) for n in range(HISTORY_DAYS + 61)}
    days = [TODAY - timedelta(days=b) for b in (0, 7, 30, 58)]
    missed = {d - timedelta(days=HISTORY_DAYS - k) for d in days for k in (1, 3, 6)}
    whole = history({1: every_day - missed, 2: every_day}, first_day)
    found = [(d.members.tolist(), d.current.tolist()) for d in current_streaks_on(whole, days, 1)]
    assert found == streaks_each_day_alone(whole, days, 1)
    assert all(c[1] >= HISTORY_DAYS for _, c in found)


@settings(max_examples=300, deadline=None)
@given(
    members=st.lists(day_offsets, min_size=1, max_size=4),
    freezes=st.integers(min_value=0, max_value=3),
)
def test_milestones_are_those_reached_on_a_day_of_the_week(
    members: list[set[int]], freezes: int
) -> None:
    days = {m: {TODAY - timedelta(days=o) for o in offsets} for m, offsets in enumerate(members)}
    result = summary(days, freezes)
    for goal in streaks.MILESTONES:
        expected = {
            m
            for m, member_days in days.items()
            for x in WEEK.days
            if x in member_days
            and streaks.compute({d for d in member_days if d <= x}, x, freezes).current == goal
        }
        assert set(result.milestones.get(goal, np.zeros(0)).tolist()) == expected


def test_a_milestone_reached_on_the_posting_day_belongs_to_next_week() -> None:
    result = summary({1: {TODAY - timedelta(days=o) for o in range(7)}})  # day 7 is today
    assert result.current.tolist() == [7] and result.milestones == {}


def test_a_week_of_daily_check_ins_reaches_the_seven_day_milestone() -> None:
    result = summary({1: set(WEEK.days)})
    assert result.current.tolist() == [7] and result.milestones[7].tolist() == [1]


def test_a_streak_reaching_back_to_the_first_day_looked_at_is_marked_as_maybe_longer() -> None:
    since = TODAY - timedelta(days=20)
    result = summary({1: {since + timedelta(days=o) for o in range(21)}}, since=since)
    assert result.current.tolist() == [21] and result.capped.tolist() == [True]
    assert result.top(5, 2) == [(1, 21, True)]


def test_comebacks_are_members_back_after_two_quiet_weeks() -> None:
    back = {WEEK.first - timedelta(days=15), WEEK.first + timedelta(days=2)}
    regular = {WEEK.first - timedelta(days=3), WEEK.first + timedelta(days=2)}
    newcomer = {WEEK.first + timedelta(days=2)}
    almost = {WEEK.first - timedelta(days=14), WEEK.first + timedelta(days=2)}
    result = summary({1: back, 2: regular, 3: newcomer, 4: almost})
    assert result.comebacks.tolist() == [1]
    assert result.checked_in.tolist() == [1, 2, 3, 4]


def test_the_weeks_one_freeze_is_spent_so_missing_sunday_ends_the_streak() -> None:
    # Thursday's miss used the week's freeze; Sunday is missed too and today is Monday.
    days = {d for d in WEEK.days if d.weekday() not in (3, 6)}
    assert summary({1: days}).current.tolist() == [0]
    assert summary({1: days}, freezes=2).current.tolist() == [5]


def test_no_history_means_no_streaks() -> None:
    result = summary({})
    assert result.members.size == 0 and result.top(5, 2) == [] and result.milestones == {}


# --- skills and blockers ------------------------------------------------------------------------


def test_a_blockers_skills_are_the_check_ins_then_those_its_text_names() -> None:
    blocker = Blocker(1, 1, WEEK.last, "kubernetes pods keep crashing", ("docker",))
    assert tag(blocker, CATALOGUE) == ("docker", "kubernetes")


def test_a_blocker_naming_no_skill_takes_the_check_ins() -> None:
    vague = Blocker(1, 1, WEEK.last, "no idea where to start", ("sql",))
    assert tag(vague, CATALOGUE) == ("sql",)


def test_a_skill_in_both_the_check_in_and_the_text_is_tagged_once() -> None:
    text = "the web container cannot reach postgres in docker compose"
    assert tag(Blocker(1, 1, WEEK.last, text, ("docker",)), CATALOGUE) == ("docker", "sql")


def test_everyday_words_in_a_blocker_are_not_skills() -> None:
    assert tag(Blocker(1, 1, WEEK.last, "github actions fail", ()), CATALOGUE) == ("ci-cd",)
    assert tag(Blocker(1, 1, WEEK.last, "need some rest", ("git",)), CATALOGUE) == ("git",)


def test_a_fastapi_check_ins_frontend_blocker_is_asked_of_fastapi_knowers() -> None:
    blocker = Blocker(1, 1, WEEK.last, "CORS errors from the frontend", ("fastapi",))
    skills = tag(blocker, CATALOGUE)
    assert skills == ("fastapi", "frontend")
    knows = {"fastapi": (2,), "frontend": (3,)}
    [routed] = route([(blocker, skills)], knows, frozenset(), WEEK.key)
    assert routed.helpers == (2, 3)  # the FastAPI knower first


def test_underpractised_skills_have_many_learners_and_few_practising() -> None:
    stats = [
        SkillStat("kubernetes", 2, 12),
        SkillStat("docker", 30, 12),
        SkillStat("sql", 0, 2),  # too few learners to say "many"
    ]
    assert [s.skill for s in underpractised(stats)] == ["kubernetes"]


def test_routing_never_suggests_the_asker_or_anyone_in_a_block_with_them() -> None:
    asker = 1
    blocker = Blocker(1, asker, WEEK.last, "docker", ("docker",))
    knows = {"docker": (1, 2, 3, 4)}
    blocks = frozenset({(asker, 2), (3, asker)})  # asker blocked 2; 3 blocked the asker
    [routed] = route([(blocker, ("docker",))], knows, blocks, WEEK.key)
    assert routed.helpers == (4,)


def test_routing_suggests_at_most_two_helpers_and_spreads_the_asks() -> None:
    knows = {"sql": (10, 11, 12)}
    blockers = [(Blocker(m, m, WEEK.last, "joins", ("sql",)), ("sql",)) for m in (1, 2, 3, 4)]
    routed = route(blockers, knows, frozenset(), WEEK.key)
    assert all(len(r.helpers) <= 2 for r in routed)
    load = [h for r in routed for h in r.helpers]
    assert max(load.count(h) for h in set(load)) <= 2
    assert len(load) == 6  # three helpers, two asks each


def test_routing_prefers_helpers_who_showed_up_this_week() -> None:
    blocker = Blocker(1, 1, WEEK.last, "docker", ("docker",))
    [routed] = route(
        [(blocker, ("docker",))], {"docker": (2, 3, 4, 5)}, frozenset(), WEEK.key, frozenset({5})
    )
    assert routed.helpers[0] == 5


def test_a_blocker_without_skills_gets_no_helpers() -> None:
    blocker = Blocker(1, 1, WEEK.last, "tired", ())
    [routed] = route([(blocker, ())], {"docker": (2,)}, frozenset(), WEEK.key)
    assert routed.helpers == ()


# --- the text -----------------------------------------------------------------------------------


def test_an_empty_week_gets_a_short_encouraging_digest() -> None:
    data = week_data(checked_in=0, checkins=0, minutes=0, per_day=(0,) * 7)
    digest = build(data, CATALOGUE)
    assert "no check-ins yet" in digest.headline and "/checkin" in digest.headline
    assert digest.details is None


def test_member_text_cannot_mention_anyone() -> None:
    assert "@everyone" not in safe("ping @everyone <@123> <!channel>", 100)
    assert "<@" not in safe("<@123>", 100) and "<!" not in safe("<!channel>", 100)
    data = week_data(
        blockers=(Blocker(1, 1, WEEK.last, "help @everyone with docker", ()),),
        names={1: "@here"},
    )
    digest = build(data, CATALOGUE)
    assert "@everyone" not in (digest.details or "") and "@here" not in digest.headline


def test_the_digest_names_achievements_only() -> None:
    broken = {WEEK.first, WEEK.first + timedelta(days=1)}  # Dara stopped on Tuesday
    back = {WEEK.first - timedelta(days=20), WEEK.last}
    data = week_data(
        history=history({1: set(WEEK.days), 2: back, 4: broken}),
        buddies=BuddyWeek(rounds=(3,), groups=4, met=3, shoutouts=(("Ana", "Ben"),)),
        new_members=(5,),
        skills=(SkillStat("docker", 5, 3),),
    )
    digest = build(data, CATALOGUE)
    text = digest.headline + (digest.details or "")
    assert "Ana 7 days" in text and "7 days in a row: Ana" in text
    assert "Welcome back: Ben" in text and "Welcome, Eli" in text
    assert "Shout-out to Ana & Ben" in text and "3 of 4 groups met" in text
    assert "Dara" not in text  # a broken streak is never mentioned


def test_change_versus_the_previous_week_is_shown() -> None:
    digest = build(week_data(checked_in=3, previous_checked_in=2), CATALOGUE)
    assert "**3** of 10 members checked in (+1 vs last week)" in digest.headline
    assert "(+50% vs last week)" in digest.headline


def test_a_huge_week_still_has_a_one_message_headline_and_a_bounded_thread() -> None:
    n = 5000
    data = week_data(
        active_members=n,
        checked_in=n,
        checkins=7 * n,
        history=history(
            {m: {WEEK.last - timedelta(days=o) for o in range(m % 120)} for m in range(1, n)}
        ),
        blockers=tuple(Blocker(m, m, WEEK.last, "docker " * 40, ("docker",)) for m in range(1, n)),
        knows={"docker": tuple(range(1, n))},
        new_members=tuple(range(1, n)),
        names={m: f"Member number {m}" for m in range(1, n)},
    )
    digest = build(data, CATALOGUE)
    assert len(digest.headline) <= 2000
    assert digest.details is not None and len(digest.details) <= 6000
    assert digest.details.count("• ") == MAX_BLOCKERS


def test_each_blocker_shown_gets_a_solved_button_naming_its_number_and_author() -> None:
    data = week_data(blockers=(Blocker(12, 1, WEEK.last, "docker networking", ("docker",)),))
    digest = build(data, CATALOGUE)
    assert digest.buttons == (Button("Solved #12 (Ana)", "checkin solved blocker:12"),)
    assert "• #12 Ana (Docker, Networking basics): “docker networking”" in (digest.details or "")


def test_solved_buttons_stop_at_the_blockers_shown() -> None:
    blockers = tuple(Blocker(m, m % 5 + 1, WEEK.last, "docker", ("docker",)) for m in range(30))
    digest = build(week_data(blockers=blockers), CATALOGUE)
    assert len(digest.buttons) == MAX_BLOCKERS <= 25  # Discord's and Slack's limit
    assert "…and 22 more this week." in (digest.details or "")


def test_a_button_label_shows_the_name_as_written() -> None:
    data = week_data(blockers=(Blocker(3, 1, WEEK.last, "sql", ()),), names={1: "ana_b*"})
    [button] = build(data, CATALOGUE).buttons
    assert button.label == "Solved #3 (ana_b*)"  # labels are plain text: nothing escaped


def test_a_week_so_far_is_titled_as_such() -> None:
    so_far = week_so_far(date(2026, 3, 4), 0, ZoneInfo("UTC"))
    digest = build(week_data(week=so_far, per_day=(1, 2, 1)), CATALOGUE)
    assert "this week so far" in digest.headline and "Check-ins per day: Mon 1 · Tue 2 · Wed 1" in (
        digest.details or ""
    )


def test_member_text_in_the_digest_cannot_format_ping_or_mask_a_link() -> None:
    assert safe("[free nitro](https://x.example) **now** @everyone", 120) == (
        "\\[free nitro\\]\\(https://x.example\\) \\*\\*now\\*\\* @\u200beveryone"
    )
