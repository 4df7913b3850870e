"""`python -m bot dashboard`: the web server on the bot's database, as a process of its own.

It runs no scheduler and no sender (it never calls `App.start`) and takes no single-instance
lock, so on SQLite it may run beside the bot process; what it queues, the bot delivers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiohttp import web

from adapters.dashboard.messenger import NoMessenger
from adapters.dashboard.server import PathOnlyAccessLogger, build
from bot.app import App, AppFactory
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.heap import freeze_startup_objects
from bot.signals import stop_on_signals

log = logging.getLogger(__name__)

DEFAULT_PORT = 8080  # what `python -m bot dashboard` listens on, and the default link address


async def serve(app: App, base_url: str, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Start serving `app`'s dashboard; returns the runner and the port it listens on."""
    runner = web.AppRunner(
        build(app, base_url), handle_signals=False, access_log_class=PathOnlyAccessLogger
    )
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner, int(runner.addresses[0][1])


async def run(
    settings: Settings,
    factory: AppFactory,
    *,
    host: str,
    port: int,
    clock: Clock | None = None,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[int], None] | None = None,
) -> int:
    """Serve until SIGINT/SIGTERM (or `stop` is set)."""
    app = await factory(NoMessenger(), clock or SystemClock())
    if stop is None:
        stop = asyncio.Event()
        stop_on_signals(stop)
    runner: web.AppRunner | None = None
    try:
        runner, bound = await serve(app, settings.dashboard_url(), host, port)
        freeze_startup_objects()  # all the server needs is loaded: a tenth of a page's time
        log.info(
            "dashboard on http://%s:%d; login links point to %s",
            host,
            bound,
            settings.dashboard_url(),
        )
        if settings.studybot_dashboard_url is None and bound != DEFAULT_PORT:
            log.warning(
                "STUDYBOT_DASHBOARD_URL is not set, so /admin dashboard links point to %s: "
                "set it to this dashboard's address in the bot's environment",
                settings.dashboard_url(),
            )
        if on_ready is not None:
            on_ready(bound)
        await stop.wait()
    finally:
        if runner is not None:
            await runner.cleanup()
        await app.close()
    return 0
