"""The Slack adapter: one `/study` slash command, Block Kit buttons, modals and group DMs.

`run` is the entry point the composition root calls for `python -m bot slack`.
"""

from adapters.slack.runner import run

__all__ = ["run"]
