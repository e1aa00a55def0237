"""The quality review: the bundled cases load, each part is marked from the case's figures,
the result is kept in the person's file and counts toward the supervisor's practical."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_assessment import calibration_review, exam_run
from trainer.content import load_library
from trainer.content.models import QualityReviewCase
from trainer.locations import bundled_content_root
from trainer.services.context import TrainerContext
from trainer.services.quality_reviews import Answers, mark
from trainer.storage.records import QualityReviewAttempt, now

LIBRARY = load_library([bundled_content_root()])
PASSWORD = "correct horse"


def case(case_id: str = "appliance_repairs_q3") -> QualityReviewCase:
    found = LIBRARY.quality_review(case_id)
    assert found is not None
    return found


def perfect(review: QualityReviewCase) -> Answers:
    return Answers(
        total=review.scorecard.total,
        grade="pass" if review.id == "appliance_repairs_q3" else "good",
        pareto=review.pareto.vital_few,
        five_why=[
            next(i for i, option in enumerate(level.options) if option.correct)
            for level in review.five_why.levels
        ],
        measures=[i for i, option in enumerate(review.measures.options) if option.fits],
    )


def test_the_supervisor_track_counts_two_bilingual_cases() -> None:
    track = LIBRARY.track("supervisor")
    assert track is not None
    assert track.practice.quality_reviews == ["appliance_repairs_q3", "online_returns_q2"]
    for case_id in track.practice.quality_reviews:
        review = case(case_id)
        assert review.title.has("zh") and review.title.has("en")


def test_the_scorecard_total_is_the_weighted_sum_of_the_five_dimensions() -> None:
    # 72×25% + 84×20% + 88×20% + 79×20% + 65×15% = 18 + 16.8 + 17.6 + 15.8 + 9.75
    assert case().scorecard.total == 77.95
    assert case("online_returns_q2").scorecard.total == 86.6


def test_the_pareto_set_is_the_first_causes_reaching_eighty_percent() -> None:
    pareto = case().pareto
    assert [round(cumulative) for _, cumulative in pareto.ranked][:4] == [42, 68, 82, 90]
    assert pareto.vital_few == ["slow_response", "transfers", "wrong_diagnosis"]


@pytest.mark.parametrize("case_id", ["appliance_repairs_q3", "online_returns_q2"])
def test_right_answers_earn_every_point(case_id: str) -> None:
    review = case(case_id)
    marking = mark(review, perfect(review))
    assert [part.score for part in marking.parts] == [25, 25, 25, 25]
    assert marking.total == 100 and marking.passed


def test_a_total_within_tolerance_counts_and_one_outside_does_not() -> None:
    review = case()
    close = mark(review, Answers(total=78.2, grade="pass")).parts[0]
    far = mark(review, Answers(total=79.0, grade="good")).parts[0]
    assert close.score == 25
    assert far.score == 0
    reasons = [note.render("en") for note in far.notes]
    assert "72×25% + 84×20% + 88×20% + 79×20% + 65×15% = 77.95" in reasons[0]
    assert reasons[1] == "You chose Good; a total of 77.95 is graded Pass."


def test_pareto_marks_lose_a_cause_missed_and_one_picked_wrongly() -> None:
    review = case()
    two_right = mark(review, Answers(pareto=["slow_response", "transfers"])).parts[1]
    assert two_right.score == pytest.approx(16.7)
    padded = mark(review, Answers(pareto=[*review.pareto.vital_few, "billing"])).parts[1]
    assert padded.score == pytest.approx(16.7)
    assert "Not among the first group: Charge disputed." in [n.render("en") for n in padded.notes]


def test_each_why_level_is_worth_its_share_and_a_wrong_one_says_why() -> None:
    review = case()
    right = perfect(review).five_why
    marks = mark(review, Answers(five_why=[right[0], (right[1] + 1) % 3, *right[2:]])).parts[2]
    assert marks.score == pytest.approx(18.8)
    (note,) = marks.notes
    assert note.render("zh").startswith("第 2 问：你选了")


def test_a_measure_that_is_not_smart_costs_what_a_right_one_earns() -> None:
    review = case()
    marks = mark(review, Answers(measures=[0, 2])).parts[3]  # one fits, one is not SMART
    assert marks.score == 0
    texts = [note.render("en") for note in marks.notes]
    assert any(text.startswith('Chosen, but it does not fit: "Tell agents') for text in texts)
    assert any(text.startswith("Not chosen, but it fits:") for text in texts)


def test_a_handed_in_review_is_kept_and_counts_toward_the_practical(
    context: TrainerContext,
) -> None:
    context.accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen")
    trainer = context.accounts.person("chen")
    supervisor = context.accounts.add_person(
        trainer, "王强", ["learner"], PASSWORD, ["supervisor"], "wang"
    )
    track = context.library.track("supervisor")
    assert track is not None
    assessments = context.assessments
    assert assessments.quality_review_scores(supervisor, "wang", track) == [None, None]
    notes = [n for n in assessments.assess(supervisor, "wang", "supervisor").missing]
    todo = [n for n in notes if n.key == "quality_review_missing"]
    assert [n.render("en") for n in todo] == [
        "A quality review is still to do: Appliance repair hotline: third-quarter review, "
        "Online shop care team: second-quarter review."
    ]
    assert todo[0].render("zh") == (
        "还有质量复盘未完成：家电维修热线：第三季度质量复盘、网店客服组：第二季度质量复盘。"
    )
    reviews = context.quality_reviews
    first = case()
    reviews.submit(supervisor, first.id, Answers(total=50, grade="pass"), "en")
    reviews.submit(supervisor, first.id, perfect(first), "zh")
    stored = context.store.person_file("wang").all(QualityReviewAttempt)
    assert sorted(attempt.total for attempt in stored) == [10, 100]
    assert assessments.quality_review_scores(supervisor, "wang", track) == [100, None]
    assert assessments.practical_score(supervisor, "wang", track) is None  # not all done
    left = assessments.assess(supervisor, "wang", "supervisor").missing
    assert [n.render("en") for n in left if n.key == "quality_review_missing"] == [
        "A quality review is still to do: Online shop care team: second-quarter review."
    ]
    second = case("online_returns_q2")
    reviews.submit(supervisor, second.id, perfect(second), "en")
    records = context.store.person_file("wang")
    for scenario in track.practice.scenarios:
        records.insert(exam_run(scenario, 70))
    for call in track.practice.calibration:
        records.insert(calibration_review(call, 40, now()))
    # two role-plays at 70, two calibration calls at 40 and two reviews at 100: the mean over
    # the six counted items
    assert assessments.practical_score(supervisor, "wang", track) == 70.0


def test_a_case_with_a_short_row_names_its_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "quality_reviews"
    folder.mkdir()
    source = (bundled_content_root() / "quality_reviews" / "online_returns_q2.yaml").read_text(
        encoding="utf-8"
    )
    broken = source.replace(
        '[{zh: 工单量, en: Tickets}, "12,800", "-"]', "[{zh: 工单量, en: Tickets}]"
    )
    assert broken != source
    (folder / "broken.yaml").write_text(broken, encoding="utf-8")
    library = load_library([tmp_path])
    (problem,) = library.problems
    assert problem.path.name == "broken.yaml"
    assert problem.line == 17  # the row itself
    assert problem.render("en").endswith("row 1 has 1 cells but the table has 3 columns")
