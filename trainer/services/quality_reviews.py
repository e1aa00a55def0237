"""The supervisor's quality review: a team's quarter of service data, four auto-marked parts.

(a) the after-sales scorecard's weighted total (within the case's tolerance) and its grade;
(b) the causes a Pareto analysis puts first (the smallest most-frequent set reaching the
case's share, 80% by default); (c) the 5-Why chain, one choice a level; (d) the improvement
measures that are aimed at the root cause and SMART. Each part is worth 25 points.

Marking is a pure function of the case and the answers (`mark`); `QualityReviews.submit`
writes the result once, as a `QualityReviewAttempt` in the person's file. A case's counted
score is the best attempt's total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from trainer.content.loader import ContentLibrary
from trainer.content.models import SCORECARD_WEIGHTS, LocalizedText, QualityReviewCase, Track
from trainer.errors import TrainerError
from trainer.i18n import translate
from trainer.services.access import require_reader, require_role
from trainer.services.assessment import Grade, grade_for
from trainer.services.notes import Note
from trainer.storage.interface import Store
from trainer.storage.records import Person, QualityReviewAttempt, new_id

Part = Literal["scorecard", "pareto", "five_why", "measures"]
PARTS: tuple[Part, ...] = ("scorecard", "pareto", "five_why", "measures")
PART_POINTS = 25.0
TOTAL_POINTS, GRADE_POINTS = 15.0, 10.0
"""How part (a) splits: the weighted total, then the grade."""
GRADES: tuple[Grade, ...] = ("excellent", "good", "pass", "needs_improvement")


class QualityReviewError(TrainerError):
    area = "quality_review"


@dataclass
class Answers:
    """What the supervisor gave: the total and grade, the Pareto causes (ids), the option
    index chosen at each why level, and the measures chosen (indices)."""

    total: float | None = None
    grade: Grade | None = None
    pareto: list[str] = field(default_factory=list)
    five_why: list[int | None] = field(default_factory=list)
    measures: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "grade": self.grade,
            "pareto": list(self.pareto),
            "five_why": list(self.five_why),
            "measures": list(self.measures),
        }


@dataclass(frozen=True)
class PartMark:
    part: Part
    score: float
    notes: list[Note]
    """Why the part earned what it did, in either language."""
    max: float = PART_POINTS

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "max": self.max,
            "notes": [note.model_dump(mode="json") for note in self.notes],
        }


@dataclass(frozen=True)
class Marking:
    parts: list[PartMark]
    pass_mark: float

    @property
    def total(self) -> float:
        return round(sum(part.score for part in self.parts), 1)

    @property
    def passed(self) -> bool:
        return self.total >= self.pass_mark


def _texts(name: str, text: LocalizedText) -> dict[str, str | int | float]:
    """A localized text as a note's pair of values `name:zh` and `name:en`."""
    return {f"{name}:zh": text.get("zh"), f"{name}:en": text.get("en")}


def _grade(name: str, grade: str) -> dict[str, str | int | float]:
    """A grade as a note's pair of values, in both languages."""
    if grade not in GRADES:
        return {f"{name}:zh": "-", f"{name}:en": "-"}
    return {f"{name}:{lang}": translate(lang, f"assessment.grade_{grade}") for lang in ("zh", "en")}


def _note(key: str, **values: str | int | float) -> Note:
    return Note(area="quality_review", key=key, values=values)


def working(case: QualityReviewCase) -> str:
    """The weighted sum written out: `85×25% + 78×20% + … = 80.85`."""
    terms = " + ".join(
        f"{case.scorecard.scores[name]:g}×{weight:g}%" for name, weight in SCORECARD_WEIGHTS.items()
    )
    return f"{terms} = {case.scorecard.total:g}"


def mark_scorecard(case: QualityReviewCase, answers: Answers) -> PartMark:
    exact, tolerance = case.scorecard.total, case.scorecard.tolerance
    notes, score = [], 0.0
    given = "-" if answers.total is None else f"{answers.total:g}"
    if answers.total is not None and abs(answers.total - exact) <= tolerance + 1e-9:
        score += TOTAL_POINTS
        notes.append(_note("total_right", given=given, working=working(case)))
    else:
        notes.append(
            _note("total_wrong", given=given, working=working(case), tolerance=f"{tolerance:g}")
        )
    grade = grade_for(exact)
    if answers.grade == grade:
        score += GRADE_POINTS
        notes.append(_note("grade_right", **_grade("grade", grade)))
    else:
        values = {**_grade("given", answers.grade or ""), **_grade("grade", grade)}
        notes.append(_note("grade_wrong", total=f"{exact:g}", **values))
    return PartMark("scorecard", score, notes)


def mark_pareto(case: QualityReviewCase, answers: Answers) -> PartMark:
    task = case.pareto
    expected = task.vital_few
    picked = set(answers.pareto)
    hits = len(picked & set(expected))
    extra = len(picked - set(expected))
    score = round(PART_POINTS * max(0, hits - extra) / len(expected), 1)
    labels = {cause.id: cause.label for cause in task.causes}
    ranking_zh = "、".join(f"{c.label.get('zh')} {cum:g}%" for c, cum in task.ranked)
    ranking_en = ", ".join(f"{c.label.get('en')} {cum:g}%" for c, cum in task.ranked)
    notes = [
        _note(
            "pareto_ranking",
            share=f"{task.share:g}",
            count=len(expected),
            **{"ranking:zh": ranking_zh, "ranking:en": ranking_en},
        )
    ]
    for cause_id in expected:
        if cause_id not in picked:
            notes.append(_note("pareto_missed", **_texts("cause", labels[cause_id])))
    for cause_id in sorted(picked - set(expected)):
        if cause_id in labels:
            notes.append(_note("pareto_extra", **_texts("cause", labels[cause_id])))
    return PartMark("pareto", score, notes)


def mark_five_why(case: QualityReviewCase, answers: Answers) -> PartMark:
    levels = case.five_why.levels
    each = PART_POINTS / len(levels)
    score, notes = 0.0, []
    for index, level in enumerate(levels):
        chosen = answers.five_why[index] if index < len(answers.five_why) else None
        right = next(i for i, option in enumerate(level.options) if option.correct)
        if chosen == right:
            score += each
            continue
        values = {"level": index + 1, **_texts("right", level.options[right].text)}
        if chosen is not None and 0 <= chosen < len(level.options):
            option = level.options[chosen]
            values.update(_texts("chosen", option.text))
            if option.feedback is not None:
                values.update(_texts("why", option.feedback))
            else:
                values.update({"why:zh": "", "why:en": ""})
            notes.append(_note("why_wrong", **values))
        else:
            notes.append(_note("why_unanswered", **values))
    if not notes:
        notes.append(_note("why_all_right", levels=len(levels)))
    return PartMark("five_why", round(score, 1), notes)


def mark_measures(case: QualityReviewCase, answers: Answers) -> PartMark:
    options = case.measures.options
    fitting = {index for index, option in enumerate(options) if option.fits}
    picked = {index for index in answers.measures if 0 <= index < len(options)}
    right, wrong = len(picked & fitting), len(picked - fitting)
    score = round(PART_POINTS * max(0, right - wrong) / len(fitting), 1)
    notes = []
    for index, option in enumerate(options):
        if (index in picked) == option.fits:
            continue
        key = "measure_missed" if option.fits else "measure_wrong"
        notes.append(_note(key, **_texts("measure", option.text), **_texts("why", option.reason)))
    if not notes:
        notes.append(_note("measures_all_right", count=len(fitting)))
    return PartMark("measures", score, notes)


def mark(case: QualityReviewCase, answers: Answers) -> Marking:
    """The four parts marked, each out of 25."""
    return Marking(
        [
            mark_scorecard(case, answers),
            mark_pareto(case, answers),
            mark_five_why(case, answers),
            mark_measures(case, answers),
        ],
        case.pass_mark,
    )


def notes_of(attempt: QualityReviewAttempt, part: str) -> list[Note]:
    return [Note.model_validate(note) for note in attempt.parts.get(part, {}).get("notes", [])]


@dataclass
class QualityReviews:
    store: Store
    library: ContentLibrary

    def case(self, case_id: str) -> QualityReviewCase:
        case = self.library.quality_review(case_id)
        if case is None:
            raise QualityReviewError("unknown_case", case=case_id)
        return case

    def cases_of(self, track: Track) -> list[QualityReviewCase]:
        found = (self.library.quality_review(cid) for cid in track.practice.quality_reviews)
        return [case for case in found if case is not None]

    def submit(
        self, actor: Person, case_id: str, answers: Answers, lang: str
    ) -> QualityReviewAttempt:
        """Mark the answers and keep the result in the supervisor's own file."""
        require_role(actor, "learner")
        marking = mark(self.case(case_id), answers)
        attempt = QualityReviewAttempt(
            id=new_id("qr"),
            case=case_id,
            lang="en" if lang == "en" else "zh",
            answers=answers.to_json(),
            total=marking.total,
            passed=marking.passed,
            parts={part.part: part.to_json() for part in marking.parts},
        )
        self.store.person_file(actor.id).insert(attempt)
        return attempt

    def attempts(self, actor: Person, person_id: str, case_id: str) -> list[QualityReviewAttempt]:
        require_reader(self.store, actor, person_id)
        found = self.store.person_file(person_id).all(QualityReviewAttempt)
        return sorted(
            (attempt for attempt in found if attempt.case == case_id),
            key=lambda attempt: attempt.finished_at,
        )

    def best_score(self, actor: Person, person_id: str, case_id: str) -> float | None:
        """The best total of the person's reviews of the case; None before the first."""
        return max((a.total for a in self.attempts(actor, person_id, case_id)), default=None)
