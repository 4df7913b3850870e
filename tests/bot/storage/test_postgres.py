"""The PostgreSQL backend's parameter translation and URL redaction (no server needed)."""

from __future__ import annotations

import pytest

from bot.storage.postgres import bind, redacted, translate


def test_each_question_mark_becomes_the_next_numbered_parameter() -> None:
    query = translate("SELECT * FROM t WHERE a = ? AND b IN (?, ?)")
    assert query.sql == "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)"
    assert bind(query, (1, 2, 3)) == [1, 2, 3]


def test_a_name_used_twice_is_one_parameter() -> None:
    query = translate("SELECT :t AS x WHERE y = :since OR z = :t")
    assert query.sql == "SELECT $1 AS x WHERE y = $2 OR z = $1"
    assert bind(query, {"since": "2026", "t": 7}) == [7, "2026"]


def test_strings_comments_and_casts_are_left_alone() -> None:
    sql = (
        "SELECT 'it''s ? or :no', \"col?\", x::text -- what? :not\n"
        "FROM t /* ? :neither */ WHERE k = ?"
    )
    assert translate(sql).sql == sql.replace("k = ?", "k = $1")


def test_mixing_both_kinds_is_refused() -> None:
    with pytest.raises(ValueError, match="mixes"):
        translate("SELECT ? WHERE a = :a")


def test_values_must_match_the_kind_of_parameters() -> None:
    with pytest.raises(TypeError):
        bind(translate("SELECT ?"), {"a": 1})
    with pytest.raises(TypeError):
        bind(translate("SELECT :a"), (1,))


def test_a_url_is_shown_without_its_password() -> None:
    assert (
        redacted("postgresql://bot:s3cret@db.internal:5433/studybot")
        == "postgresql://bot@db.internal:5433/studybot"
    )
    assert redacted("postgresql://db/studybot") == "postgresql://db/studybot"
