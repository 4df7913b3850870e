"""The built-in paths and a community's own: looked up as people type them."""

from __future__ import annotations

import json

import pytest

from bot.app import App
from bot.paths.catalog import PathLookupError, find_milestone, load_builtin
from bot.paths.fileformat import PathFileError
from bot.skills import SkillCatalogue
from tests.bot.paths.test_fileformat import _file
from tests.helpers import START


async def _tenant_id(app: App, external_id: str = "T1") -> int:
    return (await app.tenants.ensure("test", external_id, "", START)).id


def test_every_built_in_path_ends_in_a_capstone_that_asks_for_a_repository() -> None:
    paths = load_builtin(SkillCatalogue.load())
    assert {p.id for p in paths} == {"ml-engineer-intern", "data-engineer-intern", "backend-basics"}
    for path in paths:
        last = path.milestones[-1]
        assert last.capstone and last.needs_link, path.id
        assert all(r.url.startswith("https://") for m in path.milestones for r in m.resources)


def test_the_ml_engineer_path_covers_what_internships_ask_for() -> None:
    (ml,) = [p for p in load_builtin(SkillCatalogue.load()) if p.id == "ml-engineer-intern"]
    skills = {s for m in ml.milestones for s in m.skills}
    assert {"git", "packaging", "sql", "rest-apis", "docker", "ci-cd", "cloud-basics"} <= skills
    assert "monitoring" in skills


@pytest.mark.parametrize(
    "typed", ["ml engineer", "ML-engineer-intern", "ml_engineer_intern", "  ML Engineer Intern "]
)
async def test_a_path_is_found_by_name_id_or_a_unique_start(app: App, typed: str) -> None:
    path = await app.paths.catalog.find(await _tenant_id(app), typed)
    assert path.id == "ml-engineer-intern"


async def test_an_ambiguous_start_asks_which(app: App) -> None:
    tenant_id = await _tenant_id(app)
    raw = _file()
    raw.update(id="data-analyst", name="Data analyst")
    await app.paths.catalog.add(tenant_id, json.dumps(raw), START)
    with pytest.raises(
        PathLookupError, match=r"'data' could be Data engineer intern .* or Data analyst"
    ):
        await app.paths.catalog.find(tenant_id, "data")


async def test_an_unknown_name_lists_the_choices(app: App) -> None:
    with pytest.raises(
        PathLookupError, match=r"There is no path 'cooking'\. The paths: .*ML engineer intern"
    ):
        await app.paths.catalog.find(await _tenant_id(app), "cooking")


async def test_a_communitys_path_is_its_own(app: App) -> None:
    mine, other = await _tenant_id(app, "T1"), await _tenant_id(app, "T2")
    await app.paths.catalog.add(mine, json.dumps(_file()), START)
    assert await app.paths.catalog.get(mine, "Cloud Intern") is not None
    assert await app.paths.catalog.get(other, "cloud-intern") is None


async def test_a_built_in_id_or_name_cannot_be_taken(app: App) -> None:
    raw = _file()
    raw["name"] = "ML engineer intern"
    with pytest.raises(PathFileError, match="is a built-in path"):
        await app.paths.catalog.add(await _tenant_id(app), json.dumps(raw), START)


def test_a_milestone_is_found_by_number_id_title_or_start() -> None:
    (ml,) = [p for p in load_builtin(SkillCatalogue.load()) if p.id == "ml-engineer-intern"]
    for typed in ("6", "docker", "Containerise your model", "containerise"):
        assert find_milestone(ml, typed).id == "docker"
    with pytest.raises(PathLookupError, match="could be"):
        find_milestone(ml, "c")  # ci, cloud-deploy, capstone
    with pytest.raises(PathLookupError, match="has no milestone '11'"):
        find_milestone(ml, "11")


async def test_two_community_paths_cannot_share_a_name(app: App) -> None:
    tenant_id = await _tenant_id(app)
    await app.paths.catalog.add(tenant_id, json.dumps(_file()), START)
    raw = _file()
    raw["id"] = "cloud-intern-2"
    with pytest.raises(PathFileError, match="path cloud-intern is named Cloud intern already"):
        await app.paths.catalog.add(tenant_id, json.dumps(raw), START)
