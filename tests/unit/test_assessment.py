"""The final assessment: weighting, grade boundaries, part minimums, what is missing, and the
cleared-for-duty gate condition by condition."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from trainer.content.loader import ContentLibrary, load_library
from trainer.content.models import Track
from trainer.locations import bundled_content_root
from trainer.services.accounts import Accounts
from trainer.services.assessment import Assessments, grade_for
from trainer.services.context import TrainerContext
from trainer.services.exams import Exams
from trainer.services.mentoring import Mentoring
from trainer.services.progress import Progress
from trainer.services.roleplay.service import RolePlays
from trainer.storage.interface import Store
from trainer.storage.records import (
    CalibrationReview,
    Certificate,
    ExamAttempt,
    Person,
    QualityReviewAttempt,
    RolePlayRun,
)

pytestmark = pytest.mark.both_stores  # the services must behave the same on both

PASSWORD = "correct horse"
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "excellent"),
        (90, "excellent"),
        (89.99, "good"),
        (80, "good"),
        (79.99, "pass"),
        (60, "pass"),
        (59.99, "needs_improvement"),
        (0, "needs_improvement"),
        (89.995, "excellent"),  # 89.995 from weighting rounds to 90.00
    ],
)
def test_grade_bands(score: float, grade: str) -> None:
    assert grade_for(score) == grade


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return load_library([bundled_content_root()])


@pytest.fixture
def people(context: TrainerContext) -> Any:
    store = context.store
    accounts = Accounts(store)
    accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen")
    boss = accounts.person("chen")
    learner = accounts.add_person(boss, "王小明", ["learner"], PASSWORD, ["new_hire"], "wang")
    accounts.add_person(boss, "刘洋", ["mentor"], PASSWORD, [], "liu")
    library = load_library([bundled_content_root()])
    for track_id in ("frontline", "new_hire"):  # lessons done: the scores decide here
        finish_lessons(store, learner, library.tracks[track_id].model)
    return store, boss, learner


def finish_lessons(store: Store, learner: Person, track: Track) -> None:
    for lesson in track.lessons:
        Progress(store).mark_lesson_done(learner, track, lesson.id)


COUNTED = (
    "wrong_address",
    "greeting_drill",
    "fact_confirm_drill",
    "major_complaint",
    "coaching_session",
)
"""The role-plays the frontline, new-hire and supervisor practicals count."""
CALIBRATED = ("system_down_dont_know", "wrong_address_breach")
"""The calls the supervisor practical counts."""
REVIEWED = ("appliance_repairs_q3", "online_returns_q2")
"""The quality-review cases the supervisor practical counts."""


def assessments(
    store: Store,
    library: ContentLibrary,
    theory: float | None,
    practical: float | None,
    drill: bool = False,
) -> Assessments:
    """The real service over records that give every learner these scores: a counted sitting
    of each track's exam scoring `theory`, an exam run of each counted role-play scoring
    `practical`, and, with `drill`, a passed practice run of each script drill. Called again,
    it replaces the records the previous call wrote."""
    finished = NOW - dt.timedelta(days=30)
    drills = {sid for loaded in library.tracks.values() for sid in loaded.model.script_drill}
    for person in store.people():
        if not person.has_role("learner"):
            continue
        records = store.person_file(person.id)
        for track_id in library.tracks:
            attempt_id = f"att-{track_id}"
            records.delete(ExamAttempt, attempt_id)
            if theory is not None:
                records.put(
                    ExamAttempt(
                        id=attempt_id,
                        track=track_id,
                        seed=1,
                        question_ids=[],
                        started_at=finished,
                        submitted_at=finished,
                        score=theory,
                    )
                )
        for scenario_id in {*COUNTED, *drills}:
            for mode, total, passed in (("exam", practical, None), ("practice", 100, drill)):
                run_id = f"rp-{mode}-{scenario_id}"
                records.delete(RolePlayRun, run_id)
                if (mode == "exam" and scenario_id not in COUNTED) or total is None:
                    continue
                records.put(
                    RolePlayRun(
                        id=run_id,
                        scenario=scenario_id,
                        mode=mode,  # type: ignore[arg-type]
                        lang="zh",
                        scenario_version="v",
                        started_at=finished,
                        finished_at=finished,
                        total=total,
                        passed=passed,
                    )
                )
        for call_id in CALIBRATED:
            records.delete(CalibrationReview, f"cal-{call_id}")
            if practical is not None:
                records.put(calibration_review(call_id, practical, finished))
        for case_id in REVIEWED:
            records.delete(QualityReviewAttempt, f"qr-{case_id}")
            if practical is not None:
                records.put(quality_review(case_id, practical))
    return Assessments(store, library, Exams(store, library), RolePlays(store, library))


def calibration_review(call_id: str, agreement: float, at: dt.datetime) -> CalibrationReview:
    return CalibrationReview(
        id=f"cal-{call_id}",
        call=call_id,
        lang="zh",
        points={},
        reference={},
        total=0,
        reference_total=0,
        within_tolerance=agreement == 100,
        agreement=agreement,
        at=at,
    )


def quality_review(case_id: str, total: float) -> QualityReviewAttempt:
    return QualityReviewAttempt(
        id=f"qr-{case_id}", case=case_id, lang="zh", answers={}, total=total, passed=True, parts={}
    )


def exam_run(scenario_id: str, total: float) -> RolePlayRun:
    return RolePlayRun(
        id=f"rp-exam-{scenario_id}",
        scenario=scenario_id,
        mode="exam",
        lang="zh",
        scenario_version="v",
        finished_at=NOW,
        total=total,
        passed=True,
    )


@pytest.mark.parametrize(
    ("theory", "practical", "final", "grade", "passed"),
    [
        (80, 90, 86, "good", True),
        (100, 100, 100, "excellent", True),
        (60, 60, 60, "pass", True),
        (59.9, 60, 59.96, "needs_improvement", False),
        # frontline needs 50 in each part: a total in the "pass" band is still no pass
        (0, 100, 60, "needs_improvement", False),
        (100, 33.4, 60.04, "needs_improvement", False),
        (50, 50, 50, "needs_improvement", False),
    ],
)
def test_theory_forty_practical_sixty(
    people: Any,
    library: ContentLibrary,
    theory: float,
    practical: float,
    final: float,
    grade: str,
    passed: bool,
) -> None:
    store, boss, _learner = people
    result = assessments(store, library, theory, practical).assess(boss, "wang", "frontline")
    assert (result.final, result.grade, result.passed) == (final, grade, passed)
    assert (result.theory_weight, result.practical_weight) == (40, 60)


def test_a_part_under_its_minimum_fails_a_passing_total(
    people: Any, library: ContentLibrary
) -> None:
    store, boss, _ = people
    track = library.tracks["frontline"]
    strict = track.model.model_copy(
        update={
            "assessment": track.model.assessment.model_copy(
                update={"minimum": track.model.assessment.minimum.model_copy(update={"theory": 50})}
            )
        }
    )
    library = ContentLibrary(
        tracks={"frontline": type(track)(strict, track.document)},
        scenarios=library.scenarios,
        lexicon=library.lexicon,
    )
    result = assessments(store, library, 40, 100).assess(boss, "wang", "frontline")
    assert result.final == 76 and not result.passed
    assert [note.key for note in result.missing] == ["theory_below_minimum"]
    assert result.missing[0].render("en") == "The theory score 40 is below its minimum 50."


def test_missing_parts_are_named(people: Any, library: ContentLibrary) -> None:
    store, boss, _ = people
    result = assessments(store, library, None, None).assess(boss, "wang", "frontline")
    assert result.final is None and result.grade is None and not result.passed
    assert [note.render("en") for note in result.missing] == [
        "The theory exam has not been taken yet.",
        "An exam-mode role-play is still to do: A parcel sent to an old address.",
    ]


def test_every_unmet_requirement_is_named_at_once(people: Any, library: ContentLibrary) -> None:
    """Theory 38.1 against a minimum of 50 with the role-play not yet done: both are named,
    not only the missing role-play."""
    store, boss, _ = people
    result = assessments(store, library, 38.1, None).assess(boss, "wang", "frontline")
    assert not result.passed and result.grade is None
    assert [note.render("en") for note in result.missing] == [
        "An exam-mode role-play is still to do: A parcel sent to an old address.",
        "The theory score 38.1 is below its minimum 50.",
    ]
    # each language names the scenario by its own title
    assert "包裹寄到了旧地址" in result.missing[0].render("zh")


def test_no_passing_grade_while_a_minimum_is_unmet(people: Any, library: ContentLibrary) -> None:
    store, boss, _ = people
    result = assessments(store, library, 38.1, 100).assess(boss, "wang", "frontline")
    assert result.final == 75.24 and not result.passed
    assert result.grade == "needs_improvement"
    assert [note.key for note in result.missing] == ["theory_below_minimum"]


def test_the_gate_needs_each_condition_in_turn(people: Any, library: ContentLibrary) -> None:
    store, boss, _learner = people
    mentoring = Mentoring(store, library)

    def gate(drill: bool, at: dt.datetime = NOW) -> dict[str, bool]:
        result = assessments(store, library, 90, 90, drill).assess(boss, "wang", "new_hire", at)
        return {condition.key: condition.met for condition in result.gate}

    assert gate(drill=False) == {
        "assessment": True,
        "script_drill": False,
        "mentorship": False,
        "sign_off": False,
    }
    assert gate(drill=True)["script_drill"] is True

    mentoring.assign(boss, "liu", "wang", start=NOW - dt.timedelta(days=10), at=NOW)
    assert gate(drill=True)["mentorship"] is False  # 20 days to run
    result = assessments(store, library, 90, 90, True).assess(boss, "wang", "new_hire", NOW)
    assert "The mentorship has 20 more day(s) to run." in [n.render("en") for n in result.missing]
    assert gate(drill=True, at=NOW + dt.timedelta(days=20))["mentorship"] is True

    mentor = store.person("liu")
    assert mentor is not None
    mentoring.sign_off(mentor, "wang", "new_hire")
    later = NOW + dt.timedelta(days=21)
    assert gate(drill=True, at=later) == dict.fromkeys(
        ("assessment", "script_drill", "mentorship", "sign_off"), True
    )
    passed = assessments(store, library, 90, 90, True).assess(boss, "wang", "new_hire", later)
    assert passed.passed and passed.missing == []
    failing = assessments(store, library, 30, 30, True).assess(boss, "wang", "new_hire", later)
    assert not failing.passed and failing.gate[0].met is False


def test_only_a_mentor_of_the_mentee_signs_off(people: Any, library: ContentLibrary) -> None:
    from trainer.services.access import AccessDenied

    store, _boss, _learner = people
    mentor = store.person("liu")
    assert mentor is not None
    with pytest.raises(AccessDenied):
        Mentoring(store, library).sign_off(mentor, "wang", "new_hire")


def test_a_track_is_not_complete_before_every_lesson(people: Any, library: ContentLibrary) -> None:
    """Full marks in exam and role-play after 1 of 11 lessons: not complete, and said so."""
    store, boss, _ = people
    track = library.tracks["frontline"].model
    sun = Accounts(store).add_person(boss, "孙悦", ["learner"], PASSWORD, ["frontline"], "sun")
    Progress(store).mark_lesson_done(sun, track, track.lessons[0].id)
    result = assessments(store, library, 100, 100).assess(boss, "sun", "frontline")
    assert result.assessment_passed and not result.passed
    assert [n.render("en") for n in result.missing] == [
        f"1 of {len(track.lessons)} lessons are done."
    ]
    checklist = {c.key: c.met for c in result.completion}
    assert checklist == {"lessons": False, "exam": True, "practical": True}


def test_supervisor_needs_frontline_completed_or_certified_first(
    people: Any, library: ContentLibrary
) -> None:
    store, boss, _ = people
    zhou = Accounts(store).add_person(boss, "周强", ["learner"], PASSWORD, ["supervisor"], "zhou")
    finish_lessons(store, zhou, library.tracks["supervisor"].model)
    service = assessments(store, library, 100, 100)
    result = service.assess(boss, "zhou", "supervisor")
    assert result.assessment_passed and not result.passed
    [prerequisite] = [c for c in result.completion if c.key == "prerequisite"]
    assert not prerequisite.met and prerequisite.detail is not None
    assert prerequisite.detail.render("en") == (
        "The track Frontline agent comes first: complete it or hold its certificate."
    )
    assert prerequisite.detail.render("zh") == "须先完成培训路径《一线客服》或持有其证书。"

    store.roster.insert(
        Certificate(
            id="CERT1",
            person="zhou",
            person_name="周强",
            organisation="星河电商",
            track="frontline",
            track_title={"zh": "一线客服"},
            final=90,
            grade="excellent",
            theory=90,
            practical=90,
        )
    )
    assert service.assess(boss, "zhou", "supervisor").passed  # certified for frontline

    store.roster.put(
        store.roster.get(Certificate, "CERT1").model_copy(update={"revoked_at": NOW})  # type: ignore[union-attr]
    )
    assert not service.assess(boss, "zhou", "supervisor").passed
    finish_lessons(store, zhou, library.tracks["frontline"].model)  # frontline completed
    assert service.completion(boss, "zhou", "supervisor")[-1].met


def test_the_supervisor_practical_is_the_mean_over_every_counted_item(
    people: Any, library: ContentLibrary
) -> None:
    """Two role-plays, two calibration calls and two quality reviews: the practical waits for
    all six, then is their mean, and what is missing names the call still to review."""
    store, boss, _ = people
    Accounts(store).add_person(boss, "周强", ["learner"], PASSWORD, ["supervisor"], "zhou")
    track = library.tracks["supervisor"].model
    assert track.practice.calibration == list(CALIBRATED)
    assert track.practice.quality_reviews == list(REVIEWED)
    records = store.person_file("zhou")
    records.insert(exam_run("major_complaint", 80))
    records.insert(exam_run("coaching_session", 70))
    records.insert(calibration_review("system_down_dont_know", 90, NOW))
    # a later review of the same call never counts: the first one saw no reference
    later = calibration_review("system_down_dont_know", 100, NOW + dt.timedelta(hours=1))
    records.insert(later.model_copy(update={"id": "cal-again"}))
    service = Assessments(store, library, Exams(store, library), RolePlays(store, library))

    items = service.practical_items(boss, "zhou", track)
    assert items[3].title == {
        "zh": "包裹寄到旧地址——读出了客户地址",
        "en": "A parcel at the old address: the address read out",
    }
    assert [(item.kind, item.id, item.score) for item in items] == [
        ("scenario", "major_complaint", 80),
        ("scenario", "coaching_session", 70),
        ("calibration", "system_down_dont_know", 90),
        ("calibration", "wrong_address_breach", None),
        ("quality_review", "appliance_repairs_q3", None),
        ("quality_review", "online_returns_q2", None),
    ]
    result = service.assess(boss, "zhou", "supervisor")
    assert result.practical is None
    rendered = [note.render("en") for note in result.missing]
    assert (
        "A call is still to review for calibration: A parcel at the old address: the address read out."
        in rendered
    )
    assert "还有通话需要完成校准评分：包裹寄到旧地址——读出了客户地址。" in [
        note.render("zh") for note in result.missing
    ]

    records.insert(calibration_review("wrong_address_breach", 0, NOW))  # a missed red line
    assert service.assess(boss, "zhou", "supervisor").practical is None  # reviews still to do
    records.insert(quality_review("appliance_repairs_q3", 100))
    records.insert(quality_review("online_returns_q2", 60))
    # (80 + 70 + 90 + 0 + 100 + 60) / 6
    assert service.assess(boss, "zhou", "supervisor").practical == 66.7
