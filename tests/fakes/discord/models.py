"""The world the fake Discord serves, as data: users, roles, members, channels (text, DM and
thread) and guilds, each able to render itself as the JSON Discord would send."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.fakes.discord.constants import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    DM,
    FIXED_TIMESTAMP,
    GUILD_TEXT,
    MANAGE_GUILD,
    MEMBER_PERMISSIONS,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Json,
)


@dataclass
class FakeAttachment:
    """A file a user attaches to a slash command's attachment option; the fake serves its
    bytes on its own CDN path (``/attachments/...``), as Discord's CDN would."""

    filename: str
    data: bytes
    content_type: str = "text/plain; charset=utf-8"
    size: int | None = None  # what Discord reports, if not the true length (a lying client)
    id: int = 0  # given by the fake when the attachment is sent

    def payload(self, base_url: str) -> Json:
        url = f"{base_url}/attachments/{self.id}/{self.filename}"
        return {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data) if self.size is None else self.size,
            "url": url,
            "proxy_url": url,
            "content_type": self.content_type,
            "ephemeral": True,  # an option's upload is only kept for the interaction
        }


@dataclass
class FakeUser:
    id: int
    username: str
    bot: bool = False

    def payload(self) -> Json:
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.username.capitalize(),
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int
    position: int = 0
    bot_id: int | None = None  # the role Discord gives a bot when it joins (managed)

    def payload(self) -> Json:
        data: Json = {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "hoist": False,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.bot_id is not None,
            "mentionable": False,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class FakeMember:
    user: FakeUser
    role_ids: list[int] = field(default_factory=list)
    permissions: int = MEMBER_PERMISSIONS  # effective permissions, as interactions report them

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def is_organizer(self) -> bool:
        return bool(self.permissions & (MANAGE_GUILD | ADMINISTRATOR))

    def payload(self, *, with_user: bool = True, with_permissions: bool = False) -> Json:
        data: Json = {
            "roles": [str(r) for r in self.role_ids],
            "nick": None,
            "avatar": None,
            "joined_at": FIXED_TIMESTAMP,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if with_permissions:
            data["permissions"] = str(self.permissions)
        return data


@dataclass
class FakeChannel:
    id: int
    name: str
    type: int = GUILD_TEXT
    guild_id: int | None = None
    parent_id: int | None = None
    owner_id: int | None = None
    recipient: FakeUser | None = None  # DM channels
    member_ids: set[int] = field(default_factory=set)  # threads
    invitable: bool = False
    archived: bool = False  # threads
    locked: bool = False  # threads: only moderators may unarchive or post
    position: int = 0
    # Discord's permission_overwrites: {"id", "type" (0 role, 1 member), "allow", "deny"}.
    overwrites: list[Json] = field(default_factory=list)

    @property
    def is_thread(self) -> bool:
        return self.type in (PUBLIC_THREAD, PRIVATE_THREAD)

    def payload(self) -> Json:
        if self.type == DM:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": None,
                "recipients": [self.recipient.payload()],
            }
        data: Json = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "permission_overwrites": self.overwrites,
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "flags": 0,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.is_thread:
            data.update(
                owner_id=str(self.owner_id),
                message_count=0,
                member_count=len(self.member_ids),
                total_message_sent=0,
                thread_metadata={
                    "archived": self.archived,
                    "auto_archive_duration": 10080,
                    "archive_timestamp": FIXED_TIMESTAMP,
                    "locked": self.locked,
                    "invitable": self.invitable,
                    "create_timestamp": FIXED_TIMESTAMP,
                },
            )
        return data

    def resolved_payload(self, permissions: int) -> Json:
        """The partial channel Discord puts in an interaction's ``resolved.channels``."""
        data = self.payload()
        data["permissions"] = str(permissions)
        return data


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, FakeRole] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    threads_allowed: bool = True  # False: the bot lacks Create Private Threads (403 50001)
    system_channel_id: int | None = None  # where Discord posts join messages
    # Server Settings > Integrations: per top-level command name (Discord keys them by
    # command id), a role or user id -> allowed. An override replaces the command's
    # default_member_permissions for that server.
    command_overrides: dict[str, dict[int, bool]] = field(default_factory=dict)

    def permissions_in(self, channel: FakeChannel, member: FakeMember) -> int:
        """Discord's permission maths from roles and the channel's overwrites (@everyone,
        then the member's roles together, then the member)."""
        base = self.everyone_role.permissions
        for role_id in member.role_ids:
            base |= self.roles[role_id].permissions
        if base & ADMINISTRATOR:
            return ALL_PERMISSIONS
        layers = [
            [o for o in channel.overwrites if int(o["id"]) == self.id],
            [o for o in channel.overwrites if o["type"] == 0 and int(o["id"]) in member.role_ids],
            [o for o in channel.overwrites if o["type"] == 1 and int(o["id"]) == member.id],
        ]
        for layer in layers:
            deny = allow = 0
            for overwrite in layer:
                deny |= int(overwrite["deny"])
                allow |= int(overwrite["allow"])
            base = (base & ~deny) | allow
        return base

    def may_use(self, command: Json, member: FakeMember) -> bool:
        """Whether Discord offers and delivers this top-level command to the member: a user
        override decides, else a role override (@everyone's id is the guild's), else the
        command's default_member_permissions; Administrator always may."""
        if member.permissions & ADMINISTRATOR:
            return True
        overrides = self.command_overrides.get(str(command["name"]), {})
        if member.id in overrides:
            return overrides[member.id]
        by_role = [overrides[r] for r in (self.id, *member.role_ids) if r in overrides]
        if by_role:
            return any(by_role)
        needed = command.get("default_member_permissions")
        return needed is None or member.permissions & int(needed) == int(needed)

    @property
    def everyone_role(self) -> FakeRole:
        return self.roles[self.id]

    def channel_named(self, name: str) -> FakeChannel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(name)

    def member_named(self, username: str) -> FakeMember:
        for member in self.members.values():
            if member.user.username == username:
                return member
        raise KeyError(username)

    def create_payload(self, *, include_members: bool, bot_id: int) -> Json:
        """A GUILD_CREATE payload; without GUILD_MEMBERS only the bot itself is listed."""
        members = [m.payload() for m in self.members.values() if include_members or m.id == bot_id]
        channels = [c.payload() for c in self.channels.values() if not c.is_thread]
        threads = [c.payload() for c in self.channels.values() if c.is_thread]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(self.system_channel_id) if self.system_channel_id else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": FIXED_TIMESTAMP,
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "voice_states": [],
            "members": members,
            "channels": channels,
            "threads": threads,
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }
