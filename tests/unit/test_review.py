"""The right answer in words, as the review screen shows it."""

from __future__ import annotations

from pydantic import TypeAdapter

from trainer.content.models import Question
from trainer.services.review import right_answer

QUESTION: TypeAdapter[Question] = TypeAdapter(Question)
YES_NO = ("yes", "no")


def test_a_short_answer_shows_the_answers_written_in_the_readers_language() -> None:
    question = QUESTION.validate_python(
        {
            "id": "q",
            "category": "c",
            "stem": "S",
            "type": "short_answer",
            "answers": [
                {"text": "最新公告"},
                {"text": "latest notices"},
                {"text": "x", "weight": 50},
            ],
        }
    )
    assert right_answer(question, [], "zh", YES_NO) == "最新公告"
    assert right_answer(question, [], "en", YES_NO) == "latest notices"


def test_numbers_belong_to_both_languages() -> None:
    question = QUESTION.validate_python(
        {
            "id": "q",
            "category": "c",
            "stem": "S",
            "type": "short_answer",
            "answers": [{"text": "24"}, {"text": "二十四"}, {"text": "24 hours"}],
        }
    )
    assert right_answer(question, [], "zh", YES_NO) == "24 / 二十四"
    assert right_answer(question, [], "en", YES_NO) == "24 / 24 hours"


def test_answers_in_one_language_only_are_shown_to_everyone() -> None:
    question = QUESTION.validate_python(
        {
            "id": "q",
            "category": "c",
            "stem": "S",
            "type": "short_answer",
            "answers": [{"text": "24"}],
        }
    )
    assert right_answer(question, [], "zh", YES_NO) == "24"
    assert right_answer(question, [], "en", YES_NO) == "24"
