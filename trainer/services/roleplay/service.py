"""Role-play runs for people: starting, playing turn by turn with every turn saved, resuming,
hints in practice, and the results that feed the practical assessment.

A run in progress is a `LiveRun`: the engine's `RolePlay` plus the stored `RolePlayRun`. Each
turn is written to the learner's file before the screen shows the customer's answer, so a
crash or a closed terminal loses nothing; reopening replays the saved turns through the same
deterministic engine and carries on from there.

Practice runs give hints (as many as the scenario's difficulty allows) and never count. Exam
runs have no hints, keep the scenario version they started with, and their best score per
scenario is the practical score of the assessment (docs/roleplay-scoring.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from trainer.content.loader import ContentLibrary
from trainer.content.models import Scenario, Track
from trainer.errors import TrainerError
from trainer.services.access import require_reader, require_role, require_self_or_trainer
from trainer.services.roleplay.engine import Context, RolePlay
from trainer.services.roleplay.scorecard import Scorecard, TurnRecord
from trainer.storage.interface import Store
from trainer.storage.records import Person, RolePlayRun, RolePlayTurn, new_id, now
from trainer.storage.summary import PersonSummary

Mode = Literal["practice", "exam"]


class RolePlayError(TrainerError):
    """A role-play action refused for a reason the learner can act on."""

    area = "roleplay"


def scenario_version(scenario: Scenario) -> str:
    """A short fingerprint of the scenario's content: it changes when the file's meaning does."""
    data = json.dumps(scenario.model_dump(mode="json", by_alias=True), sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:12]


@dataclass
class LiveRun:
    """A run in progress: play turns, ask for hints; every change is saved at once."""

    store: Store
    person_id: str
    record: RolePlayRun
    play: RolePlay
    scenario: Scenario

    @property
    def finished(self) -> bool:
        return self.play.finished

    @property
    def hints_left(self) -> int:
        if self.record.mode != "practice":
            return 0
        return max(0, self.scenario.hint_budget - self.record.hints_used)

    def say(self, text: str, seconds: float | None = None) -> TurnRecord:
        turn = self.play.say(text, seconds)
        self._save(RolePlayTurn(say=text, seconds=seconds))
        return turn

    def pick(self, number: int, seconds: float | None = None) -> TurnRecord:
        turn = self.play.pick(number, seconds)
        self._save(RolePlayTurn(pick=number, seconds=seconds))
        return turn

    def hint(self) -> str:
        """The current node's hint, spending one of the practice hints."""
        node = self.play.node
        if self.record.mode != "practice":
            raise RolePlayError("no_hints_in_exam")
        if node is None or node.hint is None:
            raise RolePlayError("no_hint_here")
        if self.hints_left == 0:
            raise RolePlayError("hints_used_up", budget=self.scenario.hint_budget)
        self._write(lambda record: setattr(record, "hints_used", record.hints_used + 1))
        return node.hint.get(self.record.lang)

    def scorecard(self) -> Scorecard:
        return self.play.scorecard()

    def _save(self, turn: RolePlayTurn) -> None:
        def add_turn(record: RolePlayRun) -> None:
            record.turns.append(turn)
            if self.play.finished:
                card = self.play.scorecard()
                record.finished_at = now()
                record.total = card.total
                record.passed = card.passed
                record.ending = card.ending
                record.scorecard = card.model_dump(mode="json")

        self._write(add_turn)

    def _write(self, change: Callable[[RolePlayRun], None]) -> None:
        """Apply `change` to the run and store it, unless another session has written the run
        since this one last did: then this session's view is stale (a reply taken back after
        the customer reacted, a turn given twice), and it is refused with a sentence instead of
        overwriting the other's turns."""
        seen = (len(self.record.turns), self.record.hints_used, self.record.finished_at)
        changed = self.record.model_copy(deep=True)
        change(changed)

        def guarded(stored: RolePlayRun) -> RolePlayRun:
            if (len(stored.turns), stored.hints_used, stored.finished_at) != seen:
                raise RolePlayError("run_taken_over")
            return changed

        if self.store.person_file(self.person_id).update(RolePlayRun, changed.id, guarded) is None:
            raise RolePlayError("run_taken_over")
        self.record = changed


@dataclass
class RolePlays:
    store: Store
    library: ContentLibrary
    _context: Context | None = field(default=None, init=False)

    def context(self) -> Context:
        if self._context is None:
            organisation = self.store.organisation()
            self._context = Context(
                self.library.lexicon,
                self.library.standard,
                organisation.name if organisation else None,
            )
        return self._context

    def scenario(self, scenario_id: str) -> Scenario:
        scenario = self.library.scenario(scenario_id)
        if scenario is None:
            raise RolePlayError("unknown_scenario", scenario=scenario_id)
        return scenario

    def scenarios_of(self, track: Track) -> list[Scenario]:
        """The track's role-plays: its script drill first, then its practical assessment,
        then those offered for practice only."""
        found = map(self.library.scenario, track.role_plays)
        return [scenario for scenario in found if scenario is not None]

    # ------------------------------------------------------------ reading

    def runs(
        self, actor: Person, person_id: str, scenario_id: str | None = None
    ) -> list[RolePlayRun]:
        """Someone's runs, oldest first."""
        require_reader(self.store, actor, person_id)
        runs = self.store.person_file(person_id).all(RolePlayRun)
        chosen = [run for run in runs if scenario_id is None or run.scenario == scenario_id]
        return sorted(chosen, key=lambda run: run.started_at)

    def run(self, actor: Person, person_id: str, run_id: str) -> RolePlayRun:
        require_reader(self.store, actor, person_id)
        run = self.store.person_file(person_id).get(RolePlayRun, run_id)
        if run is None:
            raise RolePlayError("unknown_run", run=run_id)
        return run

    def open_run(self, actor: Person, scenario_id: str, mode: Mode) -> RolePlayRun | None:
        """The actor's unfinished run of this scenario in this mode, if any."""
        for run in reversed(self.runs(actor, actor.id, scenario_id)):
            if run.mode == mode and run.finished_at is None:
                return run
        return None

    def best_exam_score(self, actor: Person, person_id: str, scenario_id: str) -> float | None:
        return scenario_score_of(self._summary(actor, person_id), scenario_id)

    def practical_score(self, actor: Person, person_id: str, track: Track) -> float | None:
        """The mean of the best exam-mode run of each of the track's practice scenarios; None
        until every one of them has a finished exam run."""
        if not track.practice.scenarios:
            return None
        summary = self._summary(actor, person_id)
        best = [scenario_score_of(summary, sid) for sid in track.practice.scenarios]
        if any(score is None for score in best):
            return None
        return round(sum(score for score in best if score is not None) / len(best), 1)

    def _summary(self, actor: Person, person_id: str) -> PersonSummary:
        require_reader(self.store, actor, person_id)
        return self.store.summaries_of([person_id])[person_id]

    @staticmethod
    def scorecard_of(run: RolePlayRun) -> Scorecard | None:
        return Scorecard.model_validate(run.scorecard) if run.scorecard else None

    # ------------------------------------------------------------ playing

    def start(self, actor: Person, scenario_id: str, mode: Mode, lang: str) -> LiveRun:
        """A new run. An unfinished exam run is resumed instead: an exam cannot be restarted
        to get a better customer."""
        require_role(actor, "learner")
        if mode == "exam":
            existing = self.open_run(actor, scenario_id, "exam")
            if existing is not None:
                return self.resume(actor, existing)
        scenario = self.scenario(scenario_id)
        record = RolePlayRun(
            id=new_id("rp"),
            scenario=scenario_id,
            mode=mode,
            lang="en" if lang == "en" else "zh",
            scenario_version=scenario_version(scenario),
            scenario_snapshot=(
                scenario.model_dump(mode="json", by_alias=True) if mode == "exam" else None
            ),
        )
        self.store.person_file(actor.id).insert(record)
        return LiveRun(
            self.store, actor.id, record, RolePlay(scenario, record.lang, self.context()), scenario
        )

    def resume(self, actor: Person, record: RolePlayRun) -> LiveRun:
        """Carry on with a saved run: its turns are played again through the engine."""
        require_self_or_trainer(actor, actor.id)
        if record.scenario_snapshot is not None:
            scenario = Scenario.model_validate(record.scenario_snapshot)
        else:
            scenario = self.scenario(record.scenario)
        play = RolePlay(scenario, record.lang, self.context())
        for turn in record.turns:
            if turn.say is not None:
                play.say(turn.say, turn.seconds)
            elif turn.pick is not None:
                play.pick(turn.pick, turn.seconds)
        return LiveRun(self.store, actor.id, record, play, scenario)


def scenario_score_of(summary: PersonSummary, scenario_id: str) -> float | None:
    """The best finished exam-mode run of a scenario."""
    figures = summary.scenario(scenario_id)
    return figures.best_exam if figures else None
