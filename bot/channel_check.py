"""What an organizer is told about a channel they just chose: ready, or exactly what is missing.

The platform answers (`Messenger.check_channel`); this module only words the answer, so the
digest and buddy settings say it the same way.
"""

from __future__ import annotations

from dataclasses import replace

from bot.commands import Invocation, Reply
from bot.ports import ChannelCheck, ChannelRef, ChannelUse, Messenger

PURPOSE = {
    ChannelUse.POSTS: "post the digest",
    ChannelUse.ROOMS: "open buddy threads",
}


async def with_channel_check(
    messenger: Messenger, inv: Invocation, reply: Reply, channel: str | None, use: ChannelUse
) -> Reply:
    """The settings reply, followed by what the platform says about the channel just chosen
    (each time it is given, so running the command again re-checks after a fix)."""
    if channel is None:
        return reply
    check = await messenger.check_channel(ChannelRef(inv.tenant.external_id, channel), use)
    verdict = describe_check(check, channel, use)
    return replace(reply, text=f"{reply.text}\n{verdict}") if verdict else reply


def describe_check(check: ChannelCheck, channel_id: str, use: ChannelUse) -> str:
    lines = [check.done] if check.done else []
    if check.problems:
        lines.append(f"Not ready yet: I cannot {PURPOSE[use]} in #{channel_id}.")
        lines.extend(f"- {problem}" for problem in check.problems)
        lines.append("The setting is saved; fix that, then run this command again to check.")
    return "\n".join(lines)
