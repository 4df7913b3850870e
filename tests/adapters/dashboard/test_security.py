"""The dashboard's security, over real HTTP against the running server (adapters/dashboard/)."""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx
import pytest

from adapters.dashboard.server import COOKIE, LOGIN_COOKIE
from bot.app import Actor, App
from bot.clock import ManualClock
from tests.adapters.dashboard.harness import (
    Served,
    csrf_of,
    logged_in,
    login_token,
    press_login,
    served,
)
from tests.helpers import say


def _session_cookie(response: httpx.Response) -> str:
    return next(c for c in response.headers.get_list("set-cookie") if c.startswith(f"{COOKIE}="))


async def _member_id(app: App, user: str, tenant: str) -> int:
    t = await app.tenants.find("test", tenant)
    assert t is not None
    m = await app.members.find(t.id, user)
    assert m is not None
    return m.id


async def test_every_page_needs_a_session(client: httpx.AsyncClient) -> None:
    for path in (
        "/",
        "/members",
        "/members.csv",
        "/weeks.csv",
        "/rounds",
        "/blockers",
        "/settings",
    ):
        response = await client.get(path)
        assert response.status_code == 401, path
        assert "/admin dashboard" in response.text


async def test_opening_the_link_does_not_use_it_up(app: App, client: httpx.AsyncClient) -> None:
    """Slack and Discord fetch links for previews: only the button's POST redeems the link."""
    token = await login_token(app)
    for _ in range(3):
        assert (await client.get("/login", params={"token": token})).status_code == 200
    assert (await press_login(client, token)).status_code == 303


async def test_the_session_cookie_is_httponly_and_strict(
    app: App, client: httpx.AsyncClient
) -> None:
    response = await press_login(client, await login_token(app))
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age=43200" in cookie
    assert "Secure" not in cookie  # the base URL is http://127.0.0.1


async def _log_in_behind_https(
    client: httpx.AsyncClient, token: str, headers: dict[str, str]
) -> tuple[str, str]:
    """The login page's and the session's Set-Cookie, through a proxy that speaks https."""
    page = await client.get("/login", params={"token": token}, headers=headers)
    # The test talks plain http to the proxy's side, where a client keeps Secure cookies
    # to itself: the login page's cookie goes back by hand, as a browser on https sends it.
    csrf = csrf_of(page.text)
    response = await client.post(
        "/login",
        data={"token": token, "csrf": csrf},
        headers={**headers, "cookie": f"{LOGIN_COOKIE}={csrf}"},
    )
    return page.headers["set-cookie"], _session_cookie(response)


async def test_the_cookie_is_secure_behind_https(app: App) -> None:
    app.settings.studybot_dashboard_url = "https://study.example.org"
    async with served(app) as s, httpx.AsyncClient(base_url=s.url) as c:
        login_cookie, session_cookie = await _log_in_behind_https(c, await login_token(app), {})
    assert login_cookie.startswith(f"{LOGIN_COOKIE}=") and "Secure" in login_cookie
    assert "Secure" in session_cookie


async def test_the_cookie_is_secure_when_the_proxy_says_https(
    app: App, client: httpx.AsyncClient
) -> None:
    """The dashboard process may run without the bot's STUDYBOT_DASHBOARD_URL."""
    cookies = await _log_in_behind_https(
        client, await login_token(app), {"x-forwarded-proto": "https"}
    )
    assert all("Secure" in cookie for cookie in cookies)


@pytest.mark.parametrize("reuse", [False, True])
async def test_a_used_or_expired_link_is_refused(
    app: App, clock: ManualClock, client: httpx.AsyncClient, reuse: bool
) -> None:
    token = await login_token(app)
    if reuse:
        await press_login(client, token)
        client.cookies.clear()
    else:
        clock.set(clock.now() + timedelta(minutes=16))
    response = await press_login(client, token)
    assert response.status_code == 403
    assert ("already used" if reuse else "expired") in response.text
    assert COOKIE not in response.headers.get("set-cookie", "")
    assert (await client.get("/")).status_code == 401


async def test_a_tampered_link_opens_nothing(app: App, client: httpx.AsyncClient) -> None:
    await say(app, "/help", "amy", tenant="T1")
    token = await login_token(app, tenant="T2")  # the organizer of the second community
    tenant, rest = token.split(".", 1)
    assert tenant == "2"
    response = await press_login(client, f"1.{rest}")  # aimed at the first
    assert response.status_code == 403 and "not valid" in response.text
    assert (await client.get("/")).status_code == 401


async def test_no_page_shows_another_communitys_data(app: App, client: httpx.AsyncClient) -> None:
    await say(app, "/checkin did:sql minutes:30", "zed_from_t2", tenant="T2")
    await say(app, "/buddy join", "zed_from_t2", tenant="T2")
    await say(app, "/checkin did:git minutes:20", "amy", tenant="T1")
    await logged_in(client, await login_token(app, tenant="T1"))
    for path in ("/", "/members", "/members.csv", "/rounds", "/blockers", "/settings"):
        page = await client.get(path, params={"tenant": "2", "tenant_id": "2"})
        assert page.status_code == 200, path
        assert "Zed_from_t2" not in page.text and "zed_from_t2" not in page.text, path


async def test_a_member_of_another_community_cannot_be_changed(
    app: App, client: httpx.AsyncClient
) -> None:
    await say(app, "/buddy join", "zed", tenant="T2")
    zed = await _member_id(app, "zed", "T2")
    csrf = await logged_in(client, await login_token(app, tenant="T1"))
    for action in ("pause", "resume", "remove"):
        assert (await client.get(f"/members/{zed}/{action}")).status_code == 404
        posted = await client.post(f"/members/{zed}/{action}", data={"csrf": csrf, "weeks": "2"})
        assert posted.status_code == 404
    status = await say(app, "/buddy status", "zed", tenant="T2")
    assert "paused" not in status.text.lower()


async def test_a_post_without_the_csrf_token_is_refused(
    app: App, client: httpx.AsyncClient
) -> None:
    await say(app, "/buddy join", "amy")
    amy = await _member_id(app, "amy", "T1")
    await logged_in(client, await login_token(app))
    for data in ({"weeks": "2"}, {"weeks": "2", "csrf": "guess"}):
        response = await client.post(f"/members/{amy}/pause", data=data)
        assert response.status_code == 403
    assert "paused" not in (await say(app, "/buddy status", "amy")).text.lower()
    assert (await client.post("/logout", data={})).status_code == 403


async def test_logging_out_ends_the_session(app: App, client: httpx.AsyncClient) -> None:
    csrf = await logged_in(client, await login_token(app))
    cookie = client.cookies[COOKIE]
    assert (await client.post("/logout", data={"csrf": csrf})).status_code == 200
    client.cookies.set(COOKIE, cookie)  # a copy of the cookie kept elsewhere
    assert (await client.get("/")).status_code == 401


async def test_pages_forbid_framing_scripts_and_referrers(
    app: App, client: httpx.AsyncClient
) -> None:
    await logged_in(client, await login_token(app))
    headers = (await client.get("/")).headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]  # default-src 'none' covers it
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"


async def test_no_secret_reaches_a_page(app: App, client: httpx.AsyncClient) -> None:
    """The logs are checked on the real process (test_runner.py), with its logging set up."""
    token = await login_token(app)
    await press_login(client, token)
    cookie = client.cookies[COOKIE]
    pages = [(await client.get(p)).text for p in ("/", "/members", "/settings", "/rounds")]
    secret = await app.db.fetchone("SELECT value FROM instance_settings WHERE key = 'secret_key'")
    assert secret is not None
    for value in (token, cookie, str(secret["value"])):
        assert all(value not in page for page in pages)


async def test_member_names_are_escaped(app: App, client: httpx.AsyncClient) -> None:
    mallory = Actor(tenant_id="T1", user_id="m", display_name="<script>alert(1)</script>")
    await app.handle_line(mallory, "/checkin did:sql minutes:10")
    await logged_in(client, await login_token(app))
    page = (await client.get("/members")).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_a_page_elsewhere_cannot_post_a_login(app: App, client: httpx.AsyncClient) -> None:
    """Login CSRF: a site posts its owner's own link to /login from the organizer's browser,
    which would then show (and act on) the attacker's community as if it were theirs."""
    attackers = await login_token(app, "eve", tenant="T2")
    for form in ({"token": attackers}, {"token": attackers, "csrf": "guess"}):
        response = await client.post("/login", data=form)
        assert response.status_code == 403 and "did not come from" in response.text
        assert COOKIE not in response.headers.get("set-cookie", "")
    assert (await client.get("/")).status_code == 401
    assert (await press_login(client, attackers)).status_code == 303  # the link still works


async def test_a_session_stays_ended_when_its_organizer_rejoins(
    app: App, client: httpx.AsyncClient
) -> None:
    await logged_in(client, await login_token(app))
    await app.member_left("T1", "olga")
    assert (await client.get("/")).status_code == 401
    await say(app, "/help", "olga")  # back in the community: a new link is needed
    assert (await client.get("/")).status_code == 401


async def test_a_session_stays_ended_when_the_bot_is_added_back(
    app: App, client: httpx.AsyncClient
) -> None:
    await logged_in(client, await login_token(app))
    await app.tenant_removed("T1")
    assert (await client.get("/")).status_code == 401
    await app.tenant_added("T1", "Study group")
    assert (await client.get("/")).status_code == 401


async def test_every_answer_carries_the_security_headers(
    app: App, client: httpx.AsyncClient
) -> None:
    """Redirects and aiohttp's own 404 and 405 are raised, not returned, by the handlers."""
    await say(app, "/buddy join", "amy")
    amy = await _member_id(app, "amy", "T1")
    csrf = await logged_in(client, await login_token(app))
    answers = [
        await client.get("/no-such-page"),
        await client.get("/static/no-such-file.css"),
        await client.put("/members", data={"csrf": csrf}),
        await client.post(f"/members/{amy}/pause", data={"csrf": csrf, "weeks": "2"}),
    ]
    assert [a.status_code for a in answers] == [404, 404, 405, 303]
    for answer in answers:
        assert "frame-ancestors 'none'" in answer.headers.get("content-security-policy", "")
        assert answer.headers.get("cache-control") == "no-store"


async def test_a_path_cannot_forge_an_access_log_line(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    await client.get("/x%0A127.0.0.1%20%22POST%20/logout%22%20200")
    await client.get("/login")  # answered after the line above was logged (one connection)
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert len(lines) == 2
    assert all("\n" not in line for line in lines)
    assert "/x%0A127.0.0.1" in lines[0]


async def test_logging_in_again_ends_the_session_it_replaces(
    app: App, client: httpx.AsyncClient
) -> None:
    await logged_in(client, await login_token(app))
    replaced = client.cookies[COOKIE]
    await logged_in(client, await login_token(app, "eve", tenant="T2"))
    async with httpx.AsyncClient(base_url=str(client.base_url)) as elsewhere:
        elsewhere.cookies.set(COOKIE, replaced)  # a copy of the first cookie
        assert (await elsewhere.get("/")).status_code == 401
    assert (await client.get("/")).status_code == 200


async def test_the_login_page_names_whose_dashboard_it_opens(
    app: App, client: httpx.AsyncClient
) -> None:
    page = await client.get("/login", params={"token": await login_token(app, "olga")})
    assert "as <strong>Olga</strong>" in page.text


async def test_the_login_page_refuses_a_used_link_at_once(
    app: App, client: httpx.AsyncClient
) -> None:
    token = await login_token(app)
    await logged_in(client, token)
    page = await client.get("/login", params={"token": token})
    assert page.status_code == 403 and "already used" in page.text
    assert 'id="open-dashboard"' not in page.text


async def test_a_link_used_elsewhere_after_its_page_opened_is_refused_on_the_press(
    app: App, site: Served, client: httpx.AsyncClient
) -> None:
    token = await login_token(app)
    page = await client.get("/login", params={"token": token})
    async with httpx.AsyncClient(base_url=site.url) as elsewhere:
        await logged_in(elsewhere, token)
    pressed = await client.post("/login", data={"token": token, "csrf": csrf_of(page.text)})
    assert pressed.status_code == 403 and "already used" in pressed.text
    assert (await client.get("/")).status_code == 401


async def test_a_round_of_another_community_shows_nothing_of_it(
    app: App, client: httpx.AsyncClient
) -> None:
    for name in ("amy", "bo"):
        await say(app, "/buddy join", name, tenant="T1")
    for name in ("zed", "yan"):
        await say(app, "/buddy join", name, tenant="T2")
    await say(app, "/admin match now", "olga", tenant="T1", admin=True)
    await say(app, "/admin match now", "yuri", tenant="T2", admin=True)
    await say(app, "/admin match now extra:yes", "yuri", tenant="T2", admin=True)
    await logged_in(client, await login_token(app, tenant="T1"))
    page = await client.get("/rounds", params={"round": "2"})  # only T2 has a round 2
    assert page.status_code == 200
    assert "There is no such round here." in page.text
    assert "Zed" not in page.text and "Yan" not in page.text
