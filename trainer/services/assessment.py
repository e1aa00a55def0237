"""The final assessment of a track: theory and practice weighted, a grade, and what is missing.

The rule: final = theory x 40% + practical x 60% (the track's `assessment.weights`), a
pass needs the final at or above the pass mark and each part at or above its minimum; grades
are the after-sales evaluation bands. A track with no exam (or no practice scenarios) is
assessed on the other part alone.

The practical score is the mean of every counted practical item, whatever its kind: each
scenario's best exam run, each calibration call's first review (`practice.calibration`).
Each kind is one `PracticalKind`: the ids the track counts and a function giving the
learner's counted score of one of them, or None while it is still to do.

New-hire tracks with the `cleared_for_duty` gate also need their script drill passed, the
mentorship period over and a mentor's sign-off.

A track is complete (and its certificate, which says so, can be issued) when the assessment
passes and its completion checklist holds: every lesson done, the exam and the practical at
or above their minimums, and each `requires` track certified or itself complete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from trainer.content.loader import ContentLibrary
from trainer.content.models import Track
from trainer.errors import TrainerError
from trainer.services.access import require_reader
from trainer.services.exams import Exams, counted_theory_of
from trainer.services.mentoring import days_left, standing_sign_off
from trainer.services.notes import Note
from trainer.services.roleplay.service import RolePlays, scenario_score_of
from trainer.services.snapshot import RosterRecords
from trainer.storage.interface import Store
from trainer.storage.records import Person, now
from trainer.storage.summary import PersonSummary

Grade = Literal["excellent", "good", "pass", "needs_improvement"]
GRADE_BANDS: tuple[tuple[float, Grade], ...] = ((90, "excellent"), (80, "good"), (60, "pass"))


class AssessmentError(TrainerError):
    area = "assessment"


LANGS = ("zh", "en")


def _listed(titles: dict[str, list[str]]) -> dict[str, str | int | float]:
    """Titles per language as a note's value `scenarios`: 、 between them in Chinese."""
    separators = {"zh": "、", "en": ", "}
    return {f"scenarios:{lang}": separators[lang].join(each) for lang, each in titles.items()}


def _mean_of_all(items: list[PracticalItem]) -> float | None:
    """The mean of the items' scores, to one decimal; None until every item has one."""
    scores = [item.score for item in items if item.score is not None]
    if not items or len(scores) < len(items):
        return None
    return round(sum(scores) / len(scores), 1)


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


@dataclass(frozen=True)
class PracticalKind:
    """One kind of counted practical item: the ids a track counts, how to score one from a
    learner's records (None until done), and the sentence that names those still to do."""

    kind: str
    ids: list[str]
    score: Callable[[PersonSummary, str], float | None]
    """(the learner's summary, item id) -> their counted score of the item, or None."""
    title: Callable[[str, str], str]
    """(item id, language) -> the item's title, for the missing note and the screens."""
    missing_key: str


@dataclass(frozen=True)
class PracticalItem:
    kind: str
    id: str
    score: float | None
    title: dict[str, str] = field(default_factory=dict)
    """The item's title in each language (`zh`, `en`)."""


def calibration_score_of(summary: PersonSummary, call_id: str) -> float | None:
    """The agreement of someone's first review of a library call: the result screen shows
    the reference, so only the first review can count."""
    return summary.calibrations.get(call_id)


def quality_review_score_of(summary: PersonSummary, case_id: str) -> float | None:
    """The best total of someone's reviews of a quality-review case."""
    return summary.quality_reviews.get(case_id)


@dataclass(frozen=True)
class _TrackPlan:
    """What the assessment of a track needs of the content, whoever is assessed."""

    kinds: list[PracticalKind]
    lessons: frozenset[str]


@dataclass
class Assessments:
    store: Store
    library: ContentLibrary
    exams: Exams
    roleplays: RolePlays
    # What depends only on the content, made once per track: a gradebook assesses thousands
    # of people on the same few tracks. Keyed by the track object (kept alive beside it): the
    # content a service holds does not change; a reload makes new services.
    _plans: dict[int, tuple[Track, _TrackPlan]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _titles: dict[tuple[str, str], dict[str, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def practical_kinds(self, track: Track) -> list[PracticalKind]:
        """Every kind of item the track's practical counts, in the order they are shown."""
        return self._plan(track).kinds

    def _plan(self, track: Track) -> _TrackPlan:
        made = self._plans.get(id(track))
        if made is None:
            plan = _TrackPlan(
                self._practical_kinds(track),
                frozenset(lesson.id for lesson in track.lessons),
            )
            made = self._plans[id(track)] = (track, plan)
        return made[1]

    def _practical_kinds(self, track: Track) -> list[PracticalKind]:
        return [
            PracticalKind(
                "scenario",
                track.practice.scenarios,
                scenario_score_of,
                self._scenario_title,
                "practical_missing",
            ),
            PracticalKind(
                "calibration",
                track.practice.calibration,
                calibration_score_of,
                self._call_title,
                "calibration_missing",
            ),
            PracticalKind(
                "quality_review",
                track.practice.quality_reviews,
                quality_review_score_of,
                self._quality_review_title,
                "quality_review_missing",
            ),
        ]

    def practical_items(self, actor: Person, person_id: str, track: Track) -> list[PracticalItem]:
        """Each counted practical item of the track with the learner's score (None: to do)."""
        require_reader(self.store, actor, person_id)
        return self.practical_items_of(self.summary(person_id), track)

    def summary(self, person_id: str) -> PersonSummary:
        """What the assessment reads of a person's records (the caller checked who may)."""
        return self.store.summaries_of([person_id])[person_id]

    def practical_items_of(self, summary: PersonSummary, track: Track) -> list[PracticalItem]:
        """`practical_items` from a person's summary already read."""
        return [
            PracticalItem(
                kind.kind,
                item_id,
                kind.score(summary, item_id),
                self._item_titles(kind, item_id),
            )
            for kind in self.practical_kinds(track)
            for item_id in kind.ids
        ]

    def _item_titles(self, kind: PracticalKind, item_id: str) -> dict[str, str]:
        titles = self._titles.get((kind.kind, item_id))
        if titles is None:
            titles = {lang: kind.title(item_id, lang) for lang in ("zh", "en")}
            self._titles[kind.kind, item_id] = titles
        return titles

    def practical_score(self, actor: Person, person_id: str, track: Track) -> float | None:
        """The mean over every counted practical item; None until each one is done."""
        return _mean_of_all(self.practical_items(actor, person_id, track))

    def track(self, track_id: str) -> Track:
        track = self.library.track(track_id)
        if track is None:
            raise AssessmentError("unknown_track", track=track_id)
        return track

    def assess(
        self, actor: Person, person_id: str, track_id: str, at: dt.datetime | None = None
    ) -> Result:
        require_reader(self.store, actor, person_id)
        self.track(track_id)  # an unknown track is refused before any file is read
        summary = self.summary(person_id)
        return self.assess_records(summary, RosterRecords.read(self.store), track_id, at)

    def assess_records(
        self,
        summary: PersonSummary,
        roster: RosterRecords,
        track_id: str,
        at: dt.datetime | None = None,
    ) -> Result:
        """`assess` from a person's summary and the roster already read (the caller has
        checked who may read them): a gradebook assesses everyone from one reading each."""
        return self._assess(summary, roster, track_id, at or now(), frozenset())

    def completion(
        self, actor: Person, person_id: str, track_id: str, at: dt.datetime | None = None
    ) -> list[Criterion]:
        """The completion checklist of `track_id` for `person_id` (see `Result.completion`);
        a certificate is issued only when every criterion is met."""
        return self.assess(actor, person_id, track_id, at).completion

    def _assess(
        self,
        summary: PersonSummary,
        roster: RosterRecords,
        track_id: str,
        at: dt.datetime,
        within: frozenset[str],
    ) -> Result:
        """`within`: the tracks whose prerequisites are being checked, so a cycle of
        `requires` ends (as unmet) instead of recursing forever."""
        track = self.track(track_id)
        spec = track.assessment
        has_theory = track.exam is not None
        items = self.practical_items_of(summary, track)
        has_practice = bool(items)
        theory = counted_theory_of(track, summary) if has_theory else None
        practical = _mean_of_all(items) if has_practice else None
        theory_weight = spec.weights.theory if has_practice else 100.0
        practical_weight = spec.weights.practical if has_theory else 100.0
        if not has_theory:
            theory_weight = 0.0
        if not has_practice:
            practical_weight = 0.0

        missing: list[Note] = []
        lessons = self._lessons_criterion(summary, track)
        if lessons.detail is not None:
            missing.append(lessons.detail)
        if has_theory and theory is None:
            missing.append(Note(area="assessment", key="theory_missing"))
        for kind in self.practical_kinds(track):
            todo = [i for i in items if i.kind == kind.kind and i.score is None]
            if todo:
                titles = _listed(
                    {lang: [item.title[lang] for item in todo] for lang in ("zh", "en")}
                )
                missing.append(Note(area="assessment", key=kind.missing_key, values=titles))

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
            self._prerequisite(summary, roster, required, at, within | {track.id})
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
            gate = self._gate(summary, roster, track, assessment_passed, at)
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
        require_reader(self.store, actor, person_id)
        summary = self.summary(person_id)
        result = self.assess_records(summary, RosterRecords.read(self.store), track_id, at)
        gaps = [note for note in result.missing if note.key != "not_signed_off"]
        if track.gate != "cleared_for_duty":  # the gate already names an undone drill
            undrilled = self._undrilled(summary, track)
            if undrilled:
                gaps.append(self._drill_note(undrilled))
        return gaps

    def quality_review_scores(
        self, actor: Person, person_id: str, track: Track
    ) -> list[float | None]:
        """The best total of each of the track's counted quality-review cases, in the
        track's order; None for a case not reviewed yet."""
        require_reader(self.store, actor, person_id)
        summary = self.summary(person_id)
        return [quality_review_score_of(summary, case) for case in track.practice.quality_reviews]

    def _quality_review_title(self, case_id: str, lang: str) -> str:
        case = self.library.quality_review(case_id)
        return case.title.get(lang) if case else case_id

    def _lessons_criterion(self, summary: PersonSummary, track: Track) -> Criterion:
        lessons = self._plan(track).lessons  # unique in a track (content lint)
        counts = {"done": len(summary.lessons_on(track.id) & lessons), "total": len(lessons)}
        met = counts["done"] == counts["total"]
        detail = None if met else Note(area="assessment", key="lessons_missing", values=counts)
        return Criterion("lessons", met, detail, dict(counts))

    def _prerequisite(
        self,
        summary: PersonSummary,
        roster: RosterRecords,
        required: str,
        at: dt.datetime,
        within: frozenset[str],
    ) -> Criterion:
        """A required track is met by a current certificate of it, or by completing it."""
        titles: dict[str, str | int] = {"track:zh": required, "track:en": required}
        track = self.library.track(required)
        if track is not None:
            titles = {f"track:{lang}": track.title.get(lang) for lang in ("zh", "en")}
        certified = roster.current_certificate(summary.person_id, required, at) is not None
        met = certified or (
            track is not None
            and required not in within
            and self._assess(summary, roster, required, at, within).passed
        )
        detail = None if met else Note(area="assessment", key="prerequisite_missing", values=titles)
        return Criterion("prerequisite", met, detail, titles)

    def _undrilled(self, summary: PersonSummary, track: Track) -> list[str]:
        drilled = {sid for sid, figures in summary.scenarios.items() if figures.drilled}
        return [sid for sid in track.script_drill if sid not in drilled]

    def _drill_note(self, undrilled: list[str]) -> Note:
        return Note(
            area="assessment",
            key="drill_missing",
            values=_listed(
                {
                    lang: [self._scenario_title(sid, lang) for sid in undrilled]
                    for lang in ("zh", "en")
                }
            ),
        )

    def _scenario_title(self, scenario_id: str, lang: str) -> str:
        scenario = self.library.scenario(scenario_id)
        return scenario.title.get(lang) if scenario else scenario_id

    def _call_title(self, call_id: str, lang: str) -> str:
        call = self.library.call(call_id)
        return call.title.get(lang) if call else call_id

    def _gate(
        self,
        summary: PersonSummary,
        roster: RosterRecords,
        track: Track,
        passed: bool,
        at: dt.datetime,
    ) -> list[GateCondition]:
        conditions = [GateCondition("assessment", passed)]
        person_id = summary.person_id

        undrilled = self._undrilled(summary, track)
        conditions.append(
            GateCondition(
                "script_drill",
                not undrilled,
                self._drill_note(undrilled) if undrilled else None,
            )
        )

        mentorships = roster.mentorships_of(person_id)
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

        signed = (
            standing_sign_off(
                roster.sign_offs_of(person_id), roster.withdrawals_of(person_id), track.id
            )
            is not None
        )
        conditions.append(
            GateCondition(
                "sign_off",
                signed,
                None if signed else Note(area="assessment", key="not_signed_off"),
            )
        )
        return conditions
