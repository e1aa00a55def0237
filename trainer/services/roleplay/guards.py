"""Whether a reply is something a customer could take as an answer (see gaming in
docs/roleplay-scoring.md).

A turn earns step points only as a plausible utterance. These guards read the normalised
reply and what surrounds it; the first that applies names why the turn earned nothing:

- **too long**: no customer listens to thousands of characters; beyond a few hundred, only the
  first part is read for credit (a filler that ends in the right words earns nothing);
- **copied**: mostly the customer's own line, or the hint, said back;
- **repeated**: the same reply as an earlier turn of this call;
- **keywords**: a list of phrases with nothing around them ("抱歉 对不起 理解您 跟您确认");
- **off topic**: a long reply that shares almost nothing with this scenario's problem (a story
  about something else that happens to contain 派单 and 回电).

The violations of a guarded turn still count: a breach in a filler is still a breach.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from trainer.services.notes import Note
from trainer.services.roleplay.matching import Reply
from trainer.services.roleplay.normalize import normalise

CREDIT_LIMIT = {"zh": 200, "en": 450}
"""Characters of a turn read for credit: the longest good replies of the calibration corpus
are ~110 Chinese characters and ~350 English ones."""
TOO_LONG = 3
"""A turn this many times the credit limit earns nothing at all."""
COPIED = 0.7
"""Share of a reply's pairs of characters found in the customer's line."""
COPIED_HINT = 0.9
COPY_MIN_PAIRS = 6
"""A reply this short (pairs of characters, English content words) is not judged a copy."""
REPEATED = 0.8
"""Overlap with an earlier reply of the call (Jaccard over pairs of characters)."""
OFF_TOPIC = ((25, 0.22), (150, 0.35))
"""(length, share): a reply of at least `length` (Chinese characters and English words) must
have at least `share` of its content in the scenario's words or a service call's. Short
replies may well be generic; a long one that is mostly about something else is a filler."""

RAMBLING = (90, 0.06)
"""(length, share): a long reply whose pairs of characters come round again this often
("热了就要开空调，开了空调就凉快，凉快了人就舒服") is rambling, even when it shares some words
with the scenario; a long genuine reply repeats itself far less (under 0.05 in the corpus)."""

_CJK = re.compile(r"[\u3400-\u9fff]")
_EN_WORD = re.compile(r"[a-z][a-z']+")
_SMALL_WORDS = frozenset(
    [
        "a",
        "about",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "can't",
        "could",
        "did",
        "do",
        "does",
        "don't",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "how",
        "i",
        "i'll",
        "i'm",
        "if",
        "in",
        "is",
        "it",
        "it's",
        "just",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "out",
        "please",
        "she",
        "so",
        "that",
        "the",
        "their",
        "then",
        "there",
        "they",
        "this",
        "to",
        "up",
        "us",
        "very",
        "was",
        "we",
        "we'll",
        "were",
        "what",
        "when",
        "will",
        "with",
        "would",
        "yes",
        "you",
        "you're",
        "your",
    ]
)
"""English words that carry grammar rather than content."""
_STOPWORDS = _SMALL_WORDS | frozenset(["get", "got", "had", "let", "now", "that's", "today"])
"""Left out of a reply's content words (`pairs`)."""


@dataclass(frozen=True)
class TurnGuard:
    """What a turn may earn: `note` says why nothing, `credit_limit` how much is read."""

    note: Note | None
    credit_limit: int


def units(text: str) -> int:
    """How much was said: Chinese characters plus English words."""
    return len(_CJK.findall(text)) + len(_EN_WORD.findall(text))


def _han_pairs(text: str) -> list[str]:
    """The pairs of adjacent Chinese characters of `text`, in order, repeats kept."""
    han = "".join(_CJK.findall(text))
    return [han[i : i + 2] for i in range(len(han) - 1)]


def pairs(text: str) -> set[str]:
    """Pairs of adjacent Chinese characters, and English content words."""
    words = {word for word in _EN_WORD.findall(text) if word not in _STOPWORDS}
    return set(_han_pairs(text)) | words


def _repetition(text: str) -> float:
    """Share of a reply's pairs of Chinese characters that occur more than once."""
    found = _han_pairs(text)
    if not found:
        return 0.0
    counts = Counter(found)
    return sum(count for count in counts.values() if count > 1) / len(found)


def _contained(part: set[str], whole: set[str]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def plausibility(
    reply: Reply,
    lang: str,
    customer: str,
    hint: str,
    earlier: Sequence[str],
    known: set[str],
) -> TurnGuard:
    """The guard for one reply (`earlier`: the call's previous replies, normalised; `known`:
    the words of this scenario and of service calls in general, see `pairs`)."""
    limit = CREDIT_LIMIT.get(lang, 300)
    text = reply.text
    if len(text) > limit * TOO_LONG:
        return TurnGuard(Note(key="guard_too_long", values={"length": len(text)}), 0)
    mine = pairs(text[:limit])
    if len(mine) >= COPY_MIN_PAIRS:
        # a hint is advice, so following it shares its words: only a near-verbatim copy counts
        for source, share in ((customer, COPIED), (hint, COPIED_HINT)):
            if source and _contained(mine, pairs(normalise(source).text)) >= share:
                return TurnGuard(Note(key="guard_copied"), 0)
    if len(mine) >= 4:
        for before in earlier:
            theirs = pairs(before[:limit])
            if theirs and len(mine & theirs) / len(mine | theirs) >= REPEATED:
                return TurnGuard(Note(key="guard_repeated"), 0)
    if _keyword_list(text[:limit]):
        return TurnGuard(Note(key="guard_keywords"), 0)
    if _filler(text[:limit]):
        return TurnGuard(Note(key="guard_filler"), 0)
    said = units(text[:limit])
    if mine:
        relevant = _contained(mine, known)
        if any(said >= length and relevant < share for length, share in OFF_TOPIC):
            return TurnGuard(Note(key="guard_off_topic"), 0)
        rambling = said >= RAMBLING[0] and _repetition(text[:limit]) >= RAMBLING[1]
        if rambling and relevant < OFF_TOPIC[-1][1]:
            return TurnGuard(Note(key="guard_off_topic"), 0)
    return TurnGuard(None, limit)


# Phrases any service call is made of: they are not about the topic, but neither are they off it.
GENERIC_PAIRS = pairs(
    "您好 你好 请问 非常 抱歉 对不起 不好意思 理解 明白 心情 确认 核对 马上 立即 处理 帮您 为您 "
    "给您 联系 回电 电话 小时 今天 明天 下午 上午 之前 以内 感谢 来电 再见 祝您 生活 愉快 还有 "
    "其他 需要 帮助 客服 工号 我们 情况 问题 时间 结果 进度 跟进 反馈 提交 申请 加急 记录 "
    "谢谢 帮忙 "
    "打扰 顺利 地方 方面 改进 意见 满意 一下 这边 那边 这个 那个 已经 现在 一定 可以 没有 "
    "customer service thanks thank sorry help call back today tomorrow minutes hours time "
    "check sure understand right okay"
)


def _keyword_list(text: str) -> bool:
    """Phrases strung together with nothing said: short pieces split by spaces or commas, most
    of them two to four characters ("抱歉 对不起 不好意思 理解您 跟您确认 对吗")."""
    if lang_is_english(text):
        # "sorry apologies understand frustrating ... thanks goodbye": no sentence, no grammar
        words = _EN_WORD.findall(text)
        small = [word for word in words if word in _FUNCTION_WORDS]
        if len(words) >= 6 and not re.search(r"[.!?;:]", text) and len(small) < 0.3 * len(words):
            return True
        return any(_english_list(sentence) for sentence in re.split(r"[.!?;:]+", text))
    spaced = [piece for piece in text.split() if piece]
    if len(spaced) >= 3 and not re.search(r"[。！？.!?，,、]", text):
        short = [piece for piece in spaced if len(_CJK.findall(piece)) <= 6]
        return len(short) / len(spaced) >= 0.75  # 抱歉 对不起 理解您 跟您确认 对吗
    pieces = [piece for piece in re.split(r"[\s,，、;；/|]+", text.strip()) if piece]
    if len(pieces) < 5:
        return False
    short = [piece for piece in pieces if len(_CJK.findall(piece)) <= 4]
    return len(short) / len(pieces) >= 0.85


_FUNCTION_WORDS = _SMALL_WORDS | frozenset(
    [
        "after",
        "also",
        "before",
        "being",
        "here",
        "i've",
        "into",
        "isn't",
        "more",
        "over",
        "some",
        "than",
        "them",
        "we're",
        "which",
        "who",
        "why",
        "within",
        "won't",
        "you'll",
    ]
)
"""Words a sentence has and a list of keywords lacks (`_english_list`)."""
_FILLER = re.compile(
    r"\b(?:um+|uh+|erm|hmm+|okay|ok|so|right|well|yeah|like|you know|i mean)\b"
    r"|[嗯啊呃哦]|那个|就是|然后|对对对"
)
FILLER_SHARE = 0.5
"""A reply that is mostly "um, okay, so, right, well" (嗯啊那个) says nothing."""


def _filler(text: str) -> bool:
    """Mostly filler words, or mostly pieces that are nothing but filler ("嗯……那个……就是")."""
    said = units(text)
    if said < 12:
        return False
    if sum(units(match.group()) for match in _FILLER.finditer(text)) >= FILLER_SHARE * said:
        return True
    pieces = [piece for piece in re.split(r"[,，、。.…!！?？;；—]+", text) if piece.strip()]
    empty = [piece for piece in pieces if units(_FILLER.sub("", piece)) == 0]
    return len(pieces) >= 6 and len(empty) >= FILLER_SHARE * len(pieces)


def _english_list(sentence: str) -> bool:
    """ "Sorry apologise understand frustrating annoying", "Verify, check, confirm, identity":
    words without grammar, or four or more pieces of one or two words between commas."""
    words = [word for word in _EN_WORD.findall(sentence) if not word.isdigit()]
    if "," not in sentence and len(words) >= 6 and not any(w in _FUNCTION_WORDS for w in words):
        return True
    pieces = [piece for piece in sentence.split(",") if piece.strip()]
    # a read-back ("order A20240518, 18 May, 189 yuan, right?") is short pieces with figures
    short = [p for p in pieces if len(_EN_WORD.findall(p)) <= 2 and not re.search(r"\d", p)]
    return len(pieces) >= 4 and len(short) >= 0.8 * len(pieces)


def lang_is_english(text: str) -> bool:
    return len(_CJK.findall(text)) < len(_EN_WORD.findall(text))
