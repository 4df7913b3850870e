"""A member's buddy data in /privacy export and /privacy delete."""

from __future__ import annotations

from bot.app import App
from tests.cogs.buddies.scenario import enrol, member
from tests.helpers import say


async def test_export_and_erase_cover_groups_blocks_and_settings(app: App) -> None:
    await enrol(app, "alice", "bob", "carol", "dan")
    await say(app, "/buddy block user:@carol")
    await say(app, "/buddy unblock user:@carol")
    await say(app, "/buddy block user:@carol")
    await say(app, "/admin match now", "olga", admin=True)
    (provider,) = [p for p in app.personal_data.providers if p.name == "buddies"]
    alice, tenant = await member(app, "alice"), await app.tenants.find(app.platform, "T1")
    assert tenant is not None
    data = await provider.export(tenant, alice)
    assert data["blocked"] == ["Carol"] and data["settings"]["status"] == "active"
    (partner,) = data["groups"][0]["partners"]
    assert partner in ("Bob", "Dan")
    async with app.db.transaction() as tx:
        assert await provider.erase(tx, tenant, alice) > 0
    assert (await provider.export(tenant, alice)) == {
        "settings": None,
        "blocked": [],
        "groups": [],
        "presence": None,
        "rounds_not_grouped": [],
        "receives_round_reports_since": None,
    }
    history = await say(app, "/buddy history", user=partner.lower())
    assert "a former member" in history.text and "Alice" not in history.text


async def test_export_lists_rounds_that_did_not_group_you_and_the_reports_you_receive(
    app: App,
) -> None:
    await enrol(app, "alice", "bob", "carol")
    await say(app, "/buddy block user:@bob", user="carol")
    await say(app, "/buddy block user:@alice", user="carol")
    await say(app, "/admin match now", "olga", admin=True)  # carol blocked everyone else
    (provider,) = [p for p in app.personal_data.providers if p.name == "buddies"]
    tenant = await app.tenants.find(app.platform, "T1")
    assert tenant is not None
    carol = await provider.export(tenant, await member(app, "carol"))
    assert carol["rounds_not_grouped"] == [{"round": 1, "why": "waiting"}]
    assert carol["receives_round_reports_since"] is None
    olga = await provider.export(tenant, await member(app, "olga"))
    assert olga["receives_round_reports_since"] is not None
    async with app.db.transaction() as tx:
        await provider.erase(tx, tenant, await member(app, "carol"))
    assert (await provider.export(tenant, await member(app, "carol")))["rounds_not_grouped"] == []
