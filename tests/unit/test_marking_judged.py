"""Typed answers marked as an examiner would: the judged table in tests/data/marking/.

Each case names a bundled question, what a learner typed, the share of marks an examiner
gives and why. Marking must agree with every case, the ones that must stay wrong included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from trainer.content import load_library
from trainer.content.models import Question
from trainer.locations import bundled_content_root
from trainer.services.marking import mark, number_in

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "marking" / "judged.yaml").read_text("utf-8")
)
LIBRARY = load_library([bundled_content_root()])


def bundled(key: str) -> Question:
    bank_id, question_id = key.split(":")
    bank = LIBRARY.bank(bank_id)
    assert bank is not None, bank_id
    return next(question for question in bank.questions if question.id == question_id)


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{case['question']} {case['answer']}" for case in CASES]
)
def test_marking_agrees_with_the_examiner(case: dict[str, Any]) -> None:
    earned = mark(bundled(case["question"]), case["answer"])
    assert earned == pytest.approx(case["marks"]), case["why"]


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("24", 24.0),
        ("24小时", 24.0),
        ("10%", 10.0),
        ("3天", 3.0),
        ("二十四", 24.0),
        ("十", 10.0),
        ("三点五", 3.5),
        ("-2", -2.0),
        ("48,5", 48.5),
        ("1,000,000", 1_000_000.0),
        ("abc", None),
        ("24小时以后", None),
        ("不是10", None),
        ("", None),
    ],
)
def test_the_number_a_typed_answer_gives(typed: str, number: float | None) -> None:
    assert number_in(typed) == number
