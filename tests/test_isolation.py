"""Isolation and permissions, generated from the declarations.

Tenant A gets real data (every command run with valid values, then a study week). Then every
declared command is invoked from tenant B, as a member and as an admin, and as a member of B who
shares a platform user id with a member of A, aimed at A's users, channels, dates and row ids.
Every invocation must leave A's rows unchanged and never show A's data; aiming at A's users is
refused. Every admin command is refused to a non-admin and changes nothing at all. A command
added later is covered by these loops without a change here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from bot.app import Actor, App
from bot.clock import ManualClock
from bot.commands import Command, OptionType, Reply
from bot.ports import ChannelRef, Message, MessageRef, UserRef
from bot.storage.models import Tenant
from tests import declared
from tests.fakes.recording import RecordingMessenger

CANARY = "canaryA"  # in every display name and free text of tenant A: must never reach B
A_USERS = ("zoe", "yan", "xia", "wen")
A_ADMIN = "zoe"
A_CHANNEL = "study-a"
AIMED_INTS = 12  # how many of A's row ids to aim at each number option


@dataclass
class TenantRecordingMessenger(RecordingMessenger):
    """Also notes which tenant each message went to."""

    tenants: list[str] = field(default_factory=list)

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        ref = await super().send(channel, message)
        self.tenants.append(channel.tenant)
        return ref

    async def send_dm(self, user: UserRef, message: Message) -> MessageRef:
        ref = await super().send_dm(user, message)
        self.tenants.append(user.tenant)
        return ref


@pytest.fixture
def messenger() -> TenantRecordingMessenger:
    return TenantRecordingMessenger()


def a_actor(user: str, *, admin: bool = False) -> Actor:
    return Actor(
        tenant_id="A",
        user_id=user,
        display_name=f"{user}-{CANARY}",
        tenant_name=f"Tenant {CANARY}",
        channel=ChannelRef("A", A_CHANNEL),
        is_admin=admin,
    )


def b_actor(user: str, *, admin: bool = False) -> Actor:
    return Actor(
        tenant_id="B",
        user_id=user,
        display_name=user.capitalize(),
        tenant_name="Tenant B",
        channel=ChannelRef("B", "study-b"),
        is_admin=admin,
    )


async def run(app: App, actor: Actor, text: str) -> Reply:
    reply = await app.handle_line(actor, text)
    await app.sender.drain()
    assert "something went wrong" not in reply.text, f"{text!r} crashed"
    return reply


async def step(app: App, clock: ManualClock, delta: timedelta) -> None:
    end = clock.now() + delta
    while clock.now() < end:
        clock.advance(timedelta(minutes=15))
        await app.scheduler.run_due()
        await app.sender.drain()


async def populate_a(app: App, clock: ManualClock) -> Tenant:
    """Every command with valid values for every A member, then a week of real use."""
    today = clock.now().date()
    for user in A_USERS:
        await run(app, a_actor(user), "/help")
    for i, user in enumerate(A_USERS):
        other = A_USERS[(i + 1) % len(A_USERS)]
        for command in app.commands:
            values = declared.full_values(command, user=other, today=today)
            await run(app, a_actor(user, admin=user == A_ADMIN), declared.line(command, values))
    admin = a_actor(A_ADMIN, admin=True)
    await run(app, admin, f"/admin buddies channel:#{A_CHANNEL} day:tuesday time:09:00 every:1")
    await run(app, admin, f"/admin digest channel:#{A_CHANNEL} day:thursday time:09:00")
    for user in A_USERS:
        actor = a_actor(user)
        await run(
            app,
            actor,
            f'/profile set about:"{CANARY} about {user}" learning:docker,sql hours:18:00-21:00',
        )
        await run(app, actor, "/buddy join")
        await run(app, actor, "/buddy resume")  # the pass above paused everyone
        await run(app, actor, f'/checkin did:"{CANARY} did {user}" skills:sql minutes:30')
        await run(app, actor, "/checkin remind 19:00")
    await run(app, a_actor("yan"), "/buddy block @xia")
    await step(app, clock, timedelta(days=4))  # a round, follow-ups, reminders (and digests)
    tenant = await app.tenants.find(app.platform, "A")
    assert tenant is not None
    return tenant


@dataclass(frozen=True)
class Aim:
    """Where tenant A is, as B could name it."""

    users: tuple[str, ...]  # platform ids, mentions and display names of A's members
    channels: tuple[str, ...]
    ints: tuple[int, ...]
    dates: tuple[str, ...]


async def aim_at(app: App, tenant: Tenant) -> Aim:
    members = await app.members.active(tenant.id)
    users = [v for m in members for v in (m.external_id, f"<@{m.external_id}>", m.display_name)]
    rooms = await app.db.fetchall("SELECT channel_id FROM rooms WHERE tenant_id = ?", (tenant.id,))
    days = await app.db.fetchall(
        "SELECT DISTINCT local_date FROM checkins WHERE tenant_id = ?", (tenant.id,)
    )
    return Aim(
        users=tuple(users),
        channels=(f"#{A_CHANNEL}", *(r["channel_id"] for r in rooms)),
        ints=tuple(sorted(await declared.row_ids(app.db, tenant.id))),
        dates=tuple(r["local_date"] for r in days),
    )


def aimed_values(command: Command, aim: Aim) -> list[tuple[str, str, str | None]]:
    """(option, value, the A member it names, if any) for every option of the command."""
    out: list[tuple[str, str, str | None]] = []
    for option in command.options:
        kind = option.type
        if kind is OptionType.USER:
            out += [(option.name, u, u.strip("<@>").lower()) for u in aim.users]
        elif kind is OptionType.CHANNEL:
            out += [(option.name, c, None) for c in aim.channels]
        elif kind is OptionType.INT:
            low = option.min_value if option.min_value is not None else -(2**31)
            high = option.max_value if option.max_value is not None else 2**31
            ints = [i for i in aim.ints if low <= i <= high][:AIMED_INTS]
            out += [(option.name, str(i), None) for i in ints]
        elif kind in (OptionType.DATE, OptionType.DAY):
            out += [(option.name, d, None) for d in aim.dates]
        elif kind is OptionType.TEXT:
            # Upper case: what B types into free text is B's own data afterwards (a blocker B
            # wrote shows when B marks it solved), and must not read as A's canary then.
            out += [(option.name, u.upper(), None) for u in aim.users[:3]]
            out += [(option.name, str(i), None) for i in aim.ints[:3]]
        elif kind is OptionType.BOOL:
            out += [(option.name, "yes", None)]
    return out


async def b_names(app: App) -> set[str]:
    """Who a name typed in B can legitimately mean: B's own members."""
    tenant = await app.tenants.find(app.platform, "B")
    members = await app.members.active(tenant.id) if tenant is not None else []
    return {n.lower() for m in members for n in (m.external_id, m.display_name)}


def assert_no_leak(reply: Reply, text: str, typed: str = "") -> None:
    """No canary of A in what B sees, beyond an echo of what B typed."""
    shown = [
        reply.text,
        *(b.command for b in reply.buttons),
        *(f.data.decode("utf-8", "replace") for f in reply.files),
    ]
    leaked = [x for x in shown if CANARY in (x.replace(typed, "") if typed else x)]
    assert not leaked, f"{text!r} showed tenant A's data: {reply.text!r}"


async def test_every_table_belongs_to_a_tenant(app: App) -> None:
    for table, columns in (await declared.tables(app.db)).items():
        if table not in declared.UNSCOPED:
            assert "tenant_id" in columns, f"table {table} has no tenant_id"


async def test_tenant_b_cannot_reach_tenant_a(
    app: App, clock: ManualClock, messenger: TenantRecordingMessenger
) -> None:
    a = await populate_a(app, clock)
    aim = await aim_at(app, a)
    assert aim.users and aim.ints and aim.dates
    before = await declared.snapshot(app.db, a.id)
    assert all(before[t] for t in ("checkins", "groups", "profiles", "blocks", "digests"))
    sent_before = len(messenger.tenants)
    today = clock.now().date()
    # mallory is only in B; zoe is also A's admin (one platform account in two communities)
    attackers = (b_actor("mallory"), b_actor("mallory", admin=True), b_actor(A_ADMIN))
    await run(app, b_actor("mallory"), "/help")
    refused = 0
    for command in app.commands:
        for actor in attackers:
            base = declared.required_values(command, user="mallory", today=today)
            lines: list[tuple[str, str, str | None]] = [(declared.line(command, base), "", None)]
            for name, value, a_user in aimed_values(command, aim):
                lines.append((declared.line(command, {**base, name: value}), value, a_user))
            for text, typed, a_user in lines:
                reply = await run(app, actor, text)
                assert_no_leak(reply, text, typed)
                if a_user is not None and a_user not in await b_names(app):
                    assert reply.error, f"{text!r} from B reached a member of A"
                    refused += 1
                for button in reply.buttons:
                    assert_no_leak(await run(app, actor, button.command), button.command)
            after = await declared.snapshot(app.db, a.id)
            assert after == before, f"/{command.name} from B changed tenant A's data"
    assert refused > 0
    assert set(messenger.tenants[sent_before:]) <= {"B"}


async def test_every_admin_command_refuses_members_and_changes_nothing(
    app: App, clock: ManualClock
) -> None:
    await populate_a(app, clock)
    admin_commands = [c for c in app.commands if c.admin]
    assert admin_commands
    for command in admin_commands:
        for values in (
            declared.required_values(command, user="xia", today=date(2026, 3, 6)),
            declared.full_values(command, user="xia", today=date(2026, 3, 6)),
        ):
            text = declared.line(command, values)
            before = await declared.everything(app.db)
            reply = await run(app, a_actor("yan"), text)
            assert reply.error and "admins only" in reply.text, text
            assert await declared.everything(app.db) == before, f"{text!r} wrote as a non-admin"


def test_aims_cover_every_option_type_that_can_name_something() -> None:
    """A new option type must be taught to `aimed_values` (or be shown to name nothing)."""
    named = {
        OptionType.USER,
        OptionType.CHANNEL,
        OptionType.INT,
        OptionType.DATE,
        OptionType.DAY,
        OptionType.TEXT,
    }
    nothing = {
        OptionType.CHOICE,
        OptionType.BOOL,
        OptionType.TIMEZONE,
        OptionType.SKILLS,
        OptionType.TIME,
        OptionType.TIME_RANGE,
        # A platform role id, kept as the typing community's own setting and matched only
        # against the roles Discord reports for a member of that server: no stored data.
        OptionType.ROLE,
        # A reference only the event's own FileSource resolves (bot/commands/files.py): the
        # files that came with that one event, never anything stored.
        OptionType.FILE,
    }
    assert named | nothing == set(OptionType)
