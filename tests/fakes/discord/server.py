"""``FakeDiscord``: the fake's state served on 127.0.0.1 by its parts.

One aiohttp app serves the REST API under ``/api/v10`` (``rest.py`` records and routes;
``routes.py`` and ``interactions.py`` answer) and a websocket at ``/gateway``
(``gateway.py``), and the CDN path of attachments users send (``/attachments/{id}/{name}``).
``payloads.py`` builds what users send.
"""

from __future__ import annotations

import asyncio
from typing import Unpack

from aiohttp import web

from tests.fakes.discord.constants import API_PREFIX
from tests.fakes.discord.gateway import Gateway, GatewayConnection
from tests.fakes.discord.interactions import Interactions
from tests.fakes.discord.payloads import InteractionPayloads
from tests.fakes.discord.rest import RestApi
from tests.fakes.discord.routes import Resources
from tests.fakes.discord.state import DiscordSettings, DiscordState


class FakeDiscord(DiscordState):
    """A fake Discord REST API + gateway for driving the real discord.py offline.

    Tests arrange and inspect the world on the fake itself, so it *is* its state; what it does
    lives in the parts it owns. Their methods that tests call are bound here as attributes,
    so each is written once, where it belongs, and tests talk to one object.

    Redirect discord.py at it with ``Route.BASE = fake.api_url`` and
    ``DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)``.
    """

    def __init__(self, **settings: Unpack[DiscordSettings]) -> None:
        super().__init__(**settings)
        self.interaction_api = Interactions(self)
        self.payloads = InteractionPayloads(self)
        self.gateway = Gateway(self, on_interaction=self.interaction_api.issue)
        self.rest = RestApi(self, [*Resources(self).routes(), *self.interaction_api.routes()])
        self._runner: web.AppRunner | None = None

        self.fail_next = self.rest.fail_next
        self.rate_limit_next = self.rest.rate_limit_next

        self.wait_for_identify = self.gateway.wait_for_identify
        self.dispatch = self.gateway.dispatch
        self.add_member_event = self.gateway.add_member_event
        self.remove_member_event = self.gateway.remove_member_event
        self.guild_join_event = self.gateway.guild_join_event
        self.guild_remove_event = self.gateway.guild_remove_event

        self.issue = self.interaction_api.issue
        self.feed = self.interaction_api.feed
        self.redeliver = self.interaction_api.redeliver
        self.interaction_for = self.interaction_api.interaction_for
        self.wait_for_callback = self.interaction_api.wait_for_callback
        self.wait_for_reply = self.interaction_api.wait_for_reply

        self.slash_command = self.payloads.slash_command
        self.autocomplete = self.payloads.autocomplete
        self.button_click = self.payloads.button_click
        self.last_modal = self.payloads.last_modal
        self.modal_submit = self.payloads.modal_submit

    @property
    def connections(self) -> list[GatewayConnection]:
        return self.gateway.connections

    async def start(self, port: int = 0) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/gateway", self.gateway.handle)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self.rest.handle)
        app.router.add_route("GET", "/attachments/{id}/{filename}", self._cdn)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._loop_time = asyncio.get_running_loop().time
        return self

    async def _cdn(self, request: web.Request) -> web.StreamResponse:
        """An attachment's bytes, as Discord's CDN serves them (no token needed)."""
        attachment = self.attachments.get(int(request.match_info["id"]))
        if attachment is None or attachment.filename != request.match_info["filename"]:
            return web.Response(status=404, text="Not Found")
        self.downloads.append(attachment.id)
        return web.Response(body=attachment.data, content_type="application/octet-stream")

    async def close(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
