"""The condition language of scenario branches (`if: "mood <= 5 and not apologize"`).

A tiny, safe language checked when the file loads; nothing is ever passed to `eval`.

    condition := or
    or        := and ("or" and)*
    and       := not ("and" not)*
    not       := "not" not | compare
    compare   := value (("<" | "<=" | ">" | ">=" | "==" | "!=") value)?
    value     := NUMBER | NAME | "(" or ")"

Names: `mood` (0-100), `turn` (agent turns so far), the steps `apologize`, `listen`,
`resolve`, `follow_up` (true once the step has earned points), `facts.KEY` (true once
the agent has confirmed that scenario fact), and what the agent did: `said.ACT` in the turn
just played, `ever.ACT` in any turn so far, for the acts of ACT_NAMES (`said.apology`,
`ever.timed_callback`, `said.blame` ...). `true` and `false` are constants.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

STEP_NAMES = ("apologize", "listen", "resolve", "follow_up")
NUMBER_NAMES = ("mood", "turn")
ACT_NAMES = (
    "greeting",
    "apology",
    "empathy",
    "confirm",
    "question",
    "action",
    "callback",
    "timed_callback",
    "refusal",
    "dismissive",
    "closing",
    "blame",
    "forbidden",
    "nothing",
)
"""What a reply can be heard doing, for `said.` and `ever.`: the acts of the scorer,
`timed_callback` (a callback with a definite time), `blame` and `forbidden` (the standard's
rules broken) and `nothing` (a reply that earned nothing: a keyword list, a filler...)."""

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?)"
    r"|(?P<op><=|>=|==|!=|<|>|\(|\)))"
)
_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_KEYWORDS = {"and", "or", "not", "true", "false"}

Value = float | bool


class ConditionError(ValueError):
    """The condition cannot be read; `reason` is a catalog key, `detail` the offending text."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Condition:
    """A parsed condition: its source text, the names it reads and how to evaluate it."""

    source: str
    names: frozenset[str]
    _evaluate: Callable[[Mapping[str, Value]], Value]

    def evaluate(self, state: Mapping[str, Value]) -> bool:
        """Truth of the condition for `state` (names missing from it read as 0 / false)."""
        return bool(self._evaluate(state))


def _tokens(source: str) -> list[str]:
    tokens, position = [], 0
    source = source.rstrip()
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None or match.end() == position:
            raise ConditionError("condition_bad_char", source[position:].strip()[:20])
        tokens.append(match.group(match.lastgroup or "op"))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokens(source)
        self.position = 0
        self.names: set[str] = set()

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise ConditionError("condition_incomplete", self.source)
        self.position += 1
        return token

    def parse(self) -> Callable[[Mapping[str, Value]], Value]:
        if not self.tokens:
            raise ConditionError("condition_empty", self.source)
        expression = self.parse_or()
        if self.peek() is not None:
            raise ConditionError("condition_unexpected", str(self.peek()))
        return expression

    def parse_or(self) -> Callable[[Mapping[str, Value]], Value]:
        parts = [self.parse_and()]
        while self.peek() == "or":
            self.take()
            parts.append(self.parse_and())
        if len(parts) == 1:
            return parts[0]
        return lambda state: any(part(state) for part in parts)

    def parse_and(self) -> Callable[[Mapping[str, Value]], Value]:
        parts = [self.parse_not()]
        while self.peek() == "and":
            self.take()
            parts.append(self.parse_not())
        if len(parts) == 1:
            return parts[0]
        return lambda state: all(part(state) for part in parts)

    def parse_not(self) -> Callable[[Mapping[str, Value]], Value]:
        if self.peek() == "not":
            self.take()
            inner = self.parse_not()
            return lambda state: not inner(state)
        return self.parse_compare()

    def parse_compare(self) -> Callable[[Mapping[str, Value]], Value]:
        left = self.parse_value()
        token = self.peek()
        if token not in _COMPARISONS:
            return left
        self.take()
        compare = _COMPARISONS[token]
        right = self.parse_value()
        return lambda state: compare(float(left(state)), float(right(state)))

    def parse_value(self) -> Callable[[Mapping[str, Value]], Value]:
        token = self.take()
        if token == "(":
            inner = self.parse_or()
            if self.take() != ")":
                raise ConditionError("condition_unbalanced", self.source)
            return inner
        if token[0].isdigit():
            number = float(token)
            return lambda state: number
        if token in ("true", "false"):
            constant = token == "true"
            return lambda state: constant
        if token in _KEYWORDS or not (token[0].isalpha() or token[0] == "_"):
            raise ConditionError("condition_unexpected", token)
        self.names.add(token)
        return lambda state: state.get(token, 0)


def parse_condition(source: str) -> Condition:
    """Parse `source`; `ConditionError` says what is wrong with it."""
    parser = _Parser(source)
    evaluate = parser.parse()
    return Condition(source, frozenset(parser.names), evaluate)


def unknown_names(condition: Condition, fact_keys: set[str]) -> list[str]:
    """Names the condition reads that no run can set."""
    known = {*NUMBER_NAMES, *STEP_NAMES, *(f"facts.{key}" for key in fact_keys)}
    known |= {f"{when}.{act}" for when in ("said", "ever") for act in ACT_NAMES}
    return sorted(name for name in condition.names if name not in known)
