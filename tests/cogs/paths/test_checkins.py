"""A check-in's reply names the milestone it counts toward, and celebrates one it reaches."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import ManualClock
from tests.helpers import say


async def test_a_tagged_checkin_says_how_far_toward_its_milestone(app: App) -> None:
    await say(app, "/path pick ml engineer")
    reply = await say(app, "/checkin dockerised the model skills: docker minutes: 35")
    assert "Docker 35 min: 35 of 120 min toward *Containerise your model*" in reply.text


async def test_three_days_of_docker_reach_the_milestone_and_name_the_next(
    app: App, clock: ManualClock
) -> None:
    await say(app, "/path pick ml engineer")
    for _ in range(2):
        await say(app, "/checkin docker skills: docker minutes: 45")
        clock.advance(timedelta(days=1))
    reply = await say(app, "/checkin compose file skills: docker minutes: 45")
    assert (
        "🎉 Milestone reached on ML engineer intern: **Containerise your model** "
        "(milestone 6 of 10, 135 min)." in reply.text
    )
    assert "Next: **Version your work with Git**. /path next shows its task" in reply.text
    assert "toward *Containerise your model*" not in reply.text
    assert (
        "✅ 6. Containerise your model: reached Wednesday 4 March"
        in (await say(app, "/path show")).text
    )


async def test_a_checkin_before_the_pick_does_not_count(app: App, clock: ManualClock) -> None:
    await say(app, "/checkin docker skills: docker minutes: 100")
    clock.advance(timedelta(days=1))
    await say(app, "/path pick ml engineer")
    reply = await say(app, "/checkin docker skills: docker minutes: 30")
    assert "Docker 30 min: 30 of 120 min toward *Containerise your model*" in reply.text


async def test_a_checkin_without_minutes_or_off_the_path_says_nothing_of_it(app: App) -> None:
    await say(app, "/path pick ml engineer")
    untimed = await say(app, "/checkin docker skills: docker")
    assert "toward" not in untimed.text
    other = await say(app, "/checkin dashboards skills: data-visualization minutes: 30", "bob")
    assert "toward" not in other.text


async def test_a_checkin_of_someone_on_no_path_is_unchanged(app: App) -> None:
    reply = await say(app, "/checkin docker skills: docker minutes: 30")
    assert "toward" not in reply.text and "Milestone reached on" not in reply.text


async def test_a_day_logged_from_before_the_pick_says_nothing_of_the_path(
    app: App, clock: ManualClock
) -> None:
    clock.advance(timedelta(days=1))
    await say(app, "/path pick ml engineer")
    reply = await say(app, "/checkin yesterday: docker skills: docker minutes: 30")
    assert "Checked in for Monday 2 March" in reply.text
    assert "toward" not in reply.text
