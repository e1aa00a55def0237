"""Marking one answer to one question: a fraction of the question's points, 0.0 to 1.0.

Answers are plain JSON values, as stored on an attempt:

| type         | answer                                              |
| ------------ | --------------------------------------------------- |
| single       | the option's index in the bank file (int)           |
| multiple     | the chosen options' indexes (list of int)           |
| true_false   | true or false                                       |
| short_answer | the text typed                                      |
| numerical    | the number typed (text or number)                   |
| matching     | {left index (as text): right index} for each pair   |

Multiple choice earns partial credit: the options' weights when the bank gives them (GIFT's
`%50%`), otherwise right-minus-wrong over the number of right options, never below 0.
Matching earns the share of pairs matched. Short answers are compared after Unicode NFKC,
trimming and collapsing spaces, and (unless the question says otherwise) ignoring case.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from trainer.content.models import (
    Matching,
    MultipleChoice,
    Numerical,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)


def right_answer_value(question: Question) -> Any:
    """An answer, in stored form, that earns full marks (for demos, previews and tests)."""
    if isinstance(question, SingleChoice):
        return next(index for index, option in enumerate(question.options) if option.correct)
    if isinstance(question, MultipleChoice):
        return [index for index, option in enumerate(question.options) if option.correct]
    if isinstance(question, TrueFalse):
        return question.answer
    if isinstance(question, ShortAnswer):
        return next(item.text for item in question.answers if item.weight == 100)
    if isinstance(question, Numerical):
        return next(item.value for item in question.answers if item.weight == 100)
    return {str(index): index for index in range(len(question.pairs))}


def mark(question: Question, answer: Any) -> float:
    """The fraction of `question`'s points that `answer` earns; an unanswered one earns 0."""
    if answer is None:
        return 0.0
    try:
        if isinstance(question, SingleChoice):
            return _single(question, answer)
        if isinstance(question, MultipleChoice):
            return _multiple(question, answer)
        if isinstance(question, TrueFalse):
            return 1.0 if answer is question.answer else 0.0
        if isinstance(question, ShortAnswer):
            return _short(question, str(answer))
        if isinstance(question, Numerical):
            return _numerical(question, answer)
        return _matching(question, answer)
    except (TypeError, ValueError, IndexError, KeyError, AttributeError):
        return 0.0  # a stored answer of the wrong shape earns nothing, never a crash


def _single(question: SingleChoice, answer: Any) -> float:
    option = question.options[int(answer)]
    if option.weight is not None:
        return max(0.0, min(1.0, option.weight / 100))
    return 1.0 if option.correct else 0.0


def _multiple(question: MultipleChoice, answer: Any) -> float:
    chosen = {int(index) for index in answer}
    if any(option.weight is not None for option in question.options):
        total = sum((question.options[index].weight or 0) for index in chosen)
        return max(0.0, min(1.0, total / 100))
    right = {index for index, option in enumerate(question.options) if option.correct}
    earned = len(chosen & right) - len(chosen - right)
    return max(0.0, earned / len(right))


def normalise_text(text: str, case_sensitive: bool = False) -> str:
    """NFKC (full-width to half-width), trimmed, inner spaces collapsed, case folded."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()
    return text if case_sensitive else text.casefold()


def _short(question: ShortAnswer, answer: str) -> float:
    given = normalise_text(answer, question.case_sensitive)
    if not given:
        return 0.0
    weights = [
        item.weight
        for item in question.answers
        if normalise_text(item.text, question.case_sensitive) == given
    ]
    return max(weights, default=0.0) / 100


def parse_number(value: Any) -> float:
    """A number from what was typed: full-width digits and a decimal comma are accepted."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        number = float(unicodedata.normalize("NFKC", str(value)).strip().replace(",", "."))
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def _numerical(question: Numerical, answer: Any) -> float:
    number = parse_number(answer)
    weights = [
        item.weight
        for item in question.answers
        if abs(number - item.value) <= item.tolerance + 1e-9
    ]
    return max(weights, default=0.0) / 100


def _matching(question: Matching, answer: Any) -> float:
    pairs = len(question.pairs)
    right = sum(1 for left, chosen in dict(answer).items() if int(left) == int(chosen))
    return min(right, pairs) / pairs
