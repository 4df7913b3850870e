"""The dashboard's pages: each reads the session's community from `bot.dashboard` and renders.

Query parameters only choose how a page looks (sorting, filtering, a page number); a member id
in a URL is looked up inside the session's community, so another community's id finds nothing.
"""

from __future__ import annotations

import base64
import logging

from aiohttp import web

from adapters.dashboard.context import context, message_page, number, render, session_of
from bot.dashboard import MemberQuery, members_csv, weekly_csv
from bot.dashboard.chart import describe
from bot.dashboard.views import SORTS, STATUSES
from bot.matching.round import MAX_PAUSE_WEEKS
from bot.storage.models import Member

log = logging.getLogger(__name__)

ACTIONS = {
    "pause": "Pause matching",
    "resume": "Resume matching",
    "remove": "Remove from buddy rounds",
}
DONE = {
    "pause": "{name}'s buddy matching is paused.",
    "resume": "{name} is back in the next buddy round.",
    "remove": "{name} is out of buddy rounds; they can come back with /buddy join.",
}


async def _community(request: web.Request) -> str:
    tenant = await context(request).app.tenants.get(session_of(request).tenant_id)
    return tenant.name if tenant is not None and tenant.name else "your community"


async def overview(request: web.Request) -> web.Response:
    ctx, session = context(request), session_of(request)
    figures = await ctx.data.overview(session.tenant_id, ctx.app.clock.now())
    # An <img>, not inline SVG: the chart's own styles stay inside the image, so the page's
    # Content-Security-Policy can keep refusing inline styles.
    chart = base64.b64encode(figures.chart_svg.encode("utf-8")).decode("ascii")
    return render(
        request,
        "overview.html",
        title="Overview",
        community=await _community(request),
        o=figures,
        chart=f"data:image/svg+xml;base64,{chart}",
        chart_text=describe(figures.weeks),
    )


def member_query(request: web.Request) -> MemberQuery:
    """The members table's view from the query string; anything unexpected reads as default."""
    q = request.query
    page = number(q.get("page", "1"))
    return MemberQuery(
        search=q.get("search", "").strip()[:100],
        status=q.get("status", "all") if q.get("status") in STATUSES else "all",
        sort=q.get("sort", "name") if q.get("sort") in SORTS else "name",
        descending=q.get("desc") == "1",
        page=page if page is not None and 0 < page < 1_000_000 else 1,
    )


async def members(request: web.Request) -> web.Response:
    ctx, session = context(request), session_of(request)
    query = member_query(request)
    page = await ctx.data.members(session.tenant_id, ctx.app.clock.now(), query)
    notice = ""
    done, member_id = request.query.get("done", ""), number(request.query.get("member", ""))
    if done in DONE and member_id is not None:
        member = await ctx.app.members.get(session.tenant_id, member_id)
        if member is not None:
            notice = DONE[done].format(name=member.label)
    return render(
        request,
        "members.html",
        title="Members",
        community=await _community(request),
        page=page,
        query=query,
        statuses=STATUSES,
        notice=notice,
    )


def _csv(text: str, filename: str) -> web.Response:
    return web.Response(
        text=text,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def members_export(request: web.Request) -> web.Response:
    ctx, session = context(request), session_of(request)
    rows = await ctx.data.all_members(session.tenant_id, ctx.app.clock.now())
    return _csv(members_csv(rows), "members.csv")


async def weeks_export(request: web.Request) -> web.Response:
    ctx, session = context(request), session_of(request)
    figures = await ctx.data.overview(session.tenant_id, ctx.app.clock.now())
    return _csv(weekly_csv(figures), "weeks.csv")


async def _target(request: web.Request) -> tuple[str, Member] | web.Response:
    """The action and the member it is about, found inside the session's community only."""
    action = request.match_info["action"]
    member_id = number(request.match_info["member_id"])
    member = None
    if action in ACTIONS and member_id is not None:
        member = await context(request).app.members.get(session_of(request).tenant_id, member_id)
    if member is None or member.left_at is not None:
        return message_page(request, "Not found", "There is no such member here.", 404)
    return action, member


async def confirm_action(request: web.Request) -> web.Response:
    target = await _target(request)
    if isinstance(target, web.Response):
        return target
    action, member = target
    return render(
        request,
        "confirm.html",
        title=ACTIONS[action],
        community=await _community(request),
        action=action,
        label=ACTIONS[action],
        member=member,
        max_weeks=MAX_PAUSE_WEEKS,
    )


async def run_action(request: web.Request) -> web.StreamResponse:
    target = await _target(request)
    if isinstance(target, web.Response):
        return target
    action, member = target
    ctx, session = context(request), session_of(request)
    now = ctx.app.clock.now()
    if action == "pause":
        raw = (await request.post()).get("weeks", "")  # read and checked by require_session
        weeks = number(raw) if isinstance(raw, str) else None
        if weeks is None or not 1 <= weeks <= MAX_PAUSE_WEEKS:
            return message_page(
                request, "Not paused", f"Choose from 1 to {MAX_PAUSE_WEEKS} weeks.", 400
            )
        done = await ctx.data.pause(session.tenant_id, member.id, weeks, now)
    elif action == "resume":
        done = await ctx.data.resume(session.tenant_id, member.id, now)
    else:
        done = await ctx.data.remove_from_rounds(session.tenant_id, member.id, now)
    if not done:
        return message_page(
            request,
            "Nothing to change",
            f"{member.label} is not in buddy rounds, so there is nothing to {action}.",
            409,
        )
    log.info(
        "dashboard: organizer %s: %s member %s (tenant %s)",
        session.member_id,
        action,
        member.id,
        session.tenant_id,
    )
    raise web.HTTPSeeOther(f"/members?done={action}&member={member.id}")


def _number(request: web.Request, name: str) -> int | None:
    """A positive whole number from the query string; None when absent or anything else."""
    raw = request.query.get(name, "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else None


async def rounds(request: web.Request) -> web.Response:
    ctx, session = context(request), session_of(request)
    view = await ctx.data.rounds(
        session.tenant_id,
        ctx.app.clock.now(),
        _number(request, "round"),
        _number(request, "page") or 1,
    )
    return render(
        request, "rounds.html", title="Buddy rounds", community=await _community(request), v=view
    )


async def blockers(request: web.Request) -> web.Response:
    ctx, session = context(request), session_of(request)
    view = await ctx.data.blockers(
        session.tenant_id,
        ctx.app.clock.now(),
        request.query.get("list", ""),
        _number(request, "page") or 1,
    )
    return render(
        request, "blockers.html", title="Blockers", community=await _community(request), v=view
    )


async def settings(request: web.Request) -> web.Response:
    ctx, session = context(request), session_of(request)
    rows = await ctx.data.settings(session.tenant_id)
    return render(
        request, "settings.html", title="Settings", community=await _community(request), rows=rows
    )


def add_routes(web_app: web.Application) -> None:
    web_app.router.add_get("/", overview)
    web_app.router.add_get("/members", members)
    web_app.router.add_get("/members.csv", members_export)
    web_app.router.add_get("/weeks.csv", weeks_export)
    web_app.router.add_get("/members/{member_id}/{action}", confirm_action)
    web_app.router.add_post("/members/{member_id}/{action}", run_action)
    web_app.router.add_get("/rounds", rounds)
    web_app.router.add_get("/blockers", blockers)
    web_app.router.add_get("/settings", settings)
