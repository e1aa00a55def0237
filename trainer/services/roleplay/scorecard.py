"""The scorecard of a role-play run: what each step earned and the words that earned it.

Plain pydantic models, stored with the run and rendered by the CLI and the screens. Coaching
sentences are kept as catalog keys with values (`Note`), so a stored scorecard reads in
whichever language the person switches to; the customer's lines and the agent's words are
kept as they were said.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from trainer.content.models import STEPS, Step
from trainer.services.notes import Note

Source = Literal["rubric", "option", "fact", "standard", "act"]


class Evidence(BaseModel):
    """Points earned at one turn, with the agent's words that earned them."""

    turn: int
    step: str
    text: str
    start: int = 0
    end: int = 0
    """Where `text` sits in the turn's words (for highlighting in the replay)."""
    points: float
    source: Source
    note: Note | None = None
    act: str | None = None
    """What the agent did, when the points came from an act: apology, empathy, confirm,
    question, fact, action, callback."""


class Violation(BaseModel):
    """A broken rule of the service standard or the scenario."""

    rule: str
    label: str | None = None
    """A scenario rule's own title, in the run's language."""
    turn: int
    text: str
    start: int = 0
    end: int = 0
    penalty: float = 0
    fatal: bool = False
    mood: float = 0
    better: str | None = None
    note: Note | None = None


class StepScore(BaseModel):
    score: float
    max: float
    earned: float = 0
    """Points found before the cap and the order rule."""
    evidence: list[Evidence] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)


class TurnRecord(BaseModel):
    """One exchange: what the customer said, what the agent said, and what it earned or cost."""

    number: int
    node: str
    customer: str
    kind: Literal["say", "pick"]
    text: str
    pick: int | None = None
    seconds: float | None = None
    timed_out: bool = False
    evidence: list[Evidence] = Field(default_factory=list)
    violations: list[Violation] = Field(default_factory=list)
    mood_before: float
    mood_after: float
    better: str | None = None
    """A better reply where this one fell short: the model answer, or the best option."""
    feedback: str | None = None
    """The scenario's comment on the option chosen."""
    guard: Note | None = None
    """Why the turn earned no step points (a keyword list, a copy, a filler), if it did not."""


class Scorecard(BaseModel):
    scenario: str
    lang: str
    total: float
    passed: bool
    fatal: bool
    finished: bool
    ending: str | None
    ending_text: str | None = None
    pass_mark: float
    steps: dict[str, StepScore]
    violations: list[Violation] = Field(default_factory=list)
    penalties: float = 0
    order_ok: bool = True
    mood: list[float] = Field(default_factory=list)
    coaching: list[Note] = Field(default_factory=list)
    turns: list[TurnRecord] = Field(default_factory=list)

    @property
    def hung_up(self) -> bool:
        return self.ending == "hangup"

    def weighed_steps(self) -> list[tuple[Step, StepScore]]:
        """The steps with their scores, in the method's order, leaving out any the scenario
        weighs 0 (coaching a colleague has no apology): a scorecard shows only these."""
        return [(step, self.steps[step]) for step in STEPS if self.steps[step].max > 0]

    def as_json(self, lang: str | None = None) -> dict[str, Any]:
        """The `--json` shape of docs/content-format.md, coaching rendered in `lang`, plus the
        turns."""
        lang = lang or self.lang

        def rendered(item: dict[str, Any]) -> dict[str, Any]:
            if item.get("note") is not None:
                item["note"] = Note.model_validate(item["note"]).render(lang)
            return item

        data = self.model_dump(mode="json")
        data["coaching"] = [note.render(lang) for note in self.coaching]
        for step in data["steps"].values():
            step["notes"] = [Note.model_validate(note).render(lang) for note in step["notes"]]
            step["evidence"] = [rendered(item) for item in step["evidence"]]
        data["violations"] = [rendered(item) for item in data["violations"]]
        for turn in data["turns"]:
            turn["evidence"] = [rendered(item) for item in turn["evidence"]]
            turn["violations"] = [rendered(item) for item in turn["violations"]]
        return data
