"""The path file format's checks: each problem says where it is and what would be right."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bot.paths.fileformat import PathFileError, parse_path_file, typed_link, web_link
from bot.skills import SkillCatalogue

SKILLS = SkillCatalogue.load()


def _milestone(n: int) -> dict[str, Any]:
    return {
        "id": f"step-{n}",
        "title": f"Step {n}",
        "skills": ["docker"],
        "task": "Build something you can show.",
        "minutes": 60,
        "resources": [{"title": "Docker docs", "url": "https://docs.docker.com/"}],
    }


def _file(count: int = 8) -> dict[str, Any]:
    return {
        "id": "cloud-intern",
        "name": "Cloud intern",
        "role": "Cloud engineering intern",
        "summary": "Containers and a deploy.",
        "milestones": [_milestone(n) for n in range(1, count + 1)],
    }


def _problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(PathFileError) as caught:
        parse_path_file(json.dumps(raw), SKILLS)
    return caught.value.problems


def test_a_valid_file_becomes_a_path_with_its_skills_resolved() -> None:
    raw = _file()
    raw["milestones"][0]["skills"] = ["Containers", "k8s"]
    path = parse_path_file(json.dumps(raw), SKILLS)
    assert path.id == "cloud-intern" and len(path.milestones) == 8
    assert path.milestones[0].skills == ("docker", "kubernetes")
    assert path.milestones[0].needs_link is False and path.milestones[0].capstone is False


def test_an_unknown_skill_names_its_milestone_and_the_nearest_skill() -> None:
    raw = _file()
    raw["milestones"][2]["skills"] = ["dokcer"]
    assert _problems(raw) == ["milestone 3 (step-3): Unknown skill 'dokcer'. Did you mean docker?"]


def test_a_duplicate_milestone_id_names_both_places() -> None:
    raw = _file()
    raw["milestones"][4]["id"] = "step-2"
    assert _problems(raw) == ["milestone 5 (step-2): duplicate milestone id; milestone 2 has it"]


def test_a_missing_field_is_named() -> None:
    raw = _file()
    del raw["milestones"][0]["task"]
    del raw["summary"]
    assert _problems(raw) == [
        "missing field 'summary'",
        "milestone 1 (step-1): missing field 'task'",
    ]


def test_an_unknown_field_suggests_the_nearest_known_one() -> None:
    raw = _file()
    raw["milestones"][1]["minuts"] = 30
    assert _problems(raw) == [
        "milestone 2 (step-2): unknown field 'minuts'. Did you mean 'minutes'?"
    ]


@pytest.mark.parametrize("minutes", [0, -5, 2.5, "90", True, 100 * 60 + 1])
def test_minutes_must_be_a_positive_whole_number(minutes: object) -> None:
    raw = _file()
    raw["milestones"][0]["minutes"] = minutes
    (problem,) = _problems(raw)
    assert problem.startswith("milestone 1 (step-1): minutes must be a positive whole number")


def test_a_wrong_type_says_what_was_found() -> None:
    raw = _file()
    raw["milestones"][0]["needs_link"] = "yes"
    raw["name"] = 7
    assert _problems(raw) == [
        "the path: name must be text, not the number 7",
        "milestone 1 (step-1): needs_link must be true or false, not the text 'yes'",
    ]


@pytest.mark.parametrize("count", [7, 13])
def test_too_few_or_too_many_milestones(count: int) -> None:
    assert _problems(_file(count)) == [f"the path: a path has 8 to 12 milestones, not {count}"]


@pytest.mark.parametrize(
    "url", ["docs.docker.com", "ftp://docs.docker.com", "https://", "https://localhost/x"]
)
def test_a_bad_resource_url_names_the_resource(url: str) -> None:
    raw = _file()
    raw["milestones"][3]["resources"][0]["url"] = url
    (problem,) = _problems(raw)
    assert problem.startswith("milestone 4 (step-4), resource 1: ")


def test_resources_are_one_to_three() -> None:
    raw = _file()
    raw["milestones"][0]["resources"] = []
    raw["milestones"][1]["resources"] = raw["milestones"][1]["resources"] * 4
    assert _problems(raw) == [
        "milestone 1 (step-1): resources must be a list of 1 to 3 links",
        "milestone 2 (step-2): resources must be a list of 1 to 3 links",
    ]


def test_a_milestone_must_say_when_it_is_reached() -> None:
    raw = _file()
    del raw["milestones"][0]["minutes"]
    assert _problems(raw) == [
        "milestone 1 (step-1): say when it counts as reached: minutes, needs_link: true, or both"
    ]


def test_the_capstone_is_the_last_milestone_and_asks_for_a_link() -> None:
    raw = _file()
    raw["milestones"][2]["capstone"] = True
    raw["milestones"][2]["needs_link"] = True
    raw["milestones"][7]["capstone"] = True
    assert _problems(raw) == [
        "milestone 8 (step-8): a capstone asks for a link to the project: add needs_link: true",
        "only one milestone may be the capstone; [3, 8] are",
    ]
    single = _file()
    single["milestones"][2].update(capstone=True, needs_link=True)
    assert _problems(single) == ["milestone 3: the capstone must be the last milestone"]


def test_a_bad_id_is_explained() -> None:
    raw = _file()
    raw["id"] = "Cloud Intern!"
    (problem,) = _problems(raw)
    assert problem.startswith("the path: id must be lower-case letters, digits and hyphens")


def test_invalid_json_says_where() -> None:
    with pytest.raises(PathFileError) as caught:
        parse_path_file('{"id": "x",\n  "name": }', SKILLS)
    assert caught.value.problems == ["line 2, column 11: not valid JSON (Expecting value)"]


def test_a_file_that_is_no_object_is_refused() -> None:
    with pytest.raises(PathFileError) as caught:
        parse_path_file("[1, 2]", SKILLS)
    assert caught.value.problems == ["a path file must be an object {...}, not a list"]


def test_every_problem_is_reported_up_to_a_dozen_in_the_message() -> None:
    raw = _file(12)
    for m in raw["milestones"]:
        m["skills"] = ["nope"]
    with pytest.raises(PathFileError) as caught:
        parse_path_file(json.dumps(raw), SKILLS)
    assert len(caught.value.problems) == 12
    assert str(caught.value).count("\n- ") == 12
    broken = copy.deepcopy(raw)
    broken["milestones"][0]["title"] = ""
    with pytest.raises(PathFileError) as more:
        parse_path_file(json.dumps(broken), SKILLS)
    assert str(more.value).endswith("- ... and 1 more")


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("https://github.com/me/project", True),
        ("  http://example.org/a?b=c  ", True),
        ("github.com/me/project", False),
        ("https://exa mple.org", False),
        ("javascript:alert(1)", False),
    ],
)
def test_web_link_accepts_http_links_with_a_domain(text: str, ok: bool) -> None:
    if ok:
        assert web_link(text) == text.strip()
    else:
        with pytest.raises(ValueError):
            web_link(text)


@pytest.mark.parametrize(
    ("typed", "link"),
    [
        ("github.com/me/project", "https://github.com/me/project"),
        ("<https://github.com/me/project>", "https://github.com/me/project"),
        ("http://example.org", "http://example.org"),
    ],
)
def test_a_typed_link_without_its_scheme_is_https(typed: str, link: str) -> None:
    assert typed_link(typed) == link


def test_a_typed_word_is_no_link() -> None:
    with pytest.raises(ValueError, match="is not a web link"):
        typed_link("myrepo")
