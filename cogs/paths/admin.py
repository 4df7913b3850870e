"""/admin paths: organizers add their community's own paths from a path file, or remove them.

The file is a FILE option: attached on Discord and Slack, a path on the console's machine.
"""

from __future__ import annotations

from typing import Annotated

from bot.app import App
from bot.commands import CommandError, FileArg, Invocation, Opt, Reply, command
from bot.paths.catalog import PathLookupError
from bot.paths.fileformat import PathFileError
from bot.ports import Button, Message
from bot.text import name_key, plural

PathFile = Annotated[FileArg, Opt("the path file (JSON, docs/paths.md)", primary=True)]


class PathAdmin:
    def __init__(self, app: App) -> None:
        self._app = app
        self._paths = app.paths

    @command(
        "admin paths add",
        "Add your community's own learning path from a path file (docs/paths.md).",
        admin=True,
        examples=("/admin paths add file:paths/cloud-intern.json",),
        slow=True,  # the file is downloaded first (up to 30 s on Slack): not a quick slot
    )
    async def add(self, inv: Invocation, *, file: PathFile) -> Reply:
        try:
            text = file.data.decode("utf-8-sig")  # a byte-order mark from Windows editors is fine
        except UnicodeDecodeError:
            raise CommandError(
                f"{file.filename} is not UTF-8 text: save it as UTF-8 JSON and attach it again.",
                inv.command,
                option="file",
            ) from None
        try:
            path, replaced = await self._paths.catalog.add(inv.tenant.id, text, inv.now)
        except PathFileError as exc:
            raise CommandError(str(exc), inv.command) from None
        count = plural(len(path.milestones), "milestone")
        if replaced:
            return Reply(
                text=f"Replaced the path **{path.name}** ({path.id}, {count}). Members on it "
                "keep the milestones whose ids it still has."
            )
        return Reply(
            text=f"Added the path **{path.name}** ({path.id}, {count}). Members pick it with "
            f"/path pick {path.id}."
        )

    @command(
        "admin paths remove",
        "Remove one of your community's own paths (asks first when members are on it).",
        admin=True,
        examples=(
            "/admin paths remove cloud-intern",
            "/admin paths remove cloud-intern confirm:yes",
        ),
    )
    async def remove(
        self,
        inv: Invocation,
        *,
        path: Annotated[str, Opt("the path: its name or id", primary=True, max_length=80)],
        confirm: Annotated[bool | None, Opt("yes to remove it, no to keep it")] = None,
    ) -> Reply:
        try:
            chosen = await self._paths.catalog.find(inv.tenant.id, path)
        except PathLookupError as exc:
            raise CommandError(str(exc), inv.command, option="path") from None
        if self._paths.catalog.is_builtin(chosen.id):
            raise CommandError(
                f"{chosen.name} is a built-in path; only your community's own can be removed.",
                inv.command,
                option="path",
            )
        on_it = await self._paths.repo.members_on(inv.tenant.id, chosen.id)
        line = f"admin paths remove {chosen.id}"
        # Its file is the bot's only copy: what was typed must name it whole, or be confirmed.
        exact = name_key(path) in (chosen.id, name_key(chosen.name))
        if (on_it or not exact) and confirm is None:
            who = (
                f"{plural(on_it, 'member')} {'is' if on_it == 1 else 'are'} on "
                f"**{chosen.name}**. Removing it takes them off it; the milestones they reached "
                "stay in their data and come back if the path is added again."
                if on_it
                else f"Remove **{chosen.name}** ({chosen.id})? Its file is not kept anywhere else."
            )
            return Reply(
                text=f"{who} Confirm with /{line} confirm:yes",
                buttons=(
                    Button("Remove it", f"{line} confirm:yes", "danger"),
                    Button("Keep it", f"{line} confirm:no"),
                ),
            )
        answered = Message(f"Path {chosen.name}: {'kept' if confirm is False else 'removed'}.")
        if confirm is False:
            return Reply(text=f"Kept the path **{chosen.name}**.", replaces_clicked=answered)
        taken_off = await self._paths.repo.remove_path(inv.tenant.id, chosen.id)
        off = (
            f" {plural(taken_off, 'member')} on it {'is' if taken_off == 1 else 'are'} on no "
            "path now."
            if taken_off > 0
            else ""
        )
        return Reply(text=f"Removed the path **{chosen.name}**.{off}", replaces_clicked=answered)
