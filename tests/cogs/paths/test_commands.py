"""/path: picking a path, seeing where you are, what is next, marking milestones done."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.app import App
from bot.clock import ManualClock
from tests.bot.paths.test_fileformat import _file
from tests.helpers import START, say

ML = "ml-engineer-intern"


async def _done_up_to_docker(app: App, user: str = "alice") -> None:
    """Mark the ML path's first five milestones done, so Containerise your model is current."""
    for n in range(1, 6):
        reply = await say(app, f"/path done {n}", user)
        assert not reply.error, reply.text


async def test_list_shows_the_built_in_paths_and_marks_yours(app: App) -> None:
    await say(app, "/path pick ml engineer")
    reply = await say(app, "/path list")
    assert "**ML engineer intern** (ml-engineer-intern; 10 milestones, your path)" in reply.text
    assert (
        "**Data engineer intern**" in reply.text
        and "**Backend basics for data scientists**" in reply.text
    )


async def test_pick_takes_a_partial_name_and_shows_the_first_task(app: App) -> None:
    reply = await say(app, "/path pick ml engineer")
    assert "You are on **ML engineer intern** now" in reply.text
    assert "**Version your work with Git** (milestone 1 of 10)" in reply.text
    assert "https://git-scm.com/book/en/v2" in reply.text


async def test_pick_of_an_unknown_path_lists_the_choices_and_saves_nothing(app: App) -> None:
    reply = await say(app, "/path pick cooking")
    assert reply.error
    assert (
        "There is no path 'cooking'. The paths: " in reply.text
        and "Usage: /path pick" in reply.text
    )
    assert "not on a path" in (await say(app, "/path show")).text


async def test_picking_the_same_path_again_changes_nothing(app: App) -> None:
    await say(app, "/path pick ML-engineer-intern")
    reply = await say(app, "/path pick ml engineer intern")
    assert reply.text == "You are already on **ML engineer intern**. See it with /path show."


async def test_picking_another_path_keeps_the_old_progress(app: App, clock: ManualClock) -> None:
    await say(app, "/path pick ml engineer")
    await say(app, "/path done git")
    clock.advance(timedelta(days=1))
    switched = await say(app, "/path pick data engineer")
    assert (
        "Your progress on ML engineer intern is kept; /path pick ml-engineer-intern goes back."
        in switched.text
    )
    back = await say(app, "/path pick ml")
    assert "Welcome back: your progress since Monday 2 March is kept (1 reached)." in back.text
    assert "Up next:" in back.text and "Turn notebook code into a package" in back.text


async def test_show_marks_reached_current_and_next_with_minutes(app: App) -> None:
    await say(app, "/path pick ml engineer")
    await say(app, "/checkin dockerised the model skills: docker minutes: 45")
    await say(app, "/path done git link:https://github.com/alice/notes")
    reply = await say(app, "/path show")
    lines = reply.text.splitlines()
    assert lines[0].startswith("**ML engineer intern**: 1 of 10 milestones reached.")
    assert (
        lines[1]
        == "✅ 1. Version your work with Git: reached Monday 2 March (https://github.com/alice/notes)"
    )
    assert lines[2].startswith("▶️ 2. Turn notebook code into a package (current): 0 of 180 min")
    assert lines[3].startswith("· 3. Test the code that touches data (next)")
    assert lines[6] == "· 6. Containerise your model (later): 45 of 120 min of Docker check-ins"
    assert (
        lines[10] == "· 10. Ship an end-to-end project (later): /path done with a link to your work"
    )


async def test_show_and_next_without_a_path_say_how_to_pick_one(app: App) -> None:
    for line in ("/path show", "/path next", "/path done", "/path leave"):
        reply = await say(app, line)
        assert reply.error and "You are not on a path. See them with /path list" in reply.text, line
        assert "Usage:" not in reply.text, line


async def test_next_names_a_member_on_the_path_who_reached_it_and_knows_its_skills(
    app: App,
) -> None:
    for user in ("bob", "carol"):
        await say(app, "/path pick ml engineer", user)
        await _done_up_to_docker(app, user)
        await say(app, "/path done docker", user)
    await say(app, "/profile set knows:docker", "carol")
    await say(app, "/path pick ml engineer")
    await _done_up_to_docker(app)
    reply = await say(app, "/path next")
    assert "**Containerise your model** (milestone 6 of 10)" in reply.text
    assert "Task: Write a Dockerfile for the API" in reply.text
    assert "- Docker: get started: https://docs.docker.com/get-started/" in reply.text
    assert "Counts as reached: 0 of 120 min of Docker check-ins" in reply.text
    assert reply.text.endswith("Ask Carol: they reached this milestone and know Docker.")


async def test_next_names_nobody_who_keeps_their_checkins_to_themselves(app: App) -> None:
    await say(app, "/path pick ml engineer", "bob")
    await say(app, "/path done git", "bob")
    await say(app, "/buddy join", "bob")
    await say(app, "/buddy share checkins:no", "bob")
    await say(app, "/path pick ml engineer")
    assert "Ask " not in (await say(app, "/path next")).text


async def test_next_names_nobody_who_blocked_you_or_paused_buddies(app: App) -> None:
    for user in ("bob", "carol"):
        await say(app, "/path pick ml engineer", user)
        await say(app, "/path done git", user)
    await say(app, "/buddy join", "bob")
    await say(app, "/buddy pause 2", "bob")
    await say(app, "/path pick ml engineer")
    await say(app, "/buddy block user:@carol", "alice")
    reply = await say(app, "/path next")
    assert "Ask " not in reply.text


async def test_done_with_a_bad_link_says_why_and_saves_nothing(app: App) -> None:
    await say(app, "/path pick ml engineer")
    reply = await say(app, "/path done git link:my repo")
    assert reply.error
    assert "The link: 'my repo' is not a web link (https://...)." in reply.text
    assert "Usage: /path done" in reply.text
    assert "0 of 10 milestones reached" in (await say(app, "/path show")).text


async def test_done_of_a_milestone_that_needs_a_link_asks_for_it(app: App) -> None:
    await say(app, "/path pick ml engineer")
    reply = await say(app, "/path done capstone")
    assert reply.error
    assert "**Ship an end-to-end project** is done with a link to your work" in reply.text


async def test_done_of_an_unknown_milestone_lists_them(app: App) -> None:
    await say(app, "/path pick ml engineer")
    reply = await say(app, "/path done kubernetes")
    assert reply.error
    assert (
        "ML engineer intern has no milestone 'kubernetes'. Its milestones: git (Version your work with Git), packaging"
        in reply.text
    )


async def test_done_of_an_ambiguous_milestone_asks_which(app: App) -> None:
    await say(app, "/path pick ml engineer")
    reply = await say(app, "/path done c")
    assert reply.error and "'c' could be " in reply.text


async def test_the_capstone_with_its_link_finishes_the_path(app: App) -> None:
    await say(app, "/path pick ml engineer")
    for n in range(1, 10):
        await say(app, f"/path done {n}")
    reply = await say(app, "/path done capstone link: https://github.com/alice/model-service")
    assert reply.text.startswith("🎓 Done: **Ship an end-to-end project** (milestone 10 of 10).")
    assert "🎉 You reached every milestone of **ML engineer intern**!" in reply.text
    assert "You reached every milestone" in (await say(app, "/path next")).text


async def test_done_again_says_when_and_a_link_is_added_later(app: App) -> None:
    await say(app, "/path pick ml engineer")
    await say(app, "/path done git")
    again = await say(app, "/path done git")
    assert again.text == "You reached **Version your work with Git** on Monday 2 March."
    linked = await say(app, "/path done git url:https://github.com/alice/notes")
    assert linked.text.endswith("https://github.com/alice/notes")
    assert "(https://github.com/alice/notes)" in (await say(app, "/path show")).text


async def test_leave_confirms_and_picking_again_resumes(app: App) -> None:
    await say(app, "/path pick ml engineer")
    await say(app, "/path done git")
    reply = await say(app, "/path leave")
    assert reply.text.startswith("You left **ML engineer intern**. Your progress is kept")
    assert "(1 reached)" in (await say(app, "/path pick ml")).text


async def test_paths_are_per_community(app: App) -> None:
    await say(app, "/path pick ml engineer", tenant="T1")
    reply = await say(app, "/path show", tenant="T2")
    assert reply.error and "not on a path" in reply.text


async def test_help_lists_the_path_commands(app: App) -> None:
    reply = await say(app, "/help")
    for name in ("path list", "path pick", "path show", "path next", "path done", "path leave"):
        assert f"/{name} - " in reply.text
    assert "/admin paths add" not in reply.text
    assert "/admin paths add - " in (await say(app, "/help", admin=True)).text


async def _on_a_path_asking_minutes_and_a_link(app: App) -> None:
    raw = _file()
    raw["milestones"][0]["needs_link"] = True  # and 60 minutes of docker
    tenant = await app.tenants.ensure(app.platform, "T1", "", START)
    await app.paths.catalog.add(tenant.id, json.dumps(raw), START)
    await say(app, "/path pick cloud intern")


async def test_a_milestone_asking_minutes_and_a_link_needs_both(app: App) -> None:
    await _on_a_path_asking_minutes_and_a_link(app)
    early = await say(app, "/path done step-1 link:https://github.com/alice/x")
    assert early.error
    assert "**Step 1** also asks for 60 min of Docker check-ins; you have 0." in early.text
    reply = await say(app, "/checkin docker skills: docker minutes: 60")
    assert "Docker 60 min: 60 of 60 min toward *Step 1*; then /path done with a link" in reply.text
    assert "Milestone reached on Cloud intern: **Step 1**" not in reply.text
    done = await say(app, "/path done step-1 link:https://github.com/alice/x")
    assert done.text.startswith("✅ Done: **Step 1** (milestone 1 of 8).")


async def test_done_with_every_milestone_reached_asks_which_to_add_a_link_to(app: App) -> None:
    await say(app, "/path pick ml engineer")
    for n in range(1, 10):
        await say(app, f"/path done {n}")
    await say(app, "/path done capstone link:https://github.com/alice/model-service")
    reply = await say(app, "/path done")
    assert reply.error
    assert (
        "You reached every milestone of ML engineer intern; name one to add a link." in reply.text
    )


async def test_commands_missing_their_required_option_give_the_usage(app: App) -> None:
    for line in ("/admin paths add", "/admin paths remove"):
        reply = await say(app, line, admin=True)
        assert reply.error and "Usage: " + line in reply.text, line


async def test_a_link_typed_without_its_name_is_taken_as_the_link(app: App) -> None:
    await say(app, "/path pick ml engineer")
    reply = await say(app, "/path done git https://github.com/alice/notes")
    assert reply.text.startswith(
        "✅ Done: **Version your work with Git** (milestone 1 of 10). "
        "Saved your link: https://github.com/alice/notes"
    )


async def test_a_link_typed_without_https_is_taken_as_one(app: App) -> None:
    await say(app, "/path pick ml engineer")
    await say(app, "/path done git link:github.com/me/repo")
    assert "https://github.com/me/repo" in (await say(app, "/path show")).text


async def test_a_bare_link_without_https_after_the_name_is_the_link(app: App) -> None:
    await say(app, "/path pick ml engineer")
    reply = await say(app, "/path done git github.com/alice/notes")
    assert reply.text.startswith("✅ Done: **Version your work with Git**")
    assert "https://github.com/alice/notes" in (await say(app, "/path show")).text


async def test_the_day_a_milestone_was_reached_is_the_members_own(
    app: App, clock: ManualClock
) -> None:
    await say(app, "/profile set timezone:Tokyo")
    await say(app, "/path pick ml engineer")
    clock.set(START.replace(hour=20))  # Monday 20:00 UTC is Tuesday 05:00 in Tokyo
    await say(app, "/path done git")
    assert "reached Tuesday 3 March" in (await say(app, "/path show")).text
    assert (await say(app, "/path done git")).text.endswith("on Tuesday 3 March.")


async def test_pick_without_a_name_lists_the_paths_to_pick_from(app: App) -> None:
    reply = await say(app, "/path pick")
    assert not reply.error
    assert reply.text.startswith("**Learning paths** (pick one with /path pick NAME")
    assert "You are not on a path" in (await say(app, "/path show")).text
