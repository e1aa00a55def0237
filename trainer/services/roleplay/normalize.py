"""Normalising an agent's reply for matching, while remembering where each character came from.

Matching runs on a normalised copy of the text (docs/roleplay-scoring.md, "free text is matched
deterministically"): Unicode NFKC (full-width to half-width), lower case, traditional
characters as simplified ones (OpenCC's data: 工號 -> 工号, 回電 -> 回电), Chinese numerals
turned into digits where they count something (二十四小时 -> 24小时, 两个工作日 -> 2个工作日,
下午五点 -> 下午5点), and digit strings read out one digit at a time turned into digits
(一三七八 -> 1378, 幺 for one; "one three seven" -> 137), so a phone number read aloud is the
same number. Every normalised character keeps the span of the original text it came from, so
a hit can always be shown as the agent's own words.

Numerals are converted only before a unit, so 一下, 一定 and 一直 stay as they are; 一点 is a
time only after a part of the day (下午一点), never in 快一点.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from trainer.numbers import chinese_numeral_value

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
_HAN = re.compile(r"[\u3400-\u9fff]")

# Digits read one at a time: three or more in a row (a phone number, an ID read aloud), with
# spaces or dashes between groups. Shorter runs are words (一一, 三五成群 is rare enough).
_SPOKEN_ZH = re.compile(r"[零〇一二三四五六七八九幺](?:[\s\-]?[零〇一二三四五六七八九幺]){2,}")
_SPOKEN_ZH_DIGITS = {"零": "0", "〇": "0", "幺": "1", "一": "1", "二": "2", "三": "3", "四": "4"}
_SPOKEN_ZH_DIGITS |= {"五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_EN_DIGIT_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4"}
_EN_DIGIT_WORDS |= {"five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_EN_DIGIT = r"(?:zero|one|two|three|four|five|six|seven|eight|nine)"
_SPOKEN_EN = re.compile(rf"\b{_EN_DIGIT}(?:[\s,\-]+(?:{_EN_DIGIT}|oh)){{2,}}\b")


_DATE_HAO = re.compile(r"(?<=\d月\d)号|(?<=\d月\d\d)号")
"""5月18号 is 5月18日: a date said back matches the date written in a scenario's facts."""


@lru_cache(maxsize=1)
def _t2s() -> Callable[[str], str]:
    """OpenCC's traditional-to-simplified converter, loaded on first use (~30 ms)."""
    import opencc

    return opencc.OpenCC("t2s").convert


@lru_cache(maxsize=4096)
def _simplified_char(char: str) -> str:
    converted = _t2s()(char)
    return converted if len(converted) == 1 else char


def _simplified(text: str) -> str:
    """`text` in simplified characters, one character for one, so spans stay aligned."""
    if not _HAN.search(text):
        return text
    converted = _t2s()(text)
    if len(converted) == len(text):
        return converted
    return "".join(_simplified_char(char) if _HAN.match(char) else char for char in text)


@lru_cache(maxsize=8192)
def _normal_char(char: str) -> str:
    return unicodedata.normalize("NFKC", char.translate(_QUOTES)).lower()


def _substitute(
    text: str,
    spans: list[tuple[int, int]],
    pattern: re.Pattern[str],
    replace: Callable[[re.Match[str]], str | None],
) -> tuple[str, list[tuple[int, int]]]:
    """Replace each match by `replace(match)` (None keeps it), keeping the spans aligned: the
    characters of a replacement all lead back to the whole original match."""
    pieces: list[str] = []
    new_spans: list[tuple[int, int]] = []
    position = 0
    for match in pattern.finditer(text):
        replacement = replace(match)
        if replacement is None:
            continue
        pieces.append(text[position : match.start()])
        new_spans.extend(spans[position : match.start()])
        first, last = spans[match.start()][0], spans[match.end() - 1][1]
        pieces.append(replacement)
        new_spans.extend([(first, last)] * len(replacement))
        position = match.end()
    if not pieces:
        return text, spans
    pieces.append(text[position:])
    new_spans.extend(spans[position:])
    return "".join(pieces), new_spans


def _quantity(text: str) -> Callable[[re.Match[str]], str | None]:
    def replace(match: re.Match[str]) -> str | None:
        numeral = match.group()
        before = text[max(0, match.start() - 2) : match.start()]
        is_clock = text.startswith("点", match.end())
        if is_clock and numeral == "一" and not before.endswith(_DAY_PARTS):
            return None  # 快一点, 一点点: "a little", not one o'clock
        return str(int(chinese_numeral_value(numeral)))  # 零五分钟 -> 5分钟, no leading zero

    return replace


def _spoken_zh(match: re.Match[str]) -> str:
    return "".join(_SPOKEN_ZH_DIGITS.get(char, "") for char in match.group())


def _spoken_en(match: re.Match[str]) -> str:
    return "".join(_EN_DIGIT_WORDS[word] for word in re.findall(r"[a-z]+", match.group()))


def normalise(original: str) -> NormalisedText:
    """NFKC, lower case, simplified characters, and numbers as digits, keeping the way back to
    `original`."""
    characters: list[str] = []
    spans: list[tuple[int, int]] = []
    for index, char in enumerate(original):
        for out in _normal_char(char):
            characters.append(out)
            spans.append((index, index + 1))
    text = _simplified("".join(characters))
    text, spans = _substitute(text, spans, _NUMERAL, _quantity(text))
    text, spans = _substitute(text, spans, _SPOKEN_ZH, _spoken_zh)
    text, spans = _substitute(text, spans, _SPOKEN_EN, _spoken_en)
    text, spans = _substitute(text, spans, _DATE_HAO, lambda match: "日")
    return NormalisedText(original, text, tuple(spans))


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
    return starts[max(0, bisect_right(starts, position) - 1)]
