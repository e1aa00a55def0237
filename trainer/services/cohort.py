"""The cohort dashboard: how an intake of learners is doing, from the gradebook's rows.

- The completion funnel: enrolled → every lesson done → theory passed → practical passed →
  certified. Each stage counts the learners who reached it and every stage before it (a
  track without an exam or a practical lets everyone through that stage), so the bars never
  grow from one stage to the next.
- Pass rates: of those who sat the theory exam, the share at or above its minimum; the same
  for the practical; of those with a weighted total, the share whose assessment passed.
- The four steps (apologise, listen, resolve, follow up): the average share of each step's
  points over every finished role-play run of the cohort, the same per calendar week (weeks
  start on Monday, in the organisation's local dates) and its trend (the latest week against
  the one before), and the weakest step.
- The most-missed questions: over the cohort's counted exam sittings, how often each
  question was not fully right, most missed first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from trainer.content.loader import ContentLibrary
from trainer.content.models import STEPS
from trainer.services.gradebook import Gradebook, GradebookError, GradebookRow
from trainer.services.mentoring import local_day, step_shares
from trainer.services.snapshot import PersonRecords
from trainer.storage.records import Person

FUNNEL = ("enrolled", "lessons", "theory", "practical", "certified")
MISSED_SHOWN = 10


@dataclass(frozen=True)
class PassRate:
    key: str
    """`theory`, `practical` or `assessment`."""
    passed: int
    of: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.passed / self.of, 1) if self.of else None


@dataclass(frozen=True)
class StepFigure:
    step: str
    average: float | None
    """The mean share (%) of the step's points over the cohort's finished runs."""
    runs: int
    weeks: list[tuple[dt.date, float]]
    """(Monday of the week, the week's mean), oldest first; weeks without runs left out."""

    @property
    def trend(self) -> float | None:
        """The latest week's mean against the week before it, in points."""
        if len(self.weeks) < 2:
            return None
        return round(self.weeks[-1][1] - self.weeks[-2][1], 1)


@dataclass(frozen=True)
class MissedQuestion:
    key: str
    """`bank:question`."""
    missed: int
    answered: int

    @property
    def percent(self) -> float:
        return round(100 * self.missed / self.answered, 1)


@dataclass(frozen=True)
class CohortDashboard:
    cohort: str
    track: str | None
    rows: list[GradebookRow]
    funnel: list[tuple[str, int]]
    pass_rates: list[PassRate]
    steps: list[StepFigure]
    missed: list[MissedQuestion]

    @property
    def weakest_step(self) -> str | None:
        scored = [s for s in self.steps if s.average is not None]
        if not scored or len({s.average for s in scored}) == 1:
            return None
        return min(scored, key=lambda s: s.average or 0).step


def funnel(rows: list[GradebookRow]) -> list[tuple[str, int]]:
    """How many of `rows` reached each stage of FUNNEL and every stage before it."""
    reached = [0] * len(FUNNEL)
    for row in rows:
        stages = (
            True,
            row.lessons_complete,
            row.theory_passed is not False,  # None: the track has no exam
            row.practical_passed is not False,
            row.status == "certified",
        )
        for index, _ in enumerate(FUNNEL):
            if not all(stages[: index + 1]):
                break
            reached[index] += 1
    return list(zip(FUNNEL, reached, strict=True))


def pass_rates(rows: list[GradebookRow]) -> list[PassRate]:
    sat = [row for row in rows if row.best_theory is not None]
    tried = [row for row in rows if row.practical is not None]
    graded = [row for row in rows if row.final is not None]
    return [
        PassRate("theory", sum(bool(row.theory_passed) for row in sat), len(sat)),
        PassRate("practical", sum(bool(row.practical_passed) for row in tried), len(tried)),
        PassRate("assessment", sum(row.assessment_passed for row in graded), len(graded)),
    ]


def step_figures(records: list[PersonRecords]) -> list[StepFigure]:
    scores: dict[str, list[float]] = {step: [] for step in STEPS}
    weekly: dict[str, dict[dt.date, list[float]]] = {step: defaultdict(list) for step in STEPS}
    for person in records:
        for run in person.runs:
            if run.finished_at is None:
                continue
            day = local_day(run.finished_at)
            monday = day - dt.timedelta(days=day.weekday())
            for step, share in step_shares(run).items():
                scores[step].append(share)
                weekly[step][monday].append(share)
    return [
        StepFigure(
            step,
            round(sum(scores[step]) / len(scores[step]), 1) if scores[step] else None,
            len(scores[step]),
            [
                (week, round(sum(values) / len(values), 1))
                for week, values in sorted(weekly[step].items())
            ],
        )
        for step in STEPS
    ]


def missed_questions(
    records: list[PersonRecords], track: str | None, count: int = MISSED_SHOWN
) -> list[MissedQuestion]:
    missed: dict[str, int] = defaultdict(int)
    answered: dict[str, int] = defaultdict(int)
    for person in records:
        for attempt in person.attempts:
            if attempt.practice or attempt.submitted_at is None:
                continue
            if track is not None and attempt.track != track:
                continue
            for key, mark in attempt.marks.items():
                answered[key] += 1
                missed[key] += mark < 1
    found = [MissedQuestion(key, missed[key], answered[key]) for key in answered if missed[key]]
    found.sort(key=lambda q: (-q.missed, -q.percent, q.key))
    return found[:count]


def question_stem(library: ContentLibrary, key: str, lang: str) -> str:
    """The stem of question `bank:question` in `lang`, or the key when it is gone."""
    bank_id, _, question_id = key.partition(":")
    bank = library.bank(bank_id)
    question = next((q for q in bank.questions if q.id == question_id), None) if bank else None
    return question.stem.get(lang) if question else key


@dataclass
class Cohorts:
    gradebook: Gradebook

    def dashboard(
        self, actor: Person, cohort: str, track: str | None = None, at: dt.datetime | None = None
    ) -> CohortDashboard:
        """The dashboard of `cohort` (its learners on `track`, or each on their current
        track). A cohort with no learner is refused, naming the cohorts there are."""
        entries = self.gradebook.entries(actor, track=track, cohort=cohort, at=at)
        if not entries:
            known = ", ".join(self.gradebook.cohorts()) or "-"
            raise GradebookError("unknown_cohort", cohort=cohort, cohorts=known)
        rows = [row for row, _ in entries]
        records = [person for _, person in entries]
        return CohortDashboard(
            cohort,
            track,
            rows,
            funnel(rows),
            pass_rates(rows),
            step_figures(records),
            missed_questions(records, track),
        )
