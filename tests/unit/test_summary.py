"""A person's summary (what the assessment and the gradebook read of their records) is the
same whichever way it is computed: from the records read whole (`PersonRecords.summary`),
from the data folder's light reading, or summed up by PostgreSQL's queries."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.services.context import TrainerContext
from trainer.services.snapshot import PersonRecords
from trainer.storage.files import CorruptDataError, InvalidRecordError
from trainer.storage.records import (
    CalibrationReview,
    ExamAttempt,
    LessonDone,
    QualityReviewAttempt,
    Record,
    RolePlayRun,
    RolePlayTurn,
)
from trainer.storage.summary import ExamFigures, PersonSummary, ScenarioFigures

pytestmark = pytest.mark.both_stores

DAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return DAY + dt.timedelta(hours=hours)


def sitting(
    record_id: str,
    track: str,
    started: float,
    score: float | None,
    practice: bool = False,
    submitted: float | None = None,
) -> ExamAttempt:
    return ExamAttempt(
        id=record_id,
        track=track,
        seed=1,
        question_ids=["b:q1"],
        started_at=at(started),
        submitted_at=None if score is None else at(submitted or started + 0.5),
        score=score,
        marks={} if score is None else {"b:q1": 1.0},
        practice=practice,
    )


def run(
    record_id: str,
    scenario: str,
    mode: str,
    total: float | None,
    passed: bool | None,
    turns: list[float],
) -> RolePlayRun:
    return RolePlayRun(
        id=record_id,
        scenario=scenario,
        mode=mode,  # type: ignore[arg-type]
        lang="zh",
        scenario_version="v1",
        scenario_snapshot={"id": scenario, "a long": "x" * 2000},  # skipped by the summary
        turns=[RolePlayTurn(say="您好", at=at(hours)) for hours in turns],
        started_at=at(turns[0] if turns else 0),
        finished_at=None if total is None else at((turns or [0])[-1]),
        total=total,
        passed=passed,
    )


def calibration(record_id: str, call: str, agreement: float, hours: float) -> CalibrationReview:
    return CalibrationReview(
        id=record_id,
        call=call,
        lang="en",
        points={"greeting": 5},
        reference={"greeting": 5},
        total=80,
        reference_total=80,
        within_tolerance=True,
        agreement=agreement,
        at=at(hours),
    )


def quality(record_id: str, case: str, total: float) -> QualityReviewAttempt:
    return QualityReviewAttempt(
        id=record_id,
        case=case,
        lang="en",
        answers={"pareto": ["a"]},
        total=total,
        passed=total >= 60,
        parts={"pareto": {"score": total, "max": 100}},
        started_at=at(1),
        finished_at=at(2),
    )


def write(context: TrainerContext, person_id: str, records: list[Record]) -> None:
    file = context.store.person_file(person_id)
    for record in records:
        file.insert(record)


ANN: list[Record] = [
    LessonDone(id="frontline/a", track="frontline", lesson="a", done_at=at(0)),
    LessonDone(id="frontline/b", track="frontline", lesson="b", done_at=at(1)),
    LessonDone(id="new_hire/x", track="new_hire", lesson="x", done_at=at(-1)),
    # frontline: best 80, last counted 60; the practice set and the sitting in progress are
    # sittings started, but neither counts
    sitting("s1", "frontline", 0, 80),
    sitting("s2", "frontline", 24, 60),
    sitting("p1", "frontline", 48, 100, practice=True),
    sitting("s3", "frontline", 72, None),
    # supervisor: two sittings started at the same moment: the one written later is the last
    sitting("t1", "supervisor", 10, 70),
    sitting("t2", "supervisor", 10, 50),
    # c1: a passed practice run drills it; its exam score is the best finished exam run (70)
    run("r1", "c1", "practice", 95, True, [2, 2.1]),
    run("r2", "c1", "exam", 70, False, [3, 3.1]),
    run("r3", "c1", "exam", None, None, [4, 100]),  # unfinished: its last turn is the latest
    run("r4", "c2", "exam", 88, False, []),
    # k1: the review given first counts, though written second; k2: same moment, first written
    calibration("k1-late", "k1", 90, 30),
    calibration("k1-early", "k1", 60, 20),
    calibration("k2-a", "k2", 75, 5),
    calibration("k2-b", "k2", 85, 5),
    quality("q1-a", "q1", 40),
    quality("q1-b", "q1", 72),
]

ANN_SUMMARY = PersonSummary(
    "ann",
    lessons={"frontline": frozenset({"a", "b"}), "new_hire": frozenset({"x"})},
    exams={
        "frontline": ExamFigures(best=80, last=60, sittings=4),
        "supervisor": ExamFigures(best=70, last=50, sittings=2),
    },
    scenarios={
        "c1": ScenarioFigures(best_exam=70, drilled=True, runs=3),
        "c2": ScenarioFigures(best_exam=88, drilled=False, runs=1),
    },
    calibrations={"k1": 60, "k2": 75},
    quality_reviews={"q1": 72},
    last_activity=at(100),
)


def test_the_summary_holds_what_the_assessment_reads(context: TrainerContext) -> None:
    write(context, "ann", ANN)
    assert context.store.summaries_of(["ann"]) == {"ann": ANN_SUMMARY}
    assert PersonRecords.read(context.store, "ann").summary == ANN_SUMMARY


def test_someone_who_did_nothing_has_an_empty_summary(context: TrainerContext) -> None:
    write(context, "ann", ANN)
    found = context.store.summaries_of(["nobody", "ann"])
    assert found["nobody"] == PersonSummary("nobody")
    assert found["ann"] == ANN_SUMMARY


# Random histories: the store's summary must equal the one computed from the records read
# whole. Times are whole hours over two days, so equal moments (and their order) are common.

hours = st.integers(min_value=0, max_value=48)
scores = st.none() | st.integers(min_value=0, max_value=100).map(float)


@st.composite
def histories(draw: st.DrawFn) -> list[Record]:
    records: list[Record] = []
    for n in range(draw(st.integers(0, 6))):
        track, lesson = draw(st.sampled_from(["t1", "t2"])), draw(st.sampled_from("abc"))
        records.append(
            LessonDone(
                id=f"{track}/{lesson}/{n}", track=track, lesson=lesson, done_at=at(draw(hours))
            )
        )
    for n in range(draw(st.integers(0, 6))):
        records.append(
            sitting(
                f"s{n}",
                draw(st.sampled_from(["t1", "t2"])),
                draw(hours),
                draw(scores),
                practice=draw(st.booleans()),
            )
        )
    for n in range(draw(st.integers(0, 5))):
        total = draw(scores)
        records.append(
            run(
                f"r{n}",
                draw(st.sampled_from(["c1", "c2"])),
                draw(st.sampled_from(["practice", "exam"])),
                total,
                None if total is None else draw(st.booleans()),
                sorted(draw(st.lists(hours, max_size=3))),
            )
        )
    for n in range(draw(st.integers(0, 4))):
        records.append(
            calibration(f"k{n}", draw(st.sampled_from(["k1", "k2"])), draw(hours), draw(hours))
        )
    for n in range(draw(st.integers(0, 3))):
        records.append(quality(f"q{n}", draw(st.sampled_from(["q1", "q2"])), float(draw(hours))))
    return records


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories())
def test_every_store_sums_up_as_the_records_do(
    context: TrainerContext, history: list[Record]
) -> None:
    drawn = json.dumps([r.to_json() for r in history], sort_keys=True).encode()
    person_id = f"h{hashlib.sha256(drawn).hexdigest()[:12]}"
    if context.store.person_file(person_id).exists():
        return  # the same history drawn again: already checked
    write(context, person_id, history)
    expected = PersonRecords.read(context.store, person_id).summary
    assert context.store.summaries_of([person_id])[person_id] == expected


# The data folder reads a summary in one light pass; anything wrong in a file is still reported
# the careful way, naming the file, the record and the field.


@pytest.mark.folder_only
def test_a_broken_record_is_named_not_skipped(context: TrainerContext) -> None:
    write(context, "ann", ANN)
    path = context.store.person_file("ann").path
    data: dict[str, Any] = json.loads(path.read_text())
    data["exam_attempts"]["2"]["score"] = "eighty"
    path.write_text(json.dumps(data))
    with pytest.raises(InvalidRecordError) as broken:
        context.store.summaries_of(["ann"])
    assert broken.value.values["record"] == "exam_attempts[s2]"
    assert "score" in str(broken.value.values["detail"])


@pytest.mark.folder_only
@pytest.mark.parametrize("text", ["{}", "null", "[]", '{"lessons_done": []}', "{"])
def test_a_damaged_file_is_reported(context: TrainerContext, text: str) -> None:
    write(context, "ann", ANN)
    context.store.person_file("ann").path.write_text(text)
    with pytest.raises(CorruptDataError):
        context.store.summaries_of(["ann"])
    with pytest.raises(CorruptDataError):
        context.store.person_file("ann").all(LessonDone)
