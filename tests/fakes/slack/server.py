"""A fake Slack for offline tests: Web API, upload URLs, `response_url`s and a Socket Mode socket.

One aiohttp server on 127.0.0.1:0. The real `slack_sdk` / `slack_bolt` code talks to it through
`AsyncWebClient(base_url=fake.base_url)`; nothing leaves the loopback interface.

- Web API: `POST|GET /api/<method>`; every call is recorded (method, merged query/form/json args,
  headers, loop time) and can be awaited with `wait_for_call`.
- Failures: `fail_next(method, error)` answers `{"ok": false, "error": ...}` for the next N calls;
  `rate_limit(method, times, retry_after, after=n)` answers HTTP 429 with `Retry-After`
  (after n normal answers);
  `invalid_auth = True` makes every Web API call (auth.test first) fail with `invalid_auth`.
- Block Kit: `chat.postMessage`, `chat.update` and `response_url` refuse more than 50 blocks or a
  section over 3,000 characters with `invalid_blocks`, as Slack does (no silent truncation).
- Files members pick: `share_file(name, data)` gives the file object a view submission
  carries; `files.info` describes it and its `url_private_download` serves the bytes to the
  bot token only (others get an HTML sign-in page, as on Slack), recorded in `downloads`.
- OAuth: `grant(code, install)` makes `oauth.v2.access` (with the app's client id and secret,
  HTTP Basic) exchange that code, once, for the install's bot token; `auth.test` with that token
  then names the install's workspace.
- Socket Mode: `apps.connections.open` returns `ws://.../socket`; on connect the fake sends
  `hello`; `push_envelope(...)` sends an envelope and `wait_for_ack(envelope_id)` returns the ack.

What Slack sends the app (signed slash commands, actions, events) is built in `inbound.py`
and `signing.py`; this server only answers the app's own requests.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import WSMsgType, web

from adapters.slack.scopes import BOT_SCOPES
from tests.fakes.slack.models import (
    APP_ID,
    BOT_ID,
    BOT_TOKEN,
    BOT_USER_ID,
    JSON,
    TEAM_ID,
    FakeUser,
    RecordedCall,
)

# What a Web API method needs of the scopes (Slack's docs); an install from slack/manifest.yml
# holds the bot's BOT_SCOPES.
METHOD_SCOPES = {
    "chat.postMessage": "chat:write",
    "conversations.info": "channels:read",
    "conversations.join": "channels:join",
    "conversations.open": "im:write",
    "users.info": "users:read",
    "bots.info": "users:read",
    "usergroups.list": "usergroups:read",
    "usergroups.users.list": "usergroups:read",
    "files.getUploadURLExternal": "files:write",
    "files.info": "files:read",
}


MAX_MESSAGE_BLOCKS = 50
MAX_SECTION_CHARS = 3000


def block_error(raw: Any) -> str | None:
    """Slack's answer to blocks beyond its limits (None: they are fine)."""
    blocks = json.loads(raw) if isinstance(raw, str) else raw
    if not blocks:
        return None
    too_long = any(
        len(str((b.get("text") or {}).get("text", ""))) > MAX_SECTION_CHARS
        for b in blocks
        if b.get("type") == "section"
    )
    return "invalid_blocks" if len(blocks) > MAX_MESSAGE_BLOCKS or too_long else None


@dataclass
class _Failure:
    error: str
    remaining: int
    status: int = 200
    retry_after: int | None = None
    after: int = 0  # calls answered normally before this failure starts


@dataclass(frozen=True)
class FakeInstall:
    """A workspace installing the app through OAuth, and the bot token Slack gives it."""

    team_id: str
    team_name: str
    bot_token: str
    bot_user_id: str = BOT_USER_ID
    bot_id: str = BOT_ID


@dataclass
class FakeSlack:
    """The fake server; use as `async with FakeSlack() as fake:`."""

    team_id: str = TEAM_ID
    team_name: str = "Study Group"
    bot_user_id: str = BOT_USER_ID
    bot_id: str = BOT_ID
    invalid_auth: bool = False
    calls: list[RecordedCall] = field(default_factory=list)
    users: dict[str, FakeUser] = field(default_factory=dict)
    usergroups: dict[str, list[str]] = field(default_factory=dict)  # id -> member ids
    usergroup_handles: dict[str, str] = field(default_factory=dict)  # id -> handle
    uploads: dict[str, bytes] = field(default_factory=dict)
    # Files members picked in a modal's file input (id -> bytes), served to the bot token at
    # their url_private_download; `downloads` lists the ids fetched, in order.
    shared: dict[str, bytes] = field(default_factory=dict)
    shared_info: dict[str, JSON] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)
    acks: dict[str, JSON] = field(default_factory=dict)
    # The workspace's channels as conversations.info shows them (id -> channel object).
    channels: dict[str, JSON] = field(default_factory=dict)
    # Scopes the installed bot token holds (auth.test's X-OAuth-Scopes header); a method that
    # needs one it lacks answers missing_scope, as Slack does.
    scopes: set[str] = field(default_factory=lambda: set(BOT_SCOPES))
    # The app's configuration as apps.manifest.export returns it (to a configuration token).
    manifest: JSON = field(default_factory=dict)
    # OAuth: the app's credentials, and the codes Slack's consent page handed out (code ->
    # install), each exchanged once by oauth.v2.access.
    client_id: str = "1111.2222"
    client_secret: str = "fake-client-secret"
    codes: dict[str, FakeInstall] = field(default_factory=dict)
    installed: dict[str, FakeInstall] = field(default_factory=dict)  # bot token -> install

    def __post_init__(self) -> None:
        self._failures: dict[str, list[_Failure]] = {}
        self._ids = itertools.count(1)
        self._rooms: dict[frozenset[str], str] = {}
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._changed = asyncio.Condition()
        self._socket: web.WebSocketResponse | None = None
        self._socket_connected = asyncio.Event()
        self.add_user(FakeUser(self.bot_user_id, "studybot", is_bot=True, team_id=self.team_id))

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/files-pri/{file_id}/download/{name}", self._download)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_get("/socket", self._socket_handler)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def close(self) -> None:
        if self._socket is not None and not self._socket.closed:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def port(self) -> int:
        return self._port

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        """What `AsyncWebClient(base_url=...)` wants (it must end in a slash)."""
        return f"{self.root_url}/api/"

    @property
    def socket_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/socket"

    def response_url(self, key: str = "r1") -> str:
        return f"{self.root_url}/response/{key}"

    # -- configuration -----------------------------------------------------------------------
    def add_user(self, user: FakeUser) -> FakeUser:
        self.users[user.id] = user
        return user

    def fail_next(self, method: str, error: str, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with `{"ok": false, "error": error}`."""
        self._failures.setdefault(method, []).append(_Failure(error, times))

    def rate_limit(
        self, method: str, times: int = 1, retry_after: int = 1, *, after: int = 0
    ) -> None:
        """Answer `times` calls of `method` with HTTP 429 and `Retry-After`, once `after`
        calls have been answered normally (a limit hit in the middle of a burst)."""
        self._failures.setdefault(method, []).append(
            _Failure("ratelimited", times, status=429, retry_after=retry_after, after=after)
        )

    # -- inspection --------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[RecordedCall]:
        return [c for c in self.calls if c.method == method]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    async def wait_for_call(
        self,
        method: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - a per-call deadline reads best in tests
        *,
        count: int = 1,
    ) -> RecordedCall:
        """Wait until `method` has been called `count` times; return the `count`-th call."""

        def ready() -> bool:
            return len(self.calls_to(method)) >= count

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(ready), timeout)
            except TimeoutError:
                seen = ", ".join(self.methods()) or "nothing"
                raise AssertionError(
                    f"{method} not called {count}x within {timeout}s; saw: {seen}"
                ) from None
        return self.calls_to(method)[count - 1]

    async def _record(self, call: RecordedCall) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # -- Web API -------------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        body = await request.read()
        args: dict[str, Any] = dict(request.query)
        ctype = request.content_type
        if ctype == "application/json" and body:
            args.update(json.loads(body))
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            args.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        await self._record(
            RecordedCall(method, args, dict(request.headers), _now(), body, request.path)
        )

        if method == "oauth.v2.access":
            return web.json_response(self._oauth_v2_access(args, request))
        token = _bearer(request.headers.get("Authorization", "")) or str(args.get("token", ""))
        if not token:
            return _ok_false("not_authed")
        if self.invalid_auth:
            return _ok_false("invalid_auth")
        failure = self._take_failure(method)
        if failure is not None:
            if failure.status == 429:
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(failure.retry_after)},
                )
            return _ok_false(failure.error)
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return _ok_false("unknown_method")
        needed = METHOD_SCOPES.get(method)
        if token.startswith("xoxb-") and needed is not None and needed not in self.scopes:
            return web.json_response({"ok": False, "error": "missing_scope", "needed": needed})
        result: JSON = handler(args, token)
        scopes = {"X-OAuth-Scopes": ",".join(sorted(self.scopes))} if method == "auth.test" else {}
        return web.json_response(result, headers=scopes)

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        if failure.after > 0:
            failure.after -= 1
            return None
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.pop(0)
        return failure

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ids):06d}"

    def grant(self, code: str, install: FakeInstall) -> None:
        self.codes[code] = install

    def _oauth_v2_access(self, args: JSON, request: web.Request) -> JSON:
        credentials = aiohttp.BasicAuth.decode(request.headers.get("Authorization", ""))
        if (credentials.login, credentials.password) != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        install = self.codes.pop(str(args.get("code", "")), None)
        if install is None:
            return {"ok": False, "error": "invalid_code"}
        self.installed[install.bot_token] = install
        return {
            "ok": True,
            "app_id": APP_ID,
            "authed_user": {"id": "U0INSTALLER"},
            "scope": ",".join(sorted(self.scopes)),
            "token_type": "bot",
            "access_token": install.bot_token,
            "bot_user_id": install.bot_user_id,
            "team": {"id": install.team_id, "name": install.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _m_auth_test(self, args: JSON, token: str) -> JSON:
        install = self.installed.get(token)
        return {
            "ok": True,
            "url": "https://study-group.slack.com/",
            "team": install.team_name if install else self.team_name,
            "user": "studybot",
            "team_id": install.team_id if install else self.team_id,
            "user_id": install.bot_user_id if install else self.bot_user_id,
            "bot_id": install.bot_id if install else self.bot_id,
            "is_enterprise_install": False,
        }

    def _m_chat_postMessage(self, args: JSON, token: str) -> JSON:
        channel = str(args.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        error = block_error(args.get("blocks"))
        if error is not None:
            return {"ok": False, "error": error}
        ts = self._next_ts()
        message = {"type": "message", "text": args.get("text", ""), "ts": ts, "user": BOT_USER_ID}
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _m_chat_postEphemeral(self, args: JSON, token: str) -> JSON:
        return {"ok": True, "message_ts": self._next_ts()}

    def _m_chat_update(self, args: JSON, token: str) -> JSON:
        error = block_error(args.get("blocks"))
        if error is not None:
            return {"ok": False, "error": error}
        return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts"), "text": ""}

    def _m_conversations_open(self, args: JSON, token: str) -> JSON:
        raw = args.get("users", "")
        ids = [u for u in (raw if isinstance(raw, list) else str(raw).split(",")) if u]
        if not ids:
            return {"ok": False, "error": "users_list_not_supplied"}
        if len(ids) > 8:
            return {"ok": False, "error": "too_many_users"}
        for uid in ids:
            user = self.users.get(uid)
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            if user.is_bot:
                return {"ok": False, "error": "cannot_dm_bot"}
        key = frozenset(ids)
        # Same set of users -> same conversation, as on Slack.
        if key not in self._rooms:
            prefix = "D" if len(ids) == 1 else "G"
            self._rooms[key] = f"{prefix}{next(self._ids):08d}"
        cid = self._rooms[key]
        return {"ok": True, "channel": {"id": cid, "is_im": len(ids) == 1, "is_mpim": len(ids) > 1}}

    def _m_views_open(self, args: JSON, token: str) -> JSON:
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        view = args.get("view")
        view_json = json.loads(view) if isinstance(view, str) else dict(view or {})
        return {"ok": True, "view": {**view_json, "id": f"V{next(self._ids):08d}"}}

    def _m_views_publish(self, args: JSON, token: str) -> JSON:
        view = args.get("view")
        view_json = json.loads(view) if isinstance(view, str) else dict(view or {})
        if not args.get("user_id"):
            return {"ok": False, "error": "invalid_arguments"}
        if view_json.get("type") != "home" or len(view_json.get("blocks") or []) > 100:
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "view": {**view_json, "id": f"V{next(self._ids):08d}"}}

    def _m_views_update(self, args: JSON, token: str) -> JSON:
        view = args.get("view")
        view_json = json.loads(view) if isinstance(view, str) else dict(view or {})
        return {"ok": True, "view": {**view_json, "id": args.get("view_id") or "V0"}}

    def _m_users_info(self, args: JSON, token: str) -> JSON:
        user = self.users.get(str(args.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user.to_json()}

    def _m_usergroups_users_list(self, args: JSON, token: str) -> JSON:
        group = str(args.get("usergroup", ""))
        if group not in self.usergroups:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(self.usergroups[group])}

    def _m_usergroups_list(self, args: JSON, token: str) -> JSON:
        groups = [
            {"id": gid, "handle": handle, "name": handle}
            for gid, handle in self.usergroup_handles.items()
        ]
        return {"ok": True, "usergroups": groups}

    def _m_files_getUploadURLExternal(self, args: JSON, token: str) -> JSON:
        file_id = f"F{next(self._ids):08d}"
        return {"ok": True, "upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: JSON, token: str) -> JSON:
        raw = args.get("files", "[]")
        files = json.loads(raw) if isinstance(raw, str) else list(raw)
        missing = [f["id"] for f in files if f["id"] not in self.uploads]
        if missing:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    def share_file(self, name: str, data: bytes, *, size: int | None = None) -> JSON:
        """A file a member picked in a file input: the file object a view submission carries.
        `size` is what Slack reports, when not the true length (a file that changed)."""
        file_id = f"F{next(self._ids):08d}"
        self.shared[file_id] = data
        self.shared_info[file_id] = {
            "id": file_id,
            "name": name,
            "title": name,
            "mimetype": "text/plain",
            "size": len(data) if size is None else size,
            "url_private": f"{self.root_url}/files-pri/{file_id}/{name}",
            "url_private_download": f"{self.root_url}/files-pri/{file_id}/download/{name}",
        }
        return dict(self.shared_info[file_id])

    def _m_files_info(self, args: JSON, token: str) -> JSON:
        info = self.shared_info.get(str(args.get("file", "")))
        if info is None:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": info}

    async def _download(self, request: web.Request) -> web.StreamResponse:
        """A file's bytes for the bot token; anyone else gets the sign-in page, as on Slack."""
        file_id = request.match_info["file_id"]
        if _bearer(request.headers.get("Authorization", "")) != BOT_TOKEN:
            return web.Response(text="<html>Sign in</html>", content_type="text/html")
        if file_id not in self.shared:
            return web.Response(status=404, text="file not found")
        self.downloads.append(file_id)
        return web.Response(body=self.shared[file_id], content_type="text/plain")

    def _m_apps_connections_open(self, args: JSON, token: str) -> JSON:
        if not token.startswith("xapp-"):
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"ok": True, "url": self.socket_url}

    # -- uploads and response_url ------------------------------------------------------------------
    def add_channel(
        self, name: str, *, private: bool = False, member: bool = True, archived: bool = False
    ) -> str:
        """A channel; `member`: the bot is in it already."""
        channel_id = f"{'G' if private else 'C'}{next(self._ids):08d}"
        self.channels[channel_id] = {
            "id": channel_id,
            "name": name,
            "is_channel": True,
            "is_private": private,
            "is_archived": archived,
            "is_member": member,
            "is_im": False,
            "is_mpim": False,
        }
        return channel_id

    def _m_conversations_info(self, args: JSON, token: str) -> JSON:
        channel = self.channels.get(str(args.get("channel", "")))
        if channel is None or (channel["is_private"] and not channel["is_member"]):
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": dict(channel)}

    def _m_conversations_join(self, args: JSON, token: str) -> JSON:
        channel = self.channels.get(str(args.get("channel", "")))
        if channel is None or channel["is_private"]:
            return {
                "ok": False,
                "error": "channel_not_found"
                if channel is None
                else "method_not_supported_for_channel_type",
            }
        if channel["is_archived"]:
            return {"ok": False, "error": "is_archived"}
        channel["is_member"] = True
        return {"ok": True, "channel": dict(channel)}

    def _m_bots_info(self, args: JSON, token: str) -> JSON:
        if args.get("bot") != self.bot_id:
            return {"ok": False, "error": "bot_not_found"}
        return {"ok": True, "bot": {"id": self.bot_id, "app_id": APP_ID, "name": "studybot"}}

    def _m_apps_manifest_export(self, args: JSON, token: str) -> JSON:
        if not token.startswith("xoxe."):
            return {"ok": False, "error": "invalid_auth"}  # only configuration tokens may ask
        if args.get("app_id") != APP_ID:
            return {"ok": False, "error": "app_not_found"}
        return {"ok": True, "manifest": self.manifest}

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        file_id = request.match_info["file_id"]
        self.uploads[file_id] = body
        await self._record(
            RecordedCall("upload", {"file_id": file_id}, dict(request.headers), _now(), body)
        )
        return web.Response(text=f"OK - {len(body)}", content_type="text/plain")

    async def _response_url(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        args: JSON = json.loads(body) if body else {}
        args["_key"] = request.match_info["key"]
        await self._record(
            RecordedCall("response_url", args, dict(request.headers), _now(), body, request.path)
        )
        error = block_error(args.get("blocks"))
        if error is not None:
            return web.Response(status=400, text=error, content_type="text/html")
        return web.Response(text="ok", content_type="text/html")

    # -- Socket Mode -------------------------------------------------------------------------------
    async def _socket_handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._socket = ws
        await ws.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "fake", "approximate_connection_time": 3600},
                    "connection_info": {"app_id": APP_ID},
                }
            )
        )
        self._socket_connected.set()
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            data: JSON = json.loads(msg.data)
            eid = str(data.get("envelope_id", ""))
            await self._record(RecordedCall("socket_ack", data, {}, _now(), msg.data.encode()))
            async with self._changed:
                self.acks[eid] = data
                self._changed.notify_all()
        return ws

    async def wait_for_socket(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await asyncio.wait_for(self._socket_connected.wait(), timeout)

    async def push_envelope(
        self, kind: str, payload: JSON, *, accepts_response_payload: bool = True
    ) -> str:
        """Send a Socket Mode envelope (slash_commands / interactive / events_api)."""
        if self._socket is None or self._socket.closed:
            raise AssertionError("no Socket Mode client connected")
        eid = f"env-{next(self._ids)}"
        envelope: JSON = {
            "envelope_id": eid,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope.update({"retry_attempt": 0, "retry_reason": ""})
        await self._socket.send_str(json.dumps(envelope))
        return eid

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> JSON:  # noqa: ASYNC109
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: envelope_id in self.acks), timeout
                )
            except TimeoutError:
                raise AssertionError(f"no ack for {envelope_id} within {timeout}s") from None
        return self.acks[envelope_id]


def _now() -> float:
    return asyncio.get_running_loop().time()


def _bearer(header: str) -> str:
    return header[7:] if header.startswith("Bearer ") else ""


def _ok_false(error: str) -> web.Response:
    return web.json_response({"ok": False, "error": error})
