"""The role-play engine: a call played turn by turn, and the scorecard that explains it.

`RolePlay` walks a scenario's nodes. Each agent turn (free text at a `free_text` node, an
option number at a `choice` node) is scored at once: rubric lines and options award step
points, facts said back earn listening credit, the service standard and the scenario's rules
cost points or end the run, and the customer's mood moves. `scorecard()` can be called at any
moment (the live checklist reads it) and is final once the call has ended.

Pure and deterministic: no clock, no storage, no UI. The screens, `trainer roleplay score`,
`trainer validate` (golden tests) and the tests all drive this same class; `score_transcript`
plays a written transcript through it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from trainer.content.conditions import Condition, parse_condition
from trainer.content.models import (
    STEPS,
    ChoiceOption,
    Node,
    PhraseList,
    Scenario,
    ScenarioRule,
    ScriptTurn,
    ServiceStandard,
    Transcript,
)
from trainer.errors import TrainerError
from trainer.services.notes import Note
from trainer.services.roleplay.matching import Hit, PhraseMatcher, Reply, literal_hit
from trainer.services.roleplay.scorecard import (
    Evidence,
    Scorecard,
    StepScore,
    TurnRecord,
    Violation,
)
from trainer.services.roleplay.timeparse import nearest_time_phrase

HANGUP = "hangup"


class TranscriptError(TrainerError):
    """A turn that does not fit the scenario; `turn` is 1-based."""

    area = "roleplay"


@dataclass(frozen=True)
class Context:
    """What a run needs besides the scenario: phrase lists, the standard, the company name."""

    lexicon: Mapping[str, PhraseList]
    standard: ServiceStandard
    organisation: str | None = None
    """The organisation's name, for the greeting rule when the scenario names no company."""


def _round(value: float) -> float:
    return round(value + 1e-9, 1)


class RolePlay:
    """One run of a scenario in one language."""

    def __init__(self, scenario: Scenario, lang: str, context: Context) -> None:
        self.scenario = scenario
        self.lang = lang
        self.context = context
        self.matcher = PhraseMatcher(
            lang,
            {**context.lexicon, **scenario.lexicon},
            context.standard.negation,
            scenario.call_hour,
        )
        self.mood: float = float(scenario.start_mood)
        self.mood_history: list[float] = [self.mood]
        self.turns: list[TurnRecord] = []
        self.confirmed_facts: set[str] = set()
        self.node_id: str | None = scenario.start_node
        self.ending: str | None = None
        self._step_points: dict[str, float] = dict.fromkeys(STEPS, 0.0)

    # ------------------------------------------------------------ where the call stands

    @property
    def node(self) -> Node | None:
        """The node awaiting the agent's reply; None once the call has ended."""
        return self.scenario.node(self.node_id) if self.node_id and not self.ending else None

    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def customer_line(self) -> str:
        node = self.node
        return node.customer.get(self.lang) if node else ""

    def ending_text(self) -> str | None:
        if self.ending is None:
            return None
        ending = next((item for item in self.scenario.endings if item.id == self.ending), None)
        return ending.text.get(self.lang) if ending else None

    def step_done(self) -> dict[str, bool]:
        """Which steps have earned points so far (the live checklist)."""
        return {step: self._step_points[step] > 0 for step in STEPS}

    def _condition_state(self) -> dict[str, float | bool]:
        state: dict[str, float | bool] = {"mood": self.mood, "turn": len(self.turns)}
        state.update(self.step_done())
        state.update({f"facts.{key}": True for key in self.confirmed_facts})
        return state

    # ------------------------------------------------------------ playing

    def play(self, turn: ScriptTurn) -> TurnRecord:
        """Play a transcript turn (free text or a pick)."""
        if turn.say is not None:
            return self.say(turn.say, turn.seconds)
        assert turn.pick is not None
        return self.pick(turn.pick, turn.seconds)

    def say(self, text: str, seconds: float | None = None) -> TurnRecord:
        """The agent's free-text reply at the current node."""
        node = self._expect("free_text")
        reply = self.matcher.analyse(text)
        record = self._new_record(node, "say", text, seconds)
        for line in node.rubric:
            hit = self.matcher.line_hit(reply, line.any, line.all, line.except_)
            if hit is None:
                continue
            points, note = line.points, None
            if line.needs_time and points > 0:
                points, note, hit = self._time_commitment(reply, hit, points)
            record.evidence.append(self._evidence(record, reply, hit, line.step, points, note))
            self.mood += line.mood
        self._standard_checks(record, reply)
        if self._earned(record) < self._best_possible(node) or record.violations:
            record.better = node.model_answer.get(self.lang) if node.model_answer else None
        return self._advance(record, None)

    def pick(self, number: int, seconds: float | None = None) -> TurnRecord:
        """The agent's choice of option `number` (1-based) at the current node."""
        node = self._expect("choice")
        if not 1 <= number <= len(node.options):
            raise TranscriptError(
                "no_such_option", turn=len(self.turns) + 1, number=number, count=len(node.options)
            )
        option = node.options[number - 1]
        text = option.text.get(self.lang)
        reply = self.matcher.analyse(text)
        record = self._new_record(node, "pick", text, seconds)
        record.pick = number
        whole = Hit(0, len(reply.text))
        for step, points in option.score.items():
            record.evidence.append(
                self._evidence(record, reply, whole, step, points, None, source="option")
            )
        self.mood += option.mood
        self._standard_checks(record, reply)
        best = max(node.options, key=_option_value)
        if _option_value(option) < _option_value(best):
            record.better = best.text.get(self.lang)
        record.feedback = option.feedback.get(self.lang) if option.feedback else None
        return self._advance(record, option)

    def _expect(self, kind: str) -> Node:
        turn = len(self.turns) + 1
        node = self.node
        if node is None:
            raise TranscriptError("call_over", turn=turn, ending=self.ending or "-")
        if node.input != kind:
            key = "pick_at_free_text" if kind == "choice" else "say_at_choice"
            raise TranscriptError(key, turn=turn, node=node.id)
        return node

    def _new_record(self, node: Node, kind: str, text: str, seconds: float | None) -> TurnRecord:
        record = TurnRecord(
            number=len(self.turns) + 1,
            node=node.id,
            customer=node.customer.get(self.lang),
            kind="say" if kind == "say" else "pick",
            text=text,
            seconds=seconds,
            mood_before=_round(self.mood),
            mood_after=_round(self.mood),
        )
        limit = self.scenario.reply_seconds
        if seconds is not None and limit is not None and seconds > limit:
            record.timed_out = True
            self.mood += self.scenario.timeout_mood
        return record

    def _advance(self, record: TurnRecord, option: ChoiceOption | None) -> TurnRecord:
        self.mood = min(100.0, max(0.0, self.mood))
        record.mood_after = _round(self.mood)
        self.mood_history.append(record.mood_after)
        per_turn: dict[str, float] = {}
        for evidence in record.evidence:
            if evidence.step in self._step_points:
                per_turn[evidence.step] = per_turn.get(evidence.step, 0) + evidence.points
        for step, points in per_turn.items():
            weight = self.scenario.scoring.steps.get(step, 0.0)  # type: ignore[call-overload]
            self._step_points[step] += max(0.0, min(points, weight))
        self.turns.append(record)

        if self.mood <= self.scenario.mood.hangup_at:
            self._go(HANGUP)
        elif option is not None:
            self._go(option.goto)
        else:
            node = self.scenario.node(record.node)
            assert node is not None
            state = self._condition_state()
            for branch in node.next:
                if branch.if_ is None or _condition(branch.if_).evaluate(state):
                    self._go(branch.goto)
                    break
            else:
                self.ending = HANGUP  # lint forbids this; a run must still end somewhere
        return record

    def _go(self, target: str) -> None:
        if self.scenario.node(target) is not None and target != HANGUP:
            self.node_id = target
        else:
            self.ending = target

    # ------------------------------------------------------------ what a turn earns

    def _evidence(
        self,
        record: TurnRecord,
        reply: Reply,
        hit: Hit,
        step: str,
        points: float,
        note: Note | None,
        source: str = "rubric",
    ) -> Evidence:
        start, end = reply.normalised.original_span(hit.start, hit.end)
        return Evidence(
            turn=record.number,
            step=step,
            text=reply.normalised.original[start:end],
            start=start,
            end=end,
            points=_round(points),
            source="option" if source == "option" else "fact" if source == "fact" else "rubric",
            note=note,
        )

    def _time_commitment(self, reply: Reply, hit: Hit, points: float) -> tuple[float, Note, Hit]:
        """Full points for a promise with a time within the limit, half otherwise."""
        limit = self.scenario.scoring.follow_up.max_hours
        phrase = nearest_time_phrase(reply.times, hit.start, hit.end)
        if phrase is None:
            return points / 2, Note(key="time_missing", values={"hours": f"{limit:g}"}), hit
        words = reply.words(Hit(phrase.start, phrase.end))
        widened = Hit(min(hit.start, phrase.start), max(hit.end, phrase.end))
        if phrase.hours is None:
            note = Note(key="time_vague", values={"text": words, "hours": f"{limit:g}"})
            return points / 2, note, widened
        if phrase.hours > limit + 1e-9:
            note = Note(key="time_too_late", values={"text": words, "hours": f"{limit:g}"})
            return points / 2, note, widened
        return points, Note(key="time_ok", values={"text": words}), widened

    def _standard_checks(self, record: TurnRecord, reply: Reply) -> None:
        """Facts said back, the greeting, forbidden phrases and secrets."""
        facts = self.scenario.facts
        for key, value in facts.items():
            if key in self.confirmed_facts:
                continue
            hit = literal_hit(reply, value)
            if hit is not None:
                self.confirmed_facts.add(key)
                share = self.scenario.scoring.fact_points / len(facts)
                note = Note(key="fact_confirmed", values={"fact": key})
                record.evidence.append(
                    self._evidence(record, reply, hit, "listen", share, note, source="fact")
                )
        if record.number == 1 and self.scenario.call:
            self._check_greeting(record, reply)
        # the scenario's own rules first: where one overlaps a standard rule's hit, its more
        # specific advice is the one kept, and the words are not charged twice
        rules: list[ScenarioRule] = [*self.scenario.rules, *self.context.standard.rules]
        charged: list[Hit] = []
        for rule in rules:
            for hit in self.matcher.forbidden(reply, rule.forbid, rule.except_):
                if any(hit.start < other.end and other.start < hit.end for other in charged):
                    continue
                charged.append(hit)
                self._violate(
                    record,
                    reply,
                    hit,
                    rule.id,
                    rule.penalty,
                    rule.fatal,
                    rule.mood,
                    rule.better.get(self.lang) if rule.better else None,
                )
                if rule.title is not None:
                    record.violations[-1].label = rule.title.get(self.lang)
        privacy = self.context.standard.privacy
        for key, secret in self.scenario.secrets.items():
            hit = literal_hit(reply, secret)
            if hit is not None:
                better = privacy.better.get(self.lang) if privacy.better else None
                self._violate(
                    record,
                    reply,
                    hit,
                    "privacy",
                    privacy.penalty,
                    privacy.fatal,
                    0,
                    better,
                    Note(key="privacy", values={"secret": key}),
                )

    def _violate(
        self,
        record: TurnRecord,
        reply: Reply,
        hit: Hit,
        rule: str,
        penalty: float,
        fatal: bool,
        mood: float,
        better: str | None,
        note: Note | None = None,
    ) -> None:
        start, end = reply.normalised.original_span(hit.start, hit.end)
        record.violations.append(
            Violation(
                rule=rule,
                turn=record.number,
                text=reply.normalised.original[start:end],
                start=start,
                end=end,
                penalty=penalty,
                fatal=fatal,
                mood=mood,
                better=better,
                note=note,
            )
        )
        self.mood += mood

    def _company_said(self) -> str:
        """The company's name as an agent speaking this run's language would say it."""
        if self.scenario.company is not None:
            return self.scenario.company.get(self.lang)
        names = self.company_names()
        wanted = [n for n in names if bool(re.search(r"[\u3400-\u9fff]", n)) == (self.lang == "zh")]
        return (wanted or names or [""])[-1]

    def company_names(self) -> list[str]:
        if self.scenario.company is not None:
            names = [self.scenario.company.zh, self.scenario.company.en]
            return [name for name in names if name]
        name = (self.context.organisation or "").strip()
        if not name:
            return []
        # "星河客服中心 Galaxy Service Centre": an agent says one language's part of it
        chinese = "".join(re.findall(r"[\u3400-\u9fff]+", name))
        latin = re.sub(r"[\u3400-\u9fff]+", " ", name).strip(" /|-")
        return [part for part in dict.fromkeys([name, chinese, " ".join(latin.split())]) if part]

    def _check_greeting(self, record: TurnRecord, reply: Reply) -> None:
        rule = self.context.standard.greeting
        missing = [
            pattern.lstrip("@")
            for pattern in rule.needs
            if self.matcher.first(reply, [pattern]) is None
        ]
        companies = self.company_names()
        if rule.company and companies and not any(literal_hit(reply, n) for n in companies):
            missing.append("company")
        if not missing:
            return
        better = None
        if rule.better:
            better = rule.better.get(self.lang).replace("{company}", self._company_said())
        note = Note(key="greeting_missing", values={"parts": ",".join(missing)})
        self._violate(record, reply, Hit(0, 0), "greeting", rule.penalty, False, 0, better, note)

    def _earned(self, record: TurnRecord) -> float:
        return sum(item.points for item in record.evidence if item.source == "rubric")

    def _best_possible(self, node: Node) -> float:
        weights = self.scenario.scoring.steps
        best: dict[str, float] = {}
        for line in node.rubric:
            if line.step != "standard" and line.points > 0:
                best[line.step] = best.get(line.step, 0) + line.points
        return sum(min(points, weights.get(step, 0.0)) for step, points in best.items())  # type: ignore[call-overload]

    # ------------------------------------------------------------ the scorecard

    def _closing_violation(self) -> Violation | None:
        rule = self.context.standard.closing
        if not self.finished or self.ending == HANGUP or not self.turns or not self.scenario.call:
            return None
        if not (rule.all or rule.any):
            return None
        last = self.turns[-1]
        reply = self.matcher.analyse(last.text)
        complete = all(self.matcher.first(reply, [pattern]) for pattern in rule.all)
        if rule.any and self.matcher.first(reply, rule.any) is None:
            complete = False
        if complete:
            return None
        return Violation(
            rule="closing",
            turn=last.number,
            text="",
            penalty=rule.penalty,
            better=rule.better.get(self.lang) if rule.better else None,
            note=Note(key="closing_missing"),
        )

    def scorecard(self) -> Scorecard:
        """The score so far; final once the call has ended."""
        scoring = self.scenario.scoring
        steps: dict[str, StepScore] = {}
        first_turn: dict[str, int] = {}
        for step in STEPS:
            weight = scoring.steps.get(step, 0.0)
            evidence = [e for turn in self.turns for e in turn.evidence if e.step == step]
            per_turn: dict[int, float] = {}
            for item in evidence:
                per_turn[item.turn] = per_turn.get(item.turn, 0) + item.points
            earned = sum(max(0.0, min(points, weight)) for points in per_turn.values())
            positive = [turn for turn, points in per_turn.items() if points > 0]
            if positive:
                first_turn[step] = min(positive)
            notes = [item.note for item in evidence if item.note and item.note.key != "time_ok"]
            notes = [note for note in notes if note.key != "fact_confirmed"]
            steps[step] = StepScore(
                score=min(earned, weight),
                max=weight,
                earned=_round(earned),
                evidence=evidence,
                notes=notes,
            )

        order_ok = True
        for earlier, later in scoring.order:
            if (
                earlier in first_turn
                and later in first_turn
                and first_turn[earlier] > first_turn[later]
            ):
                order_ok = False
                steps[earlier].score /= 2
                steps[earlier].notes.append(
                    Note(key="order_late", values={"step": earlier, "later_step": later})
                )
        for score in steps.values():
            score.score = _round(score.score)

        violations = [v for turn in self.turns for v in turn.violations]
        closing = self._closing_violation()
        if closing is not None:
            violations.append(closing)
        fatal = any(v.fatal for v in violations)
        penalties = sum(v.penalty for v in violations if not v.fatal)
        total = max(0.0, sum(score.score for score in steps.values()) - penalties)
        if fatal:
            total = 0.0
        total = _round(total)
        passed = (
            self.finished and self.ending != HANGUP and not fatal and total >= scoring.pass_mark
        )
        return Scorecard(
            scenario=self.scenario.id,
            lang=self.lang,
            total=total,
            passed=passed,
            fatal=fatal,
            finished=self.finished,
            ending=self.ending,
            ending_text=self.ending_text(),
            pass_mark=scoring.pass_mark,
            steps=steps,
            violations=violations,
            penalties=_round(penalties),
            order_ok=order_ok,
            mood=list(self.mood_history),
            coaching=self._coaching(steps, violations),
            turns=[turn.model_copy(deep=True) for turn in self.turns],
        )

    def _coaching(self, steps: dict[str, StepScore], violations: list[Violation]) -> list[Note]:
        notes: list[Note] = []
        for step, score in steps.items():
            notes.extend(score.notes)
            if score.max > 0 and score.score == 0 and self.finished:
                notes.append(Note(key=f"advice_{step}"))
        facts = self.scenario.facts
        missing = [value for key, value in facts.items() if key not in self.confirmed_facts]
        if missing and self.finished:
            notes.append(Note(key="facts_missing", values={"facts": ", ".join(missing)}))
        for violation in violations:
            if violation.note is not None:
                notes.append(violation.note)
            if violation.better and violation.text:
                values = {
                    "turn": violation.turn,
                    "text": violation.text,
                    "better": violation.better,
                }
                notes.append(Note(key="better_phrase", values=values))
            elif violation.better:
                values = {"turn": violation.turn, "better": violation.better}
                notes.append(Note(key="better_reply", values=values))
        for turn in self.turns:
            if turn.timed_out:
                notes.append(
                    Note(
                        key="timeout",
                        values={
                            "turn": turn.number,
                            "seconds": f"{turn.seconds:g}",
                            "limit": f"{self.scenario.reply_seconds}",
                        },
                    )
                )
        return notes


@lru_cache(maxsize=512)
def _condition(source: str) -> Condition:
    return parse_condition(source)


def _option_value(option: ChoiceOption) -> tuple[float, float]:
    return sum(option.score.values()), option.mood


def score_transcript(
    scenario: Scenario, transcript: Transcript | list[ScriptTurn], lang: str, context: Context
) -> Scorecard:
    """Play `transcript` through a new run and return its scorecard.

    A turn that does not fit (a pick at a free-text node, a missing option, a turn after the
    call has ended) raises `TranscriptError` naming the turn.
    """
    turns = transcript.turns if isinstance(transcript, Transcript) else transcript
    run = RolePlay(scenario, lang, context)
    for turn in turns:
        run.play(turn)
    return run.scorecard()
