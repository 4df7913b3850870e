"""The bolt app: `/study ...`, button clicks, modal submissions and member events -> the core.

Every listener is "ack, translate, call the core, render": parsing, validation, permissions
and the commands themselves live in `bot/`. Slack wants an ack within 3 s, so work runs
against a budget: an answer that is ready in time rides on the ack (the fast, common case),
anything slower is acknowledged first and answered through `response_url` afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.admins import AdminCheck
from adapters.slack.files import PickedFiles
from adapters.slack.home import home_view
from adapters.slack.messenger import SlackMessenger, display_name
from adapters.slack.render import (
    FORM_CALLBACK,
    RUN_ACTION,
    FormContext,
    Renderer,
    field_block_id,
    field_errors,
    file_form_view,
    form_files,
    form_values,
    form_view,
    typed_text,
)
from adapters.slack.users import SLACK_FAILURES, SlackUsers, zone_of
from bot.app import Actor, App
from bot.commands import (
    Command,
    CommandError,
    OptionType,
    Reply,
    command_line,
    parse_line,
    validate,
)
from bot.community import COMMUNITY_CHANNEL
from bot.home import home
from bot.ports import ChannelKind, ChannelRef, Form, Message, MessengerError, UserRef
from bot.signing import expiry_stamp

log = logging.getLogger(__name__)

PREFIX = "/study "  # how usage lines are written on Slack
FORM_LIFETIME = timedelta(hours=1)  # from opening a form to submitting it
ACK_BUDGET = 2.0  # seconds of work allowed before the ack; Slack's own limit is 3
WORKING = "Working on it…"
SORRY = "Sorry, something went wrong on our side. Please try again in a moment."
# Keep in step with slack/manifest.yml.
EVENTS = (
    "team_join",
    "user_change",
    "member_joined_channel",
    "member_left_channel",
    "app_home_opened",
    "app_uninstalled",
    "tokens_revoked",
)
OTHER_WORKSPACE = (
    "This studybot is installed for a different Slack workspace, so it cannot answer here."
)

Next = Callable[[], Awaitable[BoltResponse]]


@dataclass(frozen=True)
class Origin:
    """Where an interaction came from, and the handles Slack gave us to answer it."""

    user_id: str
    channel_id: str = ""
    trigger_id: str = ""
    response_url: str = ""


class _QuietTokenWarning(logging.Filter):
    """bolt warns that SLACK_BOT_TOKEN from the environment is unused (we pass a client), and in
    OAuth mode that the client's token is ignored (bolt authorizes each request itself; the
    adapter's client with that same installation's token serves the adapter's own calls)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "`token` will be unused" not in message and "will be ignored" not in message


def bolt_logger() -> logging.Logger:
    logger = logging.getLogger("adapters.slack.bolt")
    if not any(isinstance(f, _QuietTokenWarning) for f in logger.filters):
        logger.addFilter(_QuietTokenWarning())
    return logger


class SlackAdapter:
    """Owns the bolt `AsyncApp` wired to one studybot `App` and one workspace."""

    def __init__(
        self,
        app: App,
        client: AsyncWebClient,
        messenger: SlackMessenger,
        renderer: Renderer,
        *,
        signing_secret: str,
        admin_usergroup: str | None = None,
        ack_budget: float = ACK_BUDGET,
        oauth_settings: AsyncOAuthSettings | None = None,
    ) -> None:
        if not signing_secret:
            raise ValueError("a signing secret is required: request verification is never off")
        self.app = app
        self.client = client
        self.messenger = messenger
        self.renderer = renderer
        self.installation = messenger.installation
        self.users = SlackUsers(client, app.clock)
        self._home_seen: set[str] = set()  # members who opened the Home tab in this process
        messenger.on_forget_user(self.users.forget)  # an erased member leaves no cached zone
        self.admins = AdminCheck(client, app.clock, admin_usergroup, users=self.users)
        self.ack_budget = ack_budget
        renderer.set_commands(app.commands.names())
        self._pending: set[asyncio.Task[Any]] = set()
        self.bolt = AsyncApp(
            client=client,
            signing_secret=signing_secret,
            before_authorize=self._only_our_workspace,
            logger=bolt_logger(),
            # OAuth mode (adapters/slack/workspaces.py): bolt authorizes each request from the
            # stored installation; also keeps bolt from building OAuth settings of its own.
            oauth_settings=oauth_settings,
        )
        self.bolt.use(self._first_sight)
        self.bolt.command("/study")(self._on_command)
        self.bolt.action(re.compile(rf"^{re.escape(RUN_ACTION)}\.\d+$"))(self._on_button)
        self.bolt.view_submission(FORM_CALLBACK)(self._on_form)
        handlers = {
            "team_join": self._on_team_join,
            "user_change": self._on_user_change,
            "member_joined_channel": self._on_channel_join,
            "member_left_channel": self._on_channel_leave,
            "app_home_opened": self._on_home_opened,
            "app_uninstalled": self._on_uninstalled,
            "tokens_revoked": self._on_tokens_revoked,
        }
        for name in EVENTS:
            self.bolt.event(name)(handlers[name])

    # --- tenancy --------------------------------------------------------------------------------

    async def _only_our_workspace(self, req: AsyncBoltRequest, next: Next) -> BoltResponse:
        """Refuse a request from any other workspace before it reaches storage or the Web API."""
        body = req.body or {}
        if body.get("type") in ("url_verification", "ssl_check"):
            return await next()
        team = req.context.team_id
        if team == self.installation.team_id:
            return await next()
        log.warning(
            "refused a request from workspace %s (installed: %s)", team, self.installation.team_id
        )
        if "command" in body or body.get("type") == "block_actions":
            return BoltResponse(status=200, body=OTHER_WORKSPACE)
        return BoltResponse(status=200, body="")

    async def _first_sight(self, req: AsyncBoltRequest, next: Next) -> BoltResponse:
        """Acknowledge and drop what was handled before, here or in another process: a retry
        (Slack resends an event whose ack it thinks came late) or a redelivery."""
        event_id = _event_id(req.body or {})
        if event_id is not None and not await self.app.first_sight(event_id):
            return BoltResponse(status=200, body="")
        return await next()

    # --- bookkeeping for work that outlives the ack ----------------------------------------------

    @contextmanager
    def _tracked(self) -> Iterator[None]:
        task = asyncio.current_task()
        if task is not None:
            self._pending.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._pending.discard(task)

    @asynccontextmanager
    async def _guard(self, ack: AsyncAck) -> AsyncIterator[None]:
        """Tracked like `_tracked`; a bug after this point still acks with an apology."""
        with self._tracked():
            try:
                yield
            except Exception:
                log.exception("Slack listener failed")
                if ack.response is None:
                    await ack(text=SORRY, response_type="ephemeral")

    async def settle(self) -> None:
        """Wait until every listener has finished its after-ack work (tests, shutdown)."""
        while True:
            # bolt starts listeners with ensure_future after acking: let them begin first.
            for _ in range(20):
                await asyncio.sleep(0)
            if not self._pending:
                return
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    # --- building actors --------------------------------------------------------------------------

    def _actor(
        self,
        user_id: str,
        channel_id: str,
        channel_name: str = "",
        *,
        outside_community: bool = False,
    ) -> Actor:
        channel = None
        if channel_id:
            channel = ChannelRef(
                self.installation.team_id,
                channel_id,
                _channel_kind(channel_id, channel_name),
                channel_name,
            )
        return Actor(
            tenant_id=self.installation.team_id,
            user_id=user_id,
            tenant_name=self.installation.team_name,
            channel=channel,
            outside_community=outside_community,
        )

    async def _with_slack_profile(self, actor: Actor, fresh: bool) -> Actor:
        """Admin status, then the Slack zone and name: an admin check that asked Slack just
        refreshed them. The profile's name replaces the payload's legacy handle; with no
        profile known the name is left empty, so the core keeps the one stored before."""
        is_admin = await self.admins.is_admin(actor.user_id, fresh=fresh)
        profile = await self.users.profile(actor.user_id)
        return replace(
            actor, is_admin=is_admin, platform_timezone=profile.tz, display_name=profile.name
        )

    async def _run_line(self, actor: Actor, line: str) -> Reply:
        """Admin status (re-checked with Slack for admin commands) and zone, then the core."""
        try:
            command, _ = parse_line(line, self.app.commands)
            needs_admin = command.admin
        except CommandError:
            needs_admin = False  # the core answers with the parse error; no Slack call needed
        actor = await self._with_slack_profile(actor, fresh=needs_admin)
        reply = await self.app.handle_line(actor, line, prefix=PREFIX)
        self._refresh_home(actor)
        return reply

    # --- /study -----------------------------------------------------------------------------------

    async def _on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        async with self._guard(ack):
            origin = Origin(
                user_id=str(body.get("user_id", "")),
                channel_id=str(body.get("channel_id", "")),
                trigger_id=str(body.get("trigger_id", "")),
                response_url=str(body.get("response_url", "")),
            )
            actor = self._actor(
                origin.user_id,
                origin.channel_id,
                str(body.get("channel_name", "")),
            )
            line = typed_text(str(body.get("text", ""))) or "help"
            picker = self._file_picker(line)
            # A slash command cannot carry a file: a modal picks it, for whoever may run the
            # command (others get the command's own refusal below, not a form to fill in).
            if picker is not None and await self._may_run(actor, picker[0]):
                await ack()
                command, rest = picker
                await self._open_modal(
                    rest,
                    origin,
                    lambda context: file_form_view(command, context),
                    f"I couldn't open the form to pick the file. Run {PREFIX}{command.name} "
                    "again to attach it.",
                )
                return
            if self._is_slow(line):
                await ack(text=WORKING, response_type="ephemeral")
                await self._deliver(await self._run_line(actor, line), origin)
                return
            work = asyncio.create_task(self._run_line(actor, line))
            done, _ = await asyncio.wait({work}, timeout=self.ack_budget)
            if not done:
                await ack(text=WORKING, response_type="ephemeral")
                await self._deliver(await work, origin)
                return
            reply = work.result()
            payloads = self._payloads(reply)
            if reply.form is None and not reply.files and len(payloads) == 1:
                # The answer rides on the ack: one round trip, no response_url needed.
                await ack(**payloads[0])
                return
            await ack()
            await self._deliver(reply, origin)

    def _file_picker(self, line: str) -> tuple[Command, str] | None:
        """A command that takes a file, and the line without its file options (text cannot
        name a Slack file): what the file-picking modal submits to. None for other commands."""
        try:
            command, raw = parse_line(line, self.app.commands)
        except CommandError:
            return None
        files = {o.name for o in command.options if o.type is OptionType.FILE}
        if not files:
            return None
        return command, command_line(command.name, {k: v for k, v in raw.items() if k not in files})

    async def _may_run(self, actor: Actor, command: Command) -> bool:
        """Whether the actor passes the command's permission, from the cached admin status:
        this runs before the ack, which Slack wants within 3 seconds, and the submission is
        checked afresh (`_check_form`) before anything is read or done."""
        if not command.admin:
            return True
        return (await self._with_slack_profile(actor, fresh=False)).is_admin

    def _is_slow(self, line: str) -> bool:
        try:
            command, _ = parse_line(line, self.app.commands)
        except CommandError:
            return False
        return command.slow

    # --- buttons ----------------------------------------------------------------------------------

    async def _on_button(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """A button runs its command line as the member who clicked it."""
        await ack()
        async with self._guard(ack):
            action = (body.get("actions") or [{}])[0]
            line = str(action.get("value", "")).strip()
            user = body.get("user") or {}
            channel = body.get("channel") or {}
            container = body.get("container") or {}
            origin = Origin(
                user_id=str(user.get("id", "")),
                channel_id=str(channel.get("id") or container.get("channel_id") or ""),
                trigger_id=str(body.get("trigger_id", "")),
                response_url=str(body.get("response_url", "")),
            )
            if not line or not origin.user_id:
                return
            channel_name = str(channel.get("name", ""))
            actor = self._actor(
                origin.user_id,
                origin.channel_id,
                channel_name,
                # a click in a DM: only the community's records say the user still belongs
                outside_community=_channel_kind(origin.channel_id, channel_name) is ChannelKind.DM,
            )
            reply = await self._run_line(actor, line)
            if reply.replaces_clicked is not None:
                await self._replace_clicked(reply.replaces_clicked, origin)
            await self._deliver(reply, origin)

    async def _replace_clicked(self, message: Message, origin: Origin) -> None:
        """The clicked message says what it now should (answers so far, buttons updated or
        gone), through the click's response_url; the reply follows as its own message."""
        first, *rest = self.renderer.message_parts(message)
        payloads = [
            {"replace_original": True, "text": first.text, "blocks": first.blocks},
            *({"replace_original": False, "text": p.text, "blocks": p.blocks} for p in rest),
        ]
        if not await self._respond_all(origin.response_url, payloads):
            log.warning("could not update the clicked message in %s", origin.channel_id)

    # --- forms (modals) ---------------------------------------------------------------------------

    async def _open_form(self, form: Form, origin: Origin) -> None:
        found = self.app.commands.match(form.command.split())
        usage = found[0].usage(PREFIX) if found is not None else f"{PREFIX}{form.command}"
        await self._open_modal(
            form.command,
            origin,
            lambda context: form_view(form, context),
            f"I couldn't open the form. You can also type it: {usage}",
        )

    async def _open_modal(
        self,
        line: str,
        origin: Origin,
        view_of: Callable[[FormContext], dict[str, Any]],
        fallback: str,
    ) -> None:
        """Open a modal that submits to `line`, its context signed; `fallback` if it cannot."""
        context = FormContext(
            line,
            origin.channel_id,
            origin.response_url,
            user=origin.user_id,
            expires=expiry_stamp(self.app.clock.now() + FORM_LIFETIME),
        ).signed(self.app.signer, self.installation.team_id)
        try:
            await self.client.views_open(trigger_id=origin.trigger_id, view=view_of(context))
        except (SlackApiError, SlackClientError, OSError, TimeoutError) as exc:
            # Triggers expire after 3 s: say what to do instead.
            log.warning("views.open failed: %s", exc)
            await self._deliver(Reply(text=fallback, error=True), replace(origin, trigger_id=""))

    async def _on_form(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        """A submitted modal: validate while the modal is still open, so errors show per field."""
        async with self._guard(ack):
            context = FormContext.decode(str(view.get("private_metadata", "")))
            try:  # the form's command line: the command and the options it fixes
                command, fixed = parse_line(context.command, self.app.commands)
            except CommandError:
                command, fixed = None, {}
            user = body.get("user") or {}
            fields = [
                b["block_id"].removeprefix("field.")
                for b in view.get("blocks", [])
                if str(b.get("block_id", "")).startswith("field.")
            ]
            first = field_block_id(fields[0]) if fields else ""
            refusal = context.refusal(
                self.app.signer,
                self.installation.team_id,
                str(user.get("id", "")),
                self.app.clock.now(),
            )
            if command is None or refusal is not None:
                problem = refusal or "This form is out of date."
                await ack(response_action="errors", errors={first: problem})
                return
            picked = form_files(view)
            raw = {**fixed, **form_values(view), **{k: str(f["id"]) for k, f in picked.items()}}
            if not form_values(view) and not picked:
                await ack(response_action="errors", errors={first: "Fill in at least one field."})
                return
            origin = Origin(
                user_id=str(user.get("id", "")),
                channel_id=context.channel_id,
                response_url=context.response_url,
            )
            actor = self._actor(
                origin.user_id,
                origin.channel_id,
                outside_community=_channel_kind(origin.channel_id, "") is ChannelKind.DM,
            )
            check = asyncio.create_task(self._check_form(actor, command, raw))
            done, _ = await asyncio.wait({check}, timeout=self.ack_budget)
            early = check.result()[1] if done else None
            if early is not None:
                await ack(
                    response_action="errors",
                    errors=field_errors(fields, early.message, early.option),
                )
                return
            await ack()  # closes the modal
            actor, error = await check
            if error is not None:  # found after the ack: answer like a typed command would
                await self._deliver(error.reply(PREFIX), origin)
                return
            files = PickedFiles(self.client, picked)
            await self._deliver(await self.app.handle(actor, command, raw, PREFIX, files), origin)
            self._refresh_home(actor)

    async def _check_form(
        self, actor: Actor, command: Command, raw: dict[str, str]
    ) -> tuple[Actor, CommandError | None]:
        """Admin status (always re-checked for admin commands) and validation, before running."""
        actor = await self._with_slack_profile(actor, fresh=command.admin)
        try:
            if command.admin and not actor.is_admin:
                raise CommandError(f"/{command.name} is for community admins only.", command)
            validate(command, raw, replace(self.app.convert_context, now=self.app.clock.now()))
        except CommandError as exc:
            return actor, exc
        return actor, None

    # --- member events ----------------------------------------------------------------------------

    async def _community_channel(self) -> str:
        """The channel whose members are the community ("": the whole workspace)."""
        return await self.app.community.value_for(
            self.app.platform, self.installation.team_id, COMMUNITY_CHANNEL
        )

    async def _on_team_join(self, event: dict[str, Any]) -> None:
        with self._tracked():
            user = event.get("user") or {}
            if not user.get("id") or user.get("is_bot") or user.get("deleted"):
                return
            self.users.remember(user)
            if await self._community_channel():
                return  # they become a member by joining the community channel
            await self.app.member_joined(
                self.installation.team_id, str(user["id"]), display_name(user), zone_of(user)
            )

    async def _on_user_change(self, event: dict[str, Any]) -> None:
        """Slack has no "left the workspace" event: a deactivated account is how members leave."""
        with self._tracked():
            user = event.get("user") or {}
            if user.get("id") and user.get("deleted"):
                self.users.forget(str(user["id"]))
                await self.app.member_left(self.installation.team_id, str(user["id"]))
            elif user.get("id"):  # a profile change, maybe the zone: the next command sees it
                self.users.remember(user)

    # --- App Home -------------------------------------------------------------------------------

    async def _on_home_opened(self, event: dict[str, Any]) -> None:
        """Publish the member's Home each time they open it; who opened it in this process is
        remembered, so their own commands re-publish it (nobody else's Home is built)."""
        with self._tracked():
            user_id = str(event.get("user") or "")
            if event.get("tab") != "home" or not user_id:
                return
            self._home_seen.add(user_id)
            actor = await self._with_slack_profile(self._actor(user_id, ""), fresh=False)
            await self._publish_home(actor)

    def _refresh_home(self, actor: Actor) -> None:
        """What the member just did shows on their Home, if they ever opened it; built after
        the answer, beside it, so the ack never waits for the page."""
        if actor.user_id not in self._home_seen:
            return
        task = asyncio.create_task(self._publish_home(actor))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _publish_home(self, actor: Actor) -> None:
        view = home_view(self.renderer, await home(self.app, actor))
        try:
            await self.client.views_publish(user_id=actor.user_id, view=view)
        except SLACK_FAILURES as exc:
            log.warning("could not publish the Home of %s (%s)", actor.user_id, exc)

    async def _on_channel_join(self, event: dict[str, Any]) -> None:
        with self._tracked():
            user_id = str(event.get("user") or "")
            channel = await self._community_channel()
            if not user_id or not channel or event.get("channel") != channel:
                return
            if user_id == self.installation.bot_user_id:
                return
            try:
                user = await self.users.fetch(user_id)  # the name and zone the event lacks
            except SLACK_FAILURES as exc:
                log.info("users.info for %s failed (%s); joining without a name", user_id, exc)
                user = {"id": user_id}
            if user.get("is_bot"):
                return
            await self.app.member_joined(
                self.installation.team_id, user_id, display_name(user), zone_of(user)
            )

    async def _on_channel_leave(self, event: dict[str, Any]) -> None:
        """Leaving the community channel is leaving the community; other channels mean nothing."""
        with self._tracked():
            user_id = str(event.get("user") or "")
            channel = await self._community_channel()
            if user_id and channel and event.get("channel") == channel:
                await self.app.member_left(self.installation.team_id, user_id)

    # --- the app itself ---------------------------------------------------------------------

    async def _on_uninstalled(self) -> None:
        """The workspace removed the app: its jobs stop and nothing more is sent there."""
        with self._tracked():
            await self.app.tenant_removed(self.installation.team_id)

    async def _on_tokens_revoked(self, event: dict[str, Any]) -> None:
        """Only the revoking of this bot's token removes the bot (user tokens mean nothing)."""
        with self._tracked():
            revoked = (event.get("tokens") or {}).get("bot") or []
            if self.installation.bot_user_id in revoked:
                await self.app.tenant_removed(self.installation.team_id)

    # --- answering --------------------------------------------------------------------------------

    def _payloads(self, reply: Reply) -> list[dict[str, Any]]:
        """One payload per Slack message the reply needs (more than one only when long)."""
        response_type = "ephemeral" if reply.private else "in_channel"
        return [
            {"text": part.text, "blocks": part.blocks, "response_type": response_type}
            for part in self.renderer.message_parts(reply, with_details=True)
        ]

    async def _deliver(self, reply: Reply, origin: Origin) -> None:
        """Answer after the ack: a form opens, text goes to response_url (or a DM), files upload."""
        if reply.form is not None and origin.trigger_id:
            await self._open_form(reply.form, origin)
            return
        payloads = [{**p, "replace_original": False} for p in self._payloads(reply)]
        needs_text = bool(reply.text or reply.buttons or not reply.files)
        if needs_text and not await self._respond_all(origin.response_url, payloads):
            await self._dm(origin.user_id, reply)
        if reply.files:
            await self._upload(reply, origin)

    async def _respond_all(self, url: str, payloads: list[dict[str, Any]]) -> bool:
        """Post the parts in order; False when not even the first got through (then the caller
        falls back), a later failure is only logged: the member has the start already."""
        first, *rest = payloads
        if not await self._respond(url, first):
            return False
        for payload in rest:
            if not await self._respond(url, payload):
                log.warning("response_url refused part of a long answer")
                break
        return True

    async def _respond(self, url: str, payload: dict[str, Any]) -> bool:
        if not url:
            return False
        try:
            response = await AsyncWebhookClient(url).send_dict(payload)
        except (SlackClientError, OSError, TimeoutError) as exc:
            log.warning("response_url failed: %s", exc)
            return False
        if response.status_code != 200:  # expired (30 min / 5 uses): fall back to a DM
            log.warning("response_url answered %s: %s", response.status_code, response.body)
            return False
        return True

    async def _dm(self, user_id: str, reply: Reply) -> None:
        try:
            await self.messenger.send_dm(UserRef(self.installation.team_id, user_id), reply)
        except MessengerError as exc:
            log.warning("could not DM %s the reply: %s", user_id, exc)

    async def _upload(self, reply: Reply, origin: Origin) -> None:
        """Private files go to the member's DM; public ones to the channel (DM if not allowed)."""
        user = UserRef(self.installation.team_id, origin.user_id)
        try:
            if not reply.private and origin.channel_id:
                try:
                    await self.messenger.upload(origin.channel_id, reply)
                    return
                except (SlackApiError, SlackClientError, OSError, TimeoutError) as exc:
                    log.info("upload to %s failed (%s); sending to the DM", origin.channel_id, exc)
            await self.messenger.upload(await self.messenger.dm_channel(user), reply)
        except (MessengerError, SlackApiError, SlackClientError, OSError, TimeoutError) as exc:
            log.warning("could not upload files for %s: %s", origin.user_id, exc)


def _event_id(body: dict[str, Any]) -> str | None:
    """The id Slack gives this delivery: an Events API callback's `event_id`, which its retries
    keep; a slash command's, click's or modal submission's `trigger_id`, issued once per
    interaction. None for anything else (url_verification): that is not deduplicated."""
    key = "event_id" if body.get("type") == "event_callback" else "trigger_id"
    found = body.get(key)
    return found if isinstance(found, str) and found else None


def _channel_kind(channel_id: str, channel_name: str) -> ChannelKind:
    if channel_id.startswith("D") or channel_name == "directmessage":
        return ChannelKind.DM
    if channel_name.startswith("mpdm-"):
        return ChannelKind.ROOM
    return ChannelKind.CHANNEL
