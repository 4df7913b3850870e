"""Choosing the digest or buddy channel: the platform's verdict is added to the settings reply."""

from __future__ import annotations

from bot.app import App
from bot.ports import ChannelCheck, ChannelUse
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say

BROKEN = ChannelCheck(("studybot lacks Attach Files in #study.",))


async def test_each_problem_is_listed_after_the_saved_setting(
    app: App, messenger: RecordingMessenger
) -> None:
    messenger.channel_checks["study"] = BROKEN
    reply = await say(app, "/admin digest channel:#study", admin=True)
    assert reply.text.startswith("Saved.")
    assert "Not ready yet: I cannot post the digest in #study.\n- studybot lacks Attach Files" in (
        reply.text
    )
    assert "fix that, then run this command again to check" in reply.text


async def test_the_buddy_channel_is_checked_for_rooms(
    app: App, messenger: RecordingMessenger
) -> None:
    await say(app, "/admin buddies channel:#pairs", admin=True)
    assert messenger.checked == [("pairs", ChannelUse.ROOMS)]


async def test_what_the_platform_did_is_said(app: App, messenger: RecordingMessenger) -> None:
    messenger.channel_checks["study"] = ChannelCheck(done="I joined #study, so I can post there.")
    reply = await say(app, "/admin digest channel:#study", admin=True)
    assert "I joined #study, so I can post there." in reply.text and "Not ready" not in reply.text


async def test_settings_without_a_channel_ask_the_platform_nothing(
    app: App, messenger: RecordingMessenger
) -> None:
    await say(app, "/admin digest day:friday", admin=True)
    await say(app, "/admin buddies size:3", admin=True)
    assert messenger.checked == []
