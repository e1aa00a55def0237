"""One reading of a person's file, and one of the roster, for views that need many figures.

The services read what one figure needs (`Exams.attempts`, `RolePlays.runs`,
`Mentoring.sign_offs`...), each opening its file. A view that asks for a dozen figures about
each of a thousand people that way reads every file many times over: the mentor dashboard
grew with the square of its mentees, each row reading the whole roster again. These classes
hold the records of one reading, indexed by person, and the figures are computed from them by
the same functions the services use (`standing_sign_off`, the assessment over
`PersonRecords.summary`), so a view and a service cannot disagree. A view that needs only the
assessment's figures reads summaries (`Store.summaries_of`), not records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from trainer.storage.interface import Store
from trainer.storage.records import (
    CalibrationReview,
    Certificate,
    ExamAttempt,
    LessonDone,
    Mentorship,
    Person,
    QualityReviewAttempt,
    RolePlayRun,
    SignOff,
    SignOffWithdrawal,
)
from trainer.storage.summary import PersonSummary, summarize

_PERSON_MODELS = (LessonDone, ExamAttempt, RolePlayRun, CalibrationReview, QualityReviewAttempt)


@dataclass
class PersonRecords:
    """A person's lessons, exam attempts, role-play runs, calibration reviews and quality
    reviews, oldest first, from one reading."""

    person_id: str
    lessons: list[LessonDone] = field(default_factory=list)
    attempts: list[ExamAttempt] = field(default_factory=list)
    runs: list[RolePlayRun] = field(default_factory=list)
    calibration_reviews: list[CalibrationReview] = field(default_factory=list)
    quality_reviews: list[QualityReviewAttempt] = field(default_factory=list)

    @classmethod
    def read(cls, store: Store, person_id: str) -> PersonRecords:
        return cls._of(person_id, store.person_file(person_id).all_of(*_PERSON_MODELS))

    @classmethod
    def read_many(cls, store: Store, person_ids: list[str]) -> dict[str, PersonRecords]:
        """Several people's records, read together (each file once; one query a table)."""
        found = store.records_of(person_ids, *_PERSON_MODELS)
        return {person_id: cls._of(person_id, found[person_id]) for person_id in person_ids}

    @classmethod
    def _of(cls, person_id: str, found: dict[str, list[Any]]) -> PersonRecords:
        return cls(
            person_id,
            found[LessonDone.table],
            sorted(found[ExamAttempt.table], key=lambda a: a.started_at),
            sorted(found[RolePlayRun.table], key=lambda r: r.started_at),
            sorted(found[CalibrationReview.table], key=lambda r: r.at),
            sorted(found[QualityReviewAttempt.table], key=lambda a: a.finished_at),
        )

    @cached_property
    def summary(self) -> PersonSummary:
        """These records in the figures the assessment reads (`storage.summary`)."""
        return summarize(
            self.person_id,
            self.lessons,
            self.attempts,
            self.runs,
            self.calibration_reviews,
            self.quality_reviews,
        )


@dataclass
class RosterRecords:
    """The roster's people, mentorships, sign-offs, withdrawals and certificates, from one
    reading, with each indexed by the person it is about."""

    people: list[Person]
    mentorships: list[Mentorship]
    sign_offs: list[SignOff]
    withdrawals: list[SignOffWithdrawal]
    certificates: list[Certificate]

    @classmethod
    def read(cls, store: Store) -> RosterRecords:
        found = store.roster.all_of(Person, Mentorship, SignOff, SignOffWithdrawal, Certificate)
        return cls(
            found[Person.table],
            found[Mentorship.table],
            found[SignOff.table],
            found[SignOffWithdrawal.table],
            found[Certificate.table],
        )

    @cached_property
    def by_id(self) -> dict[str, Person]:
        return {person.id: person for person in self.people}

    @cached_property
    def _mentorships(self) -> dict[str, list[Mentorship]]:
        index: dict[str, list[Mentorship]] = defaultdict(list)
        for mentorship in sorted(self.mentorships, key=lambda m: m.start):
            index[mentorship.mentee].append(mentorship)
        return index

    @cached_property
    def _sign_offs(self) -> dict[str, list[SignOff]]:
        index: dict[str, list[SignOff]] = defaultdict(list)
        for sign_off in self.sign_offs:
            index[sign_off.mentee].append(sign_off)
        return index

    @cached_property
    def _withdrawals(self) -> dict[str, list[SignOffWithdrawal]]:
        index: dict[str, list[SignOffWithdrawal]] = defaultdict(list)
        for withdrawal in self.withdrawals:
            index[withdrawal.mentee].append(withdrawal)
        return index

    @cached_property
    def _certificates(self) -> dict[str, list[Certificate]]:
        index: dict[str, list[Certificate]] = defaultdict(list)
        for certificate in sorted(self.certificates, key=lambda c: c.issued_at):
            index[certificate.person].append(certificate)
        return index

    def mentorships_of(self, mentee_id: str) -> list[Mentorship]:
        """`mentee_id`'s assignments, earliest start first."""
        return self._mentorships.get(mentee_id, [])

    def sign_offs_of(self, mentee_id: str) -> list[SignOff]:
        return self._sign_offs.get(mentee_id, [])

    def withdrawals_of(self, mentee_id: str) -> list[SignOffWithdrawal]:
        return self._withdrawals.get(mentee_id, [])

    def certificates_of(self, person_id: str) -> list[Certificate]:
        """`person_id`'s certificates, oldest first."""
        return self._certificates.get(person_id, [])

    def current_certificate(
        self, person_id: str, track_id: str, at: dt.datetime
    ) -> Certificate | None:
        """The latest certificate of the track that is neither revoked nor expired at `at`."""
        current = [
            c
            for c in self.certificates_of(person_id)
            if c.track == track_id
            and c.revoked_at is None
            and (c.expires_at is None or c.expires_at > at)
        ]
        return current[-1] if current else None
