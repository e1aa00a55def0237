"""Words for answers: what a learner answered and what was right, for review screens."""

from __future__ import annotations

import re
from typing import Any

from trainer.content.models import Matching, MultipleChoice, Question, SingleChoice, TrueFalse

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CHINESE = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def _written_in_other_language(text: str, lang: str) -> bool:
    chinese = bool(_CHINESE.search(text))
    return chinese if lang == "en" else bool(_LATIN.search(text)) and not chinese


def _letter(order: list[int], index: int) -> str:
    return LETTERS[order.index(index)] if index in order else "?"


def describe_answer(
    question: Question, order: list[int], answer: Any, lang: str, yes_no: tuple[str, str]
) -> str:
    """The learner's answer in words ('' when unanswered); `yes_no` names true and false."""
    if answer is None or answer == "" or answer == [] or answer == {}:
        return ""
    try:
        if isinstance(question, SingleChoice):
            index = int(answer)
            return f"{_letter(order, index)}. {question.options[index].text.get(lang)}"
        if isinstance(question, MultipleChoice):
            chosen = sorted(
                (int(i) for i in answer), key=lambda i: order.index(i) if i in order else i
            )
            return "; ".join(
                f"{_letter(order, i)}. {question.options[i].text.get(lang)}" for i in chosen
            )
        if isinstance(question, TrueFalse):
            return yes_no[0] if answer is True else yes_no[1]
        if isinstance(question, Matching):
            pairs = sorted((int(left), int(right)) for left, right in dict(answer).items())
            return "; ".join(
                f"{question.pairs[left].left.get(lang)} → {question.rights[right].get(lang)}"
                for left, right in pairs
            )
    except (TypeError, ValueError, IndexError, KeyError):
        return str(answer)
    return str(answer)


def right_answer(question: Question, order: list[int], lang: str, yes_no: tuple[str, str]) -> str:
    """The right answer in words."""
    if isinstance(question, SingleChoice | MultipleChoice):
        # single choice: the options worth the full mark (one worth 50% is not "right");
        # multiple choice: every option of positive weight is part of the right answer
        single = isinstance(question, SingleChoice)
        right = [
            i
            for i, option in enumerate(question.options)
            if option.correct or (option.weight or 0) >= (100 if single else 1e-9)
        ]
        right.sort(key=lambda i: order.index(i) if i in order else i)
        return "; ".join(
            f"{_letter(order, i)}. {question.options[i].text.get(lang)}" for i in right
        )
    if isinstance(question, TrueFalse):
        return yes_no[0] if question.answer else yes_no[1]
    if isinstance(question, Matching):
        return "; ".join(
            f"{pair.left.get(lang)} → {pair.right.get(lang)}" for pair in question.pairs
        )
    if question.type == "short_answer":
        accepted = [item.text for item in question.answers if item.weight == 100]
        # not those written in the other language (numbers belong to both), unless no other
        mine = [text for text in accepted if not _written_in_other_language(text, lang)]
        return " / ".join(mine or accepted)
    return " / ".join(
        f"{item.value:g}" + (f" ± {item.tolerance:g}" if item.tolerance else "")
        for item in question.answers
        if item.weight == 100
    )
