"""Normalising an agent's reply for matching, while remembering where each character came from.

Matching runs on a normalised copy of the text (SCORING.md, "free text is matched
deterministically"): Unicode NFKC (full-width to half-width), lower case, and Chinese numerals
turned into digits where they count something (二十四小时 -> 24小时, 两个工作日 -> 2个工作日,
下午五点 -> 下午5点). Every normalised character keeps the span of the original text it came
from, so a hit can always be shown as the agent's own words.

Numerals are converted only before a unit, so 一下, 一定 and 一直 stay as they are; 一点 is a
time only after a part of the day (下午一点), never in 快一点.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
_UNITS = (
    "个?(?:半)?(?:小时|钟头|工作日|分钟|分|秒|天|日|周|星期|礼拜|月|号|年|元|块|次|刻|件|单|岁)"
)
_NUMERAL = re.compile(
    rf"[零〇一二两三四五六七八九十百千]+(?={_UNITS})|[零〇一二两三四五六七八九十]+(?=点)"
)
_DAY_PARTS = (
    "凌晨",
    "早上",
    "早晨",
    "上午",
    "中午",
    "下午",
    "傍晚",
    "晚上",
    "今晚",
    "今天",
    "明天",
)


def chinese_number(numeral: str) -> int | None:
    """The value of a Chinese numeral such as 十七, 二十四, 一百零五 or 两 (None if malformed)."""
    if all(char in _DIGITS for char in numeral):
        # read digit by digit: 二零二四 -> 2024
        return int("".join(str(_DIGITS[char]) for char in numeral))
    total, current = 0, 0
    for char in numeral:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _MULTIPLIERS:
            total += (current or 1) * _MULTIPLIERS[char]
            current = 0
        else:
            return None
    return total + current


@dataclass(frozen=True)
class NormalisedText:
    """A normalised reply: `text` for matching, `spans[i]` the original span of `text[i]`."""

    original: str
    text: str
    spans: tuple[tuple[int, int], ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text behind `text[start:end]`."""
        if start >= end or not self.spans:
            position = self.spans[start][0] if start < len(self.spans) else len(self.original)
            return position, position
        return self.spans[start][0], self.spans[end - 1][1]

    def excerpt(self, start: int, end: int) -> str:
        """The agent's own words behind `text[start:end]`."""
        first, last = self.original_span(start, end)
        return self.original[first:last]


# Typographic quotes are not compatibility characters, so NFKC keeps them; "can’t" must still
# read as "can't".
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def normalise(original: str) -> NormalisedText:
    """NFKC, lower case and Chinese quantities as digits, keeping the way back to `original`."""
    characters: list[str] = []
    spans: list[tuple[int, int]] = []
    for index, char in enumerate(original):
        for out in unicodedata.normalize("NFKC", char.translate(_QUOTES)).lower():
            characters.append(out)
            spans.append((index, index + 1))
    text = "".join(characters)

    pieces: list[str] = []
    new_spans: list[tuple[int, int]] = []
    position = 0
    for match in _NUMERAL.finditer(text):
        numeral = match.group()
        before = text[max(0, match.start() - 2) : match.start()]
        is_clock = text.startswith("点", match.end())
        if is_clock and numeral == "一" and not before.endswith(_DAY_PARTS):
            continue  # 快一点, 一点点: "a little", not one o'clock
        value = chinese_number(numeral)
        if value is None:
            continue
        pieces.append(text[position : match.start()])
        new_spans.extend(spans[position : match.start()])
        digits = str(value)
        first, last = spans[match.start()][0], spans[match.end() - 1][1]
        pieces.append(digits)
        new_spans.extend([(first, last)] * len(digits))
        position = match.end()
    if not pieces:
        return NormalisedText(original, text, tuple(spans))
    pieces.append(text[position:])
    new_spans.extend(spans[position:])
    return NormalisedText(original, "".join(pieces), tuple(new_spans))


# Clauses end at punctuation and before a contrast ("sorry, but ..." is two clauses), so a
# negation in one clause never cancels a phrase in the next.
_CLAUSE_BREAK = re.compile(
    r"[。！？!?；;，,、\n…]+|\.(?=\s|$)|(?=但是|不过|可是|然而)|(?=\b(?:but|however|though)\b)"
)


def clause_starts(text: str) -> list[int]:
    """Where each clause of `text` begins, in order (always starting with 0)."""
    starts = [0]
    for match in _CLAUSE_BREAK.finditer(text):
        if match.end() > starts[-1]:
            starts.append(match.end())
    return starts


def clause_start(starts: list[int], position: int) -> int:
    """The start of the clause holding `position`."""
    result = 0
    for start in starts:
        if start > position:
            break
        result = start
    return result
