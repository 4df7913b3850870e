"""Malformed input gets a clear refusal, never a 500, over real HTTP (adapters/dashboard/)."""

from __future__ import annotations

import httpx
import pytest

from adapters.dashboard.server import COOKIE
from bot.app import App
from bot.dashboard import Dashboard
from tests.adapters.dashboard.harness import logged_in, login_token
from tests.helpers import say

SUPERSCRIPT_TWO = "%C2%B2"  # "²": a digit to str.isdigit, not to int
TOO_BIG_FOR_SQLITE = "9" * 23
TOO_LONG_FOR_INT = "9" * 5000  # over Python's 4300-digit limit, under aiohttp's line limit


async def _amy_in_rounds(app: App) -> int:
    await say(app, "/buddy join", "amy")
    tenant = await app.tenants.find("test", "T1")
    assert tenant is not None
    amy = await app.members.find(tenant.id, "amy")
    assert amy is not None
    return amy.id


@pytest.mark.parametrize(
    "query",
    [
        f"page={SUPERSCRIPT_TWO}",
        f"page={TOO_LONG_FOR_INT}",
        f"done=pause&member={SUPERSCRIPT_TWO}",
        f"done=pause&member={TOO_BIG_FOR_SQLITE}",
    ],
)
async def test_odd_query_strings_show_the_members_page(
    app: App, client: httpx.AsyncClient, query: str
) -> None:
    await logged_in(client, await login_token(app))
    response = await client.get(f"/members?{query}")
    assert response.status_code == 200
    assert "Members" in response.text


@pytest.mark.parametrize("member", [SUPERSCRIPT_TWO, TOO_BIG_FOR_SQLITE, TOO_LONG_FOR_INT])
async def test_an_odd_member_id_is_not_found(
    app: App, client: httpx.AsyncClient, member: str
) -> None:
    csrf = await logged_in(client, await login_token(app))
    assert (await client.get(f"/members/{member}/pause")).status_code == 404
    posted = await client.post(f"/members/{member}/pause", data={"csrf": csrf, "weeks": "2"})
    assert posted.status_code == 404


async def test_an_odd_number_of_weeks_pauses_nobody(app: App, client: httpx.AsyncClient) -> None:
    amy = await _amy_in_rounds(app)
    csrf = await logged_in(client, await login_token(app))
    response = await client.post(
        f"/members/{amy}/pause",
        content=f"csrf={csrf}&weeks={SUPERSCRIPT_TWO}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400 and "Choose from 1 to" in response.text
    assert "paused" not in (await say(app, "/buddy status", "amy")).text.lower()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"\xff\xfe=1"),
        ("application/x-www-form-urlencoded; charset=no-such-charset", b"weeks=2"),
        ("multipart/form-data", b"weeks=2"),
        ("multipart/form-data; boundary=x", b"weeks=2"),
    ],
)
async def test_an_unreadable_form_is_refused(
    app: App, client: httpx.AsyncClient, content_type: str, body: bytes
) -> None:
    amy = await _amy_in_rounds(app)
    csrf = await logged_in(client, await login_token(app))
    for path, sent in (
        (f"/members/{amy}/pause", body + f"&csrf={csrf}".encode()),
        ("/login", body),
    ):
        response = await client.post(path, content=sent, headers={"content-type": content_type})
        assert response.status_code == 400, path
        assert "could not be read" in response.text
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "paused" not in (await say(app, "/buddy status", "amy")).text.lower()


async def test_a_cookie_that_is_not_utf8_opens_nothing(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={b"cookie": f"{COOKIE}=".encode() + b"\xff\xfe"})
    assert response.status_code == 401
    assert "/admin dashboard" in response.text


async def test_an_unexpected_error_gets_a_page_of_its_own(
    app: App, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(self: Dashboard, tenant_id: int) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Dashboard, "settings", broken)
    await logged_in(client, await login_token(app))
    response = await client.get("/settings")
    assert response.status_code == 500
    assert "Something went wrong" in response.text and "database" not in response.text
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
