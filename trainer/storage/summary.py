"""A person's standing in the few figures the assessment and the gradebook read of their
records, so a view over everyone need not read every record whole.

The final assessment asks of a person's records: which lessons of each track are done, the
best and the last counted sitting of each track's exam, the best exam-mode run of each
scenario and whether any run of it passed (the script drill), the first calibration review of
each call, the best review of each quality-review case, and when the person last did
something. `PersonSummary` holds exactly that, keyed by ids, so it depends on nothing the
content says (which lessons a track has, whether it counts the best sitting or the last): the
assessment applies the content to it.

`summarize` computes it from records. Each store has its fast way to the same figures: the data
folder reads only the fields they need from each file (`light_file_model`: the JSON parser
skips role-play transcripts and scenario snapshots instead of building them), PostgreSQL
computes them in one query a kind of record (`PostgresStore.summaries_of`). The tests compare
each store's summary with `summarize` over the same records read whole, on judged and random
histories (`tests/unit/test_summary.py`), so the ways cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pydantic import BaseModel


@dataclass(frozen=True)
class ExamFigures:
    """A person's sittings of one track's exam."""

    best: float | None
    """The best counted sitting (not practice, scored)."""
    last: float | None
    """The counted sitting started last."""
    sittings: int
    """Every sitting started, practice sets too."""


@dataclass(frozen=True)
class ScenarioFigures:
    """A person's runs of one role-play scenario."""

    best_exam: float | None
    """The best total of a finished exam-mode run."""
    drilled: bool
    """A run of it passed (the script drill asks for one)."""
    runs: int


@dataclass(frozen=True)
class PersonSummary:
    person_id: str
    lessons: dict[str, frozenset[str]] = field(default_factory=dict)
    """Per track, the lessons done."""
    exams: dict[str, ExamFigures] = field(default_factory=dict)
    """Per track."""
    scenarios: dict[str, ScenarioFigures] = field(default_factory=dict)
    calibrations: dict[str, float] = field(default_factory=dict)
    """Per library call, the agreement of the first review (the only one that can count:
    the result screen shows the reference)."""
    quality_reviews: dict[str, float] = field(default_factory=dict)
    """Per case, the best total."""
    last_activity: dt.datetime | None = None
    """The latest lesson finished, exam submitted or role-play turn given."""

    def lessons_on(self, track_id: str) -> frozenset[str]:
        return self.lessons.get(track_id, frozenset())

    def exam_on(self, track_id: str) -> ExamFigures | None:
        return self.exams.get(track_id)

    def scenario(self, scenario_id: str) -> ScenarioFigures | None:
        return self.scenarios.get(scenario_id)


# What `summarize` reads of each record: the stored models have these fields, and so do the
# light models the data folder reads them with.


class _Lesson(Protocol):
    @property
    def track(self) -> str: ...
    @property
    def lesson(self) -> str: ...
    @property
    def done_at(self) -> dt.datetime: ...


class _Sitting(Protocol):
    @property
    def track(self) -> str: ...
    @property
    def practice(self) -> bool: ...
    @property
    def score(self) -> float | None: ...
    @property
    def started_at(self) -> dt.datetime: ...
    @property
    def submitted_at(self) -> dt.datetime | None: ...


class _Turn(Protocol):
    @property
    def at(self) -> dt.datetime: ...


class _Run(Protocol):
    @property
    def scenario(self) -> str: ...
    @property
    def mode(self) -> str: ...
    @property
    def total(self) -> float | None: ...
    @property
    def passed(self) -> bool | None: ...
    @property
    def turns(self) -> Sequence[_Turn]: ...


class _Calibration(Protocol):
    @property
    def call(self) -> str: ...
    @property
    def agreement(self) -> float: ...
    @property
    def at(self) -> dt.datetime: ...


class _QualityReview(Protocol):
    @property
    def case(self) -> str: ...
    @property
    def total(self) -> float: ...


def summarize(
    person_id: str,
    lessons: Iterable[_Lesson],
    sittings: Iterable[_Sitting],
    runs: Iterable[_Run],
    calibrations: Iterable[_Calibration],
    quality_reviews: Iterable[_QualityReview],
) -> PersonSummary:
    """The summary of a person's records, each kind in the order the store keeps them (equal
    times keep that order, as PostgreSQL's query does with the write order)."""
    lessons = list(lessons)
    lessons_done: dict[str, set[str]] = defaultdict(set)
    for lesson in lessons:
        lessons_done[lesson.track].add(lesson.lesson)

    by_track: dict[str, list[_Sitting]] = defaultdict(list)
    for sitting in sorted(sittings, key=lambda s: s.started_at):
        by_track[sitting.track].append(sitting)
    exams = {}
    for track, found in by_track.items():
        counted = [s.score for s in found if not s.practice and s.score is not None]
        exams[track] = ExamFigures(
            max(counted, default=None), counted[-1] if counted else None, len(found)
        )

    by_scenario: dict[str, list[_Run]] = defaultdict(list)
    runs = list(runs)
    for run in runs:
        by_scenario[run.scenario].append(run)
    scenarios = {
        scenario: ScenarioFigures(
            max((r.total for r in found if r.mode == "exam" and r.total is not None), default=None),
            any(r.passed for r in found),
            len(found),
        )
        for scenario, found in by_scenario.items()
    }

    first_reviews: dict[str, float] = {}
    for review in sorted(calibrations, key=lambda r: r.at):
        first_reviews.setdefault(review.call, review.agreement)

    best_reviews: dict[str, float] = {}
    for attempt in quality_reviews:
        best_reviews[attempt.case] = max(
            attempt.total, best_reviews.get(attempt.case, attempt.total)
        )

    moments = [lesson.done_at for lesson in lessons]
    moments += [s.submitted_at for found in by_track.values() for s in found if s.submitted_at]
    moments += [run.turns[-1].at for run in runs if run.turns]
    return PersonSummary(
        person_id,
        {track: frozenset(done) for track, done in lessons_done.items()},
        exams,
        scenarios,
        first_reviews,
        best_reviews,
        max(moments, default=None),
    )


@functools.cache
def light_file_model() -> type[BaseModel]:
    """The model the data folder reads a person's file with for their summary: only the fields
    `summarize` reads, every other field and table skipped by the parser (a role-play run's
    transcript, scorecard and scenario snapshot are most of a learner's file). Built when first
    needed: the sign-in screen has no use for it."""
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field

    from trainer.storage.records import Moment

    class Light(BaseModel):
        model_config = ConfigDict(extra="ignore")

    class Lesson(Light):
        track: str
        lesson: str
        done_at: Moment

    class Sitting(Light):
        track: str
        practice: bool
        score: float | None
        started_at: Moment
        submitted_at: Moment | None

    class Turn(Light):
        at: Moment

    class Run(Light):
        scenario: str
        mode: Literal["practice", "exam"]
        total: float | None
        passed: bool | None
        turns: list[Turn]

    class Calibration(Light):
        call: str
        agreement: float
        at: Moment

    class QualityReview(Light):
        case: str
        total: float

    class PersonFile(Light):
        # named as the stored tables (`SUMMARY_TABLES`)
        lessons_done: dict[str, Lesson] = Field(default_factory=dict)
        exam_attempts: dict[str, Sitting] = Field(default_factory=dict)
        roleplay_runs: dict[str, Run] = Field(default_factory=dict)
        calibration_reviews: dict[str, Calibration] = Field(default_factory=dict)
        quality_reviews: dict[str, QualityReview] = Field(default_factory=dict)

    return PersonFile


SUMMARY_TABLES = (
    "lessons_done",
    "exam_attempts",
    "roleplay_runs",
    "calibration_reviews",
    "quality_reviews",
)
"""The stored tables `summarize` reads, in the order of its arguments."""


def summary_of_tables(person_id: str, tables: Mapping[str, Iterable[Any]]) -> PersonSummary:
    """The summary of a person's records given by table (`LessonDone.table`, ...)."""
    return summarize(person_id, *(tables[name] for name in SUMMARY_TABLES))
