"""A channel post the platform refuses for a permission: the organizers are told privately,
once per channel per day, with the command that shows what is missing."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import ManualClock
from bot.ports import Forbidden, NotFound
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say

REFUSED = Forbidden("403 Forbidden (error code: 50013): Missing Permissions")


async def post_digest_refused(app: App, messenger: RecordingMessenger) -> None:
    messenger.failures.append(REFUSED)
    await say(app, "/digest post", user="olga", admin=True)  # a refused digest may go again


async def test_the_organizer_hears_that_the_digest_was_refused(
    app: App, messenger: RecordingMessenger
) -> None:
    await say(app, "/admin digest channel:#study", user="olga", admin=True)
    await post_digest_refused(app, messenger)
    [notice] = messenger.to("dm", "olga")
    assert "I could not post the weekly digest in #study" in notice.text
    assert "Missing Permissions" in notice.text
    assert "Run /admin digest channel:#study to see exactly what I am missing" in notice.text


async def test_a_second_refusal_the_same_day_tells_nobody_again(
    app: App, messenger: RecordingMessenger, clock: ManualClock
) -> None:
    await say(app, "/admin digest channel:#study", user="olga", admin=True)
    await post_digest_refused(app, messenger)
    await post_digest_refused(app, messenger)
    assert len(messenger.to("dm", "olga")) == 1
    clock.advance(timedelta(days=1))
    await post_digest_refused(app, messenger)
    assert len(messenger.to("dm", "olga")) == 2


async def test_members_who_never_ran_an_admin_command_are_not_told(
    app: App, messenger: RecordingMessenger
) -> None:
    await say(app, "/checkin did: sql minutes: 20", user="alice")
    await say(app, "/admin digest channel:#study", user="olga", admin=True)
    await post_digest_refused(app, messenger)
    assert messenger.to("dm", "alice") == []


async def test_a_refusal_that_is_not_about_permissions_tells_nobody(
    app: App, messenger: RecordingMessenger
) -> None:
    await say(app, "/admin digest channel:#study", user="olga", admin=True)
    messenger.failures.append(NotFound("channel deleted"))
    await say(app, "/digest post", user="olga", admin=True)
    assert messenger.to("dm", "olga") == []
