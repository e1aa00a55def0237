"""Item analysis: which questions work, after Moodle's quiz statistics (SCORING.md).

Per question, over the counted attempts it appeared in (submitted, not practice):
- facility = the mean mark on it as a share of its maximum;
- discrimination = 100 x the Pearson correlation between the mark on it and the mark on the
  rest of the paper (None when either does not vary: there is nothing to correlate);
- flags: too easy (facility > 0.9), too hard (< 0.2), weak (discrimination < 20), negative
  (< 0).
Per exam (a track): the mean, median and standard deviation of the scores, and Cronbach's
alpha over the paper's slots. Papers are drawn at random, so, as Moodle does for random
questions, alpha treats each position of the paper as one item: the blueprint fills a
position from the same category every time. Standard deviations are of a sample (n - 1).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from trainer.content.loader import ContentLibrary
from trainer.services.access import require_role
from trainer.storage.records import ExamAttempt, Person
from trainer.storage.repositories import DataStore

EASY_ABOVE = 0.9
HARD_BELOW = 0.2
WEAK_BELOW = 20.0


@dataclass(frozen=True)
class QuestionStats:
    key: str
    """`bank:question`."""
    attempts: int
    facility: float
    discrimination: float | None
    flags: list[str] = field(default_factory=list)

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


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The correlation of two equally long series; None when either is constant."""
    if len(xs) < 2:
        return None
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    spread = math.sqrt(sum(d * d for d in dx) * sum(d * d for d in dy))
    if spread == 0:
        return None
    return sum(a * b for a, b in zip(dx, dy, strict=True)) / spread


def question_statistics(
    attempts: Iterable[ExamAttempt], points: dict[str, float] | None = None
) -> list[QuestionStats]:
    """Facility, discrimination and flags of every question in `attempts`, by key."""
    weights = points or {}
    counted = [a for a in attempts if a.submitted_at is not None and not a.practice and a.marks]
    keys = sorted({key for attempt in counted for key in attempt.marks})
    results = []
    for key in keys:
        weight = weights.get(key, 1.0)
        mine: list[float] = []
        rest: list[float] = []
        for attempt in counted:
            if key not in attempt.marks:
                continue
            total = sum(weights.get(k, 1.0) * value for k, value in attempt.marks.items())
            mine.append(weight * attempt.marks[key])
            rest.append(total - weight * attempt.marks[key])
        facility = statistics.fmean(mine) / weight if weight else 0.0
        correlation = pearson(mine, rest)
        discrimination = None if correlation is None else round(100 * correlation, 1)
        flags = []
        if facility > EASY_ABOVE:
            flags.append("too_easy")
        if facility < HARD_BELOW:
            flags.append("too_hard")
        if discrimination is not None and discrimination < 0:
            flags.append("negative")
        elif discrimination is not None and discrimination < WEAK_BELOW:
            flags.append("weak")
        results.append(QuestionStats(key, len(mine), round(facility, 3), discrimination, flags))
    return results


def exam_statistics(track: str, attempts: Iterable[ExamAttempt]) -> ExamStats:
    counted = [
        a for a in attempts if a.submitted_at is not None and not a.practice and a.score is not None
    ]
    scores = [a.score for a in counted if a.score is not None]
    if not scores:
        return ExamStats(track, 0, None, None, None, None)
    sd = round(statistics.stdev(scores), 2) if len(scores) > 1 else None
    return ExamStats(
        track,
        len(scores),
        round(statistics.fmean(scores), 2),
        round(statistics.median(scores), 2),
        sd,
        cronbach_alpha(counted),
    )


def cronbach_alpha(attempts: Sequence[ExamAttempt]) -> float | None:
    """k/(k-1) x (1 - sum of slot variances / variance of totals), slots by paper position."""
    papers = [[a.marks.get(key, 0.0) for key in a.question_ids] for a in attempts]
    if len(papers) < 2:
        return None
    slots = min(len(paper) for paper in papers)
    if slots < 2:
        return None
    items = [[paper[slot] for paper in papers] for slot in range(slots)]
    totals = [sum(paper[:slots]) for paper in papers]
    total_variance = statistics.variance(totals)
    if total_variance == 0:
        return None
    item_variance = sum(statistics.variance(item) for item in items)
    return round(slots / (slots - 1) * (1 - item_variance / total_variance), 3)


@dataclass
class ItemAnalysis:
    store: DataStore
    library: ContentLibrary

    def attempts(self, actor: Person) -> list[ExamAttempt]:
        """Every counted attempt of everyone (trainers only)."""
        require_role(actor, "trainer")
        found = []
        for person in self.store.people():
            for attempt in self.store.person_file(person.id).all(ExamAttempt):
                if attempt.submitted_at is not None and not attempt.practice:
                    found.append(attempt)
        return found

    def questions(self, actor: Person, bank_id: str | None = None) -> list[QuestionStats]:
        attempts = self.attempts(actor)
        points = {
            f"{bank.id}:{question.id}": question.points
            for loaded in self.library.banks.values()
            for bank in [loaded.model]
            for question in bank.questions
        }
        stats = question_statistics(attempts, points)
        return [s for s in stats if bank_id is None or s.bank == bank_id]

    def exams(self, actor: Person) -> list[ExamStats]:
        attempts = self.attempts(actor)
        tracks = sorted({attempt.track for attempt in attempts})
        return [exam_statistics(t, [a for a in attempts if a.track == t]) for t in tracks]
