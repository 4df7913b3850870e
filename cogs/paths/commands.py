"""/path: list the paths, pick one, see where you are, what is next, mark a milestone done."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from bot.app import App
from bot.commands import CommandError, Invocation, Opt, Reply, command
from bot.community import TIMEZONE
from bot.localtime import local_date, member_zone
from bot.paths.catalog import PathLookupError, find_milestone
from bot.paths.fileformat import URL_LENGTH, typed_link
from bot.paths.model import Milestone, Path
from bot.paths.progress import PathProgress
from bot.text import long_date, plural
from cogs.paths.texts import how_reached, milestone_line, position, task_lines

NOT_ON_A_PATH = "You are not on a path. See them with /path list, then /path pick NAME."


class PathCommands:
    def __init__(self, app: App) -> None:
        self._app = app
        self._paths = app.paths

    async def _progress(self, inv: Invocation) -> PathProgress:
        """The member's progress, with what their check-ins reached recorded (an edited
        check-in publishes nothing); CommandError when they are on no path."""
        found, _ = await self._paths.record_due(inv.tenant.id, inv.member.id, inv.now)
        if found is None:
            raise CommandError(NOT_ON_A_PATH)  # the command was right: no usage line
        return found

    @command(
        "path list",
        "List the learning paths toward a role: built-in ones and your community's own.",
        examples=("/path list",),
    )
    async def list_paths(self, inv: Invocation) -> Reply:
        paths = await self._paths.catalog.paths(inv.tenant.id)
        mine = await self._paths.repo.active(inv.tenant.id, inv.member.id)
        lines = ["**Learning paths** (pick one with /path pick NAME; /path show to see yours)"]
        for p in paths:
            notes = [plural(len(p.milestones), "milestone")]
            if not self._paths.catalog.is_builtin(p.id):
                notes.append("added by your organizers")
            if mine is not None and mine.path_id == p.id:
                notes.append("your path")
            lines.append(f"- **{p.name}** ({p.id}; {', '.join(notes)}): {p.summary}")
        return Reply(text="\n".join(lines))

    @command(
        "path pick",
        "Pick the path you follow (one at a time; the progress on another is kept).",
        examples=("/path pick ml engineer", "/path pick ML-engineer-intern"),
    )
    async def pick(
        self,
        inv: Invocation,
        *,
        path: Annotated[
            str | None,
            Opt("the path: its name, id or the start of either", primary=True, max_length=80),
        ] = None,
    ) -> Reply:
        if path is None or not path.strip():  # "/path pick" alone: which ones there are
            return await self.list_paths(inv)
        chosen = await self._find(inv, path)
        before = await self._paths.repo.active(inv.tenant.id, inv.member.id)
        if before is not None and before.path_id == chosen.id:
            return Reply(text=f"You are already on **{chosen.name}**. See it with /path show.")
        returning = any(
            p.path_id == chosen.id
            for p in await self._paths.repo.picked(inv.tenant.id, inv.member.id)
        )
        picked = await self._paths.repo.pick(
            inv.tenant.id,
            inv.member.id,
            chosen.id,
            inv.now,
            local_date(inv.now, await self._zone(inv)),
        )
        progress = await self._progress(inv)
        lines = [
            f"You are on **{chosen.name}** now: {plural(len(chosen.milestones), 'milestone')} "
            f"toward {chosen.role}."
        ]
        if returning:
            lines.append(
                f"Welcome back: your progress since {long_date(picked.picked_on)} is kept "
                f"({progress.reached_count} reached)."
            )
        else:
            lines.append("Check-ins tagged with a milestone's skills count toward it from today.")
        if before is not None:
            left = await self._paths.catalog.get(inv.tenant.id, before.path_id)
            name = left.name if left else before.path_id
            lines.append(f"Your progress on {name} is kept; /path pick {before.path_id} goes back.")
        if progress.current is not None:
            lines += ["First up:" if not progress.reached else "Up next:"]
            lines += task_lines(chosen, progress.current)
        return Reply(text="\n".join(lines))

    @command(
        "path show",
        "Your path: each milestone reached, current or next, and the minutes so far.",
        examples=("/path show",),
    )
    async def show(self, inv: Invocation) -> Reply:
        progress = await self._progress(inv)
        path = progress.path
        lines = [
            f"**{path.name}**: {progress.reached_count} of {len(path.milestones)} milestones "
            f"reached. /path next for the current task."
        ]
        zone = await self._zone(inv)
        lines += [milestone_line(progress, m, self._app.skills, zone) for m in path.milestones]
        return Reply(text="\n".join(lines))

    @command(
        "path next",
        "The current milestone's task and resources, and someone on your path who did it.",
        examples=("/path next",),
    )
    async def next(self, inv: Invocation) -> Reply:
        progress = await self._progress(inv)
        milestone = progress.current
        if milestone is None:
            return Reply(
                text=f"You reached every milestone of **{progress.path.name}**. 🎉 "
                "Share your capstone with /path show, or pick another path with /path list."
            )
        lines = [f"Next on **{progress.path.name}**:", *task_lines(progress.path, milestone)]
        lines.append(
            "Counts as reached: "
            + how_reached(milestone, self._app.skills, progress.minutes[milestone.id])
        )
        helpers = await self._paths.repo.helpers(
            inv.tenant.id,
            progress.path.id,
            milestone.id,
            milestone.skills,
            inv.member.id,
            inv.now,
            limit=1,
        )
        if helpers:
            helper = helpers[0]
            knows = f" and know {self._app.skills.names(milestone.skills)}" if helper.knows else ""
            lines.append(f"Ask {helper.label}: they reached this milestone{knows}.")
        return Reply(text="\n".join(lines))

    @command(
        "path done",
        "Mark a milestone done (the current one unless named), with a link to your work.",
        examples=(
            "/path done",
            "/path done milestone:docker",
            "/path done capstone link:https://github.com/me/project",
        ),
    )
    async def done(
        self,
        inv: Invocation,
        *,
        milestone: Annotated[
            str, Opt("which milestone: its number, id or title", primary=True, max_length=100)
        ] = "",
        link: Annotated[
            str, Opt("a link to your work (https://...)", max_length=URL_LENGTH, aliases=("url",))
        ] = "",
    ) -> Reply:
        if not link.strip():
            milestone, link = _bare_link(milestone)  # "/path done capstone https://..."
        progress = await self._progress(inv)
        chosen = self._milestone(inv, progress, milestone)
        url = self._link(inv, link) if link.strip() else None
        earlier = progress.reached.get(chosen.id)
        if earlier is not None:
            if url is None:
                return Reply(
                    text=f"You reached **{chosen.title}** on "
                    f"{long_date(local_date(earlier.at, await self._zone(inv)))}."
                )
            await self._paths.repo.reach(
                inv.tenant.id, inv.member.id, progress.path.id, [chosen.id], inv.now, url
            )
            return Reply(text=f"Saved the link to your work on **{chosen.title}**: {url}")
        self._check_ready(inv, progress, chosen, url)
        await self._paths.repo.reach(
            inv.tenant.id, inv.member.id, progress.path.id, [chosen.id], inv.now, url
        )
        return Reply(text="\n".join(self._reached_lines(progress, chosen, url)))

    def _milestone(self, inv: Invocation, progress: PathProgress, typed: str) -> Milestone:
        if typed.strip():
            try:
                return find_milestone(progress.path, typed)
            except PathLookupError as exc:
                raise CommandError(str(exc), inv.command, option="milestone") from None
        if progress.current is None:
            raise CommandError(
                f"You reached every milestone of {progress.path.name}; name one to add a link.",
                inv.command,
            )
        return progress.current

    def _link(self, inv: Invocation, typed: str) -> str:
        try:
            return typed_link(typed)
        except ValueError as exc:
            raise CommandError(f"The link: {exc}.", inv.command, option="link") from None

    def _check_ready(
        self, inv: Invocation, progress: PathProgress, milestone: Milestone, url: str | None
    ) -> None:
        """A milestone that asks for a link needs one, and its minutes when it has both."""
        if milestone.needs_link and url is None:
            raise CommandError(
                f"**{milestone.title}** is done with a link to your work: "
                f"/path done {milestone.id} link:https://...",
                inv.command,
                option="link",
            )
        minutes = progress.minutes[milestone.id]
        if milestone.needs_link and milestone.minutes is not None and minutes < milestone.minutes:
            raise CommandError(
                f"**{milestone.title}** also asks for {milestone.minutes} min of "
                f"{self._app.skills.names(milestone.skills)} check-ins; you have {minutes}. "
                "Nothing was saved.",
                inv.command,
            )

    def _reached_lines(
        self, progress: PathProgress, milestone: Milestone, url: str | None
    ) -> list[str]:
        path = progress.path
        saved = f" Saved your link: {url}" if url else ""
        lines = [
            f"{'🎓' if milestone.capstone else '✅'} Done: **{milestone.title}** ({position(path, milestone)}).{saved}"
        ]
        rest = [m for m in path.milestones if m.id not in progress.reached and m != milestone]
        if not rest:
            lines.append(f"🎉 You reached every milestone of **{path.name}**!")
        else:
            lines.append(f"Next: **{rest[0].title}**. /path next shows its task.")
        return lines

    @command(
        "path leave",
        "Leave your path; its progress is kept if you pick it again.",
        examples=("/path leave",),
    )
    async def leave(self, inv: Invocation) -> Reply:
        left = await self._paths.repo.leave(inv.tenant.id, inv.member.id)
        if left is None:
            raise CommandError(NOT_ON_A_PATH)  # the command was right: no usage line
        path = await self._paths.catalog.get(inv.tenant.id, left.path_id)
        name = path.name if path else left.path_id
        return Reply(
            text=f"You left **{name}**. Your progress is kept: /path pick {left.path_id} "
            "picks up where you stopped."
        )

    async def _zone(self, inv: Invocation) -> ZoneInfo:
        """The member's zone (bot.localtime.member_zone): their days, and the dates shown."""
        settings = await self._app.community.get(inv.tenant.id)
        return member_zone(
            inv.member.timezone, inv.member.platform_timezone, settings[TIMEZONE]
        ).zone

    async def _find(self, inv: Invocation, typed: str) -> Path:
        try:
            return await self._paths.catalog.find(inv.tenant.id, typed)
        except PathLookupError as exc:
            raise CommandError(str(exc), inv.command, option="path") from None


def _bare_link(typed: str) -> tuple[str, str]:
    """A link typed among the bare words, without `link:`, split from the milestone's name."""
    words = typed.split()
    links = [w for w in words if _looks_like_link(w)]
    if len(links) != 1:
        return typed, ""
    return " ".join(w for w in words if w != links[0]), links[0]


def _looks_like_link(word: str) -> bool:
    """A web link, also without its https:// (`github.com/me/repo`): a host with a dot, then a
    path; a bare `node.js` is a word."""
    if word.lower().startswith(("http://", "https://")):
        return True
    host, slash, _ = word.partition("/")
    try:
        return bool(slash) and "." in host and bool(typed_link(word))
    except ValueError:
        return False
