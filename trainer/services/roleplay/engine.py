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
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

from trainer.content.conditions import ACT_NAMES, Condition, parse_condition
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
from trainer.i18n import translate
from trainer.services.notes import Note
from trainer.services.roleplay.acts import Act, ActDetector, TurnActs, quoted
from trainer.services.roleplay.guards import TurnGuard, pairs, plausibility
from trainer.services.roleplay.matching import (
    Hit,
    PhraseMatcher,
    Reply,
    literal_hit,
    secret_hit,
)
from trainer.services.roleplay.normalize import normalise
from trainer.services.roleplay.scorecard import (
    Evidence,
    Scorecard,
    StepScore,
    TurnRecord,
    Violation,
)
from trainer.services.roleplay.timeparse import TimePhrase

HANGUP = "hangup"

# How a step is earned from acts anywhere in the call (docs/roleplay-scoring.md), as
# shares of its weight.
# Each component counts once per call, in the turn that first earned it.
EMPATHY_SHARE = 0.2
"""Listening: acknowledging the feeling; the rest is restating the facts or asking."""
RESTATED_SHARE = 0.5
"""Listening: a confirming restatement or a question earns this part of what the facts
would, when no fact was said back in full."""
UNBOUND_ACTION_SHARE = 0.5
"""Resolving: an action that names nothing of this problem ("I'll handle it")."""
HALF = 0.5
"""A follow-up without a definite time in the limit; a late step under `scoring.order`."""
PENALTY_CAP_PER_TURN = 10.0
"""Penalties one turn can cost (a 5,000-character turn once cost 270 violations)."""

# How the customer takes an act the first time it comes, where no rubric line said otherwise.
ACT_MOOD = {"apology": 10.0, "empathy": 5.0, "confirm": 3.0, "question": 3.0, "callback": 5.0}
ACT_MOOD |= {"action": 5.0}
GAMING_MOOD = -3.0
DISMISSIVE_MOOD = -5.0


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

    def __init__(
        self, scenario: Scenario, lang: str, context: Context, patient: bool = False
    ) -> None:
        self.scenario = scenario
        self.lang = lang
        self.context = context
        self.patient = patient
        """A customer who never hangs up: calibration scores every turn a reviewer judged,
        since the reviewer judged what was said, not how long the customer would listen."""
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
        self.acts = ActDetector(self.matcher, scenario, {**context.lexicon, **scenario.lexicon})
        self._rubric_points: dict[str, float] = dict.fromkeys(STEPS, 0.0)
        """Points from node rubric lines, each turn capped at the step's weight."""
        self._act_points: dict[tuple[str, str], float] = {}
        """Points from acts, per (step, component), each component once per call."""
        self._option_points: dict[str, float] = dict.fromkeys(STEPS, 0.0)
        self._first_turn: dict[str, tuple[int, int]] = {}
        """Where each step first earned: (turn, position in the turn), for `scoring.order`."""
        self._solution_points = self._one_solution()
        self._said: list[str] = []
        """The agent's free-text replies so far (a reply pasted again earns nothing)."""
        self._last_acts: set[str] = set()
        """What the last turn was heard doing (`said.` in branch conditions)."""
        self._ever_acts: set[str] = set()
        self._promised_time: str | None = None
        """The agent's own words for the last definite time promised ({callback_time})."""

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
        """What the customer says now ("" when the agent opens the call), slots filled."""
        node = self.node
        return self._customer_words(node) if node else ""

    def _customer_words(self, node: Node) -> str:
        if node.customer is None:
            return ""
        line = node.customer.get(self.lang)
        if "{callback_time}" in line:
            said = self._promised_time or translate(self.lang, "roleplay.the_time_you_said")
            line = line.replace("{callback_time}", said)
        return line

    def ending_text(self) -> str | None:
        if self.ending is None:
            return None
        ending = next((item for item in self.scenario.endings if item.id == self.ending), None)
        return ending.text.get(self.lang) if ending else None

    def step_done(self) -> dict[str, bool]:
        """Which steps have earned points so far (the live checklist)."""
        return {step: self._step_earned(step) > 0 for step in STEPS}

    def _weight(self, step: str) -> float:
        """The step's weight in this scenario (0 for `standard` and unweighted steps)."""
        for name, weight in self.scenario.scoring.steps.items():
            if name == step:
                return weight
        return 0.0

    def _one_solution(self) -> float:
        """What one action on the problem earns: where the scenario's rubric lines and options
        ask for several specific things (a coaching plan of three points, 15 each), what one of
        them is worth; where they do not speak of resolving, the whole step."""
        weight = self._weight("resolve")
        offered = [
            line.points
            for node in self.scenario.nodes
            for line in node.rubric
            if line.step == "resolve" and line.points > 0
        ]
        offered += [
            option.score["resolve"]
            for node in self.scenario.nodes
            for option in node.options
            if option.score.get("resolve", 0) > 0
        ]
        return min(weight, max(offered)) if offered else weight

    def _free_text_points(self, step: str) -> float:
        """A step's points from free text: acts or rubric lines, whichever explain more (the
        two often read the same words, so they are not added), and the facts said back."""
        acts = facts = 0.0
        for (name, part), points in self._act_points.items():
            if name == step:
                if part.startswith("fact:"):
                    facts += points  # no rubric line speaks of facts: they add
                else:
                    acts += points
        return max(acts, self._rubric_points[step]) + facts

    def _step_earned(self, step: str) -> float:
        return self._free_text_points(step) + self._option_points[step]

    def _condition_state(self) -> dict[str, float | bool]:
        state: dict[str, float | bool] = {"mood": self.mood, "turn": len(self.turns)}
        state.update(self.step_done())
        state.update({f"facts.{key}": True for key in self.confirmed_facts})
        state.update({f"said.{act}": True for act in self._last_acts})
        state.update({f"ever.{act}": True for act in self._ever_acts})
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
        guard = plausibility(
            reply,
            self.lang,
            customer=self._customer_words(node),
            hint=node.hint.get(self.lang) if node.hint else "",
            earlier=self._said,
            known=self._known_terms,
        )
        self._said.append(reply.text)
        acts = self.acts.detect(reply, guard.credit_limit)
        if guard.note is None and _all_purpose(acts) and len(self.scenario.nodes) > 1:
            guard = TurnGuard(Note(key="guard_all_purpose"), 0)
        elif guard.note is None and len(self._story_markers(reply, acts)) >= 2:
            guard = TurnGuard(Note(key="guard_story"), 0)
        self._standard_checks(record, reply)
        # words that broke a rule earn nothing ("你怎么搞的？" is no question about the problem)
        for act in list(acts.acts):
            if any(v.start < act.end and act.start < v.end for v in record.violations):
                acts.acts.remove(act)
                acts.cancelled.append(act)
        before = {step: self._free_text_points(step) for step in STEPS}
        if guard.note is None:
            rubric_mood_steps = self._rubric_credit(node, record, reply, acts, guard.credit_limit)
            self._act_credit(record, reply, acts, rubric_mood_steps)
        else:
            record.guard = guard.note
            self.mood += GAMING_MOOD
        if acts.has("dismissive"):
            self.mood += DISMISSIVE_MOOD
        for step in STEPS:
            if self._free_text_points(step) > before[step] and step not in self._first_turn:
                # "I'll look into it" offers no solution yet: it does not make an apology late
                if step == "resolve" and not _offers_solution(record, acts):
                    continue
                starts = [e.start for e in record.evidence if e.step == step and e.points > 0]
                self._first_turn[step] = (record.number, min(starts, default=0))
        _one_family_a_step(record)
        self._remember(acts, record, reply)
        if self._earned(record) < self._best_possible(node) or record.violations or guard.note:
            record.better = node.model_answer.get(self.lang) if node.model_answer else None
        return self._advance(record, None)

    def _story_markers(self, reply: Reply, acts: TurnActs) -> list[Act]:
        """Story markers (a neighbour, "last month") that this scenario does not speak of
        itself: in a call about a neighbour's ceiling, 邻居 is the problem, not a story."""
        topic = self._topic_text
        return [act for act in acts.of("story") if reply.text[act.start : act.end] not in topic]

    @cached_property
    def _topic_text(self) -> str:
        """Everything said or written about this scenario's problem, normalised: its brief,
        the customer's lines, hints, model answers and options."""
        scenario, lang = self.scenario, self.lang
        parts = [scenario.brief.get(lang), scenario.title.get(lang), *scenario.facts.values()]
        for node in scenario.nodes:
            parts.append(node.customer.get(lang) if node.customer else "")
            parts += [item.get(lang) for item in (node.hint, node.model_answer) if item]
            parts += [option.text.get(lang) for option in node.options]
        return normalise("\n".join(parts)).text

    @cached_property
    def _known_terms(self) -> set[str]:
        """What a reply about this call may speak of: the scenario's words and those of any
        service call."""
        return pairs(self._topic_text) | self.acts.common_terms

    def _remember(self, acts: TurnActs, record: TurnRecord, reply: Reply) -> None:
        """What this turn was heard doing, for the customer's next line and branches."""
        heard = set() if record.guard is not None else acts.kinds() & set(ACT_NAMES)
        timed = [
            act
            for act in acts.of("callback")
            if act.time is not None and act.time.hours is not None
        ]
        if timed and record.guard is None:
            heard.add("timed_callback")
            time = timed[-1].time
            assert time is not None
            self._promised_time = reply.words(Hit(time.start, time.end))
        heard |= {"blame" for v in record.violations if v.rule == "blame"}
        heard |= {"forbidden" for v in record.violations if v.rule == "forbidden_phrase"}
        if not any(e.points > 0 for e in record.evidence):
            heard.add("nothing")
        self._last_acts = heard
        self._ever_acts |= heard

    def _rubric_credit(
        self, node: Node, record: TurnRecord, reply: Reply, acts: TurnActs, limit: int
    ) -> set[str]:
        """The node's rubric lines, read through the acts: a hit in a clause that refuses, or
        an apology taken back, earns nothing. Returns the steps whose lines moved the mood."""
        per_turn: dict[str, float] = {}
        moved: set[str] = set()
        for line in node.rubric:
            hit = self.matcher.line_hit(reply, line.any, line.all, line.except_)
            if (
                hit is None
                or hit.start >= limit
                or not self._hit_stands(line.step, hit, acts, reply.clauses)
            ):
                continue
            points, note = line.points, None
            if line.needs_time and points > 0:
                points, note, hit = self._time_commitment(reply, hit, points, acts)
            weight = self._weight(line.step)
            earned = per_turn.get(line.step, 0.0)
            counted = max(0.0, min(points, weight - earned)) if line.step in STEPS else points
            per_turn[line.step] = earned + counted
            evidence = self._evidence(record, reply, hit, line.step, counted, note)
            record.evidence.append(evidence)
            self.mood += line.mood
            moved.add(line.step)
        for step, points in per_turn.items():
            if step in self._rubric_points:
                weight = self._weight(step)
                self._rubric_points[step] = min(weight, self._rubric_points[step] + points)
        return moved

    def _hit_stands(self, step: str, hit: Hit, acts: TurnActs, clauses: list[int]) -> bool:
        """Whether a rubric hit is something the agent did: not words taken back, retold or
        put on the customer, and no refusal of it in its clause (退款退不了, 取消不了)."""
        if acts.overlaps_cancelled(hit.start, hit.end):
            return False
        if step == "resolve":
            clause = bisect_right(clauses, hit.start) - 1
            return not any(
                refusal.clause == clause and refusal.end > hit.start
                for refusal in acts.of("refusal")
            )
        return True

    def _act_credit(
        self, record: TurnRecord, reply: Reply, acts: TurnActs, rubric_moved: set[str]
    ) -> None:
        """Step points from the acts of this turn, each component once per call."""

        def award(
            step: str,
            component: str,
            value: float,
            span: Hit | None,
            note: Note | None,
            source: str = "act",
        ) -> None:
            weight = self._weight(step)
            if weight <= 0 or span is None:
                return
            value = min(value * weight, weight)
            have = self._act_points.get((step, component), 0.0)
            others = sum(
                p for (name, c), p in self._act_points.items() if name == step and c != component
            )
            value = min(value, max(0.0, weight - others))
            if value <= have + 1e-9:
                return
            self._act_points[(step, component)] = value
            item = self._evidence(record, reply, span, step, value - have, note, source=source)
            item.act = component.split(":")[0]
            record.evidence.append(item)
            if step not in rubric_moved:
                self.mood += ACT_MOOD.get(component, 0.0) if have == 0 else 0.0

        apology = acts.of("apology")
        if apology:
            award("apologize", "apology", 1.0, _span(apology[0]), None)
        empathy = acts.of("empathy")
        if empathy:
            award("listen", "empathy", EMPATHY_SHARE, _span(empathy[0]), None)
        self._listen_credit(record, reply, acts, award)
        self._resolve_credit(reply, acts, award)
        callbacks = acts.of("callback")
        if callbacks:
            timed = [act for act in callbacks if act.time is not None]
            act = min(timed, key=lambda a: _hours_key(a.time)) if timed else callbacks[0]
            share, note, span = self._callback_share(reply, act.time, _span(act))
            award("follow_up", "callback", share, span, note)

    def _resolve_credit(self, reply: Reply, acts: TurnActs, award) -> None:  # type: ignore[no-untyped-def]
        """Each different action on this problem earns what one solution is worth here (the
        whole step, or one of the several things the scenario's rubric asks for); an action
        that names nothing of the problem ("I'll handle it") earns half of that, once."""
        weight = self._weight("resolve")
        if weight <= 0:
            return
        one = self._solution_points / weight
        seen_clauses: set[int] = set()
        for act in acts.of("action"):
            if not act.bound or act.clause in seen_clauses:
                continue
            seen_clauses.add(act.clause)
            verb = reply.text[act.start : act.end]
            if ("resolve", f"action:{verb}") in self._act_points:
                continue
            award("resolve", f"action:{verb}", one, _span(act), None)
        unbound = [act for act in acts.of("action") if not act.bound]
        if unbound and not seen_clauses:
            award("resolve", "action", one * UNBOUND_ACTION_SHARE, _span(unbound[0]), None)

    def _listen_credit(self, record: TurnRecord, reply: Reply, acts: TurnActs, award) -> None:  # type: ignore[no-untyped-def]
        """Listening beyond empathy: each fact said back in full earns its share; a confirming
        restatement or a question about the problem earns part of it when no fact was said."""
        facts = self.scenario.facts
        weight = self._weight("listen")
        if weight <= 0:
            return
        facts_share = self.scenario.scoring.facts_points() / weight
        for key, value in facts.items():
            hit = literal_hit(reply, value)
            if hit is None or key in self.confirmed_facts:
                continue
            self.confirmed_facts.add(key)
            # the note names what was confirmed as the customer would hear it, not its key
            note = Note(key="fact_confirmed", values={"fact": value})
            award("listen", f"fact:{key}", facts_share / len(facts), hit, note, source="fact")
        asked = acts.of("confirm") + acts.of("question")
        said = sum(
            points
            for (step, part), points in self._act_points.items()
            if step == "listen" and part.startswith("fact:")
        )
        if asked and said == 0:
            component = "confirm" if asked[0].kind == "confirm" else "question"
            award("listen", component, facts_share * RESTATED_SHARE, _span(asked[0]), None)

    def _callback_share(
        self, reply: Reply, time: TimePhrase | None, span: Hit
    ) -> tuple[float, Note, Hit]:
        """The share a promise to get back earns (all with a time in the limit, half without
        one, with a vague one or a late one), the coaching note, and the words with the time."""
        limit = self.scenario.scoring.follow_up.max_hours
        if time is None:
            return HALF, Note(key="time_missing", values={"hours": f"{limit:g}"}), span
        words = reply.words(Hit(time.start, time.end))
        widened = Hit(min(span.start, time.start), max(span.end, time.end))
        if time.hours is None:
            return (
                HALF,
                Note(key="time_vague", values={"text": words, "hours": f"{limit:g}"}),
                widened,
            )
        if time.hours > limit + 1e-9:
            note = Note(key="time_too_late", values={"text": words, "hours": f"{limit:g}"})
            return HALF, note, widened
        return 1.0, Note(key="time_ok", values={"text": words}), widened

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
            if step in self._option_points:
                weight = self._weight(step)
                self._option_points[step] += max(0.0, min(points, weight))
                if points > 0 and step not in self._first_turn:
                    self._first_turn[step] = (record.number, 0)
        self.mood += option.mood
        self._standard_checks(record, reply)
        self._option_rules(record, reply, option, node)
        self._last_acts = set()
        best = max(node.options, key=_option_value)
        if _option_value(option) < _option_value(best):
            record.better = best.text.get(self.lang)
        record.feedback = option.feedback.get(self.lang) if option.feedback else None
        return self._advance(record, option)

    def _option_rules(
        self, record: TurnRecord, reply: Reply, option: ChoiceOption, node: Node
    ) -> None:
        """An option marked as a breach ends the run; one that breaks a named rule costs what
        that rule costs. The words are the whole option; the better reply, the best option."""
        whole = Hit(0, len(reply.text))
        best = max(node.options, key=_option_value).text.get(self.lang)
        feedback = option.feedback.get(self.lang) if option.feedback else None
        if option.breach:
            self._violate(record, reply, whole, "breach", 0, True, 0, best)
            if feedback:
                record.violations[-1].label = feedback
        if option.breaks is not None:
            rules = [*self.scenario.rules, *self.context.standard.rules]
            rule = next((item for item in rules if item.id == option.breaks), None)
            if rule is not None and not any(v.rule == rule.id for v in record.violations):
                self._violate(record, reply, whole, rule.id, rule.penalty, rule.fatal, 0, best)
                if rule.title is not None:
                    record.violations[-1].label = rule.title.get(self.lang)

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
            customer=self._customer_words(node),
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
        self.turns.append(record)

        if self.mood <= self.scenario.mood.hangup_at and not self.patient:
            self._go(HANGUP)
        elif option is not None:
            self._go(option.goto)
        else:
            node = self.scenario.node(record.node)
            assert node is not None
            state = self._condition_state()
            for branch in node.next:
                if self.patient and branch.goto == HANGUP:
                    continue
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
            source=source if source in ("option", "fact", "act") else "rubric",
            note=note,
        )

    def _time_commitment(
        self, reply: Reply, hit: Hit, points: float, acts: TurnActs
    ) -> tuple[float, Note, Hit]:
        """Full points for a promise with a time within the limit, half otherwise. The time is
        the one said with the promise (its clause, or a clause that is only a time), never
        the nearest time anywhere in the reply ("有空再联系您……我现在就去" names none)."""
        promises = [
            act
            for act in acts.of("callback")
            if act.start < hit.end and hit.start < act.end and act.time is not None
        ]
        phrase = promises[0].time if promises else self.acts.time_for(reply, hit)
        share, note, words = self._callback_share(reply, phrase, hit)
        return points * share, note, words

    def _standard_checks(self, record: TurnRecord, reply: Reply) -> None:
        """Facts said back, the greeting, forbidden phrases and secrets."""
        if record.kind == "pick":
            for key, value in self.scenario.facts.items():
                if literal_hit(reply, value) is not None:
                    self.confirmed_facts.add(key)
        if record.number == 1 and self.scenario.call:
            self._check_greeting(record, reply)
        # the scenario's own rules first: where one overlaps a standard rule's hit, its more
        # specific advice is the one kept, and the words are not charged twice
        rules: list[ScenarioRule] = [*self.scenario.rules, *self.context.standard.rules]
        charged: list[Hit] = []
        for rule in rules:
            excused = list(rule.except_)
            if rule.fatal and "@promise_to_act" not in excused:
                # "我一定帮您跟进退款" promises work, not a result: no fatal rule is about that
                excused.append("@promise_to_act")
            for hit in self.matcher.forbidden(reply, rule.forbid, excused):
                if any(hit.start < other.end and other.start < hit.end for other in charged):
                    continue
                if not rule.fatal and quoted(reply.text, hit.start):
                    continue  # 别再说“不知道”: quoting a phrase to correct it is not saying it
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
            said = secret_hit(reply, secret, privacy)
            if said is not None:
                better = privacy.better.get(self.lang) if privacy.better else None
                self._violate(
                    record,
                    reply,
                    said,
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
        if record.kind == "say":
            self.mood += mood  # an option's own mood already says how the customer takes it

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
        return sum(item.points for item in record.evidence if item.source in ("rubric", "act"))

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
        for step in STEPS:
            weight = scoring.steps.get(step, 0.0)
            evidence = [e for turn in self.turns for e in turn.evidence if e.step == step]
            earned = self._step_earned(step)
            shown = [e for e in evidence if e.points > 0 or e.note is not None]
            notes = [item.note for item in shown if item.note and item.note.key != "time_ok"]
            notes = [note for note in notes if note.key != "fact_confirmed"]
            if step == "follow_up" and earned >= weight:
                notes = []  # a vague promise once, a definite one later: nothing to coach
            steps[step] = StepScore(
                score=min(earned, weight),
                max=weight,
                earned=_round(earned),
                evidence=shown,
                notes=notes,
            )

        order_ok = True
        first_turn = self._first_turn
        for earlier, later in scoring.order:
            if (
                earlier in first_turn
                and later in first_turn
                and first_turn[earlier] > first_turn[later]
            ):
                order_ok = False
                steps[earlier].score *= HALF
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
        per_turn: dict[int, float] = {}
        for violation in violations:
            if not violation.fatal:
                per_turn[violation.turn] = per_turn.get(violation.turn, 0.0) + violation.penalty
        penalties = sum(min(cost, PENALTY_CAP_PER_TURN) for cost in per_turn.values())
        total = max(0.0, sum(score.score for score in steps.values()) - penalties)
        if fatal:
            total = 0.0
        total = _round(total)
        short = self._short_of_minimum(steps)
        passed = (
            self.finished
            and self.ending != HANGUP
            and not fatal
            and total >= scoring.pass_mark
            and not short
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
            coaching=self._coaching(steps, violations) + short,
            turns=[turn.model_copy(deep=True) for turn in self.turns],
        )

    def _short_of_minimum(self, steps: dict[str, StepScore]) -> list[Note]:
        """A note for each step below the share of its weight a run needs to pass."""
        wanted = {**self.context.standard.minimum, **self.scenario.scoring.minimum}
        notes = []
        for step, percent in wanted.items():
            score = steps[step]
            if score.max > 0 and score.score < score.max * percent / 100 - 1e-9:
                values = {
                    "step": step,
                    "share": f"{100 * score.score / score.max:.0f}",
                    "minimum": f"{percent:g}",
                }
                notes.append(Note(key="minimum_unmet", values=values))
        return notes

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
            if turn.guard is not None:
                notes.append(
                    Note(key=turn.guard.key, values={**turn.guard.values, "turn": turn.number})
                )
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


def _span(act: Act) -> Hit:
    return Hit(act.start, act.end)


def _hours_key(time: TimePhrase | None) -> float:
    return time.hours if time is not None and time.hours is not None else float("inf")


def _offers_solution(record: TurnRecord, acts: TurnActs) -> bool:
    """Whether the turn offers a solution: a rubric line of resolve, or an action on this
    problem (not just "I'll handle it")."""
    ruled = any(
        e.step == "resolve" and e.source == "rubric" and e.points > 0 for e in record.evidence
    )
    return ruled or any(act.kind == "action" and act.bound for act in acts.acts)


def _one_family_a_step(record: TurnRecord) -> None:
    """Keep, for each step, the acts or the rubric lines that earned this turn's points,
    whichever earned more (ties: the acts, "apology “对不住”" says more): the two often read
    the same words, and a turn must not show "apology +25, apologise +25"."""
    for step in STEPS:
        acted = sum(e.points for e in record.evidence if e.step == step and e.source == "act")
        ruled = sum(e.points for e in record.evidence if e.step == step and e.source == "rubric")
        if acted and ruled:
            drop = "rubric" if acted >= ruled else "act"
            record.evidence = [
                e for e in record.evidence if not (e.step == step and e.source == drop)
            ]


def _all_purpose(acts: TurnActs) -> bool:
    """One reply that opens the call, does every step and says goodbye: pasted, not spoken to
    this customer at this moment."""
    opens = acts.has("greeting") or acts.has("agent_id")
    steps = {"apology", "empathy", "confirm", "action", "callback"} & acts.kinds()
    return opens and acts.farewell and len(steps) >= 3


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
