"""The fake Discord's REST resources the bot uses: who it is, its slash commands, messages,
DMs, threads, channels, users, members and guilds. Interaction endpoints live in
``interactions.py``; recording, auth and scripted failures in ``rest.py``."""

from __future__ import annotations

from aiohttp import web

from tests.fakes.discord.constants import (
    DM,
    FIXED_TIMESTAMP,
    GUILD_TEXT,
    MANAGE_THREADS,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Json,
    application_flags,
)
from tests.fakes.discord.limits import validate_command, validate_message
from tests.fakes.discord.models import FakeChannel
from tests.fakes.discord.records import RecordedRequest
from tests.fakes.discord.rest import (
    ROUTE_ID,
    Route,
    error_body,
    invalid_form_body,
    json_response,
    route,
)
from tests.fakes.discord.state import DiscordState, public_message


class Resources:
    """Route handlers for everything but interactions; each reads and changes the state."""

    def __init__(self, state: DiscordState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        return [
            route("GET", r"/users/@me", self._users_me),
            route("GET", r"/oauth2/applications/@me", self._application_me),
            route("GET", r"/users/@me/guilds", self._my_guilds),
            route("GET", rf"/applications/{ROUTE_ID}/commands", self._get_commands),
            route("PUT", rf"/applications/{ROUTE_ID}/commands", self._put_commands),
            route(
                "GET", rf"/applications/{ROUTE_ID}/guilds/{ROUTE_ID}/commands", self._get_commands
            ),
            route(
                "PUT", rf"/applications/{ROUTE_ID}/guilds/{ROUTE_ID}/commands", self._put_commands
            ),
            route("POST", rf"/channels/{ROUTE_ID}/messages", self._post_message),
            route("PATCH", rf"/channels/{ROUTE_ID}/messages/{ROUTE_ID}", self._edit_message),
            route("POST", r"/users/@me/channels", self._create_dm),
            route("POST", rf"/channels/{ROUTE_ID}/threads", self._create_thread),
            route(
                "POST",
                rf"/channels/{ROUTE_ID}/messages/{ROUTE_ID}/threads",
                self._thread_from_message,
            ),
            route(
                "PUT", rf"/channels/{ROUTE_ID}/thread-members/{ROUTE_ID}", self._add_thread_member
            ),
            route("GET", rf"/channels/{ROUTE_ID}", self._get_channel),
            route("DELETE", rf"/channels/{ROUTE_ID}", self._delete_thread),
            route("PATCH", rf"/channels/{ROUTE_ID}", self._edit_thread),
            route("GET", rf"/users/{ROUTE_ID}", self._get_user),
            route("GET", rf"/guilds/{ROUTE_ID}/members/{ROUTE_ID}", self._get_member),
            route("GET", rf"/guilds/{ROUTE_ID}/threads/active", self._active_threads),
            route("GET", rf"/guilds/{ROUTE_ID}", self._get_guild),
        ]

    # ----- the application and its commands ----------------------------------------------

    def _users_me(self, record: RecordedRequest, args: tuple[str, ...]) -> Json:
        data = self.state.bot_user.payload()
        data.update(verified=True, mfa_enabled=False, flags=0, locale="en-US")
        return data

    def _application_me(self, record: RecordedRequest, args: tuple[str, ...]) -> Json:
        return {
            "id": str(self.state.app_id),
            "name": self.state.bot_user.username,
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.state.owner.payload(),
            "verify_key": "0" * 64,
            "flags": application_flags(self.state.privileged_intents_enabled),
            "team": None,
            "summary": "",
        }

    def _my_guilds(self, record: RecordedRequest, args: tuple[str, ...]) -> list[Json]:
        """GET /users/@me/guilds: the partial guilds the bot is in."""
        return [
            {
                "id": str(guild.id),
                "name": guild.name,
                "icon": None,
                "owner": False,
                "permissions": str(guild.members[self.state.bot_user.id].permissions),
                "features": [],
            }
            for guild in self.state.guilds.values()
            if self.state.bot_user.id in guild.members
        ]

    def _get_commands(self, record: RecordedRequest, args: tuple[str, ...]) -> list[Json]:
        if len(args) == 2:
            return self.state.guild_commands.get(int(args[1]), [])
        return self.state.global_commands

    def _put_commands(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        if int(args[0]) != self.state.app_id:
            return json_response(error_body(10002, "Unknown Application"), 404)
        guild_id = int(args[1]) if len(args) == 2 else None
        if guild_id is not None and guild_id not in self.state.guilds:
            return json_response(error_body(50001, "Missing Access"), 403)
        commands = list(record.json or [])
        problems = [p for cmd in commands for p in validate_command(cmd)]
        if guild_id is None and len(commands) > 100:
            problems.append("more than 100 global commands")
        names = [c.get("name") for c in commands]
        if len(set(names)) != len(names):
            problems.append(f"duplicate command names {names}")
        if problems:
            return invalid_form_body(self.state, "bulk overwrite commands", problems)
        stored = []
        for cmd in commands:
            out = dict(cmd)
            out.update(
                id=str(self.state.new_id()),
                application_id=str(self.state.app_id),
                version=str(self.state.new_id()),
                type=cmd.get("type", 1),
            )
            perms = out.get("default_member_permissions")
            # Discord answers permissions as a string, whatever type was sent.
            out["default_member_permissions"] = None if perms is None else str(perms)
            out.setdefault("options", [])
            if guild_id is not None:
                out["guild_id"] = str(guild_id)
            stored.append(out)
        if guild_id is None:
            self.state.global_commands = stored
        else:
            self.state.guild_commands[guild_id] = stored
        return json_response(stored)

    # ----- messages, DMs and threads -----------------------------------------------------

    def _post_message(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        channel_id = int(args[0])
        channel = self.state.find_channel(channel_id)
        if channel is None:
            return json_response(error_body(10003, "Unknown Channel"), 404)
        if (
            channel.type == DM
            and channel.recipient
            and channel.recipient.id in self.state.closed_dms
        ):
            return json_response(error_body(50007, "Cannot send messages to this user"), 403)
        data: Json = record.json or {}
        problems = validate_message(data)
        if not (data.get("content") or data.get("embeds") or record.files or data.get("poll")):
            problems.append("cannot send an empty message")
        if problems:
            return invalid_form_body(self.state, f"message to {channel_id}", problems)
        return json_response(
            public_message(self.state.store_message(channel_id, data, record.files))
        )

    def _edit_message(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        channel_id, message_id = int(args[0]), int(args[1])
        for message in self.state.messages.get(channel_id, []):
            if int(message["id"]) == message_id:
                message.update(self.state.message_body(record.json or {}, record.files))
                return json_response(public_message(message))
        return json_response(error_body(10008, "Unknown Message"), 404)

    def _create_dm(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        user_id = int((record.json or {}).get("recipient_id", 0))
        user = self.state.users.get(user_id)
        if user is None:
            return json_response(error_body(10013, "Unknown User"), 404)
        # Opening the channel succeeds even when the user closed DMs: sending is what fails.
        return json_response(self.state.open_dm(user).payload())

    def _create_thread(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        parent_id = int(args[0])
        guild = self.state.guild_of_channel(parent_id)
        parent = self.state.find_channel(parent_id)
        if guild is None or parent is None:
            return json_response(error_body(10003, "Unknown Channel"), 404)
        if parent.type != GUILD_TEXT:  # announcement channels have no private threads
            return json_response(
                error_body(50024, "Cannot execute action on this channel type"), 400
            )
        if not guild.threads_allowed:
            return json_response(error_body(50001, "Missing Access"), 403)
        body: Json = record.json or {}
        name = str(body.get("name", ""))
        if not 1 <= len(name) <= 100:
            return invalid_form_body(
                self.state, "create thread", [f"thread name {name!r} must be 1-100 chars"]
            )
        thread = FakeChannel(
            self.state.new_id(),
            name,
            type=int(body.get("type", PRIVATE_THREAD)),
            guild_id=guild.id,
            parent_id=parent_id,
            owner_id=self.state.bot_user.id,
            member_ids={self.state.bot_user.id},
            invitable=bool(body.get("invitable", True)),
        )
        guild.channels[thread.id] = thread
        data = thread.payload()
        data["member"] = {
            "id": str(thread.id),
            "user_id": str(self.state.bot_user.id),
            "join_timestamp": FIXED_TIMESTAMP,
            "flags": 0,
        }
        return json_response(data)

    def _thread_from_message(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        parent_id, message_id = int(args[0]), int(args[1])
        guild = self.state.guild_of_channel(parent_id)
        if guild is None:
            return json_response(error_body(10003, "Unknown Channel"), 404)
        if not any(int(m["id"]) == message_id for m in self.state.messages.get(parent_id, [])):
            return json_response(error_body(10008, "Unknown Message"), 404)
        name = str((record.json or {}).get("name", ""))
        if not 1 <= len(name) <= 100:
            return invalid_form_body(
                self.state, "start thread", [f"thread name {name!r} must be 1-100 chars"]
            )
        # A thread started from a message shares the message's id, as on Discord.
        thread = FakeChannel(
            message_id,
            name,
            type=PUBLIC_THREAD,
            guild_id=guild.id,
            parent_id=parent_id,
            owner_id=self.state.bot_user.id,
            member_ids={self.state.bot_user.id},
        )
        guild.channels[thread.id] = thread
        return json_response(thread.payload())

    def _add_thread_member(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        thread = self.state.find_channel(int(args[0]))
        if thread is None or not thread.is_thread:
            return json_response(error_body(10003, "Unknown Channel"), 404)
        user_id = int(args[1])
        guild = self.state.guilds.get(thread.guild_id or 0)
        if guild is None or user_id not in guild.members:
            return json_response(error_body(10007, "Unknown Member"), 404)
        private = thread.type == PRIVATE_THREAD and not thread.invitable
        if private and not self._moderates(thread):
            # invitable false: "non-moderators cannot add other non-moderators", and only
            # Manage Threads in the parent makes the bot a thread moderator.
            return json_response(error_body(50013, "Missing Permissions"), 403)
        thread.member_ids.add(user_id)
        return web.Response(status=204)

    def _delete_thread(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        """Only threads are deleted here (the bot never deletes channels); that needs
        Manage Threads in the parent."""
        thread = self.state.find_channel(int(args[0]))
        guild = self.state.guild_of_channel(int(args[0]))
        if thread is None or guild is None or not thread.is_thread:
            return json_response(error_body(10003, "Unknown Channel"), 404)
        if not self._moderates(thread):
            return json_response(error_body(50013, "Missing Permissions"), 403)
        del guild.channels[thread.id]
        return json_response(thread.payload())

    def _edit_thread(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        """Archive or lock a thread: its creator may archive it, locking needs Manage Threads."""
        thread = self.state.find_channel(int(args[0]))
        if thread is None or not thread.is_thread:
            return json_response(error_body(10003, "Unknown Channel"), 404)
        body = record.json or {}
        if body.get("locked") and not self._moderates(thread):
            return json_response(error_body(50013, "Missing Permissions"), 403)
        thread.archived = bool(body.get("archived", thread.archived))
        thread.locked = bool(body.get("locked", thread.locked))
        return json_response(thread.payload())

    def _moderates(self, thread: FakeChannel) -> bool:
        guild = self.state.guilds[thread.guild_id or 0]
        parent = guild.channels[thread.parent_id or 0]
        bot = guild.members[self.state.bot_user.id]
        return bool(guild.permissions_in(parent, bot) & MANAGE_THREADS)

    # ----- lookups ----------------------------------------------------------------------

    def _get_channel(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        channel = self.state.find_channel(int(args[0]))
        if channel is None:
            return json_response(error_body(10003, "Unknown Channel"), 404)
        return json_response(channel.payload())

    def _get_user(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        user = self.state.users.get(int(args[0]))
        if user is None:
            return json_response(error_body(10013, "Unknown User"), 404)
        return json_response(user.payload())

    def _get_member(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        guild = self.state.guilds.get(int(args[0]))
        if guild is None:
            return json_response(error_body(10004, "Unknown Guild"), 404)
        member = guild.members.get(int(args[1]))
        if member is None:
            return json_response(error_body(10007, "Unknown Member"), 404)
        return json_response(member.payload())

    def _active_threads(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        """The guild's active threads the bot can see: private ones only where it is a member
        (Discord's rule without Manage Threads)."""
        guild = self.state.guilds.get(int(args[0]))
        if guild is None:
            return json_response(error_body(10004, "Unknown Guild"), 404)
        bot = self.state.bot_user.id
        visible = [
            c
            for c in guild.channels.values()
            if c.is_thread and (c.type != PRIVATE_THREAD or bot in c.member_ids)
        ]
        members = [
            {"id": str(c.id), "user_id": str(bot), "join_timestamp": FIXED_TIMESTAMP, "flags": 0}
            for c in visible
            if bot in c.member_ids
        ]
        return json_response({"threads": [c.payload() for c in visible], "members": members})

    def _get_guild(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        guild = self.state.guilds.get(int(args[0]))
        if guild is None:
            return json_response(error_body(10004, "Unknown Guild"), 404)
        data = guild.create_payload(include_members=False, bot_id=self.state.bot_user.id)
        for key in ("members", "channels", "threads", "voice_states", "presences"):
            data.pop(key)
        return json_response(data)
