"""The final assessment of a track: theory and practice weighted, a grade, and what is missing.

The rule: final = theory x 40% + practical x 60% (the track's `assessment.weights`), a
pass needs the final at or above the pass mark and each part at or above its minimum; grades
are the after-sales evaluation bands. A track with no exam (or no practice scenarios) is
assessed on the other part alone. New-hire tracks with the `cleared_for_duty` gate also need
their script drill passed, the mentorship period over and a mentor's sign-off.

A track is complete (and its certificate, which says so, can be issued) when the assessment
passes and its completion checklist holds: every lesson done, the exam and the practical at
or above their minimums, and each `requires` track certified or itself complete.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from trainer.content.loader import ContentLibrary
from trainer.content.models import Track
from trainer.errors import TrainerError
from trainer.services.access import require_reader
from trainer.services.exams import Exams
from trainer.services.mentoring import current_sign_off, days_left
from trainer.services.notes import Note
from trainer.services.roleplay.service import RolePlays
from trainer.storage.records import Certificate, LessonDone, Mentorship, Person, now
from trainer.storage.repositories import DataStore

Grade = Literal["excellent", "good", "pass", "needs_improvement"]
GRADE_BANDS: tuple[tuple[float, Grade], ...] = ((90, "excellent"), (80, "good"), (60, "pass"))


class AssessmentError(TrainerError):
    area = "assessment"


def grade_for(score: float) -> Grade:
    """The band of a 0-100 score: excellent >= 90, good 80-89, pass 60-79, else needs work."""
    score = round(score, 2)  # 89.995 from weighting is 90.0, not "good"
    for floor, grade in GRADE_BANDS:
        if score >= floor:
            return grade
    return "needs_improvement"


@dataclass(frozen=True)
class GateCondition:
    """One condition of the cleared-for-duty gate, and whether it holds."""

    key: Literal["assessment", "script_drill", "mentorship", "sign_off"]
    met: bool
    detail: Note | None = None


@dataclass(frozen=True)
class Criterion:
    """One completion criterion of a track, and whether it holds."""

    key: Literal["lessons", "exam", "practical", "prerequisite"]
    met: bool
    detail: Note | None = None
    """What is still to do, when not met."""
    values: dict[str, str | int] = field(default_factory=dict)
    """For showing it: `done` and `total` lessons, a prerequisite's `track:zh`/`track:en`."""


@dataclass
class Result:
    """Where a learner stands on a track's final assessment."""

    track: str
    theory: float | None
    practical: float | None
    theory_weight: float
    practical_weight: float
    final: float | None
    grade: Grade | None
    assessment_passed: bool
    gate: list[GateCondition] = field(default_factory=list)
    missing: list[Note] = field(default_factory=list)
    """What stands between the learner and the certificate, as catalog sentences."""
    completion: list[Criterion] = field(default_factory=list)
    """The track's completion checklist: lessons, exam, practical, prerequisites."""

    @property
    def passed(self) -> bool:
        """The track is complete: every lesson, the assessment passed, the prerequisites
        completed and, where the track has one, the gate met. A certificate needs this."""
        return (
            self.assessment_passed
            and all(condition.met for condition in self.gate)
            and all(criterion.met for criterion in self.completion)
        )


@dataclass
class Assessments:
    store: DataStore
    library: ContentLibrary
    exams: Exams
    roleplays: RolePlays

    def track(self, track_id: str) -> Track:
        track = self.library.track(track_id)
        if track is None:
            raise AssessmentError("unknown_track", track=track_id)
        return track

    def assess(
        self, actor: Person, person_id: str, track_id: str, at: dt.datetime | None = None
    ) -> Result:
        return self._assess(actor, person_id, track_id, at or now(), frozenset())

    def completion(
        self, actor: Person, person_id: str, track_id: str, at: dt.datetime | None = None
    ) -> list[Criterion]:
        """The completion checklist of `track_id` for `person_id` (see `Result.completion`);
        a certificate is issued only when every criterion is met."""
        return self.assess(actor, person_id, track_id, at).completion

    def _assess(
        self,
        actor: Person,
        person_id: str,
        track_id: str,
        at: dt.datetime,
        within: frozenset[str],
    ) -> Result:
        """`within`: the tracks whose prerequisites are being checked, so a cycle of
        `requires` ends (as unmet) instead of recursing forever."""
        require_reader(self.store, actor, person_id)
        track = self.track(track_id)
        spec = track.assessment
        has_theory = track.exam is not None
        has_practice = bool(track.practice.scenarios)
        theory = self.exams.counted_score(actor, person_id, track_id) if has_theory else None
        practical = (
            self.roleplays.practical_score(actor, person_id, track) if has_practice else None
        )
        theory_weight = spec.weights.theory if has_practice else 100.0
        practical_weight = spec.weights.practical if has_theory else 100.0
        if not has_theory:
            theory_weight = 0.0
        if not has_practice:
            practical_weight = 0.0

        missing: list[Note] = []
        lessons = self._lessons_criterion(person_id, track)
        if lessons.detail is not None:
            missing.append(lessons.detail)
        if has_theory and theory is None:
            missing.append(Note(area="assessment", key="theory_missing"))
        if has_practice and practical is None:
            todo = [
                sid
                for sid in track.practice.scenarios
                if self.roleplays.best_exam_score(actor, person_id, sid) is None
            ]
            missing.append(
                Note(area="assessment", key="practical_missing", values=self._titles(todo))
            )

        # Each part's minimum is checked as soon as that part has a score, so a learner sees
        # every unmet requirement at once, not one at a time as they clear the others.
        minimum_met = True
        for part, score, floor in (
            ("theory", theory, spec.minimum.theory),
            ("practical", practical, spec.minimum.practical),
        ):
            if score is not None and score < floor:
                minimum_met = False
                missing.append(
                    Note(
                        area="assessment",
                        key=f"{part}_below_minimum",
                        values={"score": f"{score:g}", "minimum": f"{floor:g}"},
                    )
                )

        final = grade = None
        assessment_passed = False
        complete = (theory is not None or not has_theory) and (
            practical is not None or not has_practice
        )
        if complete and (has_theory or has_practice):
            final = round(
                (theory or 0) * theory_weight / 100 + (practical or 0) * practical_weight / 100, 2
            )
            assessment_passed = minimum_met and final >= spec.pass_mark
            # A grade is a verdict to a training manager: "pass" beside an unmet minimum
            # reads as passed, so a failed assessment is graded "needs improvement" whatever
            # band its weighted total would fall in.
            grade = grade_for(final) if assessment_passed else "needs_improvement"
            if final < spec.pass_mark:
                missing.insert(
                    0,
                    Note(
                        area="assessment",
                        key="below_pass_mark",
                        values={"final": f"{final:g}", "pass_mark": f"{spec.pass_mark:g}"},
                    ),
                )

        prerequisites = [
            self._prerequisite(actor, person_id, required, at, within | {track.id})
            for required in track.requires
        ]
        missing.extend(c.detail for c in prerequisites if c.detail is not None)
        completion = [
            lessons,
            *(
                [Criterion("exam", theory is not None and theory >= spec.minimum.theory)]
                if has_theory
                else []
            ),
            *(
                [
                    Criterion(
                        "practical", practical is not None and practical >= spec.minimum.practical
                    )
                ]
                if has_practice
                else []
            ),
            *prerequisites,
        ]

        gate: list[GateCondition] = []
        if track.gate == "cleared_for_duty":
            gate = self._gate(actor, person_id, track, assessment_passed, at)
            missing.extend(condition.detail for condition in gate if condition.detail)
        return Result(
            track=track_id,
            theory=theory,
            practical=practical,
            theory_weight=theory_weight,
            practical_weight=practical_weight,
            final=final,
            grade=grade,
            assessment_passed=assessment_passed,
            gate=gate,
            missing=missing,
            completion=completion,
        )

    def sign_off_gaps(
        self, actor: Person, person_id: str, track_id: str, at: dt.datetime | None = None
    ) -> list[Note]:
        """What a mentor signing `person_id` off on `track_id` should know is not done yet:
        the lessons, everything the assessment still misses, and the script drill (the
        sign-off itself left out: it is what the mentor is about to give)."""
        track = self.track(track_id)
        result = self.assess(actor, person_id, track_id, at)
        gaps = [note for note in result.missing if note.key != "not_signed_off"]
        if track.gate != "cleared_for_duty":  # the gate already names an undone drill
            undrilled = self._undrilled(actor, person_id, track)
            if undrilled:
                gaps.append(self._drill_note(undrilled))
        return gaps

    def _lessons_criterion(self, person_id: str, track: Track) -> Criterion:
        done = {
            record.lesson
            for record in self.store.person_file(person_id).all(LessonDone)
            if record.track == track.id
        }
        counts = {"done": sum(lesson.id in done for lesson in track.lessons)}
        counts["total"] = len(track.lessons)
        met = counts["done"] == counts["total"]
        detail = None if met else Note(area="assessment", key="lessons_missing", values=counts)
        return Criterion("lessons", met, detail, dict(counts))

    def _prerequisite(
        self,
        actor: Person,
        person_id: str,
        required: str,
        at: dt.datetime,
        within: frozenset[str],
    ) -> Criterion:
        """A required track is met by a current certificate of it, or by completing it."""
        titles: dict[str, str | int] = {"track:zh": required, "track:en": required}
        track = self.library.track(required)
        if track is not None:
            titles = {f"track:{lang}": track.title.get(lang) for lang in ("zh", "en")}
        certified = any(
            c.person == person_id
            and c.track == required
            and c.revoked_at is None
            and (c.expires_at is None or c.expires_at > at)
            for c in self.store.roster.all(Certificate)
        )
        met = certified or (
            track is not None
            and required not in within
            and self._assess(actor, person_id, required, at, within).passed
        )
        detail = None if met else Note(area="assessment", key="prerequisite_missing", values=titles)
        return Criterion("prerequisite", met, detail, titles)

    def _undrilled(self, actor: Person, person_id: str, track: Track) -> list[str]:
        return [
            sid
            for sid in track.script_drill
            if not any(run.passed for run in self.roleplays.runs(actor, person_id, sid))
        ]

    def _drill_note(self, undrilled: list[str]) -> Note:
        return Note(
            area="assessment",
            key="drill_missing",
            values=self._titles(undrilled),
        )

    def _titles(self, scenario_ids: list[str]) -> dict[str, str | int | float]:
        """The scenarios' titles as a note's value `scenarios`, in each language."""
        values: dict[str, str | int | float] = {}
        for lang, separator in (("zh", "、"), ("en", ", ")):
            titles = []
            for scenario_id in scenario_ids:
                scenario = self.library.scenario(scenario_id)
                titles.append(scenario.title.get(lang) if scenario else scenario_id)
            values[f"scenarios:{lang}"] = separator.join(titles)
        return values

    def _gate(
        self, actor: Person, person_id: str, track: Track, passed: bool, at: dt.datetime
    ) -> list[GateCondition]:
        conditions = [GateCondition("assessment", passed)]

        undrilled = self._undrilled(actor, person_id, track)
        conditions.append(
            GateCondition(
                "script_drill",
                not undrilled,
                self._drill_note(undrilled) if undrilled else None,
            )
        )

        mentorships = [m for m in self.store.roster.all(Mentorship) if m.mentee == person_id]
        if not mentorships:
            days = track.mentorship_days
            conditions.append(
                GateCondition(
                    "mentorship",
                    False,
                    Note(area="assessment", key="no_mentor", values={"days": days}),
                )
            )
        else:
            # the first assignment's period; a change of mentor does not restart the month
            left = days_left(min(mentorships, key=lambda m: m.start), at)
            done = left <= 0
            detail = (
                None
                if done
                else Note(area="assessment", key="mentorship_running", values={"days": left})
            )
            conditions.append(GateCondition("mentorship", done, detail))

        signed = current_sign_off(self.store, person_id, track.id) is not None
        conditions.append(
            GateCondition(
                "sign_off",
                signed,
                None if signed else Note(area="assessment", key="not_signed_off"),
            )
        )
        return conditions
