"""The weekly organizer report (cogs/organizer_reports.py): the digest's figures and the latest
buddy round report, privately to each organizer, once a week; and organizers are not counted as
students unless they study."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.ports import Message
from cogs.organizer_reports import HEADING
from tests.cogs.test_digests import SLOT, cogs_digests, digest_job, digests, schedule, tick
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say


def reports(messenger: RecordingMessenger, user: str = "admin") -> list[Message]:
    return [m for m in messenger.to("dm", user) if m.text.startswith(HEADING)]


async def organizer(app: App, user: str = "admin", tenant: str = "T1") -> None:
    """`user` runs an admin command, which is how the bot learns who organizes."""
    assert not (await say(app, "/admin show", user, tenant=tenant, admin=True)).error


async def report_keys(app: App) -> list[str]:
    rows = await app.db.fetchall(
        "SELECT idem_key FROM outbox WHERE idem_key LIKE 'organizer-report:%' ORDER BY idem_key"
    )
    return [r["idem_key"] for r in rows]


# --- who gets it, and how often -----------------------------------------------------------------


async def test_each_organizer_gets_one_report_a_week_even_when_the_tick_runs_twice(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    await organizer(app, "ada")
    await say(app, '/checkin did:"joins" minutes:30', "ana")
    await tick(app, SLOT)
    await tick(app, SLOT + timedelta(minutes=1))
    clock.set(SLOT + timedelta(minutes=2))
    job = digest_job(app)
    await asyncio.gather(job.tick(clock.now()), job.tick(clock.now()))
    await app.sender.drain()
    for user in ("admin", "ada"):
        [report] = reports(messenger, user)
        assert "**1** of 1 members checked in" in report.text and "Checked in: Ana" in report.text
    assert len(digests(messenger)) == 1
    await tick(app, SLOT + timedelta(days=7))  # the next week: one more each
    assert len(reports(messenger, "admin")) == len(reports(messenger, "ada")) == 2


async def test_the_report_goes_when_no_digest_channel_is_set(
    app: App, messenger: RecordingMessenger
) -> None:
    await organizer(app)
    await say(app, '/checkin did:"joins"', "ana")
    await tick(app, SLOT - timedelta(minutes=1))
    assert reports(messenger) == []
    await tick(app, SLOT)  # the default schedule: Mondays 09:00
    assert len(reports(messenger)) == 1 and messenger.sent[-1].kind == "dm"
    assert [s for s in messenger.sent if s.kind == "channel"] == []


async def test_a_community_created_after_the_latest_slot_waits_for_the_next_one(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    clock.set(SLOT + timedelta(days=2))  # created on a Wednesday: Monday's slot is before it
    await organizer(app)
    await tick(app, SLOT + timedelta(days=2, minutes=1))
    assert reports(messenger) == []
    await tick(app, SLOT + timedelta(days=7))
    assert len(reports(messenger)) == 1


async def test_an_opted_out_organizer_gets_none_until_they_opt_back_in(
    app: App, messenger: RecordingMessenger
) -> None:
    await organizer(app, "ada")
    off = await say(app, "/admin reports off:yes", "admin", admin=True)
    assert off.private and "do not get the weekly organizer report" in off.text
    await tick(app, SLOT)
    assert reports(messenger, "admin") == [] and len(reports(messenger, "ada")) == 1
    on = await say(app, "/admin reports on:yes", "admin", admin=True)
    assert on.text.startswith("Saved. You get the weekly organizer report")
    await tick(app, SLOT + timedelta(days=7))
    assert len(reports(messenger, "admin")) == 1


async def test_a_non_organizer_gets_none(app: App, messenger: RecordingMessenger) -> None:
    await organizer(app)
    await say(app, '/checkin did:"joins"', "ana")
    await tick(app, SLOT)
    assert reports(messenger, "ana") == [] and len(reports(messenger)) == 1


async def test_an_organizer_not_seen_for_90_days_gets_none(
    app: App, messenger: RecordingMessenger
) -> None:
    await organizer(app)
    await tick(app, SLOT + timedelta(days=91))
    assert reports(messenger) == []


async def test_a_removed_communitys_organizers_get_none_until_it_is_back(
    app: App, messenger: RecordingMessenger
) -> None:
    await organizer(app)
    await app.tenant_removed("T1")
    await tick(app, SLOT)
    assert await report_keys(app) == [] and reports(messenger) == []
    await app.tenant_added("T1", "Study Hall")
    await tick(app, SLOT + timedelta(days=7))
    assert len(reports(messenger)) == 1


async def test_one_communitys_failing_report_does_not_hold_up_anothers(
    app: App, messenger: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    await organizer(app)
    await organizer(app, "bea", tenant="T2")
    cog = cogs_digests(app)
    broken = await app.tenants.find("test", "T1")
    assert broken is not None
    send = cog.reports.send

    async def flaky(tenant_id: int, *args: Any) -> int:
        if tenant_id == broken.id:
            raise RuntimeError("bad data")
        return await send(tenant_id, *args)

    monkeypatch.setattr(cog.reports, "send", flaky)
    await tick(app, SLOT)
    assert reports(messenger) == [] and len(reports(messenger, "bea")) == 1


# --- what it says -------------------------------------------------------------------------------


async def test_the_report_has_the_weeks_figures_the_latest_round_and_how_to_stop(
    app: App, messenger: RecordingMessenger
) -> None:
    await organizer(app)
    for user in ("ana", "ben"):
        await say(app, "/buddy join", user)
    await say(app, "/admin match now", "admin", admin=True)
    await say(app, '/checkin did:"compose" minutes:45 blockers:"docker networking"', "ana")
    await say(app, '/checkin did:"sql" minutes:15', "ben")
    await tick(app, SLOT)
    [report] = reports(messenger)
    assert "2 Mar – 8 Mar 2026" in report.text
    assert "**2** of 2 members checked in · ⏱️ **1.0 h** studied" in report.text
    assert "2 check-ins · 🧱 1 open blocker" in report.text
    assert "Checked in: Ana and Ben" in report.text
    assert "This week's rounds: 0 of 1 group met" in report.text
    assert "Buddy round 1 (Monday 2 March): 1 group for 2 members" in report.text
    assert report.details is not None and "Ana & Ben" in report.details
    assert report.text.endswith("Stop these reports with /admin reports off:yes.")


async def test_before_any_buddy_round_the_report_says_how_to_start_one(
    app: App, messenger: RecordingMessenger
) -> None:
    await organizer(app)
    await tick(app, SLOT)
    [report] = reports(messenger)
    assert "No buddy round has run yet; start one with /admin match now." in report.text


# --- /admin reports -----------------------------------------------------------------------------


async def test_admin_reports_shows_the_state_without_changing_it(app: App) -> None:
    shown = await say(app, "/admin reports", "admin", admin=True)
    assert not shown.error and shown.text.startswith("You get the weekly organizer report")
    await say(app, "/admin reports off:yes", "admin", admin=True)
    again = await say(app, "/admin reports", "admin", admin=True)
    assert again.text.startswith("You do not get the weekly organizer report")


async def test_admin_reports_refuses_on_and_off_at_once_with_the_usage(app: App) -> None:
    reply = await say(app, "/admin reports off:yes on:yes", "admin", admin=True)
    assert reply.error and "Choose one: off:yes or on:yes." in reply.text
    assert "Usage: /admin reports" in reply.text


async def test_admin_reports_is_for_organizers_only(app: App) -> None:
    reply = await say(app, "/admin reports off:yes", "ana")
    assert reply.error and "admins only" in reply.text


async def test_the_choice_is_in_the_export_and_erased_with_the_member(app: App) -> None:
    await say(app, "/admin reports off:yes", "admin", admin=True)
    data = json.loads((await say(app, "/privacy export", "admin")).files[0].data)
    assert data["organizer"]["weekly_reports"] is False
    await say(app, "/privacy delete confirm:yes", "admin")
    tenant = await app.tenants.find("test", "T1")
    assert tenant is not None
    assert await app.db.fetchall("SELECT * FROM organizers WHERE tenant_id = ?", (tenant.id,)) == []


# --- organizers are not students ----------------------------------------------------------------


async def test_an_organizer_who_never_studied_is_not_counted_nor_welcomed(
    app: App, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    await say(app, "/profile set knows:docker", "admin", admin=True)  # a profile is not studying
    await say(app, '/checkin did:"joins"', "ana")
    await tick(app, SLOT)
    [digest] = digests(messenger)
    assert "**1** of 1 members checked in" in digest.text
    assert "Welcome to 1 new member!" in digest.text
    assert digest.details is not None and "👋 Welcome, Ana!" in digest.details
    [report] = reports(messenger)
    assert "**1** of 1 members checked in" in report.text


@pytest.mark.parametrize(
    ("studies", "line"),
    [('/checkin did:"reading"', "**2** of 2 members"), ("/buddy join", "**1** of 2 members")],
)
async def test_an_organizer_who_checks_in_or_joins_buddies_is_counted(
    app: App, messenger: RecordingMessenger, studies: str, line: str
) -> None:
    await schedule(app)
    await say(app, studies, "admin", admin=True)
    await say(app, '/checkin did:"joins"', "ana")
    await tick(app, SLOT)
    [digest] = digests(messenger)
    assert f"{line} checked in" in digest.text
    assert digest.details is not None and "👋 Welcome, Admin and Ana!" in digest.details


async def test_an_erased_member_the_round_report_names_is_blanked_from_the_stored_report(
    app: App, messenger: RecordingMessenger
) -> None:
    """Dan is named only by the buddy round part (he did not check in that week)."""
    await organizer(app)
    for user in ("ana", "dan"):
        await say(app, "/buddy join", user)
    await say(app, "/admin match now", "admin", admin=True)
    await tick(app, SLOT)
    [report] = reports(messenger)
    assert report.details is not None and "Dan" in report.details
    await say(app, "/privacy delete confirm:yes", "dan")
    [stored] = await app.db.fetchall(
        "SELECT payload FROM outbox WHERE idem_key LIKE 'organizer-report:%'"
    )
    assert "Dan" not in stored["payload"]
