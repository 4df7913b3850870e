"""The dashboard served for real on 127.0.0.1 and an organizer's way in, for the tests."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx

from adapters.dashboard.runner import serve
from bot.app import App
from tests.helpers import say


@dataclass(frozen=True)
class Served:
    url: str  # where the dashboard listens, e.g. http://127.0.0.1:41234


@asynccontextmanager
async def served(app: App) -> AsyncIterator[Served]:
    runner, port = await serve(app, app.settings.dashboard_url(), "127.0.0.1", 0)
    try:
        yield Served(f"http://127.0.0.1:{port}")
    finally:
        await runner.cleanup()


async def login_token(app: App, user: str = "olga", tenant: str = "T1") -> str:
    """What `/admin dashboard` hands this organizer: the token of their one-time link."""
    reply = await say(app, "/admin dashboard", user, tenant=tenant, admin=True)
    link = next(word for word in reply.text.split() if "/login?token=" in word)
    return parse_qs(urlsplit(link).query)["token"][0]


async def press_login(client: httpx.AsyncClient, token: str) -> httpx.Response:
    """Open the link and press its button, as a person would; returns the button's answer
    (or the page's, when it already refuses the link and has no button)."""
    page = await client.get("/login", params={"token": token})
    if page.status_code != 200:
        return page
    return await client.post("/login", data={"token": token, "csrf": csrf_of(page.text)})


async def logged_in(client: httpx.AsyncClient, token: str) -> str:
    """Log in through the link; returns the session's CSRF token."""
    response = await press_login(client, token)
    assert response.status_code == 303, response.text
    home = await client.get("/")
    assert home.status_code == 200, home.text
    return csrf_of(home.text)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "the page carries no CSRF token"
    return found.group(1)
