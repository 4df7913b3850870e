"""The digest's learning-path section: counts, the week's milestones, projects and reviewers."""

from __future__ import annotations

from bot.digest import PathCount, PathWeek
from bot.digest.content import build
from tests.bot.digest.test_content import CATALOGUE, week_data

ON_PATH = PathCount("Data engineer intern", 3, (("SQL", 2), ("Docker", 0), ("Capstone", 1)))


def details(paths: PathWeek, **overrides: object) -> str:
    digest = build(week_data(paths=paths, **overrides), CATALOGUE)
    assert digest.details is not None
    return digest.details


def test_no_path_activity_means_no_section_and_no_headline_line() -> None:
    digest = build(week_data(), CATALOGUE)
    assert "Learning paths" not in digest.headline
    assert digest.details is not None and "Learning paths" not in digest.details


def test_members_per_path_and_milestone_are_counts_without_names() -> None:
    text = details(PathWeek(on_paths=(ON_PATH,)))
    assert "🧭 Data engineer intern, 3 members: SQL 2 · Capstone 1" in text
    assert "Docker" not in text  # a milestone nobody is on is not listed


def test_members_who_finished_a_path_are_counted() -> None:
    done = PathCount("Backend basics", 2, (("Shell", 1),), finished=1)
    assert "Backend basics, 2 members: Shell 1 · finished 1" in details(PathWeek(on_paths=(done,)))


def test_milestones_reached_this_week_celebrate_each_member_once_by_name() -> None:
    week = PathWeek(reached=((1, "SQL"), (2, "Docker"), (1, "Docker")))
    digest = build(week_data(paths=week), CATALOGUE)
    assert "🎯 Milestones reached: Ana (SQL, Docker) and Ben (Docker). Well done!" in str(
        digest.details
    )
    assert "🧭 Learning paths: 3 milestones reached" in digest.headline


def test_projects_reviews_and_reviewers_are_thanked_by_name() -> None:
    text = details(PathWeek(submitted=(3,), reviewed=2, reviewers=(4, 5)))
    assert "🚀 Projects submitted for peer review: Chen" in text
    assert "📝 2 projects got a peer review this week." in text
    assert "🙏 Thank you for reviewing, Dara and Eli!" in text


def test_members_who_left_are_not_named() -> None:
    names = {1: "Ana"}  # 2 left since
    week = PathWeek(reached=((2, "SQL"),), submitted=(2,), reviewers=(2,), reviewed=1)
    digest = build(week_data(paths=week, names=names), CATALOGUE)
    text = str(digest.details)
    assert "Milestones reached" not in text and "submitted" not in text
    assert "Thank you for reviewing" not in text and "1 project got a peer review" in text
    assert "Learning paths:" not in digest.headline


def test_path_and_milestone_names_cannot_format_the_post() -> None:
    odd = PathCount("**Hack** path", 1, (("[link](https://x.y)", 1),))
    text = details(PathWeek(on_paths=(odd,)))
    assert "\\*\\*Hack\\*\\* path" in text and "\\[link\\]\\(https://x.y\\)" in text
