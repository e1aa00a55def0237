"""Content models: tracks, question banks, scenarios, the shared lexicon and transcripts.

These are the contract of `docs/content-format.md`: a file written as shown there loads.
All models are frozen and forbid unknown fields, so a misspelt key is an error rather than a
silently ignored setting. Checks that need one item only live here as validators; checks
across items or files (unique ids, unknown references, scenario graph lint) live in
`trainer.content.lint`, where each problem can point at its own line.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from trainer.content.conditions import ConditionError, parse_condition

Language = Literal["zh", "en"]
Step = Literal["apologize", "listen", "resolve", "follow_up"]
STEPS: tuple[Step, ...] = ("apologize", "listen", "resolve", "follow_up")

Id = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$", min_length=1, max_length=64)]


def content_error(key: str, **values: Any) -> PydanticCustomError:
    """A validation error whose message is the catalog entry `content.<key>`."""
    return PydanticCustomError("content", "{key}", {"key": key, **values})


class ContentModel(BaseModel):
    """Base of every content model: frozen, strict about unknown keys."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, coerce_numbers_to_str=True
    )


class LocalizedText(ContentModel):
    """Text a person reads: a plain string (the same in both languages) or `{zh, en}`."""

    zh: str | None = None
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, value: Any) -> Any:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return {"zh": str(value), "en": str(value)}
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> LocalizedText:
        if not (self.zh or "").strip() and not (self.en or "").strip():
            raise content_error("empty_text")
        return self

    def get(self, lang: str) -> str:
        """The text in `lang`, or in the other language when `lang` has none."""
        first, second = (self.zh, self.en) if lang == "zh" else (self.en, self.zh)
        return first or second or ""

    def has(self, lang: str) -> bool:
        return bool(self.zh if lang == "zh" else self.en)


# ---------------------------------------------------------------- tracks


class Option(ContentModel):
    text: LocalizedText
    correct: bool = False
    weight: float | None = Field(default=None, ge=-100, le=100)
    """Percent of the question's mark (multiple choice); GIFT's `%50%`."""
    feedback: LocalizedText | None = None


class CheckQuestion(ContentModel):
    """One question of a lesson's knowledge check: one right option, feedback at once."""

    question: LocalizedText
    options: list[Option] = Field(min_length=2)
    explanation: LocalizedText | None = None
    """Shown after any answer, right or wrong."""

    @model_validator(mode="after")
    def _one_correct(self) -> CheckQuestion:
        right = sum(option.correct for option in self.options)
        if right != 1:
            raise content_error("single_needs_one", found=right, at="options")
        return self


class Lesson(ContentModel):
    id: Id
    title: LocalizedText
    body: LocalizedText
    """Markdown, or the path of a Markdown file relative to the track file's folder."""
    minutes: int = Field(default=5, ge=1, le=600)
    check: list[CheckQuestion] = Field(default_factory=list, max_length=5)
    """The short knowledge check shown after the text; never counts toward anything."""


class Module(ContentModel):
    id: Id
    title: LocalizedText
    lessons: list[Lesson] = Field(min_length=1)


class DrawRule(ContentModel):
    """Draw `count` questions at random from one category of one bank."""

    bank: Id
    category: Id
    count: int = Field(ge=1, le=500)


class AttemptPolicy(ContentModel):
    max: int | None = Field(default=None, ge=1)
    """How many attempts a learner has; none means no limit."""
    cooldown_hours: float = Field(default=0, ge=0)


class ExamSpec(ContentModel):
    time_limit_minutes: int = Field(ge=1, le=600)
    draw: list[DrawRule] = Field(min_length=1)
    attempts: AttemptPolicy = AttemptPolicy()
    review: Literal["after_submit", "after_last_attempt", "never"] = "after_submit"
    counted: Literal["best", "last"] = "best"
    """Which attempt counts toward the assessment."""


class PracticeSpec(ContentModel):
    scenarios: list[Id] = Field(default_factory=list)
    """The practical assessment: each is played in exam mode and counts."""
    optional: list[Id] = Field(default_factory=list)
    """More role-plays offered on the track for practice; they never count."""
    calibration: list[Id] = Field(default_factory=list)
    """Calls of the call library (`calls/`) the learner scores on the call-quality form; the
    first review of each counts toward the practical score (supervisors' calibration)."""
    quality_reviews: list[Id] = Field(default_factory=list)
    """Quality review cases (`quality_reviews/`): each counts toward the practical score."""


class Weights(ContentModel):
    theory: float = Field(default=40, ge=0, le=100)
    practical: float = Field(default=60, ge=0, le=100)

    @model_validator(mode="after")
    def _sum_to_100(self) -> Weights:
        if abs(self.theory + self.practical - 100) > 1e-9:
            raise content_error("weights_sum", total=f"{self.theory + self.practical:g}")
        return self


class PartMinimum(ContentModel):
    theory: float = Field(default=0, ge=0, le=100)
    practical: float = Field(default=0, ge=0, le=100)


class AssessmentSpec(ContentModel):
    weights: Weights = Weights()
    pass_mark: float = Field(default=60, ge=0, le=100)
    minimum: PartMinimum = PartMinimum()


class Track(ContentModel):
    id: Id
    title: LocalizedText
    audience: Literal["new_hire", "frontline", "supervisor"]
    description: LocalizedText | None = None
    modules: list[Module] = Field(min_length=1)
    exam: ExamSpec | None = None
    practice: PracticeSpec = PracticeSpec()
    assessment: AssessmentSpec = AssessmentSpec()
    requires: list[Id] = Field(default_factory=list)
    gate: Literal["cleared_for_duty"] | None = None
    mentorship_days: int = Field(default=0, ge=0, le=365)
    script_drill: list[Id] = Field(default_factory=list)
    """Scenarios a new hire must pass before the cleared-for-duty gate opens."""
    validity_months: int | None = Field(default=None, ge=1, le=120)
    """How long a certificate of this track stays current; none means it does not expire."""

    @property
    def lessons(self) -> list[Lesson]:
        return [lesson for module in self.modules for lesson in module.lessons]

    @property
    def role_plays(self) -> list[Id]:
        """Every scenario the track offers, each once: its script drill first, then its
        practical assessment, then those for practice only."""
        practice = self.practice
        return list(dict.fromkeys([*self.script_drill, *practice.scenarios, *practice.optional]))


# ---------------------------------------------------------------- question banks


class QuestionBase(ContentModel):
    id: Id
    category: Id
    difficulty: int = Field(default=2, ge=1, le=3)
    title: str | None = None
    stem: LocalizedText
    explanation: LocalizedText | None = None
    tags: list[str] = Field(default_factory=list)
    points: float = Field(default=1, gt=0, le=100)
    excludes: list[Id] = Field(default_factory=list)
    """Questions of the same bank that give this one away (or it them): a paper holds at
    most one of them. The exclusion works both ways; naming it on one side is enough."""


class SingleChoice(QuestionBase):
    type: Literal["single"]
    options: list[Option] = Field(min_length=2)
    shuffle: bool = True

    @model_validator(mode="after")
    def _one_correct(self) -> SingleChoice:
        right = sum(option.correct for option in self.options)
        if right != 1:
            raise content_error("single_needs_one", found=right, at="options")
        correct = next(option for option in self.options if option.correct)
        if correct.weight is not None and correct.weight != 100:
            # the right answer earns the whole mark; a half-right option is another one
            raise content_error("single_correct_weight", at="options")
        return self


class MultipleChoice(QuestionBase):
    type: Literal["multiple"]
    options: list[Option] = Field(min_length=2)
    shuffle: bool = True

    @model_validator(mode="after")
    def _some_correct(self) -> MultipleChoice:
        if not any(option.correct or (option.weight or 0) > 0 for option in self.options):
            raise content_error("multiple_needs_correct", at="options")
        weighted = sum(option.weight is not None for option in self.options)
        if 0 < weighted < len(self.options):
            # marked by the weights, an option without one is worth 0: a right option left
            # unweighted would earn nothing (a whole right answer scored 0)
            raise content_error("multiple_mixed_weights", at="options")
        return self


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    answer: bool
    feedback_true: LocalizedText | None = None
    feedback_false: LocalizedText | None = None


class TextAnswer(ContentModel):
    text: str = Field(min_length=1)
    """The answer as the review shows it; it matches itself (see `trainer.services.marking`)."""
    weight: float = Field(default=100, ge=0, le=100)
    feedback: LocalizedText | None = None
    accept: list[str] = Field(default_factory=list)
    """Other wordings an examiner takes for this answer, worth the same weight."""
    patterns: list[str] = Field(default_factory=list)
    """Regular expressions a whole (normalised) answer may match instead, same weight."""

    @field_validator("accept")
    @classmethod
    def _no_empty_variant(cls, variants: list[str]) -> list[str]:
        if any(not variant.strip() for variant in variants):
            raise content_error("expected_nonempty")
        return variants

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise content_error("bad_regex", pattern=pattern, detail=str(error)) from None
        return patterns


class ShortAnswer(QuestionBase):
    type: Literal["short_answer"]
    answers: list[TextAnswer] = Field(min_length=1)
    case_sensitive: bool = False

    @model_validator(mode="after")
    def _full_answer(self) -> ShortAnswer:
        if not any(answer.weight == 100 for answer in self.answers):
            raise content_error("needs_full_answer", at="answers")
        return self


class NumericAnswer(ContentModel):
    value: float
    tolerance: float = Field(default=0, ge=0)
    weight: float = Field(default=100, ge=0, le=100)
    feedback: LocalizedText | None = None


class Numerical(QuestionBase):
    type: Literal["numerical"]
    answers: list[NumericAnswer] = Field(min_length=1)
    feedback_wrong: LocalizedText | None = None
    """Shown in the review for a number none of `answers` takes (GIFT's `~#...`)."""

    @model_validator(mode="after")
    def _full_answer(self) -> Numerical:
        if not any(answer.weight == 100 for answer in self.answers):
            raise content_error("needs_full_answer", at="answers")
        return self


class Pair(ContentModel):
    left: LocalizedText
    right: LocalizedText


class Matching(QuestionBase):
    type: Literal["matching"]
    pairs: list[Pair] = Field(min_length=2)
    distractors: list[LocalizedText] = Field(default_factory=list)
    """More right-hand answers that match no left (GIFT's `= -> 3`): offered, never right."""
    shuffle: bool = True

    @property
    def rights(self) -> list[LocalizedText]:
        """The right-hand choices in stored order: each pair's right, then the distractors;
        a stored matching answer names its choice by this index."""
        return [pair.right for pair in self.pairs] + list(self.distractors)


Question = Annotated[
    SingleChoice | MultipleChoice | TrueFalse | ShortAnswer | Numerical | Matching,
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single", "multiple", "true_false", "short_answer", "numerical", "matching")


class QuestionBank(ContentModel):
    id: Id
    title: LocalizedText
    categories: dict[Id, LocalizedText] = Field(min_length=1)
    questions: list[Question] = Field(default_factory=list)

    def in_category(self, category: str) -> list[Question]:
        return [question for question in self.questions if question.category == category]

    def exclusion_groups(self) -> dict[str, frozenset[str]]:
        """For each question, the questions that must not share its paper (itself included):
        `excludes` read both ways and followed through, so a chain a–b–c is one group."""
        links: dict[str, set[str]] = {question.id: {question.id} for question in self.questions}
        for question in self.questions:
            for other in question.excludes:
                if other in links:
                    links[question.id].add(other)
                    links[other].add(question.id)
        groups: dict[str, frozenset[str]] = {}
        for start in links:
            if start in groups:
                continue
            group, todo = {start}, [start]
            while todo:
                for linked in links[todo.pop()] - group:
                    group.add(linked)
                    todo.append(linked)
            for member in group:
                groups[member] = frozenset(group)
        return groups


# ---------------------------------------------------------------- scenarios


class PhraseList(ContentModel):
    """Phrases (regular expressions) in each language."""

    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    def patterns(self, lang: str) -> list[str]:
        return self.zh if lang == "zh" else self.en


class Persona(ContentModel):
    name: LocalizedText
    profile: LocalizedText | None = None


class MoodSpec(ContentModel):
    start: int | None = Field(default=None, ge=0, le=100)
    """The customer's mood as the call opens; the difficulty's default when absent."""
    hangup_at: int = Field(default=0, ge=0, le=100)
    satisfied_at: int = Field(default=70, ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> MoodSpec:
        if self.start is not None and not self.hangup_at < self.start:
            raise content_error(
                "mood_order", start=self.start, hangup_at=self.hangup_at, at="start"
            )
        return self


class TimeoutEffect(ContentModel):
    mood: float = 0


class TimerSpec(ContentModel):
    reply_seconds: int = Field(ge=5, le=3600)
    on_timeout: TimeoutEffect = TimeoutEffect()


class FollowUpSpec(ContentModel):
    max_hours: float = Field(default=24, gt=0)


FACTS_SHARE = 0.8
"""Of listening, what saying the facts back (or asking about the problem) is worth."""


class ScoringSpec(ContentModel):
    steps: dict[Step, float] = Field(default_factory=lambda: dict.fromkeys(STEPS, 25.0))
    order: list[tuple[Step, Step]] = Field(default_factory=list)
    """Pairs (earlier, later): a step that first appears after its successor earns half."""
    follow_up: FollowUpSpec = FollowUpSpec()
    pass_mark: float = Field(default=60, ge=0, le=100)
    minimum: dict[Step, float] = Field(default_factory=dict)
    """Per step, the share of its weight (percent) a run must reach to pass, whatever its
    total: `{resolve: 40}` fails a call that never resolved. Steps not named take the
    service standard's `minimum`."""
    fact_points: float | None = Field(default=None, ge=0)
    """Listen points shared among the scenario's facts, earned as each is said back; by
    default what listening has beyond acknowledging the feeling (four fifths of its weight)."""

    def facts_points(self) -> float:
        """Listen points for saying the facts back: `fact_points`, or four fifths of the
        listening weight (the rest is for acknowledging the feeling)."""
        if self.fact_points is not None:
            return self.fact_points
        return FACTS_SHARE * self.steps.get("listen", 0.0)

    @field_validator("steps")
    @classmethod
    def _positive_weights(cls, steps: dict[Step, float]) -> dict[Step, float]:
        if any(weight < 0 for weight in steps.values()) or sum(steps.values()) <= 0:
            raise content_error("step_weights")
        return steps


class RubricLine(ContentModel):
    """A free-text check: any/all patterns, cancelled by `except`, worth points and mood."""

    step: Step | Literal["standard"]
    any: list[str] = Field(default_factory=list)
    all: list[str] = Field(default_factory=list)
    except_: list[str] = Field(default_factory=list, alias="except")
    points: float = Field(default=0, ge=-100, le=100)
    mood: float = Field(default=0, ge=-100, le=100)
    needs_time: bool = False
    tip: LocalizedText | None = None

    @model_validator(mode="after")
    def _has_patterns(self) -> RubricLine:
        if not self.any and not self.all:
            raise content_error("rubric_needs_patterns")
        return self

    def patterns(self) -> list[str]:
        return [*self.any, *self.all, *self.except_]


class ChoiceOption(ContentModel):
    text: LocalizedText
    score: dict[Step, float] = Field(default_factory=dict)
    mood: float = Field(default=0, ge=-100, le=100)
    goto: Id
    feedback: LocalizedText | None = None
    breach: bool = False
    """Choosing it is a red line (confirming an address to a stranger): the run is fatal."""
    breaks: Id | None = None
    """Choosing it breaks this rule of the scenario or the standard (its penalty, or fatal)."""


class Branch(ContentModel):
    if_: str | None = Field(default=None, alias="if")
    goto: Id

    @field_validator("if_")
    @classmethod
    def _parses(cls, source: str | None) -> str | None:
        if source is not None:
            try:
                parse_condition(source)
            except ConditionError as error:
                raise content_error(error.reason, detail=error.detail) from None
        return source


class Node(ContentModel):
    id: Id
    customer: LocalizedText | None = None
    """What the customer says before the agent's turn; none on the first node of a call the
    agent opens (the line connects and the agent greets first). `{callback_time}` in it is
    replaced by the time the agent last promised, in the agent's own words."""
    input: Literal["free_text", "choice"]
    options: list[ChoiceOption] = Field(default_factory=list)
    rubric: list[RubricLine] = Field(default_factory=list)
    next: list[Branch] = Field(default_factory=list)
    hint: LocalizedText | None = None
    model_answer: LocalizedText | None = None
    """A good reply, shown in the replay where the agent's fell short."""

    @model_validator(mode="after")
    def _fits_input(self) -> Node:
        if self.input == "choice":
            if len(self.options) < 2:
                raise content_error("choice_needs_options", at="options")
            if self.rubric or self.next:
                raise content_error("choice_no_rubric", at="rubric" if self.rubric else "next")
        elif self.options:
            raise content_error("free_text_no_options", at="options")
        return self


class RecordField(ContentModel):
    """One line of the customer record panel: a label and a value, or a scenario secret."""

    label: LocalizedText
    value: LocalizedText | None = None
    secret: Id | None = None
    """The key of a `secrets` entry shown here: reading it out on the call is fatal."""
    masked: bool = False
    """Show the secret masked (138****1234), as many systems do; unmasked by default."""

    @model_validator(mode="after")
    def _value_or_secret(self) -> RecordField:
        if (self.value is None) == (self.secret is None):
            raise content_error("record_value_or_secret", at="value")
        return self


class Ending(ContentModel):
    id: Id
    text: LocalizedText


class ScenarioRule(ContentModel):
    """A phrase the agent must not say: a penalty, a mood change, or a fatal error."""

    id: Id
    title: LocalizedText | None = None
    """The rule's name on the scorecard (its id when absent)."""
    forbid: list[str] = Field(min_length=1)
    except_: list[str] = Field(default_factory=list, alias="except")
    """Patterns that excuse a hit they overlap ("不知道您是否方便" is a polite question)."""
    fatal: bool = False
    penalty: float = Field(default=0, ge=0, le=100)
    mood: float = Field(default=0, ge=-100, le=100)
    better: LocalizedText | None = None
    """The phrase to use instead, shown as a coaching tip."""


class GreetingRule(ContentModel):
    """The first turn opens with a greeting, the company name and the agent's ID."""

    needs: list[str] = Field(default_factory=list)
    """Patterns that must each appear in the first turn (`@greeting`, `@agent_id`)."""
    company: bool = True
    """Whether the company's name must appear too."""
    penalty: float = Field(default=5, ge=0, le=100)
    better: LocalizedText | None = None


class ClosingRule(ContentModel):
    """The last turn sums up or asks "anything else?", and closes in the standard way."""

    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)
    penalty: float = Field(default=5, ge=0, le=100)
    better: LocalizedText | None = None


class PrivacyRule(ContentModel):
    """Reading out a scenario secret (ID number, phone number, address), whole or in part."""

    fatal: bool = True
    penalty: float = Field(default=0, ge=0, le=100)
    better: LocalizedText | None = None
    digits: int = Field(default=5, ge=2, le=30)
    """A number secret is read out when this many of its digits in a row are said; fewer, or
    only its last `last_digits` (尾号1234), is the accepted way to check it."""
    last_digits: int = Field(default=4, ge=0, le=30)
    characters: int = Field(default=3, ge=2, le=30)
    """A text secret (an address) is read out when this many of its characters in a row are
    said (Chinese), or two of its words in a row (English)."""


class NegationSpec(ContentModel):
    """Words that cancel a phrase shortly after them in the same clause, and fixed phrases
    where they do not ("不好意思", "can't apologize enough")."""

    negators: PhraseList = PhraseList()
    exceptions: PhraseList = PhraseList()
    window: int = Field(default=4, ge=0, le=20)
    """How many characters (Chinese) or words (English) may stand between negator and hit."""
    bridges: PhraseList | None = None
    """Words that may stand between a negator and the word it negates (会, 能, 给您; "going
    to", "able to"). When given, a gap of anything else ends the negation's reach, so in
    钱一直没到账真是抱歉 the 没 negates 到账, not the apology. None: any gap within `window`."""
    after: PhraseList = PhraseList()
    """Negations that follow the word they negate: 取消不了, 查不到, 办不成."""


class ServiceStandard(ContentModel):
    """The hotline service standard: rules applied to every agent turn of every scenario.

    Lives in `scenarios/_standard.yaml` so a company can edit it; a later content root's file
    replaces an earlier one's.
    """

    greeting: GreetingRule = GreetingRule()
    closing: ClosingRule = ClosingRule()
    privacy: PrivacyRule = PrivacyRule()
    negation: NegationSpec = NegationSpec()
    rules: list[ScenarioRule] = Field(default_factory=list)
    minimum: dict[Step, float] = Field(default_factory=dict)
    """Per step, the share of its weight (percent) every run must reach to pass, unless a
    scenario says otherwise (`scoring.minimum`)."""

    def patterns(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every pattern with its place in the file, for lint."""
        found: list[tuple[tuple[str | int, ...], str]] = []
        found += [(("greeting", "needs", i), p) for i, p in enumerate(self.greeting.needs)]
        found += [(("closing", "all", i), p) for i, p in enumerate(self.closing.all)]
        found += [(("closing", "any", i), p) for i, p in enumerate(self.closing.any)]
        for r, rule in enumerate(self.rules):
            found += [(("rules", r, "forbid", i), p) for i, p in enumerate(rule.forbid)]
            found += [(("rules", r, "except", i), p) for i, p in enumerate(rule.except_)]
        return found


class ScriptTurn(ContentModel):
    """One agent turn of a transcript: free text (`say`) or an option number (`pick`)."""

    say: str | None = None
    pick: int | None = Field(default=None, ge=1)
    seconds: float | None = Field(default=None, ge=0)
    """How long the agent took to reply, when known (the reply timer reads it)."""

    @model_validator(mode="after")
    def _one_kind(self) -> ScriptTurn:
        if (self.say is None) == (self.pick is None):
            raise content_error("turn_say_or_pick")
        return self


class GoldenExpect(ContentModel):
    min_total: float | None = None
    max_total: float | None = None
    ending: Id | None = None
    passed: bool | None = None
    fatal: bool | None = None


class GoldenTest(ContentModel):
    name: str | None = None
    lang: Language = "zh"
    turns: list[ScriptTurn] = Field(min_length=1)
    expect: GoldenExpect


Difficulty = Literal["easy", "medium", "hard"]
START_MOOD: dict[Difficulty, int] = {"easy": 60, "medium": 40, "hard": 20}
REPLY_SECONDS: dict[Difficulty, int | None] = {"easy": None, "medium": 120, "hard": 60}
HINT_BUDGET: dict[Difficulty, int] = {"easy": 3, "medium": 2, "hard": 1}
CALL_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class Scenario(ContentModel):
    id: Id
    title: LocalizedText
    difficulty: Difficulty = "medium"
    """Sets the start mood, the reply timer and the practice hints, unless given."""
    call_time: str = "14:00"
    """The time of day the call takes place, against which "by 5 pm today" is measured."""
    company: LocalizedText | None = None
    call: bool = True
    """A customer call. False for a talk with a colleague (a supervisor coaching an agent):
    the call's greeting and closing rules do not apply; the other standard rules still do."""
    brief: LocalizedText
    persona: Persona
    facts: dict[str, str] = Field(default_factory=dict)
    secrets: dict[str, str] = Field(default_factory=dict)
    record: list[RecordField] = Field(default_factory=list)
    """What the agent's system shows about the customer, beside the conversation."""
    mood: MoodSpec = MoodSpec()
    timer: TimerSpec | None = None
    scoring: ScoringSpec = ScoringSpec()
    lexicon: dict[Id, PhraseList] = Field(default_factory=dict)
    rules: list[ScenarioRule] = Field(default_factory=list)
    start: Id | None = None
    """The first node; the first in `nodes` when absent."""
    nodes: list[Node] = Field(min_length=1)
    endings: list[Ending] = Field(min_length=1)
    tests: list[GoldenTest] = Field(default_factory=list)

    @property
    def start_node(self) -> str:
        return self.start or self.nodes[0].id

    @field_validator("call_time")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        if not CALL_TIME.match(value):
            raise content_error("bad_call_time", value=value)
        return value

    @property
    def start_mood(self) -> int:
        return self.mood.start if self.mood.start is not None else START_MOOD[self.difficulty]

    @property
    def reply_seconds(self) -> int | None:
        return self.timer.reply_seconds if self.timer else REPLY_SECONDS[self.difficulty]

    @property
    def timeout_mood(self) -> float:
        return self.timer.on_timeout.mood if self.timer else -10.0

    @property
    def hint_budget(self) -> int:
        return HINT_BUDGET[self.difficulty]

    @property
    def call_hour(self) -> float:
        hours, minutes = self.call_time.split(":")
        return int(hours) + int(minutes) / 60

    def node(self, node_id: str) -> Node | None:
        return next((node for node in self.nodes if node.id == node_id), None)


class Transcript(ContentModel):
    """A run written down: the scenario, the language and the agent's turns."""

    scenario: Id
    lang: Language = "zh"
    turns: list[ScriptTurn] = Field(default_factory=list)


LEXICON_REFERENCE = re.compile(r"^@([a-z0-9_-]+)$")


# ---------------------------------------------------------------- the call library

ItemId = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$", min_length=1, max_length=64)]


class FormLevel(ContentModel):
    """One level of a form item: the points it gives and what a call at that level does."""

    points: float = Field(ge=0, le=100)
    title: LocalizedText
    description: LocalizedText | None = None


class FormItem(ContentModel):
    """One item of the call-quality form: a hotline-standard item or one of the four steps."""

    id: ItemId
    title: LocalizedText
    checks: LocalizedText | None = None
    """What the reviewer looks for, as the standard says it."""
    max: float = Field(gt=0, le=100)
    levels: list[FormLevel] = Field(min_length=2)
    """Best first: the first is worth `max`, the last 0; a score falls in the highest level
    whose points it reaches."""
    veto: bool = False
    """A red line: a call at this item's lowest level scores 0 in total, whatever the rest."""

    @model_validator(mode="after")
    def _levels_span(self) -> FormItem:
        points = [level.points for level in self.levels]
        if points[0] != self.max or points[-1] != 0 or points != sorted(set(points), reverse=True):
            raise content_error("form_levels", max=f"{self.max:g}", at="levels")
        return self

    def level_of(self, points: float) -> int:
        """The index (0 = best) of the level a score of `points` falls in."""
        for index, level in enumerate(self.levels):
            if points >= level.points:
                return index
        return len(self.levels) - 1

    def vetoed(self, points: float) -> bool:
        return self.veto and self.level_of(points) == len(self.levels) - 1


class Tolerance(ContentModel):
    """How far a review may stray from the reference and still agree with it."""

    total: float = Field(default=5, ge=0, le=100)
    """Points, either way, on the call's total."""
    levels: int = Field(default=1, ge=0, le=10)
    """Levels, either way, on each item."""


class CallForm(ContentModel):
    """The call-quality form (`calls/_form.yaml`): items adding up to 100, and the tolerance
    a calibration review is held to."""

    items: list[FormItem] = Field(min_length=1)
    tolerance: Tolerance = Tolerance()

    @model_validator(mode="after")
    def _adds_up(self) -> CallForm:
        total = sum(item.max for item in self.items)
        if abs(total - 100) > 1e-9:
            raise content_error("form_total", total=f"{total:g}", at="items")
        return self

    def item(self, item_id: str) -> FormItem | None:
        return next((item for item in self.items if item.id == item_id), None)


class CallTurn(ContentModel):
    """One turn of a recorded call: the agent's or the customer's words."""

    agent: LocalizedText | None = None
    customer: LocalizedText | None = None

    @model_validator(mode="after")
    def _one_speaker(self) -> CallTurn:
        if (self.agent is None) == (self.customer is None):
            raise content_error("call_turn_speaker")
        return self

    @property
    def speaker(self) -> Literal["agent", "customer"]:
        return "agent" if self.agent is not None else "customer"

    @property
    def text(self) -> LocalizedText:
        said = self.agent if self.agent is not None else self.customer
        assert said is not None
        return said


class ItemScore(ContentModel):
    """The reference's score on one form item, and why."""

    points: float = Field(ge=0, le=100)
    why: LocalizedText


class MarkedMoment(ContentModel):
    """A turn the reviewer points at: where the apology came, the breach, the missed callback."""

    turn: int = Field(ge=1)
    """The turn's number, counting from 1 over every turn of the call."""
    item: ItemId
    """The form item it bears on."""
    fault: bool = True
    """Something that went wrong (what "spot what went wrong" asks for); false for a turn
    done well."""
    what: LocalizedText


class ReferenceReview(ContentModel):
    """The content authors' review of a call, as a QA expert scores it."""

    scores: dict[ItemId, ItemScore] = Field(min_length=1)
    moments: list[MarkedMoment] = Field(default_factory=list)
    summary: LocalizedText | None = None


class Call(ContentModel):
    """A recorded call of the call library (`calls/<id>.yaml`) with its reference review."""

    id: Id
    title: LocalizedText
    scenario: Id | None = None
    """The role-play situation the call is about, when there is one."""
    situation: LocalizedText
    """What the reviewer knows before reading: who called, about what."""
    turns: list[CallTurn] = Field(min_length=2)
    reference: ReferenceReview

    @property
    def languages(self) -> list[Language]:
        """The languages every turn of the call is written in."""
        return [lang for lang in ("zh", "en") if all(turn.text.has(lang) for turn in self.turns)]

    def reference_points(self) -> dict[str, float]:
        return {item: score.points for item, score in self.reference.scores.items()}


class ReviewFile(ContentModel):
    """A review written by hand for `trainer review score`: points per form item."""

    call: Id | None = None
    """The call reviewed; when given, it must be the call named on the command line."""
    scores: dict[ItemId, float] = Field(min_length=1)
    reviewer: str | None = None


# ---------------------------------------------------------------- quality reviews

Dimension = Literal["efficiency", "professionalism", "attitude", "resolution", "proactiveness"]
SCORECARD_WEIGHTS: dict[Dimension, float] = {
    "efficiency": 25,
    "professionalism": 20,
    "attitude": 20,
    "resolution": 20,
    "proactiveness": 15,
}
"""The after-sales scorecard's first-level dimensions and their weights (percent)."""


class DataTable(ContentModel):
    """A table of a team's figures, shown as the case is played."""

    title: LocalizedText
    columns: list[LocalizedText] = Field(min_length=1)
    rows: list[list[LocalizedText]] = Field(min_length=1)

    @model_validator(mode="after")
    def _rows_fit(self) -> DataTable:
        for index, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise content_error(
                    "table_row_width",
                    row=index + 1,
                    cells=len(row),
                    columns=len(self.columns),
                    at=("rows", index),
                )
        return self


class ScorecardTask(ContentModel):
    """Part (a): the weighted total of the five dimension scores, and its grade."""

    scores: dict[Dimension, float]
    """Each dimension's score out of 100, as the team's second-level indicators gave it."""
    tolerance: float = Field(default=0.5, ge=0, le=10)
    """How far the learner's total may be from the exact one and still count."""

    @field_validator("scores")
    @classmethod
    def _every_dimension(cls, scores: dict[Dimension, float]) -> dict[Dimension, float]:
        missing = [name for name in SCORECARD_WEIGHTS if name not in scores]
        if missing:
            raise content_error("scorecard_dimensions", missing=", ".join(missing))
        if any(not 0 <= score <= 100 for score in scores.values()):
            raise content_error("scorecard_range")
        return scores

    @property
    def total(self) -> float:
        """Σ dimension score × its weight, to two decimals."""
        weighted = sum(
            self.scores[name] * weight / 100 for name, weight in SCORECARD_WEIGHTS.items()
        )
        return round(weighted, 2)


class ParetoCause(ContentModel):
    id: Id
    label: LocalizedText
    count: int = Field(ge=0)
    """Complaints of this cause in the quarter."""


class ParetoTask(ContentModel):
    """Part (b): the causes that make up the first `share` percent of the complaints."""

    causes: list[ParetoCause] = Field(min_length=3)
    share: float = Field(default=80, gt=0, le=100)

    @model_validator(mode="after")
    def _counts(self) -> ParetoTask:
        if sum(cause.count for cause in self.causes) <= 0:
            raise content_error("pareto_empty", at="causes")
        return self

    @property
    def ranked(self) -> list[tuple[ParetoCause, float]]:
        """The causes, most frequent first, each with the cumulative percent up to it."""
        total = sum(cause.count for cause in self.causes)
        running = 0
        ranked = []
        for cause in sorted(self.causes, key=lambda cause: -cause.count):
            running += cause.count
            ranked.append((cause, round(running * 100 / total, 1)))
        return ranked

    @property
    def vital_few(self) -> list[str]:
        """The ids of the causes up to the one that takes the cumulative share to `share`."""
        chosen: list[str] = []
        for cause, cumulative in self.ranked:
            chosen.append(cause.id)
            if cumulative >= self.share:
                break
        return chosen


class WhyOption(ContentModel):
    text: LocalizedText
    correct: bool = False
    feedback: LocalizedText | None = None


class WhyLevel(ContentModel):
    """One "why?" of the chain: the question and the candidate answers, one of them right."""

    question: LocalizedText
    options: list[WhyOption] = Field(min_length=2)

    @model_validator(mode="after")
    def _one_correct(self) -> WhyLevel:
        right = sum(option.correct for option in self.options)
        if right != 1:
            raise content_error("single_needs_one", found=right, at="options")
        return self


class FiveWhyTask(ContentModel):
    """Part (c): the 5-Why chain from the top cause down to the root."""

    problem: LocalizedText
    levels: list[WhyLevel] = Field(min_length=3, max_length=7)


class Measure(ContentModel):
    text: LocalizedText
    fits: bool
    """Whether it is a measure to choose: aimed at the root cause and SMART."""
    reason: LocalizedText
    """Why it fits or not (shown on the result)."""


class MeasuresTask(ContentModel):
    """Part (d): the improvement measures with SMART targets, among some that are not."""

    question: LocalizedText
    options: list[Measure] = Field(min_length=3)

    @model_validator(mode="after")
    def _some_fit(self) -> MeasuresTask:
        if not any(option.fits for option in self.options):
            raise content_error("measures_none_fit", at="options")
        return self


class QualityReviewCase(ContentModel):
    """A team's quarter of service data for a supervisor's quality review (four parts)."""

    id: Id
    title: LocalizedText
    brief: LocalizedText
    """The team, the quarter and what the supervisor is asked to do."""
    tables: list[DataTable] = Field(min_length=1)
    scorecard: ScorecardTask
    pareto: ParetoTask
    five_why: FiveWhyTask
    measures: MeasuresTask
    pass_mark: float = Field(default=60, ge=0, le=100)
