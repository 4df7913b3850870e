"""The running application: storage, the command table, the scheduler, one messenger.

Adapters turn platform events into `Actor` + text (or raw options) and call `handle_line` /
`handle`; everything else (tenancy, permissions, validation, dispatch, errors) happens here, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import Clock
from bot.commands import (
    MAX_FILE_BYTES,
    NO_FILES,
    Command,
    CommandError,
    CommandTable,
    ConvertContext,
    FileRef,
    FileRefused,
    FileSource,
    Handler,
    Invocation,
    Reply,
    UserArg,
    command_line,
    commands_of,
    declared,
    parse_line,
    too_big,
    validate,
)
from bot.community import CommunitySettings
from bot.config import Settings
from bot.delivery import OutboxSender
from bot.events import Events
from bot.pacing import budget
from bot.paths.catalog import PathCatalog, load_builtin
from bot.paths.progress import PathProgressService
from bot.personal_data import PersonalDataRegistry
from bot.ports import ChannelRef, Form, Messenger, UserRef
from bot.refused_posts import RefusedPosts
from bot.scheduling import Job, Scheduler
from bot.shards import TenantShare
from bot.signing import Signer
from bot.skills import SkillCatalogue
from bot.storage.connect import is_postgres, open_database, sqlite_path
from bot.storage.db import Database
from bot.storage.instance import InstanceRepo
from bot.storage.instance_lock import InstanceLock, describe_this_process
from bot.storage.members import MemberRepo
from bot.storage.migrations import migrate
from bot.storage.models import Member, Tenant
from bot.storage.organizers import OrganizerRepo
from bot.storage.outbox import LEASE, OutboxRepo, Target, enqueue, message_key
from bot.storage.paths import PathRepo
from bot.storage.profiles import ProfileRepo
from bot.storage.seen_events import SeenEventRepo
from bot.storage.tenants import TenantRepo
from bot.timezones import known_zone
from bot.welcome import setup_message

log = logging.getLogger(__name__)

CogSetup = Callable[["App"], None]
MemberEvent = Callable[[Tenant, Member], Awaitable[None]]
TenantEvent = Callable[[Tenant], Awaitable[None]]
AppFactory = Callable[[Messenger, Clock], Awaitable["App"]]
SHUTDOWN_GRACE_SECONDS = 10.0
PRUNE_JOB = "outbox-prune"
# How long an incoming event's id is remembered: Slack retries within minutes, and a redelivery
# to another process or after a restart comes soon after the first.
SEEN_EVENTS_KEPT = timedelta(days=1)
EXPIRED_LEASES_JOB = "outbox-expired-leases"
NOT_A_MEMBER = (
    "You are no longer a member of {community}, so nothing was saved. If you rejoin, use the "
    "commands in the server or workspace again."
)


@dataclass(frozen=True)
class Actor:
    """Who typed a command, where: the adapter's view of one incoming event."""

    tenant_id: str  # the platform's tenant id (guild id, team id, "local")
    user_id: str
    display_name: str = ""
    tenant_name: str = ""
    channel: ChannelRef | None = None
    is_admin: bool = False
    # The event came from outside the community's own space (a button or form in a DM), so the
    # platform does not vouch that the user still belongs: only a member the community has, and
    # who has not left, may act; nobody is made a member (again) by a click in an old DM.
    outside_community: bool = False
    # The IANA zone the platform reports for the user (Slack's users.info `tz`), None if it has
    # none or could not be asked: their default zone until they set their own (bot.localtime).
    platform_timezone: str | None = None


def _checked_zone(name: str | None) -> str | None:
    """A platform's zone name as stored: a known IANA name, or None (an odd one is ignored)."""
    return known_zone(name) if name else None


async def _fetch_files(command: Command, args: dict[str, Any], files: FileSource) -> dict[str, Any]:
    """Replace each FileRef by the file it names, fetched from what came with the event."""
    for name, value in list(args.items()):
        if not isinstance(value, FileRef):
            continue
        try:
            found = await files.read(name, value.raw, MAX_FILE_BYTES)
        except FileRefused as exc:
            raise CommandError(exc.message, command, option=name) from None
        if len(found.data) > MAX_FILE_BYTES:  # whatever the source checked before
            raise CommandError(too_big(name, len(found.data)).message, command, option=name)
        args[name] = found
    return args


def _process_id() -> str:
    """Names this process in the outbox's claims: host, pid, and a nonce for pid reuse."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class App:
    def __init__(
        self,
        *,
        settings: Settings,
        clock: Clock,
        db: Database,
        messenger: Messenger,
        skills: SkillCatalogue,
        signer: Signer,
        instance_lock: InstanceLock | None = None,
    ) -> None:
        self.settings = settings
        self.signer = signer
        self.process_id = _process_id()
        self._instance_lock = instance_lock
        self.clock = clock
        self.db = db
        self.messenger = messenger
        self.skills = skills
        # Validation replaces `now` with the clock's time of each command (App._run).
        self.convert_context = ConvertContext(skills=skills, now=clock.now())
        self.tenants = TenantRepo(db)
        self.members = MemberRepo(db)
        self.profiles = ProfileRepo(db, self.members)
        self.outbox = OutboxRepo(db)
        self.seen_events = SeenEventRepo(db)
        self.community = CommunitySettings(self.tenants)
        self.organizers = OrganizerRepo(db)
        self.refused_posts = RefusedPosts(db, self.organizers, self.community, clock)
        path_repo = PathRepo(db)
        # Learning paths: the catalogue and each member's progress (cogs/paths, the digest).
        self.paths = PathProgressService(
            PathCatalog(skills, path_repo, load_builtin(skills)), path_repo
        )
        self.commands = CommandTable()
        self.events = Events()
        self.personal_data = PersonalDataRegistry()
        self.jobs: list[Job] = []
        self._on_left: list[MemberEvent] = []
        self._on_joined: list[MemberEvent] = []
        self._on_removed: list[TenantEvent] = []
        self.sender = OutboxSender(
            outbox=self.outbox,
            tenants=self.tenants,
            members=self.members,
            messenger=messenger,
            clock=clock,
            limits=budget(
                messenger.capabilities.send_limits,
                cap=settings.studybot_send_rate,
                processes=settings.studybot_send_processes,
            ),
            max_attempts=settings.studybot_send_max_attempts,
            owner=self.process_id,
            on_refused=self.refused_posts.tell_organizers,
        )
        # The communities this process looks after (None: all); see own_only.
        self.share: TenantShare | None = None
        self.scheduler = Scheduler(clock, self.jobs)
        self._sender_task: asyncio.Task[None] | None = None
        self._admission = asyncio.Semaphore(settings.studybot_max_concurrent_commands)
        self._slow_admission = asyncio.Semaphore(settings.studybot_max_concurrent_slow_commands)
        self.add_job(Job(PRUNE_JOB, self.prune, timedelta(hours=1)))
        self.add_job(Job(EXPIRED_LEASES_JOB, self.requeue_expired_leases, LEASE))

    @classmethod
    async def create(
        cls,
        settings: Settings,
        clock: Clock,
        messenger: Messenger,
        cogs: Iterable[CogSetup],
        *,
        database: Path | str | None = None,
        single_instance: bool = True,
    ) -> App:
        """Open the database (default: the settings'), migrate it and build the app with these
        cogs.

        On SQLite a bot process holds the database's single-instance lock (a second process
        refuses to start); `single_instance=False` skips it, for a process that runs no sender
        and no scheduler, or a test standing in for a second process. PostgreSQL has no such
        lock: processes share it safely (docs/scaling.md).
        """
        location = database if database is not None else settings.studybot_db
        lock = None
        if single_instance and not is_postgres(location) and str(location) != ":memory:":
            holder = describe_this_process(clock.now().isoformat(timespec="seconds"))
            lock = InstanceLock.acquire(sqlite_path(location), holder)
        try:
            db = await open_database(location)
            try:
                await migrate(db, clock.now())
                secret = settings.studybot_secret_key
                key = secret.get_secret_value() if secret else await InstanceRepo(db).secret_key()
            except Exception:
                await db.close()
                raise
        except Exception:
            if lock is not None:
                lock.release()
            raise
        app = cls(
            settings=settings,
            clock=clock,
            db=db,
            messenger=messenger,
            skills=SkillCatalogue.load(),
            signer=Signer(key),
            instance_lock=lock,
        )
        for setup in cogs:
            setup(app)
        return app

    # --- what cogs declare ---------------------------------------------------------------------

    def abandon_instance_lock(self) -> None:
        """Let go of the single-instance lock as a process that died would (tests)."""
        if self._instance_lock is not None:
            self._instance_lock.release()

    def add_cog(self, cog: object) -> None:
        """Register every command the cog's methods declare with `@command`."""
        self.add_commands(*commands_of(cog))

    def add_commands(self, *commands: Command | Handler) -> None:
        """Register commands, given as `Command`s or as handlers declared with `@command`."""
        for item in commands:
            self.commands.add(item if isinstance(item, Command) else declared(item))

    def add_job(self, job: Job) -> None:
        self.jobs.append(job)

    def on_member_left(self, handler: MemberEvent) -> None:
        self._on_left.append(handler)

    def on_member_joined(self, handler: MemberEvent) -> None:
        self._on_joined.append(handler)

    def on_tenant_removed(self, handler: TenantEvent) -> None:
        self._on_removed.append(handler)

    @property
    def platform(self) -> str:
        return self.messenger.platform

    def own_only(self, share: TenantShare) -> None:
        """Tick and send for the communities of `share` only: other processes run the rest
        (Discord shards). Set by the adapter before `start`."""
        self.share = share
        self.sender.share = share

    def owns(self, tenant: Tenant) -> bool:
        """Whether this process looks after the community rather than another one: one of its
        platform's (a Slack and a Discord process may share a database), and of its share."""
        return tenant.platform == self.platform and (self.share is None or self.share.owns(tenant))

    async def runs_jobs_for(self, tenant_id: int) -> bool:
        """Whether this process runs the community's scheduled jobs: the bot is still in it,
        and no other process owns it."""
        tenant = await self.tenants.get(tenant_id)
        return tenant is not None and tenant.active and self.owns(tenant)

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self, *, background: bool = True) -> None:
        """Resume interrupted sends, catch up on missed work, then (optionally) run on a timer."""
        # With the single-instance lock held, no other sender is alive: whatever another
        # process left 'sending' was interrupted.
        await self.outbox.resume_interrupted(
            self.clock.now(), self.process_id, sole_sender=self._instance_lock is not None
        )
        await self.scheduler.run_due()
        await self.sender.drain()
        if background:
            self.scheduler.start()
            self._sender_task = asyncio.create_task(self.sender.run_forever())

    async def close(self) -> None:
        await self.scheduler.stop()
        if self._sender_task is not None:
            self.sender.stop()  # finish the send in flight rather than resend it after restart
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._sender_task, SHUTDOWN_GRACE_SECONDS)
            self._sender_task = None
        await self.db.close()
        if self._instance_lock is not None:
            self._instance_lock.release()

    async def requeue_expired_leases(self, now: datetime) -> int:
        """Give the rows of a sender that died mid-send (its lease ran out) back to the queue.

        Only needed where several processes send (PostgreSQL): a process restarted at once
        finds the dead one's lease still running, so start-up alone would leave its rows
        `sending` for good, and every later message to their targets waiting behind them. With
        the single-instance lock, start-up already returned every row another process left.
        """
        if self._instance_lock is not None:
            return 0
        requeued = await self.outbox.resume_interrupted(now, self.process_id, sole_sender=False)
        if requeued:
            log.warning("%d message(s) of a sender whose lease ran out go out again", requeued)
            self.sender.kick()
        return requeued

    async def prune(self, now: datetime) -> None:
        """Forget delivered and dropped messages after the retention period, and the ids of
        events seen long enough ago that no platform redelivers them."""
        await self.seen_events.prune(now - SEEN_EVENTS_KEPT)
        days = self.settings.studybot_outbox_retention_days
        pruned = await self.outbox.prune(now - timedelta(days=days))
        if pruned.messages or pruned.attachments:
            log.info(
                "pruned %d old message(s) and %d file(s) from the outbox",
                pruned.messages,
                pruned.attachments,
            )

    # --- handling input ------------------------------------------------------------------------

    async def first_sight(self, event_id: str) -> bool:
        """Whether this process is the first to see the platform's event (an interaction, a
        Slack event or payload): False for a retry or a redelivery, which the adapter
        acknowledges and drops. Decided in the database, so across every process."""
        if await self.seen_events.first_sight(self.platform, event_id, self.clock.now()):
            return True
        log.debug("dropped a duplicate %s event %s", self.platform, event_id)
        return False

    async def handle_line(
        self, actor: Actor, line: str, prefix: str = "/", files: FileSource = NO_FILES
    ) -> Reply:
        """A typed command line (console, Slack): parse, validate, run."""
        try:
            command, raw = parse_line(line, self.commands, self.convert_context)
        except CommandError as exc:
            return exc.reply(prefix, self.messenger.capabilities.file_input)
        return await self.handle(actor, command, raw, prefix, files)

    async def handle(
        self,
        actor: Actor,
        command: Command,
        raw: Mapping[str, str],
        prefix: str = "/",
        files: FileSource = NO_FILES,
    ) -> Reply:
        """Raw option strings from any adapter (typed text, Discord options, a submitted form);
        `files` fetches what the event's file options name (bot/commands/files.py)."""
        try:
            # Slow commands have slots of their own: a burst of them never starves quick ones.
            async with self._slow_admission if command.slow else self._admission:
                return await self._run(actor, command, raw, files)
        except CommandError as exc:
            return exc.reply(prefix, self.messenger.capabilities.file_input)
        except Exception:
            log.exception("command /%s failed", command.name)
            return Reply(
                text="Sorry, something went wrong on our side and nothing was changed. "
                "Please try again in a moment.",
                error=True,
            )

    async def _run(
        self, actor: Actor, command: Command, raw: Mapping[str, str], files: FileSource
    ) -> Reply:
        if command.admin and not actor.is_admin:
            raise CommandError(f"/{command.name} is for community admins only.", command)
        if actor.outside_community:
            await self._still_a_member(actor)
        form = command.form
        if form is not None and not any(raw.get(f.name, "").strip() for f in form.fields):
            # Nothing for the form's fields yet: show it, keeping what was given ("day:mon").
            line = command_line(command.name, {k: v for k, v in raw.items() if v.strip()})
            return Reply(text=form.title, form=replace(form, command=line))
        now = self.clock.now()
        args = validate(command, raw, replace(self.convert_context, now=now))
        existing = await self.tenants.find(self.platform, actor.tenant_id)
        args = await self._resolve_users(existing, command, args)
        args = await _fetch_files(command, args, files)
        tenant = existing or await self.tenants.ensure(
            self.platform, actor.tenant_id, actor.tenant_name, now
        )
        if not tenant.active:  # the platform delivered a command, so the bot is there again
            tenant = await self.tenant_added(actor.tenant_id, actor.tenant_name)
        member = await self._member(tenant, actor, now)
        if command.admin:  # who to turn to when something needs an organizer
            await self.organizers.seen(tenant.id, member.id, now)
        invocation = Invocation(
            command=command,
            tenant=tenant,
            member=member,
            channel=actor.channel,
            is_admin=actor.is_admin,
            now=now,
        )
        reply = await command.handler(invocation, **args)
        self.sender.kick()
        if member.dm_closed:
            reply = await self._dm_closed_notice(member, reply)
        return reply

    async def _member(self, tenant: Tenant, actor: Actor, now: datetime) -> Member:
        """The actor's member row, written only when it is new or what the platform says changed."""
        member = await self.members.find(tenant.id, actor.user_id)
        zone = _checked_zone(actor.platform_timezone)
        if (
            member is None
            or member.left_at is not None
            or (actor.display_name and member.display_name != actor.display_name)
            or (zone is not None and member.platform_timezone != zone)
        ):
            member = await self.members.ensure(
                tenant.id, actor.user_id, actor.display_name, now, zone
            )
        return member

    def form_target(self, form: Form) -> tuple[Command, dict[str, str]]:
        """The command a form submits to, and the options its line fixes (a day to edit)."""
        return parse_line(form.command, self.commands, self.convert_context)

    async def submit_form(
        self, actor: Actor, form_line: str, values: Mapping[str, str], prefix: str = "/"
    ) -> Reply:
        """A submitted form: its fields added to the options its command line fixes."""
        try:
            command, fixed = parse_line(form_line, self.commands, self.convert_context)
        except CommandError as exc:
            return exc.reply(prefix)
        return await self.handle(actor, command, {**fixed, **values}, prefix)

    async def _still_a_member(self, actor: Actor) -> None:
        """Refuse a button or form from someone the community no longer has (or never had)."""
        tenant = await self.tenants.find(self.platform, actor.tenant_id)
        member = await self.members.find(tenant.id, actor.user_id) if tenant else None
        if tenant is None or member is None or member.left_at is not None:
            name = (tenant.name if tenant else "") or "that community"
            raise CommandError(NOT_A_MEMBER.format(community=name))

    async def _resolve_users(
        self, tenant: Tenant | None, command: Command, args: dict[str, Any]
    ) -> dict[str, Any]:
        """Replace each UserArg by a member of the *same* tenant, or refuse."""
        for name, value in list(args.items()):
            if not isinstance(value, UserArg):
                continue
            member = await self.find_member(tenant, value.raw)
            if member is None:
                raise CommandError(
                    f"I don't know a member called {value.raw[:40]!r} here.", command
                )
            args[name] = member
        return args

    async def find_member(self, tenant: Tenant | None, raw: str) -> Member | None:
        if tenant is None:
            return None
        member = await self.members.find(tenant.id, raw)
        if member is None:
            matches = await self.members.find_by_name(tenant.id, raw)
            member = matches[0] if len(matches) == 1 else None
        return member if member is not None and member.left_at is None else None

    async def _dm_closed_notice(self, member: Member, reply: Reply) -> Reply:
        """The platform would not let us DM this member: tell them here, once."""
        await self.members.set_dm_closed(member.id, False)
        note = (
            "\n\n(I tried to send you a direct message but could not: your direct messages "
            "are closed to me. Allow direct messages from this community's members to get "
            "reminders and buddy intros.)"
        )
        return replace(reply, text=reply.text + note)

    # --- platform events -----------------------------------------------------------------------

    async def member_left(self, tenant_id: str, user_id: str) -> None:
        tenant = await self.tenants.find(self.platform, tenant_id)
        if tenant is None:
            return
        member = await self.members.mark_left(tenant.id, user_id, self.clock.now())
        if member is None:
            return
        for handler in self._on_left:
            await handler(tenant, member)
        self.sender.kick()

    async def tenant_added(
        self, tenant_id: str, name: str, welcome: ChannelRef | UserRef | None = None
    ) -> Tenant:
        """The bot was added to a community (again): it is in, its data as it was left.

        `welcome`: where the adapter can post the setup message (a channel the bot may write
        in, or the owner's DM); queued once per community and day, so a replayed event or a
        quick re-add does not repeat it.
        """
        now = self.clock.now()
        tenant = await self.tenants.ensure(self.platform, tenant_id, name, now)
        if not tenant.active:
            tenant = await self.tenants.set_removed(tenant, None)
            log.info("%s %s: the bot is back; its jobs resume", self.platform, tenant_id)
        if welcome is not None:
            key = message_key("welcome", tenant.id, now.date())
            target = (
                Target.dm(welcome.id)
                if isinstance(welcome, UserRef)
                else Target.channel(welcome.id)
            )
            async with self.db.transaction() as tx:
                await enqueue(tx, tenant.id, key, target, setup_message(), now)
            self.sender.kick()
        return tenant

    async def tenant_removed(self, tenant_id: str) -> None:
        """The bot was removed from a community: its jobs stop and nothing more is sent there.

        The data stays, so adding the bot back picks up where it stopped. Members' /privacy
        delete and the retention settings still apply; no command erases a whole community.
        """
        tenant = await self.tenants.find(self.platform, tenant_id)
        if tenant is None or not tenant.active:
            return
        removed = await self.tenants.set_removed(tenant, self.clock.now())
        log.info("%s %s: the bot was removed; its jobs stop", self.platform, tenant_id)
        for handler in self._on_removed:
            await handler(removed)

    async def member_joined(
        self,
        tenant_id: str,
        user_id: str,
        display_name: str,
        platform_timezone: str | None = None,
    ) -> None:
        now = self.clock.now()
        tenant = await self.tenants.ensure(self.platform, tenant_id, "", now)
        zone = _checked_zone(platform_timezone)
        member = await self.members.ensure(tenant.id, user_id, display_name, now, zone)
        for handler in self._on_joined:
            await handler(tenant, member)
        self.sender.kick()
