"""What every dashboard page shares: the app, the templates, the session, rendering."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
from aiohttp import web
from multidict import MultiDictProxy

from bot.app import App
from bot.dashboard import Dashboard
from bot.dashboard.access import DashboardAccess, Session


@dataclass(frozen=True)
class WebContext:
    app: App
    access: DashboardAccess
    data: Dashboard
    templates: jinja2.Environment
    secure_cookie: bool


CONTEXT = web.AppKey("context", WebContext)
SESSION_KEY = web.RequestKey("session", Session)


def context(request: web.Request) -> WebContext:
    return request.app[CONTEXT]


def session_of(request: web.Request) -> Session:
    session = request.get(SESSION_KEY)
    assert isinstance(session, Session), "pages are only reached through the session middleware"
    return session


_MAX_DIGITS = 18  # within SQLite's 64-bit integers, far below Python's 4300-digit limit


def number(raw: str) -> int | None:
    """A non-negative whole number typed in a URL or a form, or None for anything else
    ("²" is a digit to str.isdigit, not to int; 30 digits overflow SQLite)."""
    if raw.isascii() and raw.isdigit() and len(raw) <= _MAX_DIGITS:
        return int(raw)
    return None


async def form_of(
    request: web.Request,
) -> MultiDictProxy[str | bytes | bytearray | web.FileField] | None:
    """The posted form, or None when the body cannot be read as one: bytes that are not
    UTF-8, an unknown charset, a multipart body without its boundary."""
    try:
        return await request.post()
    except (ValueError, LookupError):
        return None


def templates() -> jinja2.Environment:
    """The pages' templates, every one compiled now: compiling on a page's first request
    added 20 to 40 ms to it."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("adapters.dashboard", "templates"),
        autoescape=True,  # every value a member typed (names, blockers) is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    for name in environment.list_templates(extensions=["html"]):
        environment.get_template(name)  # kept in the environment's cache
    return environment


def render(
    request: web.Request, template: str, *, status: int = 200, **values: object
) -> web.Response:
    ctx = context(request)
    session = request.get(SESSION_KEY)
    html = ctx.templates.get_template(template).render(
        csrf=session.csrf_token if isinstance(session, Session) else "",
        logged_in=isinstance(session, Session),
        path=request.path,
        **values,
    )
    return web.Response(text=html, content_type="text/html", status=status)


def message_page(request: web.Request, title: str, text: str, status: int) -> web.Response:
    return render(request, "message.html", status=status, title=title, text=text)
