"""Marking every question type, partial credit and its edges included."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from trainer.content.models import Question
from trainer.services.marking import mark, normalise_text, parse_number

QUESTION: TypeAdapter[Question] = TypeAdapter(Question)


def q(**fields: Any) -> Question:
    return QUESTION.validate_python({"id": "q", "category": "c", "stem": "S", **fields})


def opts(*flags: bool) -> list[dict[str, Any]]:
    return [{"text": f"o{n}", "correct": flag} for n, flag in enumerate(flags)]


SINGLE = q(type="single", options=opts(False, True, False))
MULTIPLE = q(type="multiple", options=opts(True, True, False, False))
WEIGHTED = q(
    type="multiple",
    options=[
        {"text": "a", "weight": 50},
        {"text": "b", "weight": 50},
        {"text": "c", "weight": -100},
    ],
)


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [
        (SINGLE, 1, 1.0),
        (SINGLE, 0, 0.0),
        (SINGLE, None, 0.0),
        (SINGLE, 9, 0.0),  # an index that does not exist
        (SINGLE, "x", 0.0),
        (MULTIPLE, [0, 1], 1.0),
        (MULTIPLE, [0], 0.5),
        (MULTIPLE, [0, 2], 0.0),  # one right, one wrong: (1 - 1) / 2
        (MULTIPLE, [0, 1, 2], 0.5),
        (MULTIPLE, [2, 3], 0.0),  # never below zero
        (MULTIPLE, [0, 1, 2, 3], 0.0),  # ticking everything earns nothing
        (MULTIPLE, [], 0.0),
        (WEIGHTED, [0], 0.5),
        (WEIGHTED, [0, 1], 1.0),
        (WEIGHTED, [0, 1, 2], 0.0),
        (WEIGHTED, [2], 0.0),
        (q(type="true_false", answer=False), False, 1.0),
        (q(type="true_false", answer=False), True, 0.0),
        (q(type="true_false", answer=False), "false", 0.0),  # a string is not a boolean
    ],
)
def test_choice_questions(question: Question, answer: Any, expected: float) -> None:
    assert mark(question, answer) == pytest.approx(expected)


SHORT = q(
    type="short_answer",
    answers=[
        {"text": "我帮您查询一下", "weight": 100},
        {"text": "Let me check", "weight": 100},
        {"text": "check", "weight": 50},
    ],
)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("我帮您查询一下", 1.0),
        ("  let   ME check ", 1.0),
        ("ＬＥＴ ｍｅ ｃｈｅｃｋ", 1.0),  # full-width letters
        ("check", 0.5),
        ("checking", 0.0),
        ("", 0.0),
    ],
)
def test_short_answer(answer: str, expected: float) -> None:
    assert mark(SHORT, answer) == pytest.approx(expected)


def test_short_answer_case_sensitive() -> None:
    question = q(type="short_answer", answers=[{"text": "CSAT"}], case_sensitive=True)
    assert mark(question, "CSAT") == 1.0
    assert mark(question, "csat") == 0.0


def test_a_unit_after_a_number_must_be_the_one_the_question_asks_in() -> None:
    # the right answer names its unit: the same number in that unit, or bare, is right
    with_unit = q(type="short_answer", answers=[{"text": "24小时"}])
    for right in ("24小时", "24", "24 hours", "二十四个小时"):
        assert mark(with_unit, right) == 1.0, right
    for wrong in ("24天", "24 days", "24分钟"):
        assert mark(with_unit, wrong) == 0.0, wrong
    # a bare right answer: the question's own words say which unit it asks in
    asked = q(
        type="short_answer",
        stem={"zh": "多少小时内回访？", "en": "Within how many hours?"},
        answers=[{"text": "24"}],
    )
    assert mark(asked, "24小时") == 1.0 and mark(asked, "24天") == 0.0
    numerical = q(type="numerical", stem="几天内退款？", answers=[{"value": 3}])
    assert mark(numerical, "3天") == 1.0 and mark(numerical, "3小时") == 0.0
    assert mark(numerical, "3") == 1.0
    # a question that names no unit cannot tell one from another
    assert mark(q(type="numerical", answers=[{"value": 3}]), "3天") == 1.0


NUMERICAL = q(
    type="numerical", answers=[{"value": 24}, {"value": 48, "tolerance": 1, "weight": 50}]
)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (24, 1.0),
        ("24", 1.0),
        ("２４", 1.0),
        ("24.0", 1.0),
        (47, 0.5),
        ("48,5", 0.5),
        (25, 0.0),
        ("nan", 0.0),
        ("", 0.0),
        (True, 0.0),
    ],
)
def test_numerical(answer: Any, expected: float) -> None:
    assert mark(NUMERICAL, answer) == pytest.approx(expected)


MATCHING = q(type="matching", pairs=[{"left": f"l{n}", "right": f"r{n}"} for n in range(4)])


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"0": 0, "1": 1, "2": 2, "3": 3}, 1.0),
        ({"0": 0, "1": 1, "2": 3, "3": 2}, 0.5),
        ({"0": 1}, 0.0),
        ({"0": 0}, 0.25),
        ({}, 0.0),
        ([1, 2], 0.0),
    ],
)
def test_matching(answer: Any, expected: float) -> None:
    assert mark(MATCHING, answer) == pytest.approx(expected)


def test_helpers() -> None:
    assert normalise_text("  Ａ  b ") == "a b"
    assert parse_number("３.５") == 3.5
    with pytest.raises(ValueError):
        parse_number("inf")
