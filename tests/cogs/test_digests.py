from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from bot.ports import Forbidden, Message
from bot.scheduling import Job
from bot.shards import TenantShare
from cogs import load_all
from cogs.digests import JOB, Digests
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say

SLOT = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)  # the Monday after the fixture clock's Monday


def digest_job(app: App) -> Job:
    return next(j for j in app.jobs if j.name == JOB)


def cogs_digests(app: App) -> Digests:
    """The cog instance behind the registered tick."""
    cog = getattr(digest_job(app).tick, "__self__", None)
    assert isinstance(cog, Digests)
    return cog


async def tick(app: App, at: datetime | None = None) -> None:
    if at is not None:
        assert isinstance(app.clock, ManualClock)
        app.clock.set(at)
    await digest_job(app).tick(app.clock.now())
    await app.sender.drain()


def digests(messenger: RecordingMessenger, channel: str = "study") -> list[Message]:
    return messenger.to("channel", channel)


async def schedule(app: App) -> None:
    reply = await say(
        app, "/admin digest channel:#study day:monday time:09:00", "admin", admin=True
    )
    assert not reply.error, reply.text


async def outbox_keys(app: App) -> list[str]:
    rows = await app.db.fetchall("SELECT idem_key FROM outbox WHERE idem_key LIKE 'digest:%'")
    return [r["idem_key"] for r in rows]


# --- settings -----------------------------------------------------------------------------------


async def test_admin_sets_channel_day_and_time_and_admin_show_lists_them(app: App) -> None:
    reply = await say(
        app, "/admin digest channel:#study day:friday time:17:30", "admin", admin=True
    )
    assert "#study Fridays at 17:30 (UTC)" in reply.text and "Friday 06 Mar 17:30" in reply.text
    shown = (await say(app, "/admin show", "admin", admin=True)).text
    assert "digest_channel: #study" in shown
    assert "digest_day: friday" in shown and "digest_time: 17:30" in shown


async def test_defaults_are_monday_nine_and_off_until_a_channel_is_chosen(app: App) -> None:
    shown = (await say(app, "/admin show", "admin", admin=True)).text
    assert "digest_channel: off" in shown and "digest_day: monday" in shown
    assert "digest_time: 09:00" in shown


async def test_admin_digest_off_stops_the_schedule(app: App, messenger: RecordingMessenger) -> None:
    await schedule(app)
    reply = await say(app, "/admin digest off", "admin", admin=True)
    assert "off" in reply.text
    await tick(app, SLOT)
    assert digests(messenger) == []


@pytest.mark.parametrize(
    "line",
    ["/admin digest channel:#study", "/admin digest off", "/digest post", "/digest preview"],
)
async def test_non_admins_get_a_clear_refusal(app: App, line: str) -> None:
    reply = await say(app, line, "bob")
    assert reply.error and "admins only" in reply.text
    shown = (await say(app, "/admin show", "admin", admin=True)).text
    assert "digest_channel: off" in shown


async def test_bad_time_is_refused_with_usage_and_nothing_is_saved(app: App) -> None:
    reply = await say(app, "/admin digest channel:#study time:25:00", "admin", admin=True)
    assert reply.error and "Usage: /admin digest" in reply.text
    assert "digest_channel: off" in (await say(app, "/admin show", "admin", admin=True)).text


# --- exactly once -------------------------------------------------------------------------------


async def test_the_scheduled_tick_posts_one_digest_with_thread_and_chart(
    app: App, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    await say(app, '/checkin did:"docker basics" skills:docker minutes:30', "ana")
    await tick(app, SLOT - timedelta(minutes=1))
    assert digests(messenger) == []
    await tick(app, SLOT)
    [digest] = digests(messenger)
    assert "Weekly study digest" in digest.text and "2 Mar – 8 Mar 2026" in digest.text
    assert digest.details is not None and "Docker" in digest.details
    [png] = digest.files
    assert png.filename == "digest-2026-W11.png" and png.data.startswith(b"\x89PNG")


async def test_a_tick_run_twice_posts_once(app: App, messenger: RecordingMessenger) -> None:
    await schedule(app)
    await tick(app, SLOT)
    await tick(app, SLOT + timedelta(minutes=1))
    await tick(app, SLOT + timedelta(days=3))
    assert len(digests(messenger)) == 1


async def test_concurrent_ticks_post_once(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    clock.set(SLOT)
    job = digest_job(app)
    await asyncio.gather(job.tick(SLOT), job.tick(SLOT), job.tick(SLOT))
    await app.sender.drain()
    assert len(digests(messenger)) == 1


async def test_two_processes_racing_post_once(
    app: App, settings: Settings, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    clock.set(SLOT)
    other_messenger = RecordingMessenger()
    # a second process racing the first: only possible without the lock (PostgreSQL)
    other = await App.create(settings, clock, other_messenger, load_all(), single_instance=False)
    try:
        await asyncio.gather(digest_job(app).tick(SLOT), digest_job(other).tick(SLOT))
        await asyncio.gather(app.sender.drain(), other.sender.drain())
    finally:
        await other.close()
    assert len(digests(messenger)) + len(digests(other_messenger)) == 1
    assert await outbox_keys(app) == [f"digest:{(await _tenant_id(app))}:2026-W11"]


async def test_a_process_that_does_not_own_the_community_leaves_its_digest_to_the_owner(
    app: App, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    app.own_only(TenantShare("test", 2, frozenset({0, 1}), 22))  # "T1" is on no shard of it
    await tick(app, SLOT)
    assert digests(messenger) == [] and await outbox_keys(app) == []


async def _tenant_id(app: App) -> int:
    tenant = await app.tenants.find("test", "T1")
    assert tenant is not None
    return tenant.id


async def test_a_crash_inside_the_claim_transaction_leaves_nothing_and_the_next_tick_posts_once(
    app: App, messenger: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    await schedule(app)
    import cogs.digests

    async def crash(*args: Any, **kwargs: Any) -> bool:
        raise RuntimeError("power cut between claim and enqueue")

    monkeypatch.setattr(cogs.digests, "enqueue", crash)
    await tick(app, SLOT)
    monkeypatch.undo()
    assert await outbox_keys(app) == [] and digests(messenger) == []
    await tick(app, SLOT + timedelta(minutes=1))
    await tick(app, SLOT + timedelta(minutes=2))
    assert len(digests(messenger)) == 1


async def test_one_communitys_failure_does_not_hold_up_another(
    app: App, messenger: RecordingMessenger, monkeypatch: pytest.MonkeyPatch
) -> None:
    await schedule(app)
    await say(app, "/admin digest channel:#other", "admin", tenant="T2", admin=True)
    broken = await _tenant_id(app)
    cog = cogs_digests(app)
    gather = cog.gather

    async def flaky(tenant_id: int, *args: Any) -> Any:
        if tenant_id == broken:
            raise RuntimeError("bad data")
        return await gather(tenant_id, *args)

    monkeypatch.setattr(cog, "gather", flaky)
    await tick(app, SLOT)
    assert digests(messenger) == [] and len(digests(messenger, "other")) == 1


async def test_a_restart_after_the_claim_but_before_sending_posts_once(
    app: App, settings: Settings, clock: ManualClock
) -> None:
    await schedule(app)
    clock.set(SLOT)
    await digest_job(app).tick(SLOT)  # claimed and queued, then the process dies unsent
    await app.close()
    messenger = RecordingMessenger()
    restarted = await App.create(settings, clock, messenger, load_all())
    try:
        await restarted.start(background=False)  # resume, catch-up ticks, drain
        await tick(restarted, SLOT + timedelta(minutes=5))
    finally:
        await restarted.close()
    assert len(digests(messenger)) == 1


async def test_a_digest_missed_while_down_is_posted_once_at_start(
    app: App, settings: Settings, clock: ManualClock
) -> None:
    await schedule(app)
    await app.close()
    clock.set(SLOT + timedelta(days=2))  # the bot was down through Monday 09:00
    messenger = RecordingMessenger()
    restarted = await App.create(settings, clock, messenger, load_all())
    try:
        await restarted.start(background=False)
        await tick(restarted, SLOT + timedelta(days=2, minutes=1))
    finally:
        await restarted.close()
    [digest] = digests(messenger)
    assert "2 Mar – 8 Mar 2026" in digest.text


async def test_choosing_a_day_that_already_passed_waits_for_the_next_one(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    clock.set(SLOT + timedelta(days=2))
    await schedule(app)  # on a Wednesday: last Monday's digest is not posted now
    await tick(app, SLOT + timedelta(days=2, minutes=1))
    assert digests(messenger) == []
    await tick(app, SLOT + timedelta(days=7))
    assert len(digests(messenger)) == 1


async def test_the_schedule_follows_the_community_time_zone(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    clock.set(datetime(2026, 3, 3, tzinfo=UTC))
    await say(app, "/admin timezone America/New_York", "admin", admin=True)
    await schedule(app)
    await tick(app, datetime(2026, 3, 9, 12, 59, tzinfo=UTC))  # 08:59 EDT
    assert digests(messenger) == []
    await tick(app, datetime(2026, 3, 9, 13, 0, tzinfo=UTC))  # 09:00 EDT
    assert len(digests(messenger)) == 1


# --- /digest post and preview -------------------------------------------------------------------


async def test_digest_post_is_once_per_week_unless_forced(
    app: App, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    first = await say(app, "/digest post", "admin", admin=True)
    assert not first.error and "#study" in first.text
    again = await say(app, "/digest post", "admin", admin=True)
    assert again.error and "already posted" in again.text and "force:yes" in again.text
    forced = await say(app, "/digest post force:yes", "admin", admin=True)
    assert not forced.error
    await tick(app, datetime(2026, 3, 8, 9, 0, tzinfo=UTC))  # Sunday: same ISO week
    assert len(digests(messenger)) == 2


async def test_a_digest_the_platform_refused_can_be_posted_again_without_force(
    app: App, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    messenger.failures.append(Forbidden("missing permissions"))
    await say(app, "/digest post", "admin", admin=True)
    assert digests(messenger) == []
    again = await say(app, "/digest post", "admin", admin=True)  # after fixing the permission
    assert not again.error and len(digests(messenger)) == 1


async def test_a_manual_post_takes_the_weeks_claim_from_the_schedule(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    clock.set(SLOT - timedelta(hours=2))
    await say(app, "/digest post", "admin", admin=True)
    await tick(app, SLOT)
    assert len(digests(messenger)) == 1


async def test_digest_post_without_a_channel_says_how_to_set_one(app: App) -> None:
    reply = await say(app, "/digest post", "admin", admin=True)
    assert reply.error and "/admin digest channel:" in reply.text


async def test_preview_is_private_has_the_chart_and_posts_nothing(
    app: App, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    reply = await say(app, "/digest preview", "admin", admin=True)
    assert reply.private and "Preview" in reply.text
    assert reply.files and reply.files[0].data.startswith(b"\x89PNG")
    assert messenger.sent == [] and await outbox_keys(app) == []
    await tick(app, SLOT)
    assert len(digests(messenger)) == 1


async def test_preview_mid_week_shows_the_week_so_far_labelled_as_such(
    app: App, clock: ManualClock
) -> None:
    await schedule(app)
    await say(app, "/checkin did:joins", "ana")  # Monday 2 March
    clock.advance(timedelta(days=2))
    await say(app, "/checkin did:indexes", "ana")
    reply = await say(app, "/digest preview", "admin", admin=True)
    assert "This week so far: Mon 2 Mar – Wed 4 Mar" in reply.text
    assert "Check-ins per day: Mon 1 · Tue 0 · Wed 1" in (reply.details or "")


async def test_preview_week_last_shows_the_last_full_week(app: App, clock: ManualClock) -> None:
    await schedule(app)
    await say(app, "/checkin did:joins", "ana")  # Monday 2 March
    clock.advance(timedelta(days=9))  # Wednesday 11 March
    await say(app, "/checkin did:indexes", "ana")
    reply = await say(app, "/digest preview week:last", "admin", admin=True)
    assert "Last week: Mon 2 Mar – Sun 8 Mar" in reply.text
    assert "Weekly study digest** · 2 Mar – 8 Mar 2026" in reply.text
    assert "1 check-in, 1 member" in (reply.details or "")


async def test_an_empty_week_gets_a_short_encouraging_digest(
    app: App, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    await tick(app, SLOT)
    [digest] = digests(messenger)
    assert "no check-ins yet" in digest.text and digest.details is None
    assert digest.files[0].data.startswith(b"\x89PNG")


# --- blockers and helpers -----------------------------------------------------------------------


async def _blocker_details(app: App, messenger: RecordingMessenger) -> str:
    await tick(app, SLOT)
    [digest] = digests(messenger)
    assert digest.details is not None
    line = next(x for x in digest.details.splitlines() if re.match(r"• #\d+ Ana ", x))
    return line


async def test_blocker_routing_skips_blocks_both_ways_opt_outs_and_other_tenants(
    app: App, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    for user in ("blocked", "blocker", "shy", "helper"):
        await say(app, "/profile set knows:docker", user)
    await say(app, "/profile set knows:docker", "outsider", tenant="T2")
    await say(app, "/buddy block user:blocked", "ana")  # ana blocked this one
    await say(app, "/buddy block user:ana", "blocker")  # this one blocked ana
    await say(app, "/digest helper off", "shy")
    await say(app, '/checkin did:"compose" blockers:"docker networking" skills:docker', "ana")
    line = await _blocker_details(app, messenger)
    assert "Helper can help" in line
    for name in ("Blocked", "Blocker", "Shy", "Outsider"):
        assert name not in line


async def test_a_member_can_opt_out_and_back_in_as_a_helper(app: App) -> None:
    off = await say(app, "/digest helper off", "kim")
    assert "will not suggest you" in off.text
    assert "will not suggest you" in (await say(app, "/digest helper", "kim")).text
    on = await say(app, "/digest helper on", "kim")
    assert "may suggest you" in on.text


async def test_the_helper_choice_is_in_the_personal_data_export(app: App) -> None:
    await say(app, "/digest helper off", "kim")
    reply = await say(app, "/privacy export", "kim")
    data = json.loads(reply.files[0].data)
    assert data["digests"]["suggested_as_helper"] is False


async def test_the_posted_digest_has_a_solved_button_for_each_blocker(
    app: App, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    await say(app, '/checkin did:"compose" blockers:"docker networking" skills:docker', "ana")
    await tick(app, SLOT)  # queued in the outbox, then sent from it
    [digest] = digests(messenger)
    [button] = digest.buttons
    number = re.fullmatch(r"Solved #(\d+) \(Ana\)", button.label)
    assert number is not None and button.command == f"checkin solved blocker:{number[1]}"


async def test_the_author_clicking_solved_closes_the_blocker_for_the_next_digest(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    clock.advance(timedelta(days=2))  # Wednesday: still open in the next week's first days
    await say(app, '/checkin did:"compose" blockers:"docker networking" skills:docker', "ana")
    await tick(app, SLOT)
    [button] = digests(messenger)[0].buttons
    refused = await say(app, button.command, "ben")
    assert refused.error and refused.text == (
        f"Blocker #{button.command.rsplit(':', 1)[1]} is Ana's; only they can mark it solved."
    )
    assert "Marked solved" in (await say(app, button.command, "ana")).text
    after = await say(app, "/digest preview", "admin", admin=True)
    assert "docker networking" not in (after.details or "") and after.buttons == ()


async def test_digest_next_says_when_and_where(app: App) -> None:
    assert "no weekly digest yet" in (await say(app, "/digest next", "ana")).text
    await say(app, "/admin digest channel:#study day:wednesday time:18:00", admin=True)
    reply = await say(app, "/digest next", "ana")  # START is Monday 2 March
    assert reply.text.startswith("Next digest: Wednesday 04 Mar, 18:00 (UTC) in #study")


# --- learning paths -----------------------------------------------------------------------------


async def test_the_digest_shows_path_progress_when_members_are_on_paths(
    app: App, messenger: RecordingMessenger
) -> None:
    await schedule(app)
    await say(app, "/checkin did:joins skills:sql minutes:30", "ana")
    await say(app, "/checkin did:shell skills:linux minutes:30", "ben")
    before = await say(app, "/digest preview", "admin", admin=True)
    assert "Learning paths" not in (before.details or "")
    tenant = await app.tenants.find(app.platform, "T1")
    assert tenant is not None
    now = app.clock.now()
    for name in ("ana", "ben"):
        member = await app.members.find(tenant.id, name)
        assert member is not None
        await app.paths.repo.pick(tenant.id, member.id, "backend-basics", now, now.date())
        if name == "ana":
            await app.paths.repo.reach(tenant.id, member.id, "backend-basics", ["shell"], now)
    await tick(app, SLOT)
    (post,) = digests(messenger)
    assert "🧭 Learning paths: 1 milestone reached" in post.text
    assert "Backend basics for data scientists, 2 members" in (post.details or "")
    assert "🎯 Milestones reached: Ana (Be at home in the terminal)" in (post.details or "")
