"""`python -m bot doctor` against the fake Slack: a clean report for a correct setup, and the
exact missing scope, token or App Home setting for a broken one."""

from __future__ import annotations

import io

from adapters.slack.doctor import SlackProbe
from adapters.slack.listeners import EVENTS
from bot.config import Settings
from bot.doctor import examine, report
from tests.adapters.slack.slack_harness import ORGANIZER, SlackHarness
from tests.fakes.slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack

CONFIG_TOKEN = "xoxe.xoxp-1-fake"


def app_settings(*, messages_tab: bool = True, read_only: bool = False) -> dict[str, object]:
    """The app configuration apps.manifest.export returns."""
    return {
        "features": {
            "app_home": {
                "messages_tab_enabled": messages_tab,
                "messages_tab_read_only_enabled": read_only,
            }
        },
        "settings": {"event_subscriptions": {"bot_events": list(EVENTS)}},
    }


async def doctor(fake: FakeSlack, settings: Settings, **tokens: str | None) -> tuple[int, str]:
    values = {
        "slack_bot_token": BOT_TOKEN,
        "slack_app_token": APP_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.base_url,
        "slack_config_token": CONFIG_TOKEN,
        **tokens,
    }
    checked = Settings(_env_file=None, studybot_db=settings.studybot_db, **values)  # type: ignore[call-arg,arg-type]
    sections = await examine(checked, "slack", checked.studybot_db, SlackProbe(checked))
    out = io.StringIO()
    return report(sections, out), out.getvalue()


async def test_a_correct_setup_gets_a_clean_report(slack: SlackHarness, fake: FakeSlack) -> None:
    fake.manifest = app_settings()
    study = fake.add_channel("study")
    await slack.command(f"admin digest channel:<#{study}|study>", user=ORGANIZER)
    code, text = await doctor(fake, slack.app.settings)
    assert code == 0, text
    for line in (
        "bot token accepted: workspace Study Group",
        "the bot token has every scope the bot uses",
        "the app-level token opens a Socket Mode connection",
        "the Messages tab is on",
        "the app is subscribed to every event the bot handles",
        "digest channel: #study is ready",
    ):
        assert line in text


async def test_a_missing_scope_is_named(slack: SlackHarness, fake: FakeSlack) -> None:
    fake.manifest = app_settings()
    fake.scopes.discard("files:write")
    code, text = await doctor(fake, slack.app.settings)
    assert code == 1
    assert "FIX  the bot token lacks the scopes files:write" in text and "Reinstall" in text


async def test_the_messages_tab_switched_off_is_a_problem(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    fake.manifest = app_settings(messages_tab=False)
    code, text = await doctor(fake, slack.app.settings)
    assert code == 1
    assert "FIX  the Messages tab is off" in text and "turn on Messages Tab" in text


async def test_a_read_only_messages_tab_is_a_problem(slack: SlackHarness, fake: FakeSlack) -> None:
    fake.manifest = app_settings(read_only=True)
    code, text = await doctor(fake, slack.app.settings)
    assert code == 1 and "the Messages tab is read-only" in text


async def test_without_a_configuration_token_it_says_how_to_check_by_hand(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    code, text = await doctor(fake, slack.app.settings, slack_config_token=None)
    assert code == 0
    assert "Messages tab not checked (set SLACK_CONFIG_TOKEN" in text
    assert fake.calls_to("apps.manifest.export") == []


async def test_a_channel_the_bot_left_is_reported(slack: SlackHarness, fake: FakeSlack) -> None:
    fake.manifest = app_settings()
    hidden = fake.add_channel("mentors", private=True)
    await slack.command(f"admin digest channel:<#{hidden}|mentors>", user=ORGANIZER)
    fake.channels[hidden]["is_member"] = False  # removed from the private channel since
    code, text = await doctor(fake, slack.app.settings)
    assert code == 1 and "type /invite @studybot in it" in text


async def test_a_rejected_bot_token_stops_there(slack: SlackHarness, fake: FakeSlack) -> None:
    fake.invalid_auth = True
    code, text = await doctor(fake, slack.app.settings)
    assert code == 1
    assert "Slack rejected SLACK_BOT_TOKEN (invalid_auth)" in text
    assert fake.calls_to("conversations.info") == []
