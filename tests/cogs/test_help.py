"""/help and /skills: what the bot reads, listed from the declarations and the catalogue."""

from __future__ import annotations

from bot.app import App
from tests.helpers import say


async def test_help_for_a_command_lists_the_aliases_of_its_options(app: App) -> None:
    reply = await say(app, "/help profile set")
    assert "timezone (optional, also tz, zone, time_zone):" in reply.text


async def test_skills_lists_every_skill_with_every_alias_in_the_details(app: App) -> None:
    reply = await say(app, "/skills")
    assert reply.details is not None
    lines = reply.details.splitlines()
    assert len(lines) == len(app.skills.skills)
    assert "sql: postgres, postgresql, mysql, sqlite, databases" in lines
    assert "linux: Linux & shell, bash, shell, unix, cli" in lines


async def test_skills_keeps_its_message_within_one_discord_message(app: App) -> None:
    reply = await say(app, "/skills")
    assert len(reply.text) < 500


async def test_skills_name_finds_a_skill_by_alias_in_any_case(app: App) -> None:
    reply = await say(app, "/skills POSTGRES")
    assert reply.text.startswith("**SQL** (id: sql)\n")
    assert (
        "Also accepted, in any case: postgres, postgresql, mysql, sqlite, databases" in reply.text
    )


async def test_skills_name_finds_a_skill_by_a_unique_prefix(app: App) -> None:
    reply = await say(app, "/skills kube")
    assert reply.text.startswith("**Kubernetes** (id: kubernetes)")


async def test_skills_name_with_a_shared_prefix_lists_the_candidates(app: App) -> None:
    reply = await say(app, "/skills dat")
    assert reply.error and "could be" in reply.text and "data-engineering" in reply.text
    assert "Usage: /skills" in reply.text


async def test_skills_name_with_a_typo_asks_did_you_mean(app: App) -> None:
    reply = await say(app, "/skills dokcer")
    assert reply.error and "Did you mean docker?" in reply.text
    assert "Usage: /skills" in reply.text


async def test_skills_name_counts_the_members_here_who_know_and_learn_it(app: App) -> None:
    await say(app, "/profile set knows:docker", user="alice")
    await say(app, "/profile set knows:docker learning:sql", user="bob")
    await say(app, "/profile set learning:docker", user="carol")
    await say(app, "/profile set knows:docker", user="dan", tenant="T2")
    reply = await say(app, "/skills docker")
    assert "Members here who know it: 2; who are learning it: 1." in reply.text
