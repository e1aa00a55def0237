"""Theory exams: drawing a paper from a blueprint, attempts that survive a crash, scoring.

A paper is drawn with a stored seed, so the same seed always gives the same questions in the
same order with the same option order: an attempt can be resumed or reviewed exactly. Every
answer is written to the learner's file as it is given. The deadline is stored as a moment,
so the clock keeps running while the app is closed; an attempt found past its deadline is
submitted with what was answered.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from trainer.content.loader import ContentLibrary
from trainer.content.models import Matching, MultipleChoice, Question, SingleChoice, Track
from trainer.errors import TrainerError
from trainer.services.access import require_reader, require_role
from trainer.services.marking import mark
from trainer.storage.interface import Store
from trainer.storage.records import ExamAttempt, Person, new_id, now
from trainer.storage.summary import PersonSummary

LARGEST_SEED = 2**31 - 1
"""Seeds are drawn from 0 to this; a preview of any other number shows no real paper."""


class ExamError(TrainerError):
    """An exam action refused for a reason the learner can act on."""

    area = "exams"


class _PastDeadline(Exception):
    """Raised inside a write that found the attempt past its deadline: it is submitted."""

    def __init__(self, deadline: dt.datetime) -> None:
        super().__init__()
        self.deadline = deadline


@dataclass(frozen=True)
class PaperQuestion:
    """One question as it stands on a paper: where it comes from and how it is laid out."""

    key: str
    """`bank:question`, as stored on the attempt."""
    question: Question
    order: list[int]
    """Option indexes (single/multiple) or right-hand items (matching) in display order."""


def question_key(bank_id: str, question_id: str) -> str:
    return f"{bank_id}:{question_id}"


def draw_paper(library: ContentLibrary, track: Track, seed: int) -> list[PaperQuestion]:
    """The questions the track's blueprint draws with `seed`, laid out for display."""
    if track.exam is None:
        raise ExamError("no_exam", track=track.id)
    rng = random.Random(seed)
    paper: list[PaperQuestion] = []
    taken: set[str] = set()
    barred: set[str] = set()  # keys a question already on the paper excludes
    for rule in track.exam.draw:
        bank = library.bank(rule.bank)
        if bank is None:
            raise ExamError("content_missing", item=rule.bank)
        groups = bank.exclusion_groups()
        candidates = [
            q for q in bank.in_category(rule.category) if question_key(bank.id, q.id) not in taken
        ]
        if len(candidates) < rule.count:
            raise ExamError("content_missing", item=f"{rule.bank}/{rule.category}")
        barred_here = {key.partition(":")[2] for key in barred if key.startswith(f"{bank.id}:")}
        for question in _draw(rng, candidates, rule.count, groups, barred_here):
            key = question_key(bank.id, question.id)
            taken.add(key)
            barred |= {question_key(bank.id, other) for other in groups[question.id]}
            paper.append(PaperQuestion(key, question, _layout(question, rng)))
    return paper


def _draw(
    rng: random.Random,
    candidates: list[Question],
    count: int,
    groups: dict[str, frozenset[str]],
    barred: set[str],
) -> list[Question]:
    """`count` of the candidates at random, never two of one exclusion group nor one that a
    question already on the paper excludes (`barred`, ids of this bank). Without a clash
    this is `rng.sample`, so a seed draws the same paper as before exclusions existed; a
    question that clashes is replaced by another drawn from those still allowed."""
    chosen: list[Question] = []
    seen = set(barred)

    def allowed(question: Question) -> bool:
        return question.id not in seen

    for question in rng.sample(candidates, count):
        if allowed(question):
            chosen.append(question)
            seen |= groups[question.id]
    while len(chosen) < count:
        left = [question for question in candidates if allowed(question)]
        if not left:
            raise ExamError("content_missing", item=candidates[0].category)
        question = rng.choice(left)
        chosen.append(question)
        seen |= groups[question.id]
    return chosen


def _layout(question: Question, rng: random.Random) -> list[int]:
    if isinstance(question, SingleChoice | MultipleChoice):
        order = list(range(len(question.options)))
    elif isinstance(question, Matching):
        order = list(range(len(question.rights)))
    else:
        return []
    if question.shuffle:
        rng.shuffle(order)
    return order


def ran_out_of_time(attempt: ExamAttempt) -> bool:
    """Whether the attempt was submitted by its clock rather than by the learner: only the
    clock submits at (or after) the deadline, since answers are refused from then on."""
    return (
        attempt.submitted_at is not None
        and attempt.deadline is not None
        and attempt.submitted_at >= attempt.deadline
    )


def minutes_left(attempt: ExamAttempt, at: dt.datetime | None = None) -> int | None:
    """Whole minutes (rounded up) before an open attempt's deadline; None without a clock."""
    if attempt.deadline is None:
        return None
    seconds = (attempt.deadline - (at or now())).total_seconds()
    return max(0, -int(-seconds // 60))


ExamStep = Literal["resume", "start", "no_attempts_left", "cooling_down"]


@dataclass(frozen=True)
class ExamStatus:
    """What the exam introduction shows."""

    questions: int
    time_limit_minutes: int
    attempts_used: int
    attempts_max: int | None
    next_allowed: dt.datetime | None
    """When the cool-down ends, if it has not."""
    open_attempt: ExamAttempt | None
    best_score: float | None
    last_sitting: ExamAttempt | None = None
    """The latest submitted sitting (practice sets aside)."""

    @property
    def attempts_left(self) -> int | None:
        return None if self.attempts_max is None else max(0, self.attempts_max - self.attempts_used)

    @property
    def next_step(self) -> ExamStep:
        """What the learner can do now, in the order `Exams.start` applies the rules: go on
        with the open sitting; else no attempt left is final, whatever the cool-down; else
        wait for the cool-down; else start."""
        if self.open_attempt is not None:
            return "resume"
        if self.attempts_left == 0:
            return "no_attempts_left"
        if self.next_allowed is not None:
            return "cooling_down"
        return "start"


@dataclass
class Exams:
    store: Store
    library: ContentLibrary

    # ------------------------------------------------------------ reading

    def _track(self, track_id: str) -> Track:
        track = self.library.track(track_id)
        if track is None or track.exam is None:
            raise ExamError("no_exam", track=track_id)
        return track

    def attempts(
        self, actor: Person, person_id: str, track_id: str | None = None
    ) -> list[ExamAttempt]:
        """Someone's attempts, oldest first (practice sets included)."""
        require_reader(self.store, actor, person_id)
        attempts = self.store.person_file(person_id).all(ExamAttempt)
        chosen = [a for a in attempts if track_id is None or a.track == track_id]
        return sorted(chosen, key=lambda a: a.started_at)

    def attempt(self, actor: Person, attempt_id: str) -> ExamAttempt:
        """One of the actor's own attempts."""
        attempt = self.store.person_file(actor.id).get(ExamAttempt, attempt_id)
        if attempt is None:
            raise ExamError("unknown_attempt", attempt=attempt_id)
        return attempt

    def counted_score(self, actor: Person, person_id: str, track_id: str) -> float | None:
        """The score that counts toward the assessment: best, or last if the track says so."""
        track = self._track(track_id)
        require_reader(self.store, actor, person_id)
        return counted_theory_of(track, self.store.summaries_of([person_id])[person_id])

    def status(self, actor: Person, track_id: str, at: dt.datetime | None = None) -> ExamStatus:
        moment = at or now()
        track = self._track(track_id)
        assert track.exam is not None
        attempts = self._settled(actor, track_id, moment)
        open_attempt = _open(attempts)
        sittings = [a for a in attempts if not a.practice]
        submitted = [a for a in sittings if a.submitted_at is not None]
        next_allowed = None
        if submitted and track.exam.attempts.cooldown_hours:
            last = max(a.submitted_at for a in submitted if a.submitted_at is not None)
            ends = last + dt.timedelta(hours=track.exam.attempts.cooldown_hours)
            next_allowed = ends if ends > moment else None
        return ExamStatus(
            questions=sum(rule.count for rule in track.exam.draw),
            time_limit_minutes=track.exam.time_limit_minutes,
            attempts_used=len(submitted),
            attempts_max=track.exam.attempts.max,
            next_allowed=next_allowed,
            open_attempt=open_attempt,
            best_score=max((a.score for a in submitted if a.score is not None), default=None),
            last_sitting=max(submitted, key=lambda a: a.submitted_at or moment, default=None),
        )

    def paper(self, attempt: ExamAttempt) -> list[PaperQuestion]:
        """The attempt's questions, as they were laid out when it started."""
        paper = []
        for key in attempt.question_ids:
            bank_id, question_id = key.split(":", 1)
            bank = self.library.bank(bank_id)
            question = (
                next((q for q in bank.questions if q.id == question_id), None) if bank else None
            )
            if question is None:
                raise ExamError("content_missing", item=key)
            paper.append(PaperQuestion(key, question, attempt.layout.get(key, [])))
        return paper

    # ------------------------------------------------------------ sitting

    def open_attempt(
        self, actor: Person, track_id: str, at: dt.datetime | None = None
    ) -> ExamAttempt | None:
        """The attempt in progress, if any. One found past its deadline is submitted first."""
        return _open(self._settled(actor, track_id, at or now()))

    def _settled(self, actor: Person, track_id: str, moment: dt.datetime) -> list[ExamAttempt]:
        """The actor's attempts on the track, any sitting found past its deadline submitted
        first (at its deadline: time away counts). The file is read again only then."""
        attempts = self.attempts(actor, actor.id, track_id)
        expired = [
            a
            for a in attempts
            if a.submitted_at is None
            and not a.practice
            and a.deadline is not None
            and a.deadline <= moment
        ]
        for attempt in expired:
            self.submit(actor, attempt.id, at=attempt.deadline)
        return self.attempts(actor, actor.id, track_id) if expired else attempts

    def start(
        self, actor: Person, track_id: str, at: dt.datetime | None = None, seed: int | None = None
    ) -> ExamAttempt:
        """Begin (or resume) the track's exam, within the attempt cap and cool-down."""
        require_role(actor, "learner")
        moment = at or now()
        track = self._track(track_id)
        assert track.exam is not None
        status = self.status(actor, track_id, moment)
        if status.open_attempt is not None:
            return status.open_attempt
        if status.next_step == "no_attempts_left":
            raise ExamError("no_attempts_left", used=status.attempts_used)
        if status.next_allowed is not None:
            raise ExamError(
                "cooling_down", until=status.next_allowed.astimezone().strftime("%Y-%m-%d %H:%M")
            )
        seed = secrets.randbits(LARGEST_SEED.bit_length()) if seed is None else seed
        paper = draw_paper(self.library, track, seed)
        attempt = ExamAttempt(
            id=new_id("att"),
            track=track_id,
            seed=seed,
            question_ids=[item.key for item in paper],
            layout={item.key: item.order for item in paper if item.order},
            started_at=moment,
            deadline=moment + dt.timedelta(minutes=track.exam.time_limit_minutes),
        )
        limit = track.exam.attempts.max
        with self.store.person_file(actor.id).batch() as records:
            # checked again under the lock: sessions started at the same moment all passed
            # the check above, and only one of them may open a sitting
            sittings = [
                ExamAttempt.model_validate(row)
                for row in records.rows(ExamAttempt.table)
                if row.get("track") == track_id and not row.get("practice")
            ]
            for sitting in sittings:
                if sitting.submitted_at is None and (
                    sitting.deadline is None or sitting.deadline > moment
                ):
                    return sitting  # another session opened it a moment ago: resume that one
            used = sum(1 for sitting in sittings if sitting.submitted_at is not None)
            if limit is not None and used >= limit:
                raise ExamError("no_attempts_left", used=used)
            records.insert(attempt)
        return attempt

    def _own_open(self, actor: Person, attempt_id: str) -> ExamAttempt:
        attempt = self.attempt(actor, attempt_id)
        if attempt.submitted_at is not None:
            raise ExamError("already_submitted")
        return attempt

    def answer(
        self,
        actor: Person,
        attempt_id: str,
        key: str,
        answer: Any,
        position: int | None = None,
        at: dt.datetime | None = None,
    ) -> ExamAttempt:
        """Save one answer at once. Past the deadline the attempt is submitted instead.

        The checks run on the attempt as read for the write, so saving an answer reads and
        writes the person's records once."""
        moment = at or now()

        def record(current: ExamAttempt) -> ExamAttempt:
            if current.submitted_at is not None:
                raise ExamError("already_submitted")
            if key not in current.question_ids:
                raise ExamError("not_on_paper", question=key)
            if current.deadline is not None and current.deadline <= moment:
                raise _PastDeadline(current.deadline)
            answers = {**current.answers, key: answer}
            if answer is None:
                answers.pop(key)
            update: dict[str, Any] = {"answers": answers}
            if position is not None:
                update["position"] = position
            return current.model_copy(update=update)

        try:
            changed = self.store.person_file(actor.id).update(ExamAttempt, attempt_id, record)
        except _PastDeadline as late:
            self.submit(actor, attempt_id, at=late.deadline)
            raise ExamError("time_up") from None
        if changed is None:
            raise ExamError("unknown_attempt", attempt=attempt_id)
        return changed

    def move(self, actor: Person, attempt_id: str, position: int) -> None:
        """Remember where the learner is, so a resumed attempt opens at the same question."""
        self._own_open(actor, attempt_id)
        self.store.person_file(actor.id).update(
            ExamAttempt, attempt_id, lambda a: a.model_copy(update={"position": position})
        )

    def toggle_flag(self, actor: Person, attempt_id: str, key: str) -> ExamAttempt:
        self._own_open(actor, attempt_id)

        def toggle(current: ExamAttempt) -> ExamAttempt:
            flagged = [k for k in current.flagged if k != key]
            if key not in current.flagged:
                flagged.append(key)
            return current.model_copy(update={"flagged": flagged})

        changed = self.store.person_file(actor.id).update(ExamAttempt, attempt_id, toggle)
        assert changed is not None
        return changed

    def submit(self, actor: Person, attempt_id: str, at: dt.datetime | None = None) -> ExamAttempt:
        """Mark every question and close the attempt; score 0-100 over the paper's points."""
        attempt = self._own_open(actor, attempt_id)
        paper = self.paper(attempt)
        marks = {item.key: mark(item.question, attempt.answers.get(item.key)) for item in paper}
        possible = sum(item.question.points for item in paper)
        earned = sum(item.question.points * marks[item.key] for item in paper)
        score = round(100 * earned / possible, 2) if possible else 0.0
        moment = at or now()
        changed = self.store.person_file(actor.id).update(
            ExamAttempt,
            attempt_id,
            lambda a: a.model_copy(update={"marks": marks, "score": score, "submitted_at": moment}),
        )
        assert changed is not None
        return changed

    # ------------------------------------------------------------ after

    def may_review(self, actor: Person, attempt: ExamAttempt) -> bool:
        """Whether the track's review policy lets the learner see answers for this attempt."""
        if attempt.submitted_at is None:
            return False
        if attempt.practice or actor.has_role("trainer"):
            return True
        track = self._track(attempt.track)
        assert track.exam is not None
        if track.exam.review == "after_submit":
            return True
        if track.exam.review == "after_last_attempt":
            return self.status(actor, attempt.track).attempts_left == 0
        return False

    def practise_mistakes(
        self, actor: Person, attempt_id: str, at: dt.datetime | None = None
    ) -> ExamAttempt:
        """A practice set of the questions not answered fully right; it never counts."""
        attempt = self.attempt(actor, attempt_id)
        if attempt.submitted_at is None:
            raise ExamError("not_submitted")
        wrong = [key for key in attempt.question_ids if attempt.marks.get(key, 0.0) < 1.0]
        if not wrong:
            raise ExamError("no_mistakes")
        practice = ExamAttempt(
            id=new_id("prc"),
            track=attempt.track,
            seed=attempt.seed,
            question_ids=wrong,
            layout={key: order for key, order in attempt.layout.items() if key in wrong},
            started_at=at or now(),
            practice=True,
        )
        self.store.person_file(actor.id).insert(practice)
        return practice


def counted_theory_of(track: Track, summary: PersonSummary) -> float | None:
    """The sitting of `track`'s exam that counts toward the assessment: the best, or the last
    if the track says so; practice sets aside."""
    figures = summary.exam_on(track.id)
    if figures is None or track.exam is None:
        return None
    return figures.last if track.exam.counted == "last" else figures.best


def _open(attempts: list[ExamAttempt]) -> ExamAttempt | None:
    """The sitting in progress among `attempts` (practice sets are not sittings)."""
    return next((a for a in attempts if a.submitted_at is None and not a.practice), None)
