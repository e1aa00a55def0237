"""Item analysis: which questions work, after Moodle's quiz statistics.

Both indexes are percentages, as Moodle shows them, here, on the screen, in `trainer stats`
and in its JSON. Per question, over the counted attempts it appeared in (submitted, not
practice):
- facility = the mean mark on it as a percentage of its maximum (0 to 100);
- discrimination = 100 x the Pearson correlation between the mark on it and the mark on the
  rest of the paper (-100 to 100; None when either does not vary: nothing to correlate);
- flags, once it has FLAG_MIN_ANSWERS answers: too easy (facility > 90), too hard (< 20),
  weak (discrimination < 20), negative (< 0).
Per exam (a track): the mean, median and standard deviation of the scores, and Cronbach's
alpha over the paper's slots once there are ALPHA_MIN_ATTEMPTS attempts. Papers are drawn
at random, so, as Moodle does for random questions, alpha treats each position of the paper
as one item: the blueprint fills a position from the same category every time. Standard
deviations are of a sample (n - 1).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import mul
from typing import Any

from trainer.bulk import collector_paused
from trainer.content.loader import ContentLibrary
from trainer.services.access import require_role
from trainer.storage.interface import Store
from trainer.storage.records import ExamAttempt, MarkedSitting, Person

Sitting = ExamAttempt | MarkedSitting
"""An exam attempt, read whole or as item analysis reads many (`MarkedSitting`)."""

EASY_ABOVE = 90.0
HARD_BELOW = 20.0
WEAK_BELOW = 20.0

FLAG_MIN_ANSWERS = 10
"""No question is flagged on fewer answers. Below ten, one answer moves the facility by more
than ten points and a correlation's standard error (about 1/sqrt(n - 3)) is near 0.4, as
wide as the whole range between "weak" and "good": a flag would be noise. Ten is also the
smallest group Moodle's documentation treats as worth reading item statistics for."""

ALPHA_MIN_ATTEMPTS = 10
"""Cronbach's alpha is not given from fewer attempts: from three or four, its sampling error
spans most of 0 to 1, so a figure would look like a finding and be none."""


@dataclass(frozen=True)
class QuestionStats:
    key: str
    """`bank:question`."""
    attempts: int
    facility: float
    """Percent, 0 to 100."""
    discrimination: float | None
    """Percent, -100 to 100."""
    flags: list[str] = field(default_factory=list)
    too_few_answers: bool = False
    """Answered fewer than FLAG_MIN_ANSWERS times: not flagged, whatever its figures."""

    @property
    def bank(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def question(self) -> str:
        return self.key.split(":", 1)[1]


@dataclass(frozen=True)
class ExamStats:
    track: str
    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    alpha: float | None
    too_few_for_alpha: bool = False
    """Fewer than ALPHA_MIN_ATTEMPTS attempts: alpha is withheld, not computed."""


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The correlation of two equally long series; None when either is constant."""
    if len(xs) < 2:
        return None
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    if len(dx) != len(dy):
        raise ValueError("pearson needs two series of the same length")
    # map(mul) and fsum run in C: the figures of 10,000 attempts in a fraction of the time
    spread = math.sqrt(math.fsum(map(mul, dx, dx)) * math.fsum(map(mul, dy, dy)))
    if spread == 0:
        return None
    return math.fsum(map(mul, dx, dy)) / spread


def variance(values: Sequence[float]) -> float:
    """The sample variance (n - 1) in floating point: `statistics.variance` computes in
    exact fractions, a hundred times slower over 10,000 attempts, for digits no one reads."""
    mean = statistics.fmean(values)
    deviations = [value - mean for value in values]
    return math.fsum(map(mul, deviations, deviations)) / (len(values) - 1)


def question_statistics(
    attempts: Iterable[Sitting], points: dict[str, float] | None = None
) -> list[QuestionStats]:
    """Facility, discrimination and flags of every question in `attempts`, by key."""
    weights = points or {}
    counted = [a for a in attempts if a.submitted_at is not None and not a.practice and a.marks]
    # One pass over the attempts, each paper's total computed once: going over every
    # attempt again for each question (and summing its paper each time) took seconds on
    # 10,000 attempts.
    mine: dict[str, list[float]] = defaultdict(list)
    rest: dict[str, list[float]] = defaultdict(list)
    for attempt in counted:
        weighted = {key: weights.get(key, 1.0) * value for key, value in attempt.marks.items()}
        total = sum(weighted.values())
        for key, value in weighted.items():
            mine[key].append(value)
            rest[key].append(total - value)
    results = []
    for key in sorted(mine):
        weight = weights.get(key, 1.0)
        facility = 100 * statistics.fmean(mine[key]) / weight if weight else 0.0
        correlation = pearson(mine[key], rest[key])
        discrimination = None if correlation is None else round(100 * correlation, 1)
        too_few = len(mine[key]) < FLAG_MIN_ANSWERS
        flags = [] if too_few else _flags(facility, discrimination)
        results.append(
            QuestionStats(key, len(mine[key]), round(facility, 1), discrimination, flags, too_few)
        )
    return results


def _flags(facility: float, discrimination: float | None) -> list[str]:
    flags = []
    if facility > EASY_ABOVE:
        flags.append("too_easy")
    elif facility < HARD_BELOW:
        flags.append("too_hard")
    if discrimination is not None and discrimination < 0:
        flags.append("negative")
    elif discrimination is not None and discrimination < WEAK_BELOW:
        flags.append("weak")
    return flags


def exam_statistics(track: str, attempts: Iterable[Sitting]) -> ExamStats:
    counted = [
        a for a in attempts if a.submitted_at is not None and not a.practice and a.score is not None
    ]
    scores = [a.score for a in counted if a.score is not None]
    if not scores:
        return ExamStats(track, 0, None, None, None, None)
    sd = round(math.sqrt(variance(scores)), 2) if len(scores) > 1 else None
    too_few = len(counted) < ALPHA_MIN_ATTEMPTS
    return ExamStats(
        track,
        len(scores),
        round(statistics.fmean(scores), 2),
        round(statistics.median(scores), 2),
        sd,
        None if too_few else cronbach_alpha(counted),
        too_few,
    )


def cronbach_alpha(attempts: Sequence[Sitting]) -> float | None:
    """k/(k-1) x (1 - sum of slot variances / variance of totals), slots by paper position."""
    papers = [[a.marks.get(key, 0.0) for key in a.question_ids] for a in attempts]
    if len(papers) < 2:
        return None
    slots = min(len(paper) for paper in papers)
    if slots < 2:
        return None
    items = [[paper[slot] for paper in papers] for slot in range(slots)]
    totals = [sum(paper[:slots]) for paper in papers]
    total_variance = variance(totals)
    if total_variance == 0:
        return None
    item_variance = sum(variance(item) for item in items)
    return round(slots / (slots - 1) * (1 - item_variance / total_variance), 3)


@dataclass(frozen=True)
class AnswerDistribution:
    """How the counted attempts answered one question. `counts` pairs an answer with how many
    gave it, most given first: for single and multiple choice an option's index in the bank
    (a multiple-choice answer counts once for each option chosen), for true/false the bool,
    for short and numerical answers the text given, for matching the number of pairs right."""

    key: str
    answered: int
    unanswered: int
    counts: list[tuple[Any, int]]


def answer_distribution(attempts: Iterable[Sitting], key: str) -> AnswerDistribution:
    counted = [a for a in attempts if a.submitted_at is not None and not a.practice]
    given = [a.answers.get(key) for a in counted if key in a.question_ids]
    tally: Counter[Any] = Counter()
    for answer in given:
        if answer is None:
            continue
        if isinstance(answer, list):  # multiple choice: each option chosen
            tally.update(answer)
        elif isinstance(answer, dict):  # matching: pairs right are in the marks, not here
            continue
        elif isinstance(answer, bool | int):
            tally[answer] += 1
        else:
            tally[" ".join(str(answer).split())] += 1
    matched = [a.marks.get(key, 0.0) for a in counted if isinstance(a.answers.get(key), dict)]
    if matched:
        tally.update(f"{round(100 * mark)}%" for mark in matched)
    answered = sum(1 for answer in given if answer is not None)
    return AnswerDistribution(key, answered, len(given) - answered, tally.most_common())


@dataclass
class ItemAnalysis:
    store: Store
    library: ContentLibrary

    def attempts(self, actor: Person) -> list[Sitting]:
        """Every counted attempt of everyone (trainers only)."""
        require_role(actor, "trainer")
        with collector_paused():
            everyone = [person.id for person in self.store.people()]
            return [
                attempt
                for records in self.store.records_of(everyone, MarkedSitting).values()
                for attempt in records[MarkedSitting.table]
                if attempt.submitted_at is not None and not attempt.practice
            ]

    def points(self) -> dict[str, float]:
        return {
            f"{bank.id}:{question.id}": question.points
            for loaded in self.library.banks.values()
            for bank in [loaded.model]
            for question in bank.questions
        }

    def report(
        self, actor: Person, bank_id: str | None = None
    ) -> tuple[list[ExamStats], list[QuestionStats]]:
        """Every exam's figures and every question's (of `bank_id` when given), from one
        reading of everyone's attempts: what the statistics screen shows."""
        attempts = self.attempts(actor)
        with collector_paused():
            return exam_figures(attempts), _questions(attempts, self.points(), bank_id)

    def questions(self, actor: Person, bank_id: str | None = None) -> list[QuestionStats]:
        return _questions(self.attempts(actor), self.points(), bank_id)

    def distribution(self, actor: Person, key: str) -> AnswerDistribution:
        """How everyone answered question `key` (`bank:question`)."""
        return answer_distribution(self.attempts(actor), key)

    def exams(self, actor: Person) -> list[ExamStats]:
        return exam_figures(self.attempts(actor))


def _questions(
    attempts: list[Sitting], points: dict[str, float], bank_id: str | None
) -> list[QuestionStats]:
    stats = question_statistics(attempts, points)
    return [s for s in stats if bank_id is None or s.bank == bank_id]


def exam_figures(attempts: list[Sitting]) -> list[ExamStats]:
    """Each exam's figures (by track) from everyone's attempts."""
    by_track: dict[str, list[Sitting]] = defaultdict(list)
    for attempt in attempts:
        by_track[attempt.track].append(attempt)
    return [exam_statistics(track, by_track[track]) for track in sorted(by_track)]
