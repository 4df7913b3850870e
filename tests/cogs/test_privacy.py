from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

from bot.app import Actor, App
from bot.clock import ManualClock
from bot.commands import OptionType, Reply
from bot.ports import Message
from bot.storage import outbox
from bot.storage.models import Member, Tenant
from cogs.privacy import DELETE_AFTER, SWEEP_JOB
from tests import declared
from tests.helpers import say


async def _tenant(app: App, external_id: str = "T1") -> Tenant:
    tenant = await app.tenants.find("test", external_id)
    assert tenant is not None
    return tenant


async def _member(app: App, user: str, tenant: str = "T1") -> Member | None:
    return await app.members.find((await _tenant(app, tenant)).id, user)


def _export(reply: Reply) -> dict[str, Any]:
    assert len(reply.files) == 1 and reply.files[0].filename.endswith(".json")
    data: dict[str, Any] = json.loads(reply.files[0].data)
    return data


async def _queue_reminder(app: App, member: Member, text: str) -> None:
    """A message waiting for tomorrow, as a reminder cog would queue it."""
    now = app.clock.now()
    async with app.db.transaction() as tx:
        await outbox.enqueue(
            tx,
            member.tenant_id,
            f"test-reminder-{member.id}",
            outbox.Target.dm(member.external_id),
            Message(text),
            now,
            member_id=member.id,
            not_before=now + timedelta(days=1),
        )


async def _rows(app: App, sql: str, *params: object) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in await app.db.fetchall(sql, params)]


async def test_export_is_a_private_json_file_with_a_summary(app: App) -> None:
    await say(app, "/profile set timezone:Europe/Berlin learning:docker,sql about:stats")
    reply = await say(app, "/privacy export")
    assert reply.private and not reply.error
    data = _export(reply)
    assert data["member"]["platform_user_id"] == "alice"
    assert data["profile"]["timezone"] == "Europe/Berlin"
    assert data["profile"]["learning"] == ["docker", "sql"]
    for provider in app.personal_data.providers:
        assert provider.name in data
        assert f"- {provider.name}: " in reply.text
    assert "- profile: timezone, about, learning: 2" in reply.text


async def test_export_holds_only_the_invokers_data(app: App) -> None:
    await say(app, "/profile set about:alice-secret", user="alice")
    await say(app, "/profile set about:bob-secret", user="bob")
    data = _export(await say(app, "/privacy export", user="bob"))
    assert "alice" not in json.dumps(data).lower()
    assert data["profile"]["about"] == "bob-secret"


async def test_export_lists_queued_messages(app: App) -> None:
    await say(app, "/profile show")
    alice = await _member(app, "alice")
    assert alice is not None
    await _queue_reminder(app, alice, "time to check in")
    data = _export(await say(app, "/privacy export"))
    assert [m["text"] for m in data["messages"]] == ["time to check in"]


async def test_delete_asks_first_and_writes_nothing(app: App) -> None:
    await say(app, "/profile set timezone:Europe/Berlin")
    reply = await say(app, "/privacy delete")
    assert reply.private and "cannot be undone" in reply.text
    assert [b.command for b in reply.buttons] == [
        "privacy delete confirm:yes",
        "privacy delete confirm:no",
    ]
    kept = await say(app, "/privacy delete confirm:no")
    assert "Nothing was deleted" in kept.text
    assert "Europe/Berlin" in (await say(app, "/profile show")).text


async def test_delete_removes_the_members_rows_and_keeps_a_tombstone(app: App) -> None:
    await say(app, "/profile set timezone:Europe/Berlin learning:docker about:me")
    alice = await _member(app, "alice")
    assert alice is not None
    reply = await say(app, "/privacy delete confirm:yes")
    assert "no longer stores anything" in reply.text
    assert await _member(app, "alice") is None
    tomb = await app.members.get(alice.tenant_id, alice.id)
    assert tomb is not None
    assert tomb.display_name == "a former member" and tomb.external_id == f"erased:{alice.id}"
    assert tomb.left_at is not None
    assert await _rows(app, "SELECT * FROM profiles WHERE member_id = ?", alice.id) == []
    assert await _rows(app, "SELECT * FROM member_skills WHERE member_id = ?", alice.id) == []


async def test_delete_button_runs_the_confirmed_delete(app: App) -> None:
    await say(app, "/profile set about:me")
    button = (await say(app, "/privacy delete")).buttons[0]
    await say(app, button.command)
    assert await _member(app, "alice") is None


async def test_every_provider_is_empty_after_delete(app: App) -> None:
    """Whatever any command stores (commands and providers added later included) is gone."""
    zed = Actor("T1", "zed-canary", "Zed Canary", is_admin=True)
    await say(app, "/help", user="bob")
    for command in app.commands:
        values = declared.full_values(command, user="bob", today=app.clock.now().date())
        for option in command.options:
            if option.type is OptionType.TEXT:
                values[option.name] = "canary note"
        await app.handle_line(zed, declared.line(command, values))
    await app.handle_line(zed, "/checkin remind 19:00")
    await app.handle_line(zed, "/buddy join")
    member = await _member(app, "zed-canary")
    assert member is not None
    await _queue_reminder(app, member, "canary reminder")
    tenant = await _tenant(app)
    before = json.dumps(
        [await p.export(tenant, member) for p in app.personal_data.providers], default=str
    )
    assert before.lower().count("canary") >= 4  # the commands above did store something
    await app.handle_line(zed, "/privacy delete confirm:yes")
    tomb = await app.members.get(tenant.id, member.id)
    assert tomb is not None
    after = json.dumps(
        [await p.export(tenant, tomb) for p in app.personal_data.providers], default=str
    )
    assert "canary" not in after.lower()


async def test_delete_cancels_pending_messages(app: App, messenger: Any) -> None:
    await say(app, "/profile show")
    alice = await _member(app, "alice")
    assert alice is not None
    await _queue_reminder(app, alice, "check in today")
    await say(app, "/privacy delete confirm:yes")
    item = await app.outbox.by_key(f"test-reminder-{alice.id}")
    assert item is not None and item.status == "cancelled" and item.message.text == ""
    assert isinstance(app.clock, ManualClock)
    app.clock.advance(timedelta(days=2))
    await app.sender.drain()
    assert "check in today" not in messenger.texts()


async def test_other_members_and_other_communities_are_untouched(app: App) -> None:
    await say(app, "/profile set about:alice-T1", user="alice")
    await say(app, "/profile set about:bob-T1", user="bob")
    await say(app, "/profile set about:alice-T2", user="alice", tenant="T2")
    await say(app, "/privacy delete confirm:yes", user="alice")
    assert "bob-T1" in (await say(app, "/profile show", user="bob")).text
    assert "alice-T2" in (await say(app, "/profile show", user="alice", tenant="T2")).text


async def test_a_returning_member_starts_afresh(app: App) -> None:
    await say(app, "/profile set about:old")
    old = await _member(app, "alice")
    await say(app, "/privacy delete confirm:yes")
    reply = await say(app, "/profile show")
    new = await _member(app, "alice")
    assert old is not None and new is not None and new.id != old.id
    assert "old" not in reply.text


async def test_admin_sets_auto_delete_and_members_cannot(app: App) -> None:
    refused = await say(app, "/admin privacy 30", user="bob")
    assert refused.error and "admins only" in refused.text
    reply = await say(app, "/admin privacy 30", admin=True)
    assert "30 days" in reply.text
    assert (await app.community.get((await _tenant(app)).id))[DELETE_AFTER] == 30
    bad = await say(app, "/admin privacy days:-1", admin=True)
    assert bad.error and "between 0 and 3650" in bad.text


async def _left(app: App, clock: ManualClock, user: str, days_ago: int) -> None:
    await say(app, "/profile set about:x", user=user)
    await app.members.mark_left(
        (await _tenant(app)).id, user, app.clock.now() - timedelta(days=days_ago)
    )


async def _sweep(app: App) -> object:
    job = next(j for j in app.jobs if j.name == SWEEP_JOB)
    return await job.tick(app.clock.now())


async def test_auto_delete_erases_members_who_left_long_enough_ago(
    app: App, clock: ManualClock
) -> None:
    await say(app, "/admin privacy 30", admin=True)
    await _left(app, clock, "old", 31)
    await _left(app, clock, "recent", 29)
    await _sweep(app)
    assert await _member(app, "old") is None
    assert await _member(app, "recent") is not None
    clock.advance(timedelta(days=2))
    await _sweep(app)
    assert await _member(app, "recent") is None


async def test_auto_delete_is_off_by_default(app: App, clock: ManualClock) -> None:
    await _left(app, clock, "old", 400)
    await _sweep(app)
    assert await _member(app, "old") is not None


async def test_auto_delete_spares_members_who_came_back(app: App, clock: ManualClock) -> None:
    await say(app, "/admin privacy 30", admin=True)
    await _left(app, clock, "back", 40)
    await app.member_joined("T1", "back", "Back")
    await _sweep(app)
    assert await _member(app, "back") is not None


async def test_racing_sweeps_erase_each_leaving_once(app: App, clock: ManualClock) -> None:
    await say(app, "/admin privacy 30", admin=True)
    await _left(app, clock, "old", 31)
    assert sorted(await asyncio.gather(_sweep(app), _sweep(app))) == [0, 1]  # type: ignore[type-var]
    claims = await _rows(app, "SELECT period FROM job_runs WHERE job = ?", SWEEP_JOB)
    assert len(claims) == 1


async def test_delete_blanks_the_stored_copy_of_posts_that_named_the_member(app: App) -> None:
    await say(app, "/profile show", user="alice")
    await say(app, "/profile show", user="bob")
    tenant = await _tenant(app)
    now = app.clock.now()
    alice, bob = (
        await app.members.find(tenant.id, "alice"),
        await app.members.find(tenant.id, "bob"),
    )
    assert alice is not None and bob is not None
    async with app.db.transaction() as tx:
        for key, text, named in (
            ("about-alice", "Streaks: Alice 5 days", alice.id),
            ("about-bob", "Streaks: Bob 3", bob.id),
        ):
            await outbox.enqueue(
                tx,
                tenant.id,
                key,
                outbox.Target.channel("digest"),
                Message(text),
                now,
                mentions=(named,),
            )
    await app.sender.drain()
    await say(app, "/privacy delete confirm:yes", user="alice")
    alice_post, bob_post = (
        await app.outbox.by_key("about-alice"),
        await app.outbox.by_key("about-bob"),
    )
    assert alice_post is not None and alice_post.message.text == ""
    assert bob_post is not None and bob_post.message.text == "Streaks: Bob 3"


async def test_the_platform_time_zone_is_exported_and_erased(app: App) -> None:
    slack_user = Actor("T1", "alice", "Alice", platform_timezone="America/Los_Angeles")
    export = _export(await app.handle_line(slack_user, "/privacy export"))
    assert export["member"]["platform_time_zone"] == "America/Los_Angeles"
    alice = await _member(app, "alice")
    assert alice is not None
    await say(app, "/privacy delete confirm:yes")
    tomb = await app.members.get(alice.tenant_id, alice.id)
    assert tomb is not None and tomb.platform_timezone is None


async def test_admin_privacy_without_days_shows_the_setting_and_changes_nothing(app: App) -> None:
    await say(app, "/admin privacy 30", admin=True)
    reply = await say(app, "/admin privacy", admin=True)
    assert "Auto-delete of members who left: 30 days after a member leaves." in reply.text
    assert "Usage: /admin privacy [[days:]<0-3650>]" in reply.text
    assert (await app.community.get((await _tenant(app)).id))[DELETE_AFTER] == 30
