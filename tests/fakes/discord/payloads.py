"""What users do, as the INTERACTION_CREATE payloads Discord would send the bot: slash
commands (with ``resolved`` users, channels and roles), autocomplete, button clicks and modal
submits (with ``resolved`` attachments, served by the fake's CDN). Option types come from the command schema the bot synced, as on Discord."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.fakes.discord.constants import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    BOT_PERMISSIONS,
    MEMBER_PERMISSIONS,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    OPT_ATTACHMENT,
    OPT_BOOLEAN,
    OPT_CHANNEL,
    OPT_INTEGER,
    OPT_NUMBER,
    OPT_ROLE,
    OPT_STRING,
    OPT_SUB_COMMAND,
    OPT_SUB_COMMAND_GROUP,
    OPT_USER,
    Json,
)
from tests.fakes.discord.limits import modal_inputs
from tests.fakes.discord.models import (
    FakeAttachment,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
)
from tests.fakes.discord.state import DiscordState, public_message


class CommandHidden(Exception):
    """Discord would neither show nor deliver this command to this member (its default
    member permissions or the server's overrides in Server Settings > Integrations)."""


class InteractionPayloads:
    """Builds interaction payloads from the state; dispatching or feeding them is separate."""

    def __init__(self, state: DiscordState) -> None:
        self.state = state

    def _base_interaction(
        self,
        kind: int,
        data: Json,
        *,
        user: FakeUser | FakeMember,
        guild: FakeGuild | None,
        channel: FakeChannel | None,
        message: Json | None = None,
    ) -> Json:
        """What every interaction carries: in a guild the member (and by default the first
        channel), elsewhere the user and the bot's DM channel with them."""
        member = user if isinstance(user, FakeMember) else None
        fake_user = user.user if isinstance(user, FakeMember) else user
        payload: Json = {
            "id": str(self.state.new_id()),
            "application_id": str(self.state.app_id),
            "type": kind,
            "token": f"itoken-{self.state.new_id()}",
            "version": 1,
            "data": data,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "app_permissions": str(BOT_PERMISSIONS),
        }
        if guild is not None:
            if member is None:
                member = guild.members[fake_user.id]
            channel = channel or next(iter(guild.channels.values()))
            payload.update(
                guild_id=str(guild.id),
                guild_locale="en-US",
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                member=member.payload(with_permissions=True),
                context=0,
                authorizing_integration_owners={"0": str(guild.id)},
            )
        else:
            if channel is None:
                channel = self.state.open_dm(fake_user)
            payload.update(
                user=fake_user.payload(),
                context=1,
                authorizing_integration_owners={"1": str(fake_user.id)},
            )
        payload["channel_id"] = str(channel.id)
        channel_data = channel.payload()
        channel_data["permissions"] = str(member.permissions if member else MEMBER_PERMISSIONS)
        payload["channel"] = channel_data
        if message is not None:
            payload["message"] = public_message(message)
        return payload

    def _find_command(self, guild: FakeGuild | None, name: str) -> Json | None:
        for cmd in self.state.commands_for(guild.id if guild else None):
            if cmd.get("name") == name:
                return cmd
        return None

    def slash_command(
        self,
        path: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: FakeUser | FakeMember,
        guild: FakeGuild | None,
        channel: FakeChannel | None = None,
        focused: str | None = None,
        option_types: Mapping[str, int] | None = None,
    ) -> Json:
        """An APPLICATION_COMMAND (or, with ``focused``, AUTOCOMPLETE) interaction payload.

        ``path`` is the command as a user types it without values, e.g. ``"buddy join"`` or
        ``"admin config set"``. Option types come from the synced command schema, so users,
        channels and roles get ``resolved`` data; ``option_types`` overrides or fills in when
        unsynced. Values may be FakeUser/FakeMember/FakeChannel/FakeRole objects (or ids) for
        user, channel and role options.
        """
        names = path.split()
        root = self._find_command(guild, names[0])
        member = user if isinstance(user, FakeMember) else None
        if root is not None and guild is not None and member and not guild.may_use(root, member):
            raise CommandHidden(f"Discord does not offer /{names[0]} to {member.user.username}")
        schema_options: list[Json] = (root or {}).get("options") or []
        resolved: Json = {}
        leaf_options = []
        for key, value in (options or {}).items():
            schema = next(
                (o for o in schema_options_at(schema_options, names[1:]) if o.get("name") == key),
                None,
            )
            kind = (option_types or {}).get(key) or (schema or {}).get("type") or _infer_type(value)
            leaf_options.append(
                self._option_payload(key, kind, value, resolved, guild, focused == key)
            )
        nested: list[Json] = leaf_options
        if len(names) >= 2:
            sub_kind = OPT_SUB_COMMAND
            for depth, name in reversed(list(enumerate(names[1:], start=1))):
                is_group = depth < len(names) - 1
                sub_kind = OPT_SUB_COMMAND_GROUP if is_group else OPT_SUB_COMMAND
                nested = [{"name": name, "type": sub_kind, "options": nested}]
        data: Json = {
            "id": str((root or {}).get("id") or self.state.new_id()),
            "name": names[0],
            "type": 1,
            "options": nested,
        }
        if root is not None and root.get("guild_id"):
            data["guild_id"] = root["guild_id"]
        if resolved:
            data["resolved"] = resolved
        kind = AUTOCOMPLETE if focused else APPLICATION_COMMAND
        return self._base_interaction(kind, data, user=user, guild=guild, channel=channel)

    def autocomplete(
        self,
        path: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        user: FakeUser | FakeMember,
        guild: FakeGuild | None,
        channel: FakeChannel | None = None,
    ) -> Json:
        """An AUTOCOMPLETE interaction: the user is typing into option ``focused``."""
        return self.slash_command(
            path, options, user=user, guild=guild, channel=channel, focused=focused
        )

    def _option_payload(
        self,
        name: str,
        kind: int,
        value: Any,
        resolved: Json,
        guild: FakeGuild | None,
        focused: bool,
    ) -> Json:
        out: Json = {"name": name, "type": kind}
        if kind == OPT_USER:
            member = value if isinstance(value, FakeMember) else None
            user = value.user if isinstance(value, FakeMember) else value
            if isinstance(user, int):
                user = self.state.users[user]
            assert isinstance(user, FakeUser), f"option {name} needs a user, got {value!r}"
            resolved.setdefault("users", {})[str(user.id)] = user.payload()
            if guild is not None:
                member = member or guild.members.get(user.id)
                if member is not None:
                    resolved.setdefault("members", {})[str(user.id)] = member.payload(
                        with_user=False, with_permissions=True
                    )
            out["value"] = str(user.id)
        elif kind == OPT_CHANNEL:
            channel = (
                value if isinstance(value, FakeChannel) else self.state.find_channel(int(value))
            )
            assert channel is not None, f"option {name}: unknown channel {value!r}"
            resolved.setdefault("channels", {})[str(channel.id)] = channel.resolved_payload(
                MEMBER_PERMISSIONS
            )
            out["value"] = str(channel.id)
        elif kind == OPT_ROLE:
            assert guild is not None, f"option {name}: roles exist only in a server"
            role = value if isinstance(value, FakeRole) else guild.roles[int(value)]
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            out["value"] = str(role.id)
        elif kind == OPT_ATTACHMENT:
            assert isinstance(value, FakeAttachment), f"option {name} needs a FakeAttachment"
            attachment = self.state.upload(value)
            resolved.setdefault("attachments", {})[attachment["id"]] = attachment
            out["value"] = attachment["id"]
        elif focused:
            out["value"] = str(value)  # autocomplete sends the partial text, whatever the type
        else:
            out["value"] = value
        if focused:
            out["focused"] = True
        return out

    def button_click(
        self,
        custom_id: str,
        *,
        user: FakeUser | FakeMember,
        guild: FakeGuild | None = None,
        message: Json | None = None,
    ) -> Json:
        """A MESSAGE_COMPONENT (button, type 3) interaction on the message that carries it."""
        message = message or self.state.message_with_component(custom_id)
        channel_id = int(message["channel_id"])
        channel = self.state.find_channel(channel_id)
        if guild is None:
            guild = self.state.guild_of_channel(channel_id)
        data = {"custom_id": custom_id, "component_type": 2}
        return self._base_interaction(
            MESSAGE_COMPONENT, data, user=user, guild=guild, channel=channel, message=message
        )

    def last_modal(self, user_id: int | None = None) -> Json:
        """The data of the latest modal the bot opened (optionally for one user)."""
        for found in reversed(list(self.state.interactions.values())):
            if found.callback_type == MODAL and user_id in (None, found.user_id):
                return dict(found.callbacks[0]["data"])
        raise AssertionError("the bot has not opened a modal")

    def modal_submit(
        self,
        values: Mapping[str, str],
        *,
        user: FakeUser | FakeMember,
        guild: FakeGuild | None,
        modal: Json | None = None,
        channel: FakeChannel | None = None,
    ) -> Json:
        """A MODAL_SUBMIT (type 5) for the given modal (default: the last one opened).

        ``values`` maps text-input custom_ids to what the user typed; inputs left out are
        submitted empty, as Discord does. The submitted shape mirrors the modal's layout
        (action rows, or labels on discord.py 2.6+).
        """
        user_id = user.id
        modal = modal or self.last_modal(user_id)
        components: list[Json] = []
        known: set[str] = set()
        for row in modal.get("components") or []:
            for text_input in modal_inputs(row):
                cid = str(text_input["custom_id"])
                known.add(cid)
                submitted = {"type": 4, "id": text_input.get("id", 0), "custom_id": cid}
                submitted["value"] = values.get(cid, "")
                if row.get("type") == 18:
                    components.append({"type": 18, "id": row.get("id", 0), "component": submitted})
                else:
                    components.append({"type": 1, "components": [submitted]})
        unknown = set(values) - known
        assert not unknown, f"modal has no inputs {sorted(unknown)}; it has {sorted(known)}"
        data = {"custom_id": modal["custom_id"], "components": components}
        return self._base_interaction(MODAL_SUBMIT, data, user=user, guild=guild, channel=channel)


def schema_options_at(options: list[Json], path: list[str]) -> list[Json]:
    """The options of the (sub)command at ``path`` below a root command's options."""
    for name in path:
        node = next((o for o in options if o.get("name") == name), None)
        if node is None:
            return []
        options = node.get("options") or []
    return options


def _infer_type(value: Any) -> int:
    if isinstance(value, bool):
        return OPT_BOOLEAN
    if isinstance(value, int):
        return OPT_INTEGER
    if isinstance(value, float):
        return OPT_NUMBER
    if isinstance(value, FakeUser | FakeMember):
        return OPT_USER
    if isinstance(value, FakeChannel):
        return OPT_CHANNEL
    if isinstance(value, FakeRole):
        return OPT_ROLE
    if isinstance(value, FakeAttachment):
        return OPT_ATTACHMENT
    return OPT_STRING
