"""/profile: the study situation the matching, reminders and digests work from."""

from __future__ import annotations

from bot.app import App
from bot.commands import Command, CommandError, Invocation, Option, OptionType, Reply
from bot.storage.models import Member, Profile

GOALS = ("internship", "first-job", "career-switch", "portfolio", "exam", "curiosity")
LEVELS = ("beginner", "intermediate", "advanced")
ABOUT_LIMIT = 280


def render_profile(app: App, member: Member, profile: Profile) -> str:
    hours = f"{profile.hours[0]:%H:%M}-{profile.hours[1]:%H:%M}" if profile.hours else "not set"
    lines = [
        f"**{member.label}'s study profile**",
        f"Time zone: {profile.timezone or 'not set (community default)'}",
        f"Goal: {profile.goal or 'not set'}",
        f"Level: {profile.level or 'not set'}",
        f"Learning: {app.skills.names(profile.learning)}",
        f"Knows: {app.skills.names(profile.knows)}",
        f"Study hours: {hours} (local time)",
    ]
    if profile.about:
        lines.append(f"About: {profile.about}")
    return "\n".join(lines)


class Profiles:
    def __init__(self, app: App) -> None:
        self._app = app

    async def set(self, inv: Invocation) -> Reply:
        args = inv.args
        if not args:
            raise CommandError(
                "Tell me what to change, for example timezone:Europe/Berlin.", inv.command
            )
        fields = {k: args[k] for k in ("timezone", "goal", "level", "about") if k in args}
        profile = await self._app.profiles.update(
            inv.tenant.id,
            inv.member.id,
            inv.now,
            fields,
            hours=args.get("hours"),
            learning=args.get("learning"),
            knows=args.get("knows"),
        )
        return Reply(text="Saved.\n" + render_profile(self._app, inv.member, profile))

    async def show(self, inv: Invocation) -> Reply:
        member: Member = inv.args.get("user", inv.member)
        profile = await self._app.profiles.get(inv.tenant.id, member.id)
        text = render_profile(self._app, member, profile)
        if member.id == inv.member.id and profile == Profile(member_id=member.id):
            text += "\nSet it up with /profile set, e.g. /profile set timezone:Europe/Berlin goal:internship"
        return Reply(text=text)


def setup(app: App) -> None:
    cog = Profiles(app)
    app.add_commands(
        Command(
            "profile set",
            "Set your study profile: time zone, goal, level, skills, study hours.",
            cog.set,
            options=(
                Option("timezone", OptionType.TIMEZONE, "your IANA time zone, e.g. Europe/Berlin"),
                Option("goal", OptionType.CHOICE, "what you are studying for", choices=GOALS),
                Option("level", OptionType.CHOICE, "your overall level", choices=LEVELS),
                Option("learning", OptionType.SKILLS, "skills you are learning, comma-separated"),
                Option("knows", OptionType.SKILLS, "skills you can help others with"),
                Option("hours", OptionType.TIME_RANGE, "your daily study window, local time"),
                Option("about", OptionType.TEXT, "a line about you", max_length=ABOUT_LIMIT),
            ),
            examples=(
                "/profile set timezone:Europe/Berlin goal:internship level:beginner",
                "/profile set learning:docker,sql knows:python hours:18:00-21:00",
                '/profile set about:"Stats student, learning backend on the side"',
            ),
        ),
        Command(
            "profile show",
            "Show your study profile, or another member's.",
            cog.show,
            options=(Option("user", OptionType.USER, "whose profile to show"),),
            examples=("/profile show", "/profile show user:@alice"),
        ),
    )
