"""The Discord adapter: slash commands generated from the cogs' declarations, on discord.py 2.7.

Entry point for the composition root: ``await run(settings, app_factory)``.
"""

from adapters.discord.runner import run

__all__ = ["run"]
