"""/checkin, /streak, /stats, reminders: local days, DST, freezes, exactly-once reminders."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.events import CheckinRecorded
from bot.storage.checkins import CheckinRepo
from cogs import load_all
from cogs.checkins.forms import CHECKIN_FORM
from cogs.checkins.reminders import REMINDER_JOB
from tests.fakes.recording import RecordingMessenger
from tests.helpers import actor, say

STEP = timedelta(minutes=15)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def run_reminders(app: App) -> None:
    job = next(j for j in app.jobs if j.name == REMINDER_JOB)
    await app.scheduler.run_job(job)
    await app.sender.drain()


async def dm_times(
    app: App, clock: ManualClock, messenger: RecordingMessenger, until: datetime
) -> dict[str, list[datetime]]:
    """Advance in console-sized steps, ticking each time; when each member got a DM."""
    times: dict[str, list[datetime]] = {}
    while clock.now() < until:
        clock.advance(STEP)
        seen = len(messenger.sent)
        await run_reminders(app)
        for sent in messenger.sent[seen:]:
            if sent.kind == "dm":
                times.setdefault(sent.target, []).append(clock.now())
    return times


async def checkin_dates(app: App, user: str, tenant: str = "T1") -> list[date]:
    t = await app.tenants.find("test", tenant)
    assert t is not None
    m = await app.members.find(t.id, user)
    assert m is not None
    return await CheckinRepo(app.db).dates(t.id, m.id)


# --- /checkin --------------------------------------------------------------------------------


async def test_checkin_confirms_and_shows_the_streak(app: App) -> None:
    reply = await say(app, '/checkin did:"built an API" skills:docker,sql minutes:45')
    assert not reply.error
    assert "Checked in for Monday 2 March." in reply.text
    assert "45 min · Docker, SQL" in reply.text
    assert "Streak: 1 day (longest 1 day)" in reply.text


async def test_bare_words_are_what_you_did(app: App) -> None:
    await say(app, "/checkin finished the joins chapter")
    t = await app.tenants.find("test", "T1")
    assert t is not None
    m = await app.members.find(t.id, "alice")
    assert m is not None
    latest = await CheckinRepo(app.db).latest(t.id, m.id)
    assert latest is not None and latest.did == "finished the joins chapter"


async def test_second_checkin_same_local_day_adds_a_session_and_says_so(app: App) -> None:
    await say(app, "/checkin did:first minutes:10")
    reply = await say(app, "/checkin did:second minutes:20")
    assert "Checked in for Monday 2 March: second session today, 30 min in total" in reply.text
    assert "Streak: 1 day" in reply.text
    assert await checkin_dates(app, "alice") == [date(2026, 3, 2)]


async def test_2359_and_0001_local_are_two_days(app: App, clock: ManualClock) -> None:
    await say(app, "/profile set timezone:Europe/Berlin")
    clock.set(utc("2026-03-02T22:59"))  # 23:59 in Berlin
    first = await say(app, "/checkin did:late")
    clock.set(utc("2026-03-02T23:01"))  # 00:01 the next day in Berlin
    second = await say(app, "/checkin did:early")
    assert "Monday 2 March" in first.text and "Tuesday 3 March" in second.text
    assert "Streak: 2 days" in second.text


async def test_no_options_offers_the_form(app: App) -> None:
    reply = await say(app, "/checkin")
    assert reply.form == CHECKIN_FORM and not reply.error
    assert await app.tenants.find("test", "T1") is None


async def test_a_submitted_form_checks_in(app: App) -> None:
    command = app.commands.get("checkin")
    assert command is not None
    reply = await app.handle(
        actor("alice"),
        command,
        {"did": "form work", "next": "", "blockers": "", "skills": "git", "minutes": "20"},
    )
    assert "Checked in" in reply.text and "20 min · Git" in reply.text


async def test_remind_typed_as_an_option_sets_the_reminder_not_a_checkin(app: App) -> None:
    assert "Reminder set for 19:00" in (await say(app, "/checkin remind:19:00")).text
    assert "reminders are off" in (await say(app, "/checkin remind:off")).text
    bad = await say(app, "/checkin remind:soon")
    assert bad.error and "Usage: /checkin remind" in bad.text
    assert await checkin_dates(app, "alice") == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/checkin " + "x" * 501, "did is too long (501 characters; the limit is 500)"),
        ("/checkin next:tomorrow", "Missing did"),
        ("/checkin did:x next:" + "n" * 501, "next is too long"),
        ("/checkin did:x blockers:" + "b" * 501, "blockers is too long"),
        ("/checkin did:x skills:dokcer", "Unknown skill 'dokcer'"),
        ("/checkin did:x minutes:0", "minutes must be between 1 and 720, not 0"),
        ("/checkin did:x minutes:721", "minutes must be between 1 and 720, not 721"),
        ("/checkin did:x minutes:lots", "minutes must be a whole number"),
        ("/streak user:nobody", "I don't know a member called 'nobody'"),
        ("/stats everything", "week must be one of this, last"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_written(
    app: App, line: str, expected: str
) -> None:
    reply = await say(app, line)
    assert reply.error and expected in reply.text and "Usage: /" in reply.text
    assert await app.tenants.find("test", "T1") is None


@pytest.mark.parametrize(
    ("value", "shown"), [("7pm", "19:00"), ("7:30 AM", "07:30"), ("noon", "12:00")]
)
async def test_reminder_times_as_students_type_them(app: App, value: str, shown: str) -> None:
    reply = await say(app, f"/checkin remind {value}")
    assert f"Reminder set for {shown}" in reply.text


async def test_a_bare_hour_asks_morning_or_evening(app: App) -> None:
    reply = await say(app, "/checkin remind 7")
    assert reply.error and "Did you mean 07:00 or 19:00? Write 7am or 7pm." in reply.text
    assert "Or say off" in reply.text


@pytest.mark.parametrize(
    ("value", "expected"), [("25:00", "'25:00' is not a time"), ("13pm", "'13pm' is not a time")]
)
async def test_bad_reminder_time_is_refused(app: App, value: str, expected: str) -> None:
    reply = await say(app, f"/checkin remind time:{value}")
    assert reply.error and expected in reply.text and "Or say off" in reply.text
    assert "Usage: /checkin remind" in reply.text
    t = await app.tenants.find("test", "T1")
    assert t is not None
    m = await app.members.find(t.id, "alice")
    assert m is not None and await CheckinRepo(app.db).reminder(t.id, m.id) is None


@pytest.mark.parametrize("value", ["4", "-1", "many"])
async def test_bad_freeze_count_is_refused(app: App, value: str) -> None:
    reply = await say(app, f"/admin checkins freezes:{value}", admin=True)
    assert reply.error and "freezes must be" in reply.text
    assert await app.tenants.find("test", "T1") is None


async def test_members_cannot_change_freezes(app: App) -> None:
    reply = await say(app, "/admin checkins freezes:3")
    assert reply.error and "admins only" in reply.text


async def test_checkin_publishes_an_event_after_saving(app: App) -> None:
    events: list[CheckinRecorded] = []

    async def record(event: CheckinRecorded) -> None:
        events.append(event)

    app.events.subscribe(CheckinRecorded, record)
    await say(app, "/checkin did:one skills:sql minutes:5")
    await say(app, "/checkin did:two")
    first, second = events
    assert (first.did, first.skills, first.minutes, first.updated) == ("one", ("sql",), 5, False)
    assert first.local_date == date(2026, 3, 2) and first.member.external_id == "alice"
    assert (second.did, second.updated, second.checkin_id) == ("two", True, first.checkin_id)


async def test_a_failing_subscriber_does_not_undo_the_reply(app: App) -> None:
    async def broken(event: CheckinRecorded) -> None:
        raise RuntimeError("buddy room gone")

    app.events.subscribe(CheckinRecorded, broken)
    reply = await say(app, "/checkin did:x")
    assert not reply.error and "Checked in" in reply.text


# --- streaks, freezes, milestones ------------------------------------------------------------


async def checkin_days(app: App, clock: ManualClock, pattern: str) -> list[str]:
    """Check in at 12:00 UTC on each day marked 'x' (skip '.'), one day per character."""
    replies = []
    for mark in pattern:
        if mark == "x":
            replies.append((await say(app, "/checkin did:work")).text)
        clock.advance(timedelta(days=1))
    return replies


async def test_freeze_covers_one_missed_day(app: App, clock: ManualClock) -> None:
    replies = await checkin_days(app, clock, "xx.xx")
    assert "A streak freeze covered Wednesday 4 March (0 left this week)" in replies[2]
    assert "Streak: 4 days" in replies[-1]
    clock.set(utc("2026-03-06T12:00"))
    shown = await say(app, "/streak")
    assert "Current: 4 days · Longest: 4 days" in shown.text
    assert "Freezes left this week: 0 of 1" in shown.text
    assert shown.text.count("🧊") == 3  # the freeze, the freezes line and the legend


async def test_two_missed_days_in_a_week_break_the_streak(app: App, clock: ManualClock) -> None:
    replies = await checkin_days(app, clock, "x.x.x")
    assert "Streak: 2 days" in replies[1] and "Streak: 1 day " in replies[2]


async def test_two_missed_days_in_a_row_break_the_streak(app: App, clock: ManualClock) -> None:
    await say(app, "/admin checkins freezes:3", admin=True)
    replies = await checkin_days(app, clock, "xx..x")
    assert "Streak: 1 day " in replies[-1] and "longest 2 days" in replies[-1]


async def test_community_can_turn_freezes_off(app: App, clock: ManualClock) -> None:
    reply = await say(app, "/admin checkins freezes:0", admin=True)
    assert "Streak freezes: 0 per ISO week" in reply.text
    replies = await checkin_days(app, clock, "xx.x")
    assert "Streak: 1 day " in replies[-1]
    shown = await say(app, "/admin show", admin=True)
    assert "streak_freezes: 0 per week" in shown.text


async def test_milestone_is_announced_at_seven(app: App, clock: ManualClock) -> None:
    replies = await checkin_days(app, clock, "xxxxxx")
    assert not any("Milestone" in r for r in replies)
    seventh = await say(app, "/checkin did:seventh")
    assert "Streak: 7 days" in seventh.text and "🎉 Milestone: 7 days in a row!" in seventh.text
    again = await say(app, "/checkin did:edit")
    assert "Milestone" not in again.text


async def test_streak_shows_the_last_14_days(app: App, clock: ManualClock) -> None:
    await checkin_days(app, clock, "x.xx")
    shown = await say(app, "/streak")  # on Friday
    row = "Last 14 days (oldest first, today last): " + "▫" * 9 + "✅🧊✅✅⏳"
    assert row in shown.text.splitlines()


async def test_streak_of_another_member_uses_their_local_day(app: App, clock: ManualClock) -> None:
    await say(app, "/profile set timezone:Pacific/Kiritimati", user="bob")
    await say(app, "/checkin did:x", user="bob")  # 03:00 Tuesday in Kiritimati
    shown = await say(app, "/streak user:bob")
    assert "**Bob's streak**" in shown.text and "Current: 1 day" in shown.text
    assert shown.text.splitlines()[3].endswith("✅")  # Tuesday is bob's today


async def test_another_tenants_member_cannot_be_seen(app: App) -> None:
    await say(app, "/checkin did:secret", user="alice", tenant="A")
    reply = await say(app, "/streak user:alice", user="mallory", tenant="B")
    assert reply.error and "I don't know a member called 'alice'" in reply.text


async def test_stats_shows_the_week(app: App, clock: ManualClock) -> None:
    await say(app, "/checkin did:a skills:docker,sql minutes:30")
    clock.advance(timedelta(days=1))
    await say(app, '/checkin did:b skills:docker minutes:45 blockers:"compose networking"')
    clock.advance(timedelta(days=2))
    stats = await say(app, "/stats")
    assert "Days checked in: 2 of 7 (Mon, Tue)" in stats.text
    assert "Time: 1.2 h" in stats.text
    assert "Top skills: Docker (2), SQL (1)" in stats.text
    assert "Tuesday 3 March: compose networking" in stats.text
    assert [b.label for b in stats.buttons] == ["Solved #1"]


async def test_a_blocker_stays_open_until_solved(app: App, clock: ManualClock) -> None:
    await say(app, '/checkin did:b blockers:"compose networking"')
    clock.advance(timedelta(days=1))
    await say(app, "/checkin did:c")
    assert "compose networking" in (await say(app, "/stats")).text
    solved = await say(app, "/checkin solved")
    assert "Marked solved: “compose networking”" in solved.text
    assert "Open blockers: none" in (await say(app, "/stats")).text


async def test_only_the_author_may_mark_a_blocker_solved_and_is_told_so(app: App) -> None:
    await say(app, '/checkin did:b blockers:"compose networking"')
    refused = await say(app, "/checkin solved blocker:1", "bob")
    assert refused.error
    assert refused.text == "Blocker #1 is Alice's; only they can mark it solved."
    assert "compose networking" in (await say(app, "/stats")).text  # still open


async def test_another_communitys_blocker_number_reveals_nothing(app: App) -> None:
    await say(app, '/checkin did:b blockers:"compose networking"')
    refused = await say(app, "/checkin solved blocker:1", "bob", tenant="T2")
    assert refused.error and refused.text.startswith("There is no blocker #1.")
    assert "Alice" not in refused.text and "compose" not in refused.text


async def test_solving_a_blocker_twice_says_it_already_is(app: App) -> None:
    await say(app, '/checkin did:b blockers:"compose networking"')
    await say(app, "/checkin solved blocker:1")
    again = await say(app, "/checkin solved blocker:1")
    assert again.text == "Your blocker #1 is already marked solved." and not again.error


async def test_a_blocker_older_than_a_week_can_still_be_marked_solved_by_number(
    app: App, clock: ManualClock
) -> None:
    await say(app, '/checkin did:b blockers:"compose networking"')
    clock.advance(timedelta(days=8))  # a digest's button clicked late
    solved = await say(app, "/checkin solved blocker:1")
    assert "Marked solved: “compose networking”" in solved.text


async def test_stats_week_starts_on_monday(app: App, clock: ManualClock) -> None:
    await say(app, "/checkin did:a minutes:30")
    clock.advance(timedelta(days=7))
    stats = await say(app, "/stats")
    assert "Days checked in: 0 of 7" in stats.text and "Time: 0 min" in stats.text


# --- local days and time zones ---------------------------------------------------------------

DST_CHECKINS = {
    "America/New_York 2026-03-08": [
        ("2026-03-08T04:59", "Saturday 7 March", False),
        ("2026-03-08T05:01", "Sunday 8 March", False),
        ("2026-03-09T03:59", "Sunday 8 March", True),
        ("2026-03-09T04:01", "Monday 9 March", False),
    ],
    "America/New_York 2026-11-01": [
        ("2026-11-01T03:59", "Saturday 31 October", False),
        ("2026-11-01T04:01", "Sunday 1 November", False),
        ("2026-11-02T04:59", "Sunday 1 November", True),
        ("2026-11-02T05:01", "Monday 2 November", False),
    ],
    "Europe/Berlin 2026-03-29": [
        ("2026-03-28T22:59", "Saturday 28 March", False),
        ("2026-03-28T23:01", "Sunday 29 March", False),
        ("2026-03-29T21:59", "Sunday 29 March", True),
        ("2026-03-29T22:01", "Monday 30 March", False),
    ],
    "Europe/Berlin 2026-10-25": [
        ("2026-10-24T21:59", "Saturday 24 October", False),
        ("2026-10-24T22:01", "Sunday 25 October", False),
        ("2026-10-25T22:59", "Sunday 25 October", True),
        ("2026-10-25T23:01", "Monday 26 October", False),
    ],
}


@pytest.mark.parametrize("case", sorted(DST_CHECKINS))
async def test_dst_days_count_once_each(app: App, clock: ManualClock, case: str) -> None:
    """23:59 and 00:01 local around each transition: the 23- or 25-hour day is one day."""
    zone = case.split()[0]
    await say(app, f"/profile set timezone:{zone}")
    streak_after = ["1 day", "2 days", "2 days", "3 days"]
    for (instant, day, updated), streak in zip(DST_CHECKINS[case], streak_after, strict=True):
        clock.set(utc(instant))
        reply = await say(app, "/checkin did:x")
        assert f"Checked in for {day}" in reply.text
        assert ("second session today" in reply.text) is updated
        assert f"Streak: {streak} (" in reply.text


DST_REMINDERS = {
    # zone, start (UTC), end (UTC), 19:00 local on the day before and on the transition day
    "America/New_York 2026-03-08": ("2026-03-07T12:00", "2026-03-09T12:00",
                                    ["2026-03-08T00:00", "2026-03-08T23:00"]),
    "America/New_York 2026-11-01": ("2026-10-31T12:00", "2026-11-02T12:00",
                                    ["2026-10-31T23:00", "2026-11-02T00:00"]),
    "Europe/Berlin 2026-03-29": ("2026-03-28T06:00", "2026-03-30T06:00",
                                 ["2026-03-28T18:00", "2026-03-29T17:00"]),
    "Europe/Berlin 2026-10-25": ("2026-10-24T06:00", "2026-10-26T06:00",
                                 ["2026-10-24T17:00", "2026-10-25T18:00"]),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(DST_REMINDERS))
async def test_dst_reminders_follow_local_time(
    app: App, clock: ManualClock, messenger: RecordingMessenger, case: str
) -> None:
    start, end, expected = DST_REMINDERS[case]
    clock.set(utc(start))
    await say(app, f"/profile set timezone:{case.split()[0]}")
    await say(app, "/checkin remind 19:00")
    times = await dm_times(app, clock, messenger, utc(end))
    assert times == {"alice": [utc(t) for t in expected]}


async def test_reminder_in_the_spring_forward_gap_fires_after_the_gap(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    clock.set(utc("2026-03-07T12:00"))
    await say(app, "/profile set timezone:America/New_York")
    await say(app, "/checkin remind 02:30")  # 02:30 does not exist on 8 March
    times = await dm_times(app, clock, messenger, utc("2026-03-09T12:00"))
    # 7 March 02:30 EST had passed when it was set; 8 March: 03:30 EDT; 9 March: 02:30 EDT
    assert times == {"alice": [utc("2026-03-08T07:30"), utc("2026-03-09T06:30")]}


async def test_reminder_in_the_repeated_hour_fires_once(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    clock.set(utc("2026-10-31T12:00"))
    await say(app, "/profile set timezone:America/New_York")
    await say(app, "/checkin remind 01:30")  # 1 November has two 01:30s
    times = await dm_times(app, clock, messenger, utc("2026-11-01T12:00"))
    assert times == {"alice": [utc("2026-11-01T05:30")]}  # the first, EDT


async def test_members_at_utc_plus_14_and_minus_11(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    """At 13:00 UTC on Monday it is 03:00 Tuesday in Kiritimati and 02:00 Monday in Pago Pago."""
    await say(app, "/profile set timezone:Pacific/Kiritimati", user="kiri")
    await say(app, "/profile set timezone:Pacific/Pago_Pago", user="pago")
    assert "Tuesday 3 March" in (await say(app, "/checkin did:x", user="kiri")).text
    assert "Monday 2 March" in (await say(app, "/checkin did:x", user="pago")).text
    for user in ("kiri", "pago"):
        await say(app, "/checkin remind 20:00", user=user)
    times = await dm_times(app, clock, messenger, utc("2026-03-05T12:00"))
    # Checked in on their first local day, so the first reminders are the next local day's.
    assert times == {
        "kiri": [utc("2026-03-04T06:00"), utc("2026-03-05T06:00")],
        "pago": [utc("2026-03-04T07:00"), utc("2026-03-05T07:00")],
    }


async def test_moving_west_mid_streak_neither_breaks_nor_double_counts(
    app: App, clock: ManualClock
) -> None:
    await say(app, "/profile set timezone:Europe/Berlin")
    clock.set(utc("2026-03-02T21:00"))  # Monday 22:00 Berlin
    await say(app, "/checkin did:mon")
    clock.set(utc("2026-03-03T07:00"))  # Tuesday 08:00 Berlin
    await say(app, "/checkin did:tue")
    await say(app, "/profile set timezone:America/New_York")  # 02:00 Tuesday in New York
    again = await say(app, "/checkin tue in NY")
    assert "Checked in for Tuesday 3 March: second session" in again.text
    assert "Streak: 2 days" in again.text
    clock.set(utc("2026-03-04T23:00"))  # Wednesday 18:00 New York
    wed = await say(app, "/checkin did:wed")
    assert "Wednesday 4 March" in wed.text and "Streak: 3 days" in wed.text


async def test_moving_east_mid_streak_does_not_break(app: App, clock: ManualClock) -> None:
    await say(app, "/profile set timezone:America/New_York")
    clock.set(utc("2026-03-03T01:00"))  # Monday 20:00 New York
    await say(app, "/checkin did:mon")
    await say(app, "/profile set timezone:Asia/Tokyo")
    clock.set(utc("2026-03-03T01:30"))  # Tuesday 10:30 Tokyo
    tue = await say(app, "/checkin did:tue")
    assert "Tuesday 3 March" in tue.text and "Streak: 2 days" in tue.text


async def test_community_time_zone_is_the_default(app: App, clock: ManualClock) -> None:
    await say(app, "/admin timezone Pacific/Kiritimati", admin=True)
    reply = await say(app, "/checkin did:x")
    assert "Tuesday 3 March" in reply.text


# --- reminders -------------------------------------------------------------------------------


async def test_remind_command_shows_sets_and_turns_off(app: App) -> None:
    assert "reminder is off" in (await say(app, "/checkin remind")).text
    reply = await say(app, "/checkin remind 19:00")
    assert "Reminder set for 19:00 every day, UTC time" in reply.text
    assert "community's time zone" in reply.text
    assert "at 19:00 (UTC)" in (await say(app, "/checkin remind")).text
    assert "reminders are off" in (await say(app, "/checkin remind off")).text
    assert "reminder is off" in (await say(app, "/checkin remind")).text


async def test_reminder_dm_has_a_button_that_opens_the_form(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await say(app, "/checkin remind 19:00")
    clock.set(utc("2026-03-02T19:00"))
    await run_reminders(app)
    [dm] = messenger.to("dm", "alice")
    [button] = dm.buttons
    assert button.label == "Check in now"
    reply = await say(app, button.command)
    assert reply.form == CHECKIN_FORM


async def test_no_reminder_after_checking_in(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await say(app, "/checkin remind 19:00")
    await say(app, "/checkin did:early")
    times = await dm_times(app, clock, messenger, utc("2026-03-03T12:00"))
    assert times == {}


async def test_a_reminder_set_after_its_time_starts_tomorrow(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await say(app, "/checkin remind 09:00")  # it is 13:00 UTC already
    times = await dm_times(app, clock, messenger, utc("2026-03-03T12:00"))
    assert times == {"alice": [utc("2026-03-03T09:00")]}


async def test_reminders_off_and_members_who_left_get_none(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    for user in ("alice", "bob"):
        await say(app, "/checkin remind 19:00", user=user)
    await say(app, "/checkin remind off", user="alice")
    await app.member_left("T1", "bob")
    assert await dm_times(app, clock, messenger, utc("2026-03-03T20:00")) == {}


async def test_reminder_tick_run_twice_sends_one(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await say(app, "/checkin remind 19:00")
    clock.set(utc("2026-03-02T19:05"))
    await run_reminders(app)
    await run_reminders(app)
    clock.advance(timedelta(hours=4))
    await run_reminders(app)
    assert len(messenger.to("dm", "alice")) == 1


async def test_reminder_ticks_racing_send_one(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    for n in range(20):
        await say(app, "/checkin remind 19:00", user=f"m{n}")
    clock.set(utc("2026-03-02T19:00"))
    job = next(j for j in app.jobs if j.name == REMINDER_JOB)
    await asyncio.gather(*(job.tick(clock.now()) for _ in range(5)))
    await app.sender.drain()
    assert sorted(s.target for s in messenger.sent) == sorted(f"m{n}" for n in range(20))


async def test_crash_between_claim_and_send_sends_one_after_restart(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await say(app, "/checkin remind 19:00")
    clock.set(utc("2026-03-02T19:00"))
    job = next(j for j in app.jobs if j.name == REMINDER_JOB)
    await job.tick(clock.now())  # claimed and queued, then the process dies before sending
    assert messenger.sent == []
    clock.advance(timedelta(minutes=3))
    app.abandon_instance_lock()  # the first process died: the kernel dropped its lock
    restarted = await App.create(app.settings, clock, messenger, load_all())
    try:
        await restarted.start(background=False)  # ticks once and drains
        await restarted.scheduler.run_due()
        await restarted.sender.drain()
    finally:
        await restarted.close()
    assert len(messenger.to("dm", "alice")) == 1


async def test_reminder_missed_while_down_is_sent_once_at_start(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await say(app, "/profile set timezone:Europe/Berlin")
    await say(app, "/checkin remind 19:00")
    clock.set(utc("2026-03-02T21:30"))  # down over 19:00 Berlin; back at 22:30, same day
    app.abandon_instance_lock()  # the first process died: the kernel dropped its lock
    restarted = await App.create(app.settings, clock, messenger, load_all())
    try:
        await restarted.start(background=False)
        await restarted.scheduler.run_due()
        await restarted.sender.drain()
    finally:
        await restarted.close()
    assert len(messenger.to("dm", "alice")) == 1


async def test_reminder_missed_while_down_is_skipped_once_the_day_is_over(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await say(app, "/profile set timezone:Europe/Berlin")
    await say(app, "/checkin remind 19:00")
    clock.set(utc("2026-03-02T23:30"))  # back at 00:30 Tuesday in Berlin: Monday is over
    app.abandon_instance_lock()  # the first process died: the kernel dropped its lock
    restarted = await App.create(app.settings, clock, messenger, load_all())
    try:
        await restarted.start(background=False)
        assert messenger.to("dm", "alice") == []
    finally:
        await restarted.close()
    times = await dm_times(app, clock, messenger, utc("2026-03-03T20:00"))
    assert times == {"alice": [utc("2026-03-03T18:00")]}  # Tuesday's comes as usual


# --- personal data ---------------------------------------------------------------------------


async def test_checkins_are_exported_and_erased_with_the_member(app: App) -> None:
    await say(app, "/checkin did:x skills:sql minutes:30")
    await say(app, "/checkin remind 19:00")
    [provider] = [p for p in app.personal_data.providers if p.name == "checkins"]
    t = await app.tenants.find("test", "T1")
    assert t is not None
    m = await app.members.find(t.id, "alice")
    assert m is not None
    data = await provider.export(t, m)
    assert data["checkins"][0]["did"] == "x" and data["reminder"]["time"] == "19:00"
    async with app.db.transaction() as tx:
        await provider.erase(tx, t, m)
    assert await provider.export(t, m) == {"checkins": [], "blockers": [], "reminder": None}


async def test_admin_checkins_without_options_shows_the_settings_and_the_usage(app: App) -> None:
    reply = await say(app, "/admin checkins", admin=True)
    assert reply.text.startswith("Check-in settings:\nStreak freezes: 1 per ISO week.")
    assert "Usage: /admin checkins [[freezes:]<0-3>]" in reply.text
    assert "Example: /admin checkins freezes:2" in reply.text


async def test_admin_checkins_with_an_option_saves_without_repeating_the_usage(app: App) -> None:
    reply = await say(app, "/admin checkins backfill:3", admin=True)
    assert reply.text.startswith("Saved.\n") and "Forgotten days: 3 days back" in reply.text
    assert "Usage:" not in reply.text
