"""The organizers' web dashboard: aiohttp.web pages over the bot's database.

`run` is the entry point the composition root calls for `python -m bot dashboard`.
"""

from adapters.dashboard.runner import run

__all__ = ["run"]
