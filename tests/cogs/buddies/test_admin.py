"""What organizers do: /admin match now and /admin buddies."""

from __future__ import annotations

from bot.app import App
from tests.cogs.buddies.scenario import NAMES, enrol, groups_in, intros
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say


async def test_match_now_with_nobody_or_one_in_says_so_and_starts_no_round(app: App) -> None:
    nobody = await say(app, "/admin match now", "olga", admin=True)
    assert nobody.text.startswith("Nobody is in yet; nobody to pair.")
    await enrol(app, "alice")
    alone = await say(app, "/admin match now", "olga", admin=True)
    assert alone.text.startswith("Only Alice is in; nobody to pair.")
    await enrol(app, "bob")
    first = await say(app, "/admin match now", "olga", admin=True)
    assert "Round 1 started: 1 group" in first.text


async def test_admin_match_now_is_for_admins(app: App) -> None:
    reply = await say(app, "/admin match now")
    assert reply.error and "admins only" in reply.text


async def test_admin_settings_change_the_group_size_and_show_up(
    app: App, messenger: RecordingMessenger
) -> None:
    reply = await say(app, "/admin buddies size:3 day:tuesday time:18:30 every:2", admin=True)
    assert "every 2 weeks on Tuesday at 18:30 (UTC)" in reply.text
    shown = await say(app, "/admin show", admin=True)
    assert "buddy_group_size: 3" in shown.text and "buddy_day: tuesday" in shown.text
    await enrol(app, "alice", "bob", "carol", "dan", "erin", "frank")
    await say(app, "/admin match now", "olga", admin=True)
    assert sorted(len(g) for g in groups_in(messenger)) == [3, 3]


async def test_a_bad_setting_is_refused(app: App) -> None:
    reply = await say(app, "/admin buddies size:4", admin=True)
    assert reply.error and "size must be one of 2, 3" in reply.text


async def test_admin_buddies_without_options_shows_the_settings_and_the_usage(app: App) -> None:
    reply = await say(app, "/admin buddies", admin=True)
    assert reply.text.startswith("Buddy matching settings:\nRounds: every week on Monday")
    assert "Usage: /admin buddies [day:" in reply.text
    assert "Example: /admin buddies day:monday time:10:00 every:1" in reply.text


async def test_settings_and_report_agree_on_how_a_trio_community_groups(
    app: App, messenger: RecordingMessenger
) -> None:
    """size:3 with 8 members: two trios and one pair, said the same way everywhere."""
    settings = await say(app, "/admin buddies size:3", admin=True)
    assert "Group size: 3 (trios; one or two pairs when the count is not a multiple of 3)" in (
        settings.text
    )
    await enrol(app, *NAMES, "hana")
    report = await say(app, "/admin match now", admin=True)
    assert "Round 1 started: 3 groups." in report.text
    assert "1 pair is among the trios, because the count is not a multiple of 3" in report.text
    assert "trio(s)" not in report.text and "odd" not in report.text
    (pair_intro,) = [t for t in intros(messenger) if t.count("&") == 1]
    assert "You are a pair this round" in pair_intro


async def test_a_pair_community_reports_its_one_trio_in_the_singular(app: App) -> None:
    settings = await say(app, "/admin buddies", admin=True)
    assert "Group size: 2 (pairs; one trio when the count is odd)" in settings.text
    await enrol(app, *NAMES)
    report = await say(app, "/admin match now", admin=True)
    assert "1 trio, so nobody is left out over an odd count." in report.text
