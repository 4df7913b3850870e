"""The Discord adapter: slash commands generated from the cogs' declarations, on discord.py 2.7.

Entry points for the composition root: ``await run(settings, app_factory)``,
``await sync_once(settings, app_factory)`` for ``python -m bot discord sync``, and
``DiscordProbe(settings)`` for ``python -m bot doctor``.
"""

from adapters.discord.doctor import DiscordProbe
from adapters.discord.runner import run, sync_once

__all__ = ["DiscordProbe", "run", "sync_once"]
