"""/help, generated from the declarations, so every cog's commands appear automatically."""

from __future__ import annotations

from typing import Annotated

from bot.app import App
from bot.commands import CommandError, Invocation, Opt, Reply, command
from bot.text import plural


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
        usage = found.usage(file_input=self._app.messenger.capabilities.file_input)
        lines = [f"/{found.name} - {found.description}", f"Usage: {usage}"]
        for option in found.options:
            need = "required" if option.required else "optional"
            also = f", also {', '.join(option.aliases)}" if option.aliases else ""
            lines.append(f"  {option.name} ({need}{also}): {option.description}")
        if found.admin:
            lines.append("Only community admins can use this command.")
        lines += [f"Example: {example}" for example in found.examples]
        return Reply(text="\n".join(lines))

    @command(
        "skills",
        "List the skills the bot knows and every name it accepts, or show one skill.",
        examples=("/skills", "/skills postgres", "/skills kube"),
    )
    async def skills(
        self,
        inv: Invocation,
        *,
        skill: Annotated[
            str, Opt("a skill: its name, an alias or the start of one", primary=True, max_length=60)
        ] = "",
    ) -> Reply:
        if skill.strip():
            return await self._skill(inv, skill)
        catalogue = self._app.skills
        # The whole list outgrows one Discord message as the catalogue grows: it goes in the
        # details (a thread, or inlined and split on line breaks by the adapter).
        lines = [
            f"{s.id}: {', '.join(catalogue.spellings(s))}" if catalogue.spellings(s) else s.id
            for s in sorted(catalogue.skills.values(), key=lambda s: s.id)
        ]
        return Reply(
            text=f"**{plural(len(lines), 'skill')} you can name**: type the id or any name after "
            "it, in any case, wherever a command takes skills (/profile set learning: and "
            "knows:, check-ins). /skills NAME shows one, with how many here know it.",
            details="\n".join(lines),
        )

    async def _skill(self, inv: Invocation, text: str) -> Reply:
        try:
            found = self._app.skills.find(text)
        except ValueError as exc:
            raise CommandError(str(exc), inv.command) from None
        spellings = self._app.skills.spellings(found)
        also = ", ".join(spellings) if spellings else "only its id"
        profiles = await self._app.profiles.all(inv.tenant.id)
        here = [
            profiles[m.id]
            for m in await self._app.members.active(inv.tenant.id)
            if m.id in profiles
        ]
        knows = sum(found.id in p.knows for p in here)
        learning = sum(found.id in p.learning for p in here)
        return Reply(
            text=f"**{found.name}** (id: {found.id})\n"
            f"Also accepted, in any case: {also}\n"
            f"Members here who know it: {knows}; who are learning it: {learning}.\n"
            f"Add it to your profile: /profile set learning:{found.id} or knows:{found.id}"
        )


def setup(app: App) -> None:
    app.add_cog(Help(app))
