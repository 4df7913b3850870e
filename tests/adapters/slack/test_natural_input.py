"""The natural-input corpus as signed Slack `/study` commands through the real slack-bolt app.
Admin lines are typed by the workspace owner, the rest by a student."""

from __future__ import annotations

from adapters.slack.listeners import PREFIX
from tests.adapters.slack.slack_harness import ALICE, OWNER, SlackHarness
from tests.test_natural_input import CASES, understood


async def test_slack_understands_the_corpus(slack: SlackHarness) -> None:
    async def send(line: str) -> str:
        text = line.strip().removeprefix("/")
        user = OWNER if text.lower().startswith("admin") else ALICE
        posted = len(slack.fake.calls_to("response_url"))
        response = await slack.command(text, user=user)
        if response.body:
            return slack.reply_text(response)
        later = slack.fake.calls_to("response_url")[posted:]
        return "\n".join(str(call.args) for call in later)  # the deferred answer, if any

    problems = await understood(slack.app, CASES, send, prefix=PREFIX)
    assert not problems, "\n".join(problems)
