"""The fake Discord's websocket gateway: hello, identify (token and privileged intents
checked), heartbeat ACKs, READY with a GUILD_CREATE per guild, and dispatching events only to
connections that asked for their intent."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.discord.constants import (
    API_VERSION,
    EVENT_INTENTS,
    INTENT_GUILD_MEMBERS,
    PRIVILEGED_INTENTS,
    Json,
    shard_of,
)
from tests.fakes.discord.models import FakeGuild, FakeMember
from tests.fakes.discord.state import DiscordState


@dataclass
class GatewayConnection:
    ws: web.WebSocketResponse
    intents: int | None = None
    shard: tuple[int, int] = (0, 1)  # [shard_id, shard_count] from IDENTIFY
    sequence: int = 0
    received: list[Json] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # the names of the events sent to it

    def serves(self, guild_id: int | None) -> bool:
        """Whether this shard gets the server's events; direct messages go to shard 0."""
        shard_id, count = self.shard
        return shard_id == (0 if guild_id is None else shard_of(guild_id, count))


class Gateway:
    """Serves ``/gateway`` and pushes events to the bots connected there."""

    def __init__(self, state: DiscordState, on_interaction: Callable[[Json], object]) -> None:
        self.state = state
        # Called for each INTERACTION_CREATE before it is sent: Discord starts the reply
        # deadline when it sends the event, not when the bot reads it.
        self._on_interaction = on_interaction
        self.connections: list[GatewayConnection] = []

    async def close(self) -> None:
        for conn in list(self.connections):
            with contextlib.suppress(Exception):
                await conn.ws.close()

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        conn = GatewayConnection(ws)
        self.connections.append(conn)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": self.state.heartbeat_interval_ms}})
        )
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                conn.received.append(frame)
                await self._on_gateway_frame(conn, frame)
                await self.state.notify()
        finally:
            if conn in self.connections:
                self.connections.remove(conn)
        return ws

    async def _on_gateway_frame(self, conn: GatewayConnection, frame: Json) -> None:
        op = frame.get("op")  # 1 heartbeat, 2 identify, 6 resume
        if op == 1:
            await conn.ws.send_str(json.dumps({"op": 11}))
        elif op == 2:
            data = frame.get("d") or {}
            if data.get("token") not in (self.state.token, f"Bot {self.state.token}"):
                await conn.ws.close(code=4004, message=b"Authentication failed.")
                return
            intents = int(data.get("intents", 0))
            if intents & PRIVILEGED_INTENTS & ~self.state.privileged_intents_enabled:
                await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            shard = data.get("shard") or [0, 1]
            if not (len(shard) == 2 and 0 <= int(shard[0]) < int(shard[1])):
                await conn.ws.close(code=4010, message=b"Invalid shard.")
                return
            conn.shard = (int(shard[0]), int(shard[1]))
            conn.intents = intents
            await self._send_ready(conn)
        elif op == 6:
            await self._send_event(conn, "RESUMED", {})

    async def _send_ready(self, conn: GatewayConnection) -> None:
        guilds = [g for g in self.state.guilds.values() if conn.serves(g.id)]
        ready = {
            "v": API_VERSION,
            "user": self.state.bot_user.payload(),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": "fake-session",
            "resume_gateway_url": self.state.gateway_url,
            "shard": list(conn.shard),
            "application": {"id": str(self.state.app_id), "flags": 0},
        }
        await self._send_event(conn, "READY", ready)
        include_members = bool((conn.intents or 0) & INTENT_GUILD_MEMBERS)
        for guild in guilds:
            payload = guild.create_payload(
                include_members=include_members, bot_id=self.state.bot_user.id
            )
            await self._send_event(conn, "GUILD_CREATE", payload)

    async def _send_event(self, conn: GatewayConnection, event: str, data: Any) -> None:
        conn.sequence += 1
        conn.sent.append(event)
        # Text frames: discord.py only decompresses binary frames.
        await conn.ws.send_str(json.dumps({"op": 0, "t": event, "s": conn.sequence, "d": data}))

    async def wait_for_identify(self, timeout: float = 5.0) -> GatewayConnection:  # noqa: ASYNC109
        def identified() -> bool:
            return any(c.intents is not None for c in self.connections)

        async with self.state.changed:
            await asyncio.wait_for(self.state.changed.wait_for(identified), timeout)
        return next(c for c in self.connections if c.intents is not None)

    async def dispatch(self, event: str, data: Any) -> int:
        """Push an event to every identified connection that asked for its intent and runs
        the shard of its server (shard 0 for a direct message).

        Returns how many connections received it. INTERACTION_CREATE payloads are registered
        for the deadline first, just as Discord starts its clock when it sends them.
        """
        if event == "INTERACTION_CREATE":
            self._on_interaction(data)
        needed = EVENT_INTENTS.get(event, 0)
        guild = data.get("id") if event == "GUILD_DELETE" else data.get("guild_id")
        sent = 0
        for conn in list(self.connections):
            if conn.intents is None or (conn.intents & needed) != needed:
                continue
            if not conn.serves(int(guild) if guild is not None else None):
                continue
            await self._send_event(conn, event, data)
            sent += 1
        return sent

    async def add_member_event(self, guild: FakeGuild, username: str) -> FakeMember:
        """Add a member and send GUILD_MEMBER_ADD (only reaches GUILD_MEMBERS clients)."""
        member = self.state.add_member(guild, username)
        await self.dispatch("GUILD_MEMBER_ADD", dict(member.payload(), guild_id=str(guild.id)))
        return member

    async def remove_member_event(self, guild: FakeGuild, user_id: int) -> int:
        """Remove a member and send GUILD_MEMBER_REMOVE (only reaches GUILD_MEMBERS clients)."""
        member = self.state.remove_member(guild, user_id)
        return await self.dispatch(
            "GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": member.user.payload()}
        )

    async def guild_join_event(self, guild: FakeGuild) -> int:
        """The bot was added to `guild` while connected: GUILD_CREATE after READY."""
        sent = 0
        for conn in list(self.connections):
            if conn.intents is None or not conn.serves(guild.id):
                continue
            include_members = bool(conn.intents & INTENT_GUILD_MEMBERS)
            payload = guild.create_payload(
                include_members=include_members, bot_id=self.state.bot_user.id
            )
            # A join carries no `unavailable`: `false` means a known server came back online,
            # which discord.py reports as guild_available, not guild_join.
            payload.pop("unavailable")
            await self._send_event(conn, "GUILD_CREATE", payload)
            sent += 1
        return sent

    async def guild_remove_event(self, guild: FakeGuild) -> int:
        """The bot was kicked from `guild`: GUILD_DELETE without `unavailable`."""
        self.state.guilds.pop(guild.id, None)
        return await self.dispatch("GUILD_DELETE", {"id": str(guild.id)})
