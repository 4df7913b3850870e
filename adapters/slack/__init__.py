"""The Slack adapter: one `/study` slash command, Block Kit buttons, modals and group DMs.

`run` is the entry point the composition root calls for `python -m bot slack`, and
`SlackProbe(settings)` the one for `python -m bot doctor`.
"""

from adapters.slack.doctor import SlackProbe
from adapters.slack.runner import run

__all__ = ["SlackProbe", "run"]
