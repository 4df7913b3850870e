"""The dashboard's web server: aiohttp.web, sessions, CSRF, security headers, the login flow.

Every page but the login page needs a session; the session, never the request, says which
community is shown, so no URL or form field can reach another community's data. Every POST
carries the session's CSRF token. The login link is redeemed by a POST from a page with one
button, not by the GET itself: link previews (Slack and Discord fetch links in messages) must
not use up a one-time link.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from importlib.resources import files
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from adapters.dashboard import pages
from adapters.dashboard.context import (
    CONTEXT,
    SESSION_KEY,
    WebContext,
    context,
    message_page,
    render,
    templates,
)
from bot.app import App
from bot.dashboard import Dashboard
from bot.dashboard.access import SESSION_LIFETIME, DashboardAccess, Refusal
from bot.storage.dashboard_sessions import DashboardSessionRepo

log = logging.getLogger(__name__)

COOKIE = "studybot_session"
CSRF_FIELD = "csrf"
# What any page may load: its own stylesheet, inline SVG charts; no script at all.
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a login link's token never leaves in a Referer
    "Cache-Control": "no-store",
}
_PUBLIC = ("/login", "/static/")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@web.middleware
async def require_session(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(_PUBLIC):
        return await handler(request)
    ctx = context(request)
    session = await ctx.access.session(request.cookies.get(COOKIE, ""), ctx.app.clock.now())
    if session is None:
        return message_page(
            request,
            "Please log in",
            "Open the dashboard with a link from /admin dashboard, run in your community.",
            401,
        )
    if request.method not in ("GET", "HEAD"):
        form = await request.post()
        sent = form.get(CSRF_FIELD)
        if not isinstance(sent, str) or not hmac.compare_digest(
            sent.encode(), session.csrf_token.encode()
        ):
            return message_page(
                request,
                "Refused",
                "This form is out of date or did not come from the dashboard. "
                "Go back, reload the page and try again.",
                403,
            )
    request[SESSION_KEY] = session
    return await handler(request)


async def login_page(request: web.Request) -> web.Response:
    """The link's landing page: one button, so a link preview cannot use up the link."""
    token = request.query.get("token", "")
    if not token:
        return message_page(request, "Log in", Refusal.INVALID.value, 400)
    return render(request, "login.html", title="Log in", token=token)


async def log_in(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    form = await request.post()
    token = form.get("token")
    result = await ctx.access.log_in(token if isinstance(token, str) else "", ctx.app.clock.now())
    if isinstance(result, Refusal):
        return message_page(request, "This link does not work", result.value, 403)
    response = web.HTTPSeeOther("/")
    response.set_cookie(
        COOKIE,
        result.cookie,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="Strict",
        secure=ctx.secure_cookie,
        path="/",
    )
    log.info("dashboard: organizer %s of tenant %s logged in", result.member_id, result.tenant_id)
    return response


async def log_out(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    await ctx.access.log_out(request.cookies.get(COOKIE, ""), ctx.app.clock.now())
    response = message_page(
        request, "Logged out", "You are logged out. Run /admin dashboard for a new link.", 200
    )
    response.del_cookie(COOKIE, path="/")
    return response


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Access lines without the query string: a login link's token must never reach a log."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            '%s "%s %s" %s %.1f ms',
            request.remote,
            request.method,
            request.path,
            response.status,
            time * 1000,
        )


def build(app: App, base_url: str) -> web.Application:
    """The dashboard's web app over `app`'s database; `base_url` is where people reach it."""
    web_app = web.Application(middlewares=[security_headers, require_session])
    web_app[CONTEXT] = WebContext(
        app=app,
        access=DashboardAccess(app.signer, DashboardSessionRepo(app.db)),
        data=Dashboard(app),
        templates=templates(),
        secure_cookie=urlsplit(base_url).scheme == "https",
    )
    web_app.router.add_get("/login", login_page)
    web_app.router.add_post("/login", log_in)
    web_app.router.add_post("/logout", log_out)
    web_app.router.add_static("/static/", str(files("adapters.dashboard") / "static"))
    pages.add_routes(web_app)
    return web_app
