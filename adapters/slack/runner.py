"""`python -m bot slack [--http --port N]`: check the configuration, connect, serve until stopped.

Socket Mode (the default) needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN and no public URL. HTTP mode
needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET and serves `POST /slack/events`. With
SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, HTTP mode serves every workspace that installs the app
at `GET /slack/install` (adapters/slack/workspaces.py) instead of SLACK_BOT_TOKEN's one. A missing
or rejected token ends the process with one line saying what to fix.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from pydantic import SecretStr
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.listeners import SlackAdapter, bolt_logger
from adapters.slack.messenger import Installation, SlackMessenger
from adapters.slack.oauth import STATE_LIFETIME, DatabaseInstallationStore, DatabaseStateStore
from adapters.slack.render import Renderer
from adapters.slack.scopes import BOT_SCOPES
from adapters.slack.workspaces import InstalledMessenger, SlackWorkspaces, WorkspaceOptions
from bot.app import App, AppFactory
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.signals import stop_on_signals
from bot.storage.dm_channels import DmChannelRepo
from bot.storage.slack_installations import SlackInstallationRepo

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
SETUP_DOC = "see docs/slack-setup.md"


class SlackConfigError(Exception):
    """One line telling the organizer what to fix."""


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str
    http: bool
    app_token: str | None = None
    signing_secret: str | None = None
    api_url: str | None = None
    admin_usergroup: str | None = None
    client_id: str | None = None  # both set: OAuth installs, any number of workspaces
    client_secret: str | None = None

    @property
    def oauth(self) -> bool:
        return self.client_id is not None

    @classmethod
    def from_settings(cls, settings: Settings, *, http: bool) -> SlackConfig:
        bot = _secret(settings.slack_bot_token)
        app = _secret(settings.slack_app_token)
        signing = _secret(settings.slack_signing_secret)
        client_id = (settings.slack_client_id or "").strip()
        client_secret = _secret(settings.slack_client_secret)
        if client_id or client_secret:
            return cls._oauth(settings, client_id, client_secret, signing, http=http)
        if not bot:
            raise SlackConfigError(
                "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-...) from your "
                f"Slack app's OAuth & Permissions page ({SETUP_DOC})"
            )
        if not bot.startswith("xoxb-"):
            raise SlackConfigError(
                f"SLACK_BOT_TOKEN must be a bot token starting with xoxb- ({SETUP_DOC})"
            )
        if http:
            if not signing:
                raise SlackConfigError(
                    "HTTP mode needs SLACK_SIGNING_SECRET (Basic Information > App Credentials) "
                    f"to verify requests ({SETUP_DOC})"
                )
        elif not app:
            raise SlackConfigError(
                "Socket Mode needs SLACK_APP_TOKEN (xapp-..., Basic Information > App-Level "
                "Tokens, scope connections:write); or run with --http --port N and "
                f"SLACK_SIGNING_SECRET ({SETUP_DOC})"
            )
        elif not app.startswith("xapp-"):
            raise SlackConfigError(
                f"SLACK_APP_TOKEN must be an app-level token starting with xapp- ({SETUP_DOC})"
            )
        return cls(
            bot_token=bot,
            http=http,
            app_token=app or None,
            signing_secret=signing or None,
            api_url=_api_url(settings),
            admin_usergroup=settings.slack_admin_usergroup,
        )

    @classmethod
    def _oauth(
        cls, settings: Settings, client_id: str, client_secret: str, signing: str, *, http: bool
    ) -> SlackConfig:
        if not (client_id and client_secret):
            raise SlackConfigError(
                "OAuth installs need both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (Basic "
                f"Information > App Credentials); unset both to serve SLACK_BOT_TOKEN ({SETUP_DOC})"
            )
        if not http:
            raise SlackConfigError(
                "OAuth installs need HTTP mode: run with --http --port N behind your public "
                f"URL, or unset SLACK_CLIENT_ID and SLACK_CLIENT_SECRET ({SETUP_DOC})"
            )
        if not signing:
            raise SlackConfigError(
                "HTTP mode needs SLACK_SIGNING_SECRET (Basic Information > App Credentials) "
                f"to verify requests ({SETUP_DOC})"
            )
        return cls(
            bot_token="",
            http=True,
            signing_secret=signing,
            api_url=_api_url(settings),
            admin_usergroup=settings.slack_admin_usergroup,
            client_id=client_id,
            client_secret=client_secret,
        )


def _api_url(settings: Settings) -> str | None:
    api_url = (settings.slack_api_url or "").strip() or None
    if api_url is not None and not api_url.endswith("/"):
        api_url += "/"  # slack_sdk joins base_url + method without a separator
    return api_url


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value().strip() if value is not None else ""


def make_client(config: SlackConfig) -> AsyncWebClient:
    if config.api_url is not None:
        return AsyncWebClient(token=config.bot_token, base_url=config.api_url)
    return AsyncWebClient(token=config.bot_token)


async def identify(client: AsyncWebClient) -> Installation:
    """`auth.test`: proves the bot token works and names the one workspace it serves."""
    return installation_of(await auth_test(client))


async def auth_test(client: AsyncWebClient) -> AsyncSlackResponse:
    """`auth.test`, its failures worded as what to fix."""
    try:
        return await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown error") if exc.response is not None else ""
        raise SlackConfigError(
            f"Slack rejected SLACK_BOT_TOKEN ({error}): reinstall the app and copy the current "
            f"Bot User OAuth Token ({SETUP_DOC})"
        ) from None
    except (SlackClientError, aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise SlackConfigError(
            f"cannot reach the Slack Web API at {client.base_url}: {type(exc).__name__} {exc}"
        ) from None


def installation_of(response: AsyncSlackResponse) -> Installation:
    return Installation(
        team_id=str(response["team_id"]),
        team_name=str(response.get("team") or ""),
        bot_user_id=str(response.get("user_id") or ""),
        bot_id=str(response.get("bot_id") or ""),
    )


async def check_app_token(client: AsyncWebClient, app_token: str) -> None:
    """Socket Mode would retry a bad app token forever; fail once, clearly, instead."""
    try:
        await client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown error") if exc.response is not None else ""
        raise SlackConfigError(
            f"Slack rejected SLACK_APP_TOKEN ({error}): create an app-level token with the "
            f"connections:write scope and enable Socket Mode ({SETUP_DOC})"
        ) from None


Dispatch = Callable[[AsyncBoltRequest], Awaitable[BoltResponse]]


def events_web_app(dispatch: Dispatch, oauth_flow: AsyncOAuthFlow | None = None) -> web.Application:
    """`POST /slack/events` (commands, interactivity, events) and `GET /healthz`; with OAuth,
    `GET /slack/install` (to Slack's consent page, with a state) and `/slack/oauth_redirect`."""

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await dispatch(await to_bolt_request(request)))

    async def health(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    web_app = web.Application()
    web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get("/healthz", health)
    if oauth_flow is not None:
        flow = oauth_flow

        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await flow.handle_installation(await to_bolt_request(request))
            )

        async def redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await flow.handle_callback(await to_bolt_request(request))
            )

        web_app.router.add_get(INSTALL_PATH, install)
        web_app.router.add_get(REDIRECT_PATH, redirect)
    return web_app


async def serve_http(
    dispatch: Dispatch, host: str, port: int, oauth_flow: AsyncOAuthFlow | None = None
) -> tuple[web.AppRunner, int]:
    """Start the HTTP endpoint; returns the runner (to clean up) and the bound port."""
    web_app = events_web_app(dispatch, oauth_flow)
    runner = web.AppRunner(web_app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    address = runner.addresses[0]
    return runner, int(address[1])


async def build(
    config: SlackConfig, factory: AppFactory, clock: Clock
) -> tuple[SlackAdapter, Installation]:
    """Client -> auth.test -> messenger -> core app (with the cogs) -> bolt app."""
    client = make_client(config)
    installation = await identify(client)
    if not config.http:
        assert config.app_token is not None
        await check_app_token(client, config.app_token)
    renderer = Renderer()
    messenger = SlackMessenger(client, installation, renderer)
    app = await factory(messenger, clock)
    messenger.store_dm_channels(DmChannelRepo(app.db))
    # Socket Mode requests are not HTTP-signed (bolt skips the check for them); a random secret
    # keeps verification on for anything that might arrive over HTTP anyway.
    secret = config.signing_secret or secrets.token_urlsafe(32)
    adapter = SlackAdapter(
        app,
        client,
        messenger,
        renderer,
        signing_secret=secret,
        admin_usergroup=config.admin_usergroup,
    )
    return adapter, installation


@dataclass(frozen=True)
class Serving:
    """What `run` serves: the core app, how a request reaches bolt, the OAuth routes if any."""

    app: App
    dispatch: Dispatch
    settle: Callable[[], Awaitable[None]]
    serves: str  # for the log line: which workspace(s)
    oauth_flow: AsyncOAuthFlow | None = None
    socket_bolt: AsyncApp | None = None


async def build_token_mode(config: SlackConfig, factory: AppFactory, clock: Clock) -> Serving:
    adapter, installation = await build(config, factory, clock)
    return Serving(
        app=adapter.app,
        dispatch=adapter.bolt.async_dispatch,
        settle=adapter.settle,
        serves=installation.team_name,
        socket_bolt=adapter.bolt,
    )


async def build_oauth_mode(config: SlackConfig, factory: AppFactory, clock: Clock) -> Serving:
    """Every workspace that installs the app: the one bolt app here runs the install routes
    and answers requests of workspaces not installed; the others go to their own adapter."""
    assert config.client_id is not None and config.client_secret is not None
    assert config.signing_secret is not None
    renderer = Renderer()
    workspaces = SlackWorkspaces(renderer)
    app = await factory(InstalledMessenger(workspaces), clock)
    repo = SlackInstallationRepo(app.db)
    oauth_settings = AsyncOAuthSettings(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scopes=sorted(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,  # straight to Slack's consent page
        installation_store=DatabaseInstallationStore(repo, workspaces.installed),
        installation_store_bot_only=True,
        state_store=DatabaseStateStore(repo, clock),
        state_expiration_seconds=int(STATE_LIFETIME.total_seconds()),
    )
    workspaces.attach(
        app,
        repo,
        WorkspaceOptions(
            signing_secret=config.signing_secret,
            api_url=config.api_url,
            admin_usergroup=config.admin_usergroup,
            oauth_settings=oauth_settings,
        ),
    )
    front = AsyncApp(
        client=make_client(config),
        signing_secret=config.signing_secret,
        oauth_settings=oauth_settings,
        logger=bolt_logger(),
    )

    async def dispatch(request: AsyncBoltRequest) -> BoltResponse:
        adapter = await workspaces.adapter(request.context.team_id)
        return await (adapter.bolt if adapter is not None else front).async_dispatch(request)

    return Serving(
        app=app,
        dispatch=dispatch,
        settle=workspaces.settle,
        serves="every workspace that installs the app at " + INSTALL_PATH,
        oauth_flow=front.oauth_flow,
    )


async def run(
    settings: Settings,
    factory: AppFactory,
    *,
    http: bool = False,
    port: int = 3000,
    host: str = "0.0.0.0",
    clock: Clock | None = None,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[int], None] | None = None,
) -> int:
    """Run until SIGINT/SIGTERM (or `stop` is set). Returns the process exit code."""
    try:
        config = SlackConfig.from_settings(settings, http=http)
        build_mode = build_oauth_mode if config.oauth else build_token_mode
        serving = await build_mode(config, factory, clock or SystemClock())
    except SlackConfigError as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 2
    if stop is None:  # we own the process: stop on Ctrl-C / SIGTERM
        stop = asyncio.Event()
        stop_on_signals(stop)
    runner: web.AppRunner | None = None
    handler: AsyncSocketModeHandler | None = None
    try:
        await serving.app.start()
        if http:
            runner, bound = await serve_http(serving.dispatch, host, port, serving.oauth_flow)
            log.info("Slack HTTP mode for %s on %s:%d%s", serving.serves, host, bound, EVENTS_PATH)
            if on_ready is not None:
                on_ready(bound)
        else:
            assert serving.socket_bolt is not None
            handler = AsyncSocketModeHandler(serving.socket_bolt, app_token=config.app_token)
            await handler.connect_async()  # type: ignore[no-untyped-call]
            log.info("Slack Socket Mode connected for %s", serving.serves)
            if on_ready is not None:
                on_ready(0)
        await stop.wait()
    finally:
        if handler is not None:
            await handler.close_async()  # type: ignore[no-untyped-call]
        if runner is not None:
            await runner.cleanup()
        await serving.settle()
        await serving.app.close()
    return 0
