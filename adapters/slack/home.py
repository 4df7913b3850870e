"""The App Home tab: the core's home page as a Block Kit `home` view, via `views.publish`."""

from __future__ import annotations

from typing import Any

from adapters.slack.render import Renderer
from bot.ports import Message

HOME_BLOCKS = 100  # Slack's limit for a home view


def home_view(renderer: Renderer, page: list[Message]) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    for message in page:
        if blocks:
            blocks.append({"type": "divider"})
        for part in renderer.message_parts(message, with_details=True):
            blocks.extend(part.blocks)
    # A page longer than Slack allows loses its end rather than not being shown at all.
    return {"type": "home", "blocks": blocks[:HOME_BLOCKS]}
