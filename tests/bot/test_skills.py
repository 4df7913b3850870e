"""The skill catalogue: what `/skills NAME` finds and which spellings it lists."""

from __future__ import annotations

import pytest

from bot.skills import SkillCatalogue

CATALOGUE = SkillCatalogue.load()


@pytest.mark.parametrize("text", ["kubernetes", "K8S", "Kubernetes", "kube", " helm "])
def test_find_takes_an_id_a_name_an_alias_or_a_unique_prefix(text: str) -> None:
    assert CATALOGUE.find(text).id == "kubernetes"


def test_find_prefers_an_exact_spelling_to_a_longer_one_it_starts() -> None:
    # "ci" is an alias of CI/CD and the start of "cicd" and "cli": exact wins
    assert CATALOGUE.find("ci").id == "ci-cd"


def test_find_names_the_candidates_of_a_shared_prefix() -> None:
    with pytest.raises(ValueError, match=r"could be .*data-engineering.*Type more"):
        CATALOGUE.find("dat")


def test_find_suggests_the_skill_a_typo_meant() -> None:
    with pytest.raises(ValueError, match=r"Unknown skill 'dokcer'\. Did you mean docker\?"):
        CATALOGUE.find("dokcer")


def test_every_spelling_listed_resolves_to_its_skill() -> None:
    for skill in CATALOGUE.skills.values():
        for spelling in CATALOGUE.spellings(skill):
            assert CATALOGUE.resolve(spelling) == skill.id, spelling


def test_spellings_list_the_name_once_and_leave_out_the_id() -> None:
    ab = CATALOGUE.skills["ab-testing"]  # name "A/B testing" and alias "a/b-testing" are one
    assert CATALOGUE.spellings(ab) == ("A/B testing", "experimentation", "experiments")
    assert CATALOGUE.spellings(CATALOGUE.skills["python"]) == ("py", "python3")
