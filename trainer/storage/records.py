"""Records: what people do, as pydantic models stored as JSON.

Every record has a string `id` of our own making; TinyDB's numeric document ids are never
relied on, so records keep their identity across files and across a move to another store.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from trainer.roles import Role


def now() -> dt.datetime:
    """The current time, aware and in UTC (what every record stores)."""
    return dt.datetime.now(dt.UTC)


def new_id(prefix: str) -> str:
    """A short random id such as `att-3f9k2m7q1x`; safe in file names."""
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return f"{prefix}-" + "".join(secrets.choice(alphabet) for _ in range(10))


def _aware(moment: dt.datetime) -> dt.datetime:
    # trainer writes every time with its zone; a time without one (edited by hand) cannot be
    # compared with the others, so it is refused where it is read, with its record and field
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a time without a time zone (write it as 2026-11-01T09:00:00+08:00)")
    return moment


Moment = Annotated[dt.datetime, AfterValidator(_aware)]
"""A point in time with its zone, as every record stores it."""


class Record(BaseModel):
    """Base of stored records: validated on the way in and out, unknown fields refused."""

    # Schemas are built on first use, not at import: the sign-in screen needs two of the
    # record types, and building all of them was a sixth of the start-up time.
    model_config = ConfigDict(extra="forbid", defer_build=True)
    table: ClassVar[str]
    id: str = Field(min_length=1, max_length=80)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class Organisation(Record):
    table: ClassVar[str] = "organisation"
    id: str = "organisation"
    name: str = Field(min_length=1, max_length=120)
    created_at: Moment = Field(default_factory=now)


class Person(Record):
    """Someone who signs in: a learner, mentor or trainer (or several at once)."""

    table: ClassVar[str] = "people"
    id: str = Field(pattern=r"^[a-z0-9_-]+$", min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=80)
    roles: list[Role] = Field(min_length=1)
    tracks: list[str] = Field(default_factory=list)
    password_hash: str
    failed_sign_ins: int = 0
    locked_until: Moment | None = None
    language: Literal["zh", "en"] | None = None
    theme: str | None = None
    created_at: Moment = Field(default_factory=now)
    last_sign_in: Moment | None = None
    # Where the person sits in the organisation, for the gradebook's filters and cohort reports.
    team: str | None = Field(default=None, max_length=80)
    cohort: str | None = Field(default=None, max_length=80)
    hire_date: dt.date | None = None
    # A deactivated person keeps every record and their id but cannot sign in.
    deactivated_at: Moment | None = None
    # Set on an account made with a one-time password: the first sign-in asks for a new one.
    must_change_password: bool = False

    @property
    def active(self) -> bool:
        return self.deactivated_at is None

    def has_role(self, role: Role) -> bool:
        return role in self.roles


class RemovedPerson(Record):
    """Someone removed from the roster, kept whole: their id is never handed out again (a
    newcomer under it would inherit their attempts, transcripts and certificate), and the
    records in their file still say whose they were."""

    table: ClassVar[str] = "removed_people"
    person: Person
    removed_at: Moment = Field(default_factory=now)
    removed_by: str


class AuditEvent(Record):
    """Who changed what in the roster, and when."""

    table: ClassVar[str] = "audit"
    at: Moment = Field(default_factory=now)
    actor: str
    action: str
    subject: str
    detail: str = ""


class LessonDone(Record):
    """A lesson a learner finished; id is `<track>/<lesson>`."""

    table: ClassVar[str] = "lessons_done"
    track: str
    lesson: str
    done_at: Moment = Field(default_factory=now)


class ExamAttempt(Record):
    """One sitting of a track's theory exam, saved after every answer."""

    table: ClassVar[str] = "exam_attempts"
    track: str
    seed: int
    question_ids: list[str]
    """Keys `bank:question` in the order of the paper."""
    layout: dict[str, list[int]] = Field(default_factory=dict)
    """Per question, the order its options (or, for matching, its right-hand items) appear in."""
    answers: dict[str, Any] = Field(default_factory=dict)
    position: int = 0
    """The question the learner was at, so a resumed attempt opens there."""
    flagged: list[str] = Field(default_factory=list)
    started_at: Moment = Field(default_factory=now)
    deadline: Moment | None = None
    submitted_at: Moment | None = None
    score: float | None = None
    marks: dict[str, float] = Field(default_factory=dict)
    practice: bool = False


class MarkedSitting(Record):
    """An exam attempt as item analysis reads it: the paper, the answers and their marks,
    without the option layouts and the rest it does not need. A view for reading many
    attempts at once (the data folder's parser skips what is not here); never written."""

    model_config = ConfigDict(extra="ignore", defer_build=True)
    table: ClassVar[str] = ExamAttempt.table
    track: str
    question_ids: list[str]
    answers: dict[str, Any]
    submitted_at: Moment | None
    score: float | None
    marks: dict[str, float]
    practice: bool


class RolePlayTurn(BaseModel):
    """One agent turn as given: free text or an option number, and how long it took."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    say: str | None = None
    pick: int | None = None
    seconds: float | None = None
    at: Moment = Field(default_factory=now)


class RolePlayRun(Record):
    """A complaint role-play, saved after every turn; the scorecard once the call has ended.

    Exam-mode runs keep the scenario as it was when they started (`scenario_snapshot`), so a
    run resumed after the file changed, or re-scored later, uses the same version.
    """

    table: ClassVar[str] = "roleplay_runs"
    scenario: str
    mode: Literal["practice", "exam"]
    lang: Literal["zh", "en"]
    scenario_version: str
    scenario_snapshot: dict[str, Any] | None = None
    turns: list[RolePlayTurn] = Field(default_factory=list)
    hints_used: int = 0
    started_at: Moment = Field(default_factory=now)
    finished_at: Moment | None = None
    total: float | None = None
    passed: bool | None = None
    ending: str | None = None
    scorecard: dict[str, Any] | None = None


class CalibrationReview(Record):
    """A learner's review of a library call on the call-quality form (calibration), with the
    reference points it was scored against, so a later edit of the call leaves it as it was."""

    table: ClassVar[str] = "calibration_reviews"
    call: str
    lang: Literal["zh", "en"]
    points: dict[str, float]
    reference: dict[str, float]
    total: float
    reference_total: float
    within_tolerance: bool
    agreement: float
    """0-100, counted toward the practical score (trainer.services.call_review)."""
    at: Moment = Field(default_factory=now)


class QualityReviewAttempt(Record):
    """A supervisor's quality review of one case: the answers as given and the marks of each
    part, written once when the review is handed in."""

    table: ClassVar[str] = "quality_reviews"
    case: str
    lang: Literal["zh", "en"]
    answers: dict[str, Any]
    total: float
    passed: bool
    parts: dict[str, dict[str, Any]]
    """Per part (`scorecard`, `pareto`, `five_why`, `measures`): `score`, `max` and the
    reasons as catalog notes (`trainer.services.notes.Note` dumps)."""
    started_at: Moment = Field(default_factory=now)
    finished_at: Moment = Field(default_factory=now)


class Mentorship(Record):
    """A mentor assigned to a mentee from `start` for `days` (kept after it ends: history)."""

    table: ClassVar[str] = "mentorships"
    mentor: str
    mentee: str
    start: Moment = Field(default_factory=now)
    days: int = Field(default=30, ge=1, le=365)
    assigned_by: str = ""

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(days=self.days)


class SignOff(Record):
    """A mentor's word that a mentee is ready for duty on a track."""

    table: ClassVar[str] = "sign_offs"
    mentor: str
    mentee: str
    track: str
    at: Moment = Field(default_factory=now)
    note: str = ""


class SignOffWithdrawal(Record):
    """A sign-off taken back, by a mentor of the mentee or a trainer, with the reason. Kept
    beside the sign-off it withdraws (the timeline shows both); the latest of the two for a
    mentee and track is what stands."""

    table: ClassVar[str] = "sign_off_withdrawals"
    sign_off: str
    """The id of the withdrawn `SignOff`."""
    mentee: str
    track: str
    by: str
    reason: str = Field(min_length=1, max_length=500)
    at: Moment = Field(default_factory=now)


class Certificate(Record):
    """A certificate in the registry (`roster.json`); `id` is its verification code."""

    table: ClassVar[str] = "certificates"
    person: str
    person_name: str
    organisation: str
    track: str
    track_title: dict[str, str]
    final: float
    grade: Literal["excellent", "good", "pass", "needs_improvement"]
    theory: float | None
    practical: float | None
    issued_at: Moment = Field(default_factory=now)
    expires_at: Moment | None = None
    pdf_sha256: str = ""
    issued_by: str = ""
    revoked_at: Moment | None = None
    revoked_reason: str = ""
    replaces: str | None = None
    """The code of the certificate this one was reissued for."""


class MentorNote(Record):
    """A mentor's note on a mentee: timestamped, editable by its author only."""

    table: ClassVar[str] = "mentor_notes"
    mentor: str
    mentee: str
    text: str = Field(min_length=1, max_length=4000)
    created_at: Moment = Field(default_factory=now)
    edited_at: Moment | None = None
