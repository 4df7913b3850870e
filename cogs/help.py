"""/help, generated from the declarations, so every cog's commands appear automatically."""

from __future__ import annotations

from bot.app import App
from bot.commands import Command, CommandError, Invocation, Option, OptionType, Reply


class Help:
    def __init__(self, app: App) -> None:
        self._app = app

    async def help(self, inv: Invocation) -> Reply:
        topic = str(inv.args.get("command", "")).strip().lstrip("/").lower()
        if topic:
            return self._one(topic, inv)
        lines = ["**studybot commands** (type /help <command> for usage and examples)"]
        for command in self._app.commands:
            if command.admin and not inv.is_admin:
                continue
            lines.append(f"/{command.name} - {command.description}")
        if not inv.is_admin:
            lines.append("Organizers have more commands under /admin.")
        return Reply(text="\n".join(lines))

    def _one(self, topic: str, inv: Invocation) -> Reply:
        command = self._app.commands.get(topic)
        if command is None:
            related = [c for c in self._app.commands if c.name.startswith(topic + " ")]
            if related:
                lines = [f"/{c.name} - {c.description}" for c in related]
                return Reply(text="\n".join(lines))
            raise CommandError(f"There is no /{topic[:40]} command.", inv.command)
        lines = [f"/{command.name} - {command.description}", f"Usage: {command.usage()}"]
        for option in command.options:
            need = "required" if option.required else "optional"
            lines.append(f"  {option.name} ({need}): {option.description}")
        if command.admin:
            lines.append("Only community admins can use this command.")
        lines += [f"Example: {example}" for example in command.examples]
        return Reply(text="\n".join(lines))

    async def skills(self, inv: Invocation) -> Reply:
        catalogue = self._app.skills
        lines = ["**Skills you can name** (aliases in brackets):"]
        for skill in sorted(catalogue.skills.values(), key=lambda s: s.id):
            alias = f" ({', '.join(skill.aliases[:3])})" if skill.aliases else ""
            lines.append(f"{skill.id} - {skill.name}{alias}")
        return Reply(text="\n".join(lines))


def setup(app: App) -> None:
    cog = Help(app)
    app.add_commands(
        Command(
            "help",
            "List every command, or show how to use one.",
            cog.help,
            options=(
                Option(
                    "command", OptionType.TEXT, "a command to explain", primary=True, max_length=60
                ),
            ),
            examples=("/help", "/help checkin", "/help buddy join"),
        ),
        Command(
            "skills",
            "List the skills the bot knows, with their short names.",
            cog.skills,
            examples=("/skills",),
        ),
    )
