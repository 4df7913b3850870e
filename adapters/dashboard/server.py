"""The dashboard's web server: aiohttp.web, sessions, CSRF, security headers, the login flow.

Every page but the login page needs a session; the session, never the request, says which
community is shown, so no URL or form field can reach another community's data. Every POST
carries the session's CSRF token. The login link is redeemed by a POST from a page with one
button, not by the GET itself: link previews (Slack and Discord fetch links in messages) must
not use up a one-time link. That button's form carries a token the page also sets as a
cookie, so no page elsewhere can log a browser into another community (login CSRF).
"""

from __future__ import annotations

import hmac
import logging
import secrets
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
    form_of,
    message_page,
    render,
    templates,
)
from bot.app import App
from bot.dashboard import Dashboard, chart
from bot.dashboard.access import LINK_LIFETIME, SESSION_LIFETIME, DashboardAccess, Refusal
from bot.storage.dashboard_sessions import DashboardSessionRepo

log = logging.getLogger(__name__)

COOKIE = "studybot_session"
# The login page's own CSRF token, in a cookie and in its form: a page elsewhere cannot post
# someone else's link to /login and log this browser into another community.
LOGIN_COOKIE = "studybot_login"
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
    """The headers on every answer: pages, redirects, aiohttp's own 404 and 405, and errors."""
    try:
        response = await handler(request)
    except web.HTTPException as raised:  # redirects and the router's answers are raised
        _add_headers(raised)
        raise
    except Exception:
        log.exception("dashboard: %s %s failed", request.method, request.rel_url.raw_path)
        response = message_page(
            request,
            "Something went wrong",
            "Sorry, something went wrong on our side and nothing was changed. "
            "Please try again in a moment.",
            500,
        )
    _add_headers(response)
    return response


def _add_headers(response: web.StreamResponse) -> None:
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)


def _same_token(sent: object, expected: str) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(sent.encode(), expected.encode())


def _over_https(request: web.Request) -> bool:
    """Whether cookies must be Secure: the base URL is https, or the proxy in front says the
    browser came over https (the dashboard process may lack the bot's STUDYBOT_DASHBOARD_URL).
    A forged header only makes the sender's own cookie stricter."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return context(request).secure_cookie or request.secure or forwarded == "https"


def _unreadable_form(request: web.Request) -> web.Response:
    return message_page(
        request,
        "Refused",
        "This form could not be read. Go back, reload the page and try again.",
        400,
    )


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
        form = await form_of(request)
        if form is None:
            return _unreadable_form(request)
        if not _same_token(form.get(CSRF_FIELD), session.csrf_token):
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
    ctx = context(request)
    addressee = await ctx.access.addressee(token, ctx.app.clock.now())
    if isinstance(addressee, Refusal):
        return message_page(request, "This link does not work", addressee.value, 403)
    tenant = await ctx.app.tenants.get(addressee[0])
    member = await ctx.app.members.get(*addressee)
    if tenant is None or member is None or member.left_at is not None:
        return message_page(request, "This link does not work", Refusal.NOT_A_MEMBER.value, 403)
    csrf = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        title="Log in",
        token=token,
        login_csrf=csrf,
        community=tenant.name or "your community",
        organizer=member.label,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        csrf,
        max_age=int(LINK_LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",  # set and sent when the link is opened from a chat on another site
        secure=_over_https(request),
        path="/login",
    )
    return response


async def log_in(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    form = await form_of(request)
    if form is None:
        return _unreadable_form(request)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not _same_token(form.get(CSRF_FIELD), expected):
        return message_page(
            request,
            "This link does not work",
            "This login did not come from the link's own page. Open the link again.",
            403,
        )
    token = form.get("token")
    now = ctx.app.clock.now()
    result = await ctx.access.log_in(token if isinstance(token, str) else "", now)
    if isinstance(result, Refusal):
        return message_page(request, "This link does not work", result.value, 403)
    replaced = request.cookies.get(COOKIE)
    if replaced:  # one session a browser: a copy of the cookie it replaces opens nothing
        await ctx.access.log_out(replaced, now)
    # A 303 answered, not raised: it carries the new session's cookie.
    response = web.Response(status=303, headers={"Location": "/"})
    response.del_cookie(LOGIN_COOKIE, path="/login")
    response.set_cookie(
        COOKIE,
        result.cookie,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="Strict",
        secure=_over_https(request),
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
    """Access lines without the query string: a login link's token must never reach a log.

    The path as sent (percent-encoded), not decoded: a %0A in it must not start a forged line.
    """

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            '%s "%s %s" %s %.1f ms',
            request.remote,
            request.method,
            request.rel_url.raw_path,
            response.status,
            time * 1000,
        )


def build(app: App, base_url: str) -> web.Application:
    """The dashboard's web app over `app`'s database; `base_url` is where people reach it."""
    web_app = web.Application(middlewares=[security_headers, require_session])
    chart.warm_up()
    web_app[CONTEXT] = WebContext(
        app=app,
        access=DashboardAccess(app.signer, DashboardSessionRepo(app.db)),
        data=Dashboard(app),
        templates=templates(),
        secure_cookie=urlsplit(base_url).scheme == "https",
    )
    # aiohttp keeps a built app's handlers in a cache of its own after the server stops: what
    # the app kept for its pages goes now (tests and the benchmark start many servers).
    web_app.on_cleanup.append(_forget_reads)
    web_app.router.add_get("/login", login_page)
    web_app.router.add_post("/login", log_in)
    web_app.router.add_post("/logout", log_out)
    web_app.router.add_static("/static/", str(files("adapters.dashboard") / "static"))
    pages.add_routes(web_app)
    return web_app


async def _forget_reads(web_app: web.Application) -> None:
    web_app[CONTEXT].data.forget()
