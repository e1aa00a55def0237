"""The trainer's gradebook: one row per learner enrolled in a track, where they stand on it.

A row shows the learner's current track (the one a filter names, else the first of their
tracks they have not completed, else their last), lessons done of the total, the best counted
theory score, the practical score, the weighted total and its grade (the final assessment's
rules, `Assessments.assess_records`), the cleared-for-duty gate where the track has one, the
current certificate, the current mentor and the last activity, and a status:

- `not_started`: no lesson, exam sitting or role-play on the track yet;
- `in_progress`: started, not complete;
- `passed`: complete (the assessment passed, every lesson, the gate) but no current
  certificate of the track;
- `certified`: a current certificate of the track.

The rows are computed from the roster, read once, and each learner's summary (`Store.summaries_of`:
on the data folder each file read once and only in the fields the assessment needs, on
PostgreSQL summed up by the server): `bench/gradebook.py` and `bench/database.py` measure it
against a bare reading of the same files and rows. Deactivated learners are left out unless
asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, TypedDict

from trainer.bulk import collector_paused
from trainer.content.loader import ContentLibrary
from trainer.content.models import Track
from trainer.errors import TrainerError
from trainer.services.access import require_role
from trainer.services.assessment import Assessments, Grade, Result
from trainer.services.mentoring import shown
from trainer.services.snapshot import PersonRecords, RosterRecords
from trainer.storage.interface import Store
from trainer.storage.records import Person, now
from trainer.storage.summary import PersonSummary

Status = Literal["not_started", "in_progress", "passed", "certified"]
STATUSES: tuple[Status, ...] = ("not_started", "in_progress", "passed", "certified")


class GradebookError(TrainerError):
    area = "gradebook"


@dataclass(frozen=True)
class GradebookRow:
    """One learner on one track, as the gradebook, its exports and the cohort dashboard read it."""

    person_id: str
    name: str
    team: str | None
    cohort: str | None
    active: bool
    track: str | None
    """None for a learner with no track (or only tracks the content no longer has)."""
    lessons_done: int
    lessons_total: int
    best_theory: float | None
    """The best counted (not practice) sitting of the track's exam."""
    practical: float | None
    final: float | None
    grade: Grade | None
    theory_passed: bool | None
    """The theory score at or above its minimum; None when the track has no exam."""
    practical_passed: bool | None
    assessment_passed: bool
    cleared: bool | None
    """The cleared-for-duty gate met; None when the track has no such gate."""
    gate_met: int
    gate_total: int
    certificate: str | None
    """The code of the current certificate of the track."""
    mentor: str | None
    mentor_name: str | None
    last_activity: dt.datetime | None
    status: Status

    @property
    def lessons_complete(self) -> bool:
        return self.lessons_total > 0 and self.lessons_done >= self.lessons_total


@dataclass
class Gradebook:
    store: Store
    library: ContentLibrary
    assessments: Assessments

    def check_track(self, track_id: str | None) -> None:
        if track_id is not None and self.library.track(track_id) is None:
            raise GradebookError("unknown_track", track=track_id)

    def entries(
        self,
        actor: Person,
        track: str | None = None,
        team: str | None = None,
        cohort: str | None = None,
        status: Status | None = None,
        include_deactivated: bool = False,
        at: dt.datetime | None = None,
    ) -> list[tuple[GradebookRow, PersonRecords]]:
        """Each learner's row with their records (the cohort dashboard reads their runs and
        answers), sorted by name. Trainers only."""
        with collector_paused():
            chosen, roster = self._chosen(actor, track, team, cohort, status, include_deactivated)
            everyone = PersonRecords.read_many(self.store, [person.id for person in chosen])
            moment = at or now()
            found = []
            for person in chosen:
                records = everyone[person.id]
                row = self.row_of(person, records.summary, roster, track, moment)
                if status is None or row.status == status:
                    found.append((row, records))
        return sorted(found, key=lambda entry: (entry[0].name, entry[0].person_id))

    def rows(
        self,
        actor: Person,
        track: str | None = None,
        team: str | None = None,
        cohort: str | None = None,
        status: Status | None = None,
        include_deactivated: bool = False,
        at: dt.datetime | None = None,
    ) -> list[GradebookRow]:
        """One row per learner, filtered, sorted by name (see the module's docstring)."""
        with collector_paused():
            chosen, roster = self._chosen(actor, track, team, cohort, status, include_deactivated)
            summaries = self.store.summaries_of([person.id for person in chosen])
            moment = at or now()
            rows = [
                self.row_of(person, summaries[person.id], roster, track, moment)
                for person in chosen
            ]
        found = [row for row in rows if status is None or row.status == status]
        return sorted(found, key=lambda row: (row.name, row.person_id))

    def _chosen(
        self,
        actor: Person,
        track: str | None,
        team: str | None,
        cohort: str | None,
        status: Status | None,
        include_deactivated: bool,
    ) -> tuple[list[Person], RosterRecords]:
        """The learners the filters choose (status aside: it needs their rows), and the
        roster they were chosen from."""
        require_role(actor, "trainer")
        self.check_track(track)
        if status is not None and status not in STATUSES:
            raise GradebookError("unknown_status", status=status, statuses=", ".join(STATUSES))
        roster = RosterRecords.read(self.store)
        chosen = [
            person
            for person in roster.people
            # a learner on no track has nothing to grade
            if person.has_role("learner")
            and person.tracks
            and (person.active or include_deactivated)
            and (team is None or person.team == team)
            and (cohort is None or person.cohort == cohort)
            and (track is None or track in person.tracks)
        ]
        return chosen, roster

    def learner(
        self, actor: Person, person_id: str, at: dt.datetime | None = None
    ) -> tuple[GradebookRow, PersonRecords]:
        """One person's row (on their current track) and their records: the learner's record
        screen shows these to a trainer when the learner has no mentor."""
        require_role(actor, "trainer")
        roster = RosterRecords.read(self.store)
        person = roster.by_id.get(person_id)
        if person is None:
            raise GradebookError("unknown_person", person=person_id)
        records = PersonRecords.read(self.store, person_id)
        return self.row_of(person, records.summary, roster, None, at or now()), records

    def cohorts(self) -> list[str]:
        return sorted({p.cohort for p in self.store.people() if p.cohort})

    def row_of(
        self,
        person: Person,
        summary: PersonSummary,
        roster: RosterRecords,
        track_id: str | None,
        at: dt.datetime,
    ) -> GradebookRow:
        """The row of `person` on `track_id` (None: their current track) from their summary
        and the roster already read."""
        tracks = [t for t in map(self.library.track, person.tracks) if t is not None]
        chosen: Track | None = None
        result: Result | None = None
        if track_id is not None:
            chosen = self.library.track(track_id)
            if chosen is not None:
                result = self.assessments.assess_records(summary, roster, chosen.id, at)
        else:
            for candidate in tracks:  # the first not completed, else the last
                chosen = candidate
                result = self.assessments.assess_records(summary, roster, candidate.id, at)
                if not result.passed:
                    break
        mentorships = roster.mentorships_of(person.id)
        mentor = mentorships[-1].mentor if mentorships else None
        mentor_person = roster.by_id.get(mentor) if mentor else None
        last = summary.last_activity
        figures = _figures(person, summary, roster, chosen, result, at)
        return GradebookRow(
            person_id=person.id,
            name=person.name,
            team=person.team,
            cohort=person.cohort,
            active=person.active,
            track=chosen.id if chosen is not None else track_id,
            mentor=mentor,
            mentor_name=mentor_person.name if mentor_person else mentor,
            last_activity=shown(last) if last else None,
            **figures,
        )


class _Figures(TypedDict):
    lessons_done: int
    lessons_total: int
    best_theory: float | None
    practical: float | None
    final: float | None
    grade: Grade | None
    theory_passed: bool | None
    practical_passed: bool | None
    assessment_passed: bool
    cleared: bool | None
    gate_met: int
    gate_total: int
    certificate: str | None
    status: Status


def _figures(
    person: Person,
    summary: PersonSummary,
    roster: RosterRecords,
    track: Track | None,
    result: Result | None,
    at: dt.datetime,
) -> _Figures:
    """A row's figures on `track` (nothing done when there is no track)."""
    if track is None or result is None:
        return _Figures(
            lessons_done=0,
            lessons_total=0,
            best_theory=None,
            practical=None,
            final=None,
            grade=None,
            theory_passed=None,
            practical_passed=None,
            assessment_passed=False,
            cleared=None,
            gate_met=0,
            gate_total=0,
            certificate=None,
            status="not_started",
        )
    lessons = next(c for c in result.completion if c.key == "lessons")
    criteria = {c.key: c.met for c in result.completion}
    exam = summary.exam_on(track.id)
    certificate = roster.current_certificate(person.id, track.id, at)
    started = (
        bool(summary.lessons_on(track.id))
        or exam is not None
        or any(scenario in summary.scenarios for scenario in track.role_plays)
    )
    status: Status = (
        "certified"
        if certificate is not None
        else "passed"
        if result.passed
        else "in_progress"
        if started
        else "not_started"
    )
    return _Figures(
        lessons_done=int(lessons.values["done"]),
        lessons_total=int(lessons.values["total"]),
        best_theory=exam.best if exam else None,
        practical=result.practical,
        final=result.final,
        grade=result.grade,
        theory_passed=criteria.get("exam"),
        practical_passed=criteria.get("practical"),
        assessment_passed=result.assessment_passed,
        cleared=all(c.met for c in result.gate) if result.gate else None,
        gate_met=sum(c.met for c in result.gate),
        gate_total=len(result.gate),
        certificate=certificate.id if certificate else None,
        status=status,
    )
