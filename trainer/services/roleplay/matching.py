"""Matching phrase patterns in a reply, with negation, exceptions and the words behind each hit.

Patterns are regular expressions, or `@name` references to phrase lists of the shared or the
scenario lexicon, matched on normalised text (see `normalize`). A hit is cancelled when a
negator (不, 没, 不会, not, never, can't ...) stands shortly before it in the same clause
("我不会道歉的", "I won't apologise"), unless the negator is part of a fixed phrase that is
not a negation (不好意思, "can't apologize enough"). Both lists live in the service standard
file, so a company can extend them.

No fuzzy matching: it forgives 我不知道 as 我知道, which is exactly what must not happen.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from trainer.content.models import LEXICON_REFERENCE, NegationSpec, PhraseList, PrivacyRule
from trainer.services.roleplay.normalize import (
    NormalisedText,
    clause_start,
    clause_starts,
    normalise,
)
from trainer.services.roleplay.timeparse import TimePhrase, find_time_phrases

_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Hit:
    """A match at `start:end` of the normalised reply."""

    start: int
    end: int


@dataclass
class Reply:
    """One agent turn, analysed once: normalised text, clauses, live negators, time phrases."""

    normalised: NormalisedText
    clauses: list[int]
    negators: list[tuple[int, int]]
    times: list[TimePhrase] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.normalised.text

    def words(self, hit: Hit) -> str:
        """The agent's own words behind `hit`."""
        return self.normalised.excerpt(hit.start, hit.end)


class PhraseMatcher:
    """Finds patterns of one language in replies; compiled patterns are kept for the run."""

    def __init__(
        self,
        lang: str,
        lexicon: Mapping[str, PhraseList],
        negation: NegationSpec,
        call_hour: float,
    ) -> None:
        self.lang = lang
        self.lexicon = lexicon
        self.window = negation.window
        self.call_hour = call_hour
        self._compiled: dict[str, re.Pattern[str] | None] = {}
        self._negators = self._union(negation.negators.zh + negation.negators.en)
        self._exceptions = self._union(negation.exceptions.zh + negation.exceptions.en)
        self._bridges: re.Pattern[str] | None = None
        if negation.bridges is not None:
            words = negation.bridges.zh + negation.bridges.en
            self._bridges = re.compile(
                "(?:\\s|" + "|".join(f"(?:{word})" for word in words) + ")*", re.IGNORECASE
            )
        after = negation.after.zh + negation.after.en
        self._after = re.compile(f"(?:{'|'.join(after)})", re.IGNORECASE) if after else None

    @staticmethod
    def _union(patterns: Sequence[str]) -> re.Pattern[str] | None:
        if not patterns:
            return None
        return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)

    def compiled(self, pattern: str) -> re.Pattern[str] | None:
        """`pattern` compiled, a lexicon reference as the union of its phrases."""
        if pattern not in self._compiled:
            reference = LEXICON_REFERENCE.match(pattern.strip())
            if reference:
                phrases = self.lexicon.get(reference.group(1))
                self._compiled[pattern] = (
                    self._union(phrases.patterns(self.lang)) if phrases else None
                )
            else:
                self._compiled[pattern] = re.compile(pattern, re.IGNORECASE)
        return self._compiled[pattern]

    def analyse(self, text: str) -> Reply:
        normalised = normalise(text)
        plain = normalised.text
        excepted = [m.span() for m in self._exceptions.finditer(plain)] if self._exceptions else []
        negators = []
        if self._negators is not None:
            for match in self._negators.finditer(plain):
                if not any(start <= match.start() < end for start, end in excepted):
                    negators.append(match.span())
        reply = Reply(normalised, clause_starts(plain), negators)
        reply.times = find_time_phrases(plain, self.call_hour)
        return reply

    def negated(self, reply: Reply, hit: Hit) -> bool:
        """Whether a negator shortly before `hit` in its clause (only bridge words between,
        when the standard lists them), or a negation right after it (取消不了), cancels it."""
        if self._after is not None and self._after.match(reply.text, hit.end):
            return True
        clause = clause_start(reply.clauses, hit.start)
        for start, end in reply.negators:
            if start >= clause and end <= hit.start:
                gap = reply.text[end : hit.start]
                if len(_CJK.findall(gap)) + len(_WORD.findall(gap)) > self.window:
                    continue
                if self._bridges is None or self._bridges.fullmatch(gap):
                    return True
        return False

    def find_all(self, reply: Reply, pattern: str, end: int | None = None) -> list[Hit]:
        """Every hit of `pattern` that no negation cancels (in the first `end` characters)."""
        compiled = self.compiled(pattern)
        if compiled is None:
            return []
        limit = len(reply.text) if end is None else end
        matches = compiled.finditer(reply.text, 0, limit)
        hits = (Hit(*match.span()) for match in matches if match.group())
        return [hit for hit in hits if not self.negated(reply, hit)]

    def first(self, reply: Reply, patterns: Sequence[str]) -> Hit | None:
        """The earliest live hit of any of `patterns`."""
        hits = [hit for pattern in patterns for hit in self.find_all(reply, pattern)[:1]]
        return min(hits, key=lambda hit: hit.start, default=None)

    def line_hit(
        self, reply: Reply, any_: Sequence[str], all_: Sequence[str], except_: Sequence[str]
    ) -> Hit | None:
        """The evidence for a rubric line: one of `any_` and each of `all_`, no `except_`."""
        found: list[Hit] = []
        if any_:
            hit = self.first(reply, any_)
            if hit is None:
                return None
            found.append(hit)
        for pattern in all_:
            hits = self.find_all(reply, pattern)
            if not hits:
                return None
            found.append(hits[0])
        if except_ and self.first(reply, except_) is not None:
            return None
        return Hit(min(hit.start for hit in found), max(hit.end for hit in found))

    def forbidden(self, reply: Reply, forbid: Sequence[str], except_: Sequence[str]) -> list[Hit]:
        """Live hits of forbidden patterns, without those an exception overlaps."""
        excused = [hit for pattern in except_ for hit in self._raw(reply, pattern)]
        found: list[Hit] = []
        for pattern in forbid:
            for hit in self.find_all(reply, pattern):
                overlaps = any(hit.start < e.end and e.start < hit.end for e in excused)
                repeated = any(hit.start < f.end and f.start < hit.end for f in found)
                if not overlaps and not repeated:
                    found.append(hit)
        return sorted(found, key=lambda hit: hit.start)

    def _raw(self, reply: Reply, pattern: str) -> list[Hit]:
        compiled = self.compiled(pattern)
        return [Hit(*m.span()) for m in compiled.finditer(reply.text)] if compiled else []


_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def _date_forms(value: str) -> list[str]:
    """A date written 5月18日 as an English reply says it: 18 May, May 18(th), 5/18, 18/5."""
    match = re.fullmatch(r"\s*(\d{1,2})月(\d{1,2})[日号]\s*", value)
    if not match:
        return []
    month, day = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return []
    name = _MONTHS[month - 1]
    short = name[:3]
    return [
        rf"\b{day}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{name}|{short})\b",
        rf"\b(?:{name}|{short})\.?\s+{day}(?:st|nd|rd|th)?\b",
        rf"(?<!\d){month}/{day}(?!\d)",
        rf"(?<!\d){day}/{month}(?!\d)",
    ]


def literal_hit(reply: Reply, value: str) -> Hit | None:
    """Where a fact or a secret (an order number, an amount, a phone number) is said in full.

    Spaces and dashes between digits are ignored ("138 0000 1234"); a number must stand on its
    own, so 299 is not found in 2990.
    """
    wanted = normalise(value).text.strip()
    if not wanted:
        return None
    pieces = [re.escape(char) for char in wanted if not char.isspace()]
    separator = r"[\s\-]*" if wanted.replace(" ", "").replace("-", "").isdigit() else r"\s*"
    pattern = separator.join(pieces)
    if wanted[0].isdigit():
        pattern = r"(?<!\d)" + pattern
    if wanted[-1].isdigit():
        pattern += r"(?!\d)"
    match = re.search(pattern, reply.text, re.IGNORECASE)
    if match is None:
        for form in _date_forms(value):
            match = re.search(form, reply.text)
            if match:
                break
    return Hit(*match.span()) if match else None


_HAN = re.compile(r"[\u3400-\u9fff]")


def secret_hit(reply: Reply, secret: str, rule: PrivacyRule) -> Hit | None:
    """Where a secret is read out, whole or in part, in any form (red lines in
    docs/roleplay-scoring.md).

    A number secret (a phone or ID number): `rule.digits` of its digits in a row, whether
    typed, spaced or read out as Chinese or English digits (normalisation made those digits),
    or its first digits said as how it begins ("135开头"); its last `rule.last_digits` alone
    ("尾号1234") are the accepted check. A text secret (an address): `rule.characters` of its
    characters in a row, two of them Chinese ("青年路"); its house number next to an address
    word ("17号", "number 17"); or, in English, two of its syllables in pinyin ("Qingnian").
    """
    whole = literal_hit(reply, secret)
    if whole is not None:
        return whole
    wanted = normalise(secret).text
    digits = re.sub(r"\D", "", wanted)
    if len(digits) >= rule.digits and len(digits) >= len(re.sub(r"\s", "", wanted)) * 0.6:
        return _number_secret_hit(reply, digits, rule)
    plain = re.sub(r"[\s,，、.。\-]+", "", wanted)
    if not _HAN.search(plain):
        return _words_hit(reply, re.findall(r"[a-z0-9]+", wanted))
    size = rule.characters
    for start in range(len(plain) - size + 1):
        piece = plain[start : start + size]
        if len(_HAN.findall(piece)) < 2:
            continue
        found = reply.text.find(piece)
        if found >= 0:
            return Hit(found, found + size)
    for number in re.findall(r"\d{2,}", plain):
        near = (
            rf"(?<!\d){number}\s*(?:号|弄|栋|幢|楼|室|单元)"
            rf"|(?:number|no\.?|#|house)\s*{number}(?!\d)"
        )
        match = re.search(near, reply.text)
        if match:
            return Hit(*match.span())
    return _pinyin_hit(reply, plain)


_SEPARATED_DIGITS = re.compile(r"\d(?:[\s\-、,，.·]{0,2}\d)*")
_NUMBER_WORD = re.compile(r"号|码|位|phone|number|digits|id\b")
_BEGINS_EN = re.compile(r"(?:starts?|starting|begins?|beginning)(?: with)?\s*$")


def _number_secret_hit(reply: Reply, digits: str, rule: PrivacyRule) -> Hit | None:
    for match in _SEPARATED_DIGITS.finditer(reply.text):
        said = re.sub(r"\D", "", match.group())[:200]
        if len(said) <= rule.last_digits and digits.endswith(said):
            continue  # the last digits alone: the accepted way to check a number
        if _longest_common_run(said, digits) >= rule.digits:
            return Hit(*match.span())
        before = reply.text[max(0, match.start() - 12) : match.start()]
        named = _NUMBER_WORD.search(before) is not None
        if named and len(said) >= rule.last_digits and said in digits[: -rule.last_digits or None]:
            return Hit(*match.span())  # 中间四位是1198: part of it, and not its last digits
        if len(said) >= 3 and digits.startswith(said):
            after = reply.text[match.end() : match.end() + 4]
            before = reply.text[max(0, match.start() - 24) : match.start()]
            if re.match(r"\s*(?:开头|打头|起头)", after) or _BEGINS_EN.search(before):
                return Hit(*match.span())
    return None


def _words_hit(reply: Reply, words: list[str]) -> Hit | None:
    for first, second in itertools.pairwise(words):
        if not any(len(word) >= 3 and word.isalpha() for word in (first, second)):
            continue
        match = re.search(rf"\b{re.escape(first)}\s+{re.escape(second)}\b", reply.text)
        if match:
            return Hit(*match.span())
    return None


def _pinyin_hit(reply: Reply, secret: str) -> Hit | None:
    """Two syllables of the secret's Chinese in a row, in pinyin, in an English reply."""
    if _HAN.search(reply.text) or not re.search(r"[a-z]", reply.text):
        return None
    from pypinyin import lazy_pinyin  # only English replies to a Chinese secret need it

    for run in re.findall(r"[\u3400-\u9fff]{2,}", secret):
        syllables = lazy_pinyin(run)
        for first, second in itertools.pairwise(syllables):
            match = re.search(rf"\b{first}\s?{second}", reply.text)
            if match:
                return Hit(*match.span())
    return None


def _longest_common_run(said: str, secret: str) -> int:
    """The longest run of digits `said` shares with `secret` (small inputs: a plain scan)."""
    best = 0
    for start in range(len(said)):
        for end in range(start + best + 1, len(said) + 1):
            if said[start:end] in secret:
                best = end - start
            else:
                break
    return best
