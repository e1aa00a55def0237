"""What the agent did in a reply: speech acts with the words that carry them.

A keyword is not a skill: "抱歉 对不起 理解您" is no apology, and "对不起行了吧" takes its own
back. The scorer therefore reads a reply as acts (docs/roleplay-scoring.md, "Acts, calibration and
gaming"): greeting, the agent's ID, apology, empathy, confirming, asking, an action on the
problem, a callback with its time, refusal, a dismissive tail, closing. Each is found through
the phrase lists of the lexicon (data a company extends), after normalisation, with negation
scoped to its clause (see `matching`), and then read in context:

- a refusal to apologise ("道歉是不可能道歉的", "no reason for me to say sorry") cancels the
  turn's apologies; a dismissive tail ("行了吧", "但是这是规定") cancels the apology and empathy
  said before it;
- an action in a clause that refuses ("退款退不了", "I can't refund") is no action; an action is
  *bound* when its clause (or the next) names something of this scenario: its facts, its own
  phrase lists, what its `resolve` rubric lines look for;
- a callback carries the time promised in its own clause, or in a clause next to it that is
  only a time ("今天下午五点之前，我给您回电").

Pure functions of the reply and the scenario; no state across turns (the engine keeps that).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from trainer.content.models import LEXICON_REFERENCE, PhraseList, Scenario
from trainer.services.roleplay.guards import GENERIC_PAIRS, pairs, units
from trainer.services.roleplay.matching import Hit, PhraseMatcher, Reply
from trainer.services.roleplay.normalize import normalise
from trainer.services.roleplay.timeparse import TimePhrase

ACT_LISTS: dict[str, tuple[str, ...]] = {
    "greeting": ("greeting",),
    "agent_id": ("agent_id",),
    "apology": ("apology",),
    "empathy": ("empathy",),
    "confirm": ("confirm",),
    "question": ("question",),
    "action": ("action", "check", "escalate"),
    "callback": ("callback",),
    "refusal": ("refusal",),
    "dismissive": ("dismissive",),
    "refuse_apology": ("refuse_apology",),
    "closing": ("closing",),
    "anything_else": ("anything_else",),
    "summary": ("summary",),
    # markers: not acts the agent is credited for, but they change what the others mean
    "reported": ("reported",),
    "story": ("story",),
    "misdirected": ("misdirected",),
    "offer_help": ("offer_help",),
    "agent_does": ("agent_does",),
}
"""Each act kind and the lexicon lists that signal it."""

_CREDITED = frozenset(
    {"apology", "empathy", "confirm", "question", "action", "callback", "closing"}
)
_QUOTE_PAIRS = {'"': '"', "「": "」", "『": "』", "《": "》"}


def quoted(text: str, position: int) -> bool:
    """Whether `position` lies inside quotation marks (NFKC made “ ” plain ")."""
    inside: str | None = None
    for char in text[:position]:
        if inside is None and char in _QUOTE_PAIRS:
            inside = _QUOTE_PAIRS[char]
        elif inside is not None and char == inside:
            inside = None
    return inside is not None


_SENTENCE_END = re.compile(r"[。！？!?]|\.(?=\s|$)")
_FAREWELL = re.compile(r"再见|拜拜|来电|致电|goodbye|\bbye\b|for calling")


@dataclass(frozen=True)
class Act:
    """One act at `start:end` of the normalised reply, in clause number `clause`."""

    kind: str
    start: int
    end: int
    clause: int
    bound: bool = False
    """An action on this scenario's own problem (not just "I'll handle it")."""
    time: TimePhrase | None = None
    """A callback's promised time, when one was said with it."""


@dataclass
class TurnActs:
    """The acts of one reply, in order."""

    acts: list[Act] = field(default_factory=list)
    cancelled: list[Act] = field(default_factory=list)
    """Words that sounded like an act but were not one (taken back, retold, refused, said to
    be the customer's job): rubric lines do not earn on them either."""

    def overlaps_cancelled(self, start: int, end: int) -> bool:
        return any(act.start < end and start < act.end for act in self.cancelled)

    def of(self, kind: str) -> list[Act]:
        return [act for act in self.acts if act.kind == kind]

    def has(self, kind: str) -> bool:
        return any(act.kind == kind for act in self.acts)

    def kinds(self) -> set[str]:
        return {act.kind for act in self.acts}

    @property
    def farewell(self) -> bool:
        """Whether the reply says goodbye (not just "thank you for your patience")."""
        return any(act.kind == "closing" and act.bound for act in self.acts)


def _literal_words(pattern: str) -> list[str]:
    """The plain words of a regular expression (`(派单|上门)工程师` -> 派单, 上门, 工程师)."""
    words = re.split(r"[\\()\[\]|?*+.{}^$,:0-9]+|\\[a-z]", pattern)
    return [word.strip() for word in words if len(word.strip()) >= 2]


class ActDetector:
    """Finds the acts of replies in one scenario's run."""

    def __init__(
        self, matcher: PhraseMatcher, scenario: Scenario, lexicon: Mapping[str, PhraseList]
    ) -> None:
        self.matcher = matcher
        self.lists = {
            kind: [f"@{name}" for name in names if name in lexicon]
            for kind, names in ACT_LISTS.items()
        }
        self.object_patterns = self._objects(scenario, lexicon)
        self.common_terms = _common_terms(matcher.lang, lexicon)
        self.topic_terms = _topic_terms(scenario, matcher.lang) - self.common_terms

    def _objects(self, scenario: Scenario, lexicon: Mapping[str, PhraseList]) -> list[str]:
        """Patterns naming what this scenario's problem is about."""
        patterns: list[str] = [re.escape(value.lower()) for value in scenario.facts.values()]
        patterns += [f"@{name}" for name in scenario.lexicon]
        shared = set(ACT_LISTS) | {name for names in ACT_LISTS.values() for name in names}
        for node in scenario.nodes:
            for line in node.rubric:
                if line.step != "resolve":
                    continue
                for pattern in [*line.any, *line.all]:
                    reference = LEXICON_REFERENCE.match(pattern.strip())
                    if reference and reference.group(1) in shared:
                        continue  # generic verbs (@check) say nothing about the object
                    if reference and reference.group(1) in lexicon:
                        patterns.append(pattern)
                    elif not reference:
                        patterns += [re.escape(word.lower()) for word in _literal_words(pattern)]
        return list(dict.fromkeys(patterns))

    def _hits(self, reply: Reply, kind: str, limit: int) -> list[Hit]:
        hits = [
            hit
            for pattern in self.lists[kind]
            for hit in self.matcher.find_all(reply, pattern, limit)
        ]
        kept: list[Hit] = []
        for hit in sorted(hits, key=lambda item: (item.start, -item.end)):
            if not any(hit.start < other.end and other.start < hit.end for other in kept):
                kept.append(hit)
        return kept

    def detect(self, reply: Reply, limit: int | None = None) -> TurnActs:
        """The acts in `reply`, reading only its first `limit` characters (all by default)."""
        end = len(reply.text) if limit is None else min(limit, len(reply.text))
        clauses = reply.clauses
        found: dict[str, list[Hit]] = {kind: self._hits(reply, kind, end) for kind in self.lists}

        def clause_of(position: int) -> int:
            return max(0, bisect_right(clauses, position) - 1)

        refusal_clauses = {clause_of(hit.start) for hit in found["refusal"]}
        misdirected = {clause_of(hit.start) for hit in found["misdirected"]}
        retold: list[tuple[int, int]] = []  # "人家跟我说抱歉": someone else's words
        for hit in found["reported"]:
            stop = _SENTENCE_END.search(reply.text, hit.end)
            retold.append((hit.start, stop.start() if stop else len(reply.text)))
        objects = [
            hit for pattern in self.object_patterns for hit in self._raw(reply, pattern, end)
        ]
        object_clauses = {clause_of(hit.start) for hit in objects}
        bounds = [*clauses, len(reply.text)]
        for number in range(bisect_right(clauses, end)):
            if pairs(reply.text[bounds[number] : bounds[number + 1]]) & self.topic_terms:
                object_clauses.add(number)  # 催快递 in a call about a late parcel

        markers = found["agent_does"] if self.lists["agent_does"] else None
        acts: list[Act] = []
        cancelled: list[Act] = []
        for kind, hits in found.items():
            for hit in hits:
                clause = clause_of(hit.start)
                if kind in _CREDITED and quoted(reply.text, hit.start):
                    # 老板总说“您好”: not the agent's act; but a coach quoting the words to
                    # say is what a coaching rubric asks for, so rubric lines still read them
                    continue
                if kind in _CREDITED and self._cancelled(
                    kind, hit, clause, found, retold, misdirected, refusal_clauses
                ):
                    cancelled.append(Act(kind, hit.start, hit.end, clause))
                    continue
                if kind == "action" and not _acted_by_agent(hit, bounds[clause], markers):
                    continue  # "退款拖了十天": the word names the refund, nobody is doing it
                bound, time = False, None
                if kind == "action":
                    bound = bool(object_clauses & {clause, clause + 1})
                elif kind == "callback":
                    time = self._callback_time(reply, hit, clause, clauses, end)
                elif kind == "closing":
                    bound = bool(_FAREWELL.search(reply.text, hit.start, hit.end))
                acts.append(Act(kind, hit.start, hit.end, clause, bound, time))
        acts.sort(key=lambda act: (act.start, act.kind))
        return TurnActs(acts, cancelled)

    @staticmethod
    def _cancelled(
        kind: str,
        hit: Hit,
        clause: int,
        found: dict[str, list[Hit]],
        retold: list[tuple[int, int]],
        misdirected: set[int],
        refusal_clauses: set[int],
    ) -> bool:
        """Whether words of an act are not the agent doing it to this customer."""
        if any(start <= hit.start < stop for start, stop in retold):
            return True  # "人家跟我说抱歉": someone else's words
        if clause in misdirected:
            return True  # "您先跟我们说声抱歉", "call us back": the customer's job
        if kind == "question" and any(
            other.start < hit.end and hit.start < other.end
            for other in found["offer_help"] + found["anything_else"]
        ):
            return True  # "有什么可以帮您？", "anything else?": not about the problem
        if kind == "apology" and found["refuse_apology"]:
            return True  # "道歉是不可能道歉的", "sorry if you feel that way"
        dismissed = [other.start for other in found["dismissive"] if other.start > hit.start]
        if kind in ("apology", "empathy") and dismissed:
            return True  # "对不起行了吧", "我理解，但是这是规定": the tail takes it back
        return kind == "action" and clause in refusal_clauses

    def _raw(self, reply: Reply, pattern: str, end: int) -> list[Hit]:
        compiled = self.matcher.compiled(pattern)
        if compiled is None:
            return []
        matches = compiled.finditer(reply.text, 0, end)
        return [Hit(*match.span()) for match in matches if match.group()]

    def time_for(self, reply: Reply, hit: Hit) -> TimePhrase | None:
        """The time said with the words at `hit`, by the rule of `_callback_time`."""
        clause = max(0, bisect_right(reply.clauses, hit.start) - 1)
        return self._callback_time(reply, hit, clause, reply.clauses, len(reply.text))

    def _callback_time(
        self, reply: Reply, hit: Hit, clause: int, clauses: Sequence[int], end: int
    ) -> TimePhrase | None:
        """The time said with a callback: in its clause, or a neighbour that is only a time."""
        bounds = [*clauses, len(reply.text)]

        def clause_span(number: int) -> tuple[int, int]:
            return bounds[number], bounds[number + 1]

        def times_in(number: int) -> list[TimePhrase]:
            start, stop = clause_span(number)
            return [t for t in reply.times if start <= t.start and t.end <= stop and t.start < end]

        own = times_in(clause)
        if own:
            return _best(own)
        for neighbour in (clause - 1, clause + 1):
            if not 0 <= neighbour < len(clauses):
                continue
            times = times_in(neighbour)
            if not times:
                continue
            start, stop = clause_span(neighbour)
            rest = reply.text[start:stop]
            for time in times:
                rest = rest.replace(reply.text[time.start : time.end], "")
            if units(rest) <= 4:  # "今天下午五点之前，" / "by five today," and little else
                return _best(times)
        return None


def _acted_by_agent(hit: Hit, clause_start: int, markers: list[Hit] | None) -> bool:
    """Whether the agent is the one acting: a marker (我, 帮您, 马上, "I'll", "let me") in the
    action's clause before or in its words. Without the list, every action word counts."""
    if markers is None:
        return True
    return any(clause_start <= marker.start < hit.end for marker in markers)


def _topic_terms(scenario: Scenario, lang: str) -> set[str]:
    """The words of this scenario's problem: its brief, the customer's lines, its facts."""
    texts = [scenario.brief.get(lang), scenario.title.get(lang), *scenario.facts.values()]
    texts += [node.customer.get(lang) for node in scenario.nodes if node.customer]
    return pairs(normalise("\n".join(texts)).text)


def _common_terms(lang: str, lexicon: Mapping[str, PhraseList]) -> set[str]:
    """The words any service call uses: every phrase list's own words, and a common stock."""
    common = set(GENERIC_PAIRS)
    for phrases in lexicon.values():
        for pattern in phrases.patterns(lang):
            common |= _pattern_terms(pattern)
    return common


@lru_cache(maxsize=4096)
def _pattern_terms(pattern: str) -> frozenset[str]:
    return frozenset(pairs(" ".join(_literal_words(pattern.lower()))))


def _best(times: list[TimePhrase]) -> TimePhrase:
    definite = [time for time in times if time.hours is not None]
    return min(definite, key=lambda time: time.hours or 0.0) if definite else times[0]
