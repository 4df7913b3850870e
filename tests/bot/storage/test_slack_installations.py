"""Slack installs keyed by workspace, and one-time OAuth states that expire."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import ManualClock
from bot.storage.slack_installations import SlackInstallationRepo, StoredInstallation


def _installation(team_id: str, token: str, clock: ManualClock) -> StoredInstallation:
    return StoredInstallation(
        team_id=team_id,
        enterprise_id=None,
        team_name=f"Team {team_id}",
        app_id="A1",
        bot_token=token,
        bot_id="B1",
        bot_user_id="UBOT",
        bot_scopes="chat:write,commands",
        installed_at=clock.now(),
    )


async def test_an_installation_is_found_by_its_workspace(app: App, clock: ManualClock) -> None:
    repo = SlackInstallationRepo(app.db)
    await repo.save(_installation("T1", "xoxb-one", clock))
    await repo.save(_installation("T2", "xoxb-two", clock))
    found = await repo.find("T1")
    assert found == _installation("T1", "xoxb-one", clock)
    assert await repo.find("T3") is None


async def test_a_reinstall_replaces_the_token(app: App, clock: ManualClock) -> None:
    repo = SlackInstallationRepo(app.db)
    await repo.save(_installation("T1", "xoxb-old", clock))
    await repo.save(_installation("T1", "xoxb-new", clock))
    found = await repo.find("T1")
    assert found is not None and found.bot_token == "xoxb-new"


async def test_a_deleted_installation_is_gone(app: App, clock: ManualClock) -> None:
    repo = SlackInstallationRepo(app.db)
    await repo.save(_installation("T1", "xoxb-one", clock))
    assert await repo.delete("T1")
    assert await repo.find("T1") is None
    assert not await repo.delete("T1")


async def test_the_token_is_not_in_the_repr(clock: ManualClock) -> None:
    assert "xoxb-secret" not in repr(_installation("T1", "xoxb-secret", clock))


async def test_a_state_is_consumed_once(app: App, clock: ManualClock) -> None:
    repo = SlackInstallationRepo(app.db)
    await repo.issue_state("s1", clock.now() + timedelta(minutes=10))
    assert await repo.consume_state("s1", clock.now())
    assert not await repo.consume_state("s1", clock.now())


async def test_an_expired_state_is_refused(app: App, clock: ManualClock) -> None:
    repo = SlackInstallationRepo(app.db)
    await repo.issue_state("s1", clock.now() + timedelta(minutes=10))
    assert not await repo.consume_state("s1", clock.now() + timedelta(minutes=10))


async def test_an_unknown_state_is_refused(app: App, clock: ManualClock) -> None:
    assert not await SlackInstallationRepo(app.db).consume_state("nope", clock.now())
