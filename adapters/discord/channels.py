"""Whether the bot can do its job in a guild channel, from discord.py's own permission maths.

Used when an organizer chooses a channel and by `python -m bot doctor`, so both say the same
thing. Discord computes a member's permissions in a channel from the roles and the channel's
overwrites (`permissions_for`); the names below are those of Discord's permission settings.
"""

from __future__ import annotations

import discord

from bot.ports import ChannelCheck, ChannelUse

# (discord.Permissions attribute, the name Discord's settings show), per use of a channel.
_POSTING = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
    ("attach_files", "Attach Files"),
    # A long message's details go in a public thread under it (the digest's member list).
    ("create_public_threads", "Create Public Threads"),
)
NEEDED: dict[ChannelUse, tuple[tuple[str, str], ...]] = {
    ChannelUse.POSTS: _POSTING,
    ChannelUse.ROOMS: (
        *_POSTING,
        ("create_private_threads", "Create Private Threads"),
        ("send_messages_in_threads", "Send Messages in Threads"),
        # Buddy threads are private and not invitable, and only thread moderators may add
        # members to those; the bot is one only with Manage Threads.
        ("manage_threads", "Manage Threads"),
    ),
}


async def check_channel(
    client: discord.Client, guild_id: int, channel_id: int, use: ChannelUse
) -> ChannelCheck:
    """Asked of Discord over REST (the guild's roles, the bot's member, the channel with its
    overwrites), so it needs no gateway cache: the doctor runs it before the bot connects."""
    if client.user is None:
        return ChannelCheck(("Discord is not connected yet; try again in a minute.",))
    try:
        guild = await client.fetch_guild(guild_id, with_counts=False)
        me = await guild.fetch_member(client.user.id)
        channel = await guild.fetch_channel(channel_id)
    except discord.NotFound:
        return ChannelCheck(("I cannot find that channel in this server; pick it again.",))
    except discord.Forbidden:
        return ChannelCheck(
            ("studybot cannot see that channel: allow View Channel for the studybot role there.",)
        )
    except (discord.HTTPException, discord.InvalidData, OSError) as exc:
        return ChannelCheck((f"Discord did not answer ({exc}); try again in a minute.",))
    return check_guild_channel(channel, me, use)


def invite_permissions() -> discord.Permissions:
    """What the invite link asks for: everything above, and Read Message History, without
    which Discord hides the bot's own earlier messages in a channel from it."""
    wanted = {attribute for needs in NEEDED.values() for attribute, _ in needs}
    return discord.Permissions(read_message_history=True, **dict.fromkeys(wanted, True))


def check_guild_channel(
    channel: discord.abc.GuildChannel | discord.Thread, me: discord.Member, use: ChannelUse
) -> ChannelCheck:
    problems: list[str] = []
    label = f"#{channel.name}"
    if use is ChannelUse.ROOMS and not _takes_private_threads(channel):
        problems.append(
            f"{label} is {_kind(channel)}; private threads only exist in text channels. "
            "Pick a text channel."
        )
    elif use is ChannelUse.POSTS and not isinstance(channel, discord.TextChannel):
        problems.append(f"{label} is {_kind(channel)}; pick a text channel.")
    granted = channel.permissions_for(me)
    missing = [name for attribute, name in NEEDED[use] if not getattr(granted, attribute)]
    if missing:
        problems.append(
            f"studybot lacks {', '.join(missing)} in {label}: allow them for the studybot role "
            f"in {label} > Edit Channel > Permissions (or in Server Settings > Roles)."
        )
    return ChannelCheck(tuple(problems), name=channel.name)


def _takes_private_threads(channel: discord.abc.GuildChannel | discord.Thread) -> bool:
    return isinstance(channel, discord.TextChannel) and not channel.is_news()


def _kind(channel: discord.abc.GuildChannel | discord.Thread) -> str:
    if isinstance(channel, discord.TextChannel) and channel.is_news():
        return "an announcement channel"
    if isinstance(channel, discord.Thread):
        return "a thread"
    if isinstance(channel, discord.ForumChannel):
        return "a forum channel"
    if isinstance(channel, discord.VoiceChannel | discord.StageChannel):
        return "a voice channel"
    if isinstance(channel, discord.CategoryChannel):
        return "a category"
    return "not a text channel"
