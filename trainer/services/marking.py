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
Matching earns the share of pairs matched.

Typed answers are read the way an examiner reads them: full-width or half-width, upper or
lower case (unless the question says otherwise), with or without a full stop or spaces, in
digits or in Chinese numerals (二十四 is 24), and a number may carry its unit (`24小时`,
`10%`) when that is the unit asked for: the right answer's own unit when it names one, else
one the question's text asks in ("多少小时", "how many rings"); `24天` is not 24 hours.
A short answer earns an answer's weight when it reads the same as its `text` or one of its
`accept` wordings, or matches one of its `patterns` whole. Nothing else is loosened:
"不是最新公告" is not "最新公告", and 100 is not 10.
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
from trainer.numbers import chinese_numeral_value


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


# Punctuation never decides an answer ("最新公告。" is "最新公告"), except the signs that are
# part of a number or a quantity: a percent sign, and a point or comma between two digits.
_KEPT_PUNCTUATION = frozenset("%‰")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_BESIDE_CJK = re.compile(rf"(?<=[{_CJK}]) | (?=[{_CJK}])")

# A Chinese numeral starts with a digit or 十 (十五 is 15), so 万, 千 or 百 alone stay words.
# A digit inside a word (一下, 统一) turns into a digit too; the bank's wording and the
# learner's are read alike, so this never tells two answers apart that were the same.
_CHINESE_NUMERAL = re.compile(
    r"[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
    r"(?:点[零〇一二两三四五六七八九]+)?"
)
_PERCENT_WORDS = re.compile(r"百分之\s*([0-9.]+)")

# The units an examiner lets follow a number ("24小时", "10%", "3 rings"), each with the one
# unit it means, and the words that keep the number's meaning ("24小时内", "10%以下"). A number
# followed by anything else is not that number: "24小时以后", "不是10".
_UNIT_MEANINGS: dict[str, tuple[str, ...]] = {
    "%": ("%", "percent", "pct"),
    "‰": ("‰",),
    "hour": ("个小时", "小时", "个钟头", "钟头", "时", "hours", "hour", "hrs", "hr", "h"),
    "working day": (
        "个工作日",
        "工作日",
        "working days",
        "working day",
        "business days",
        "business day",
    ),
    "day": ("天", "日", "days", "day", "d"),
    "week": ("个星期", "星期", "周", "weeks", "week"),
    "month": ("个月", "月", "months", "month"),
    "year": ("年", "years", "year"),
    "minute": ("分钟", "分", "minutes", "minute", "mins", "min"),
    "second": ("秒钟", "秒", "seconds", "second", "secs", "sec", "s"),
    "ring": ("声", "rings", "ring"),
    "time": ("次", "遍", "times"),
    "yuan": ("元", "块", "yuan"),
    "count": ("个", "人", "条", "项", "步", "steps", "step", "items", "item", "points", "point"),
}
_UNIT_OF = {form: meaning for meaning, forms in _UNIT_MEANINGS.items() for form in forms}
_UNITS = "|".join(sorted(map(re.escape, _UNIT_OF), key=len, reverse=True))
_NUMBER_WITH_UNIT = re.compile(
    rf"([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*({_UNITS})?\s*(?:以内|之内|内|以下|or less|or fewer)?"
)
# where a question names the unit it asks in: "多少小时", "几声", "how many rings", "25%"
_UNIT_ASKED = re.compile(
    rf"(?:几|多少|多|\d|how many|how much)\s*({_UNITS})(?![a-z])|(百分之|percent|percentage)"
)


def normalise_text(text: str, case_sensitive: bool = False) -> str:
    """What an examiner reads: NFKC (full-width to half-width), case folded, punctuation
    dropped (not `%` nor a decimal point), spaces collapsed and gone beside Chinese."""
    text = unicodedata.normalize("NFKC", text)
    if not case_sensitive:
        text = text.casefold()
    kept = []
    for index, char in enumerate(text):
        if unicodedata.category(char).startswith("P") and char not in _KEPT_PUNCTUATION:
            kept.append(_punctuation_at(text, index))
        else:
            kept.append(char)
    text = re.sub(r"\s+", " ", "".join(kept)).strip()
    return _SPACE_BESIDE_CJK.sub("", text)


def _punctuation_at(text: str, index: int) -> str:
    """What punctuation at `index` stands for: a leading minus stays, a comma before three
    digits groups thousands (5,000), a point or another comma between digits is a decimal
    point (3.5, 48,5), and anything else is a space."""
    char, before, after = text[index], text[:index], text[index + 1 :]
    if char == "-" and not before.strip() and after[:1].isdigit():
        return "-"  # a minus sign: -2
    if char not in ".," or not before[-1:].isdigit() or not after[:1].isdigit():
        return " "
    if char == "," and re.match(r"\d{3}(?!\d)", after):
        return ""
    return "."


def with_digits(text: str) -> str:
    """`text` (normalised) with Chinese numerals in digits and 百分之十 as 10%."""
    text = _CHINESE_NUMERAL.sub(lambda found: chinese_numeral_value(found.group()), text)
    return _PERCENT_WORDS.sub(r"\1%", text)


def number_in(text: str) -> float | None:
    """The number a typed answer gives, a unit after it allowed ("24小时", "10%", "三天"),
    or None when it is not a number."""
    found = number_and_unit(text)
    return None if found is None else found[0]


def number_and_unit(text: str) -> tuple[float, str | None] | None:
    """The number a typed answer gives and the unit it means ("hour" for 小时 and hours), or
    None when it is not a number."""
    found = _NUMBER_WITH_UNIT.fullmatch(with_digits(normalise_text(str(text))))
    if found is None:
        return None
    number = float(found.group(1))
    if not math.isfinite(number):
        return None
    return number, _UNIT_OF.get(found.group(2)) if found.group(2) else None


def units_asked(question: Question) -> set[str]:
    """The units the question asks its number in, read from its text in both languages
    ("多少小时内", "how many hours": hour); empty when it names none."""
    asked = set()
    for text in (question.stem.zh, question.stem.en):
        for found in _UNIT_ASKED.finditer(normalise_text(text or "")):
            asked.add(_UNIT_OF[found.group(1)] if found.group(1) else "%")
    return asked


def _unit_fits(given: str | None, expected: str | None, asked: set[str]) -> bool:
    """Whether a number's unit is the one wanted: the right answer's own unit when it has
    one, else one the question asks in (any, when it names none). No unit always fits."""
    if given is None:
        return True
    if expected is not None:
        return given == expected
    return not asked or given in asked


def _short(question: ShortAnswer, answer: str) -> float:
    sensitive = question.case_sensitive
    given = normalise_text(answer, sensitive)
    if not given:
        return 0.0
    forms = {given, with_digits(given)}
    given_number = number_and_unit(answer)
    asked = units_asked(question)
    flags = 0 if sensitive else re.IGNORECASE
    earned = [0.0]
    for item in question.answers:
        for wording in (item.text, *item.accept):
            expected = normalise_text(wording, sensitive)
            # a number answer matches the same number in the question's unit: "24", "24小时"
            # or "24 hours" for 24 hours, never "24天"
            wanted = number_and_unit(wording)
            same_number = (
                given_number is not None
                and wanted is not None
                and given_number[0] == wanted[0]
                and _unit_fits(given_number[1], wanted[1], asked)
            )
            if same_number or forms & {expected, with_digits(expected)}:
                earned.append(item.weight)
        if any(re.fullmatch(p, form, flags) for p in item.patterns for form in forms):
            earned.append(item.weight)
    return max(earned) / 100


def parse_number(value: Any) -> float:
    """A number from what was typed: full-width digits, a decimal comma, Chinese numerals
    and a unit after the number (`24小时`, `10%`) are accepted."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int | float):
        number: float | None = float(value)
    else:
        number = number_in(str(value))
    if number is None or not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def _numerical(question: Numerical, answer: Any) -> float:
    number = parse_number(answer)
    if not isinstance(answer, int | float):
        found = number_and_unit(str(answer))
        if found is not None and not _unit_fits(found[1], None, units_asked(question)):
            return 0.0  # "24天" where the question asks how many hours
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
