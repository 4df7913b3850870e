"""/help, generated from the declarations, so every cog's commands appear automatically."""

from __future__ import annotations

from typing import Annotated

from bot.app import App
from bot.commands import CommandError, Invocation, Opt, Reply, command


class Help:
    def __init__(self, app: App) -> None:
        self._app = app

    @command(
        "help",
        "List every command, or show how to use one.",
        examples=("/help", "/help checkin", "/help buddy join"),
    )
    async def help(
        self,
        inv: Invocation,
        *,
        command: Annotated[str, Opt("a command to explain", primary=True, max_length=60)] = "",
    ) -> Reply:
        topic = command.strip().lstrip("/").lower()
        if topic:
            return self._one(topic, inv)
        lines = ["**studybot commands** (type /help <command> for usage and examples)"]
        for declared in self._app.commands:
            if declared.admin and not inv.is_admin:
                continue
            lines.append(f"/{declared.name} - {declared.description}")
        if not inv.is_admin:
            lines.append("Organizers have more commands under /admin.")
        return Reply(text="\n".join(lines))

    def _one(self, topic: str, inv: Invocation) -> Reply:
        found = self._app.commands.get(topic)
        if found is None:
            related = [c for c in self._app.commands if c.name.startswith(topic + " ")]
            if related:
                lines = [f"/{c.name} - {c.description}" for c in related]
                return Reply(text="\n".join(lines))
            raise CommandError(f"There is no /{topic[:40]} command.", inv.command)
        lines = [f"/{found.name} - {found.description}", f"Usage: {found.usage()}"]
        for option in found.options:
            need = "required" if option.required else "optional"
            lines.append(f"  {option.name} ({need}): {option.description}")
        if found.admin:
            lines.append("Only community admins can use this command.")
        lines += [f"Example: {example}" for example in found.examples]
        return Reply(text="\n".join(lines))

    @command(
        "skills",
        "List the skills the bot knows, with their short names.",
        examples=("/skills",),
    )
    async def skills(self, inv: Invocation) -> Reply:
        catalogue = self._app.skills
        lines = ["**Skills you can name** (aliases in brackets):"]
        for skill in sorted(catalogue.skills.values(), key=lambda s: s.id):
            alias = f" ({', '.join(skill.aliases[:3])})" if skill.aliases else ""
            lines.append(f"{skill.id} - {skill.name}{alias}")
        return Reply(text="\n".join(lines))


def setup(app: App) -> None:
    app.add_cog(Help(app))
