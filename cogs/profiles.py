"""/profile: the study situation the matching, reminders and digests work from."""

from __future__ import annotations

from typing import Annotated

from bot.app import App
from bot.commands import (
    CommandError,
    Invocation,
    Opt,
    Reply,
    SkillList,
    TimeRange,
    TimeZoneName,
    command,
)
from bot.community import TIMEZONE
from bot.events import TimeZoneChanged
from bot.localtime import member_zone
from bot.storage.models import Member, Profile
from bot.timezones import describe_member_zone

GOALS = ("internship", "first-job", "career-switch", "portfolio", "exam", "curiosity")
LEVELS = ("beginner", "intermediate", "advanced")
ABOUT_LIMIT = 280


def render_profile(app: App, member: Member, profile: Profile) -> str:
    hours = f"{profile.hours[0]:%H:%M}-{profile.hours[1]:%H:%M}" if profile.hours else "not set"
    zone = describe_member_zone(
        profile.timezone, member.platform_timezone, app.messenger.capabilities.profile_name
    )
    lines = [
        f"**{member.label}'s study profile**",
        f"Time zone: {zone}",
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

    @command(
        "profile set",
        "Set your study profile: time zone, goal, level, skills, study hours.",
        examples=(
            "/profile set timezone:Europe/Berlin goal:internship level:beginner",
            "/profile set timezone:mumbai hours:6pm-9pm",
            "/profile set timezone:UTC+2 fixed:yes",
            "/profile set learning:docker,sql knows:python hours:18:00-21:00",
            '/profile set about:"Stats student, learning backend on the side"',
        ),
    )
    async def set(
        self,
        inv: Invocation,
        *,
        timezone: Annotated[
            TimeZoneName | None,
            Opt(
                "your city or IANA time zone, e.g. Berlin or Europe/Berlin",
                aliases=("tz", "zone", "time_zone"),
            ),
        ] = None,
        # Read by the time zone converter (ConvertContext.given), not here: with it, an offset
        # like UTC+2 is kept as the fixed zone Etc/GMT-2 instead of asking for a city.
        fixed: Annotated[bool, Opt("keep a fixed UTC offset, no daylight saving")] = False,
        goal: Annotated[
            str | None,
            Opt("what you are studying for", choices=GOALS, aliases=("goals", "role", "roles")),
        ] = None,
        level: Annotated[
            str | None, Opt("your overall level", choices=LEVELS, aliases=("lvl",))
        ] = None,
        learning: Annotated[
            SkillList | None,
            Opt(
                "skills you are learning, comma-separated",
                aliases=("learn", "learn_skills", "want"),
            ),
        ] = None,
        knows: Annotated[
            SkillList | None,
            Opt("skills you can help others with", aliases=("know", "known", "skills")),
        ] = None,
        hours: Annotated[
            TimeRange | None,
            Opt(
                "your daily study window, local time",
                aliases=("availability", "available", "free"),
            ),
        ] = None,
        about: Annotated[str | None, Opt("a line about you", max_length=ABOUT_LIMIT)] = None,
    ) -> Reply:
        fields = {"timezone": timezone, "goal": goal, "level": level, "about": about}
        given: dict[str, str | None] = {k: v for k, v in fields.items() if v is not None}
        if not given and hours is None and learning is None and knows is None:
            raise CommandError(
                "Tell me what to change, for example timezone:Europe/Berlin.", inv.command
            )
        default_zone = (await self._app.community.get(inv.tenant.id))[TIMEZONE]
        member = inv.member
        before = member_zone(member.timezone, member.platform_timezone, default_zone).zone.key
        profile = await self._app.profiles.update(
            inv.tenant.id,
            inv.member.id,
            inv.now,
            given,
            hours=hours,
            learning=learning,
            knows=knows,
        )
        after = member_zone(profile.timezone, member.platform_timezone, default_zone).zone.key
        if after != before:
            await self._app.events.publish(
                TimeZoneChanged(
                    inv.tenant, inv.member, before, after, first=inv.member.timezone is None
                )
            )
        return Reply(text="Saved.\n" + render_profile(self._app, inv.member, profile))

    @command(
        "profile show",
        "Show your study profile, or another member's.",
        examples=("/profile show", "/profile show user:@alice"),
    )
    async def show(
        self,
        inv: Invocation,
        *,
        user: Annotated[Member | None, Opt("whose profile to show")] = None,
    ) -> Reply:
        member = user or inv.member
        profile = await self._app.profiles.get(inv.tenant.id, member.id)
        text = render_profile(self._app, member, profile)
        if member.id == inv.member.id and profile == Profile(member_id=member.id):
            text += "\nSet it up with /profile set, e.g. /profile set timezone:Europe/Berlin goal:internship"
        return Reply(text=text)


def setup(app: App) -> None:
    app.add_cog(Profiles(app))
