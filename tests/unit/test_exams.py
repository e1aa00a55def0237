"""Exam papers, attempts, cap and cool-down, deadlines, review and practice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import GOOD_ROOT
from trainer.content import load_library
from trainer.locations import bundled_content_root
from trainer.services.access import AccessDenied
from trainer.services.accounts import Accounts
from trainer.services.context import open_store
from trainer.services.exams import ExamError, Exams, draw_paper, minutes_left, ran_out_of_time
from trainer.services.marking import right_answer_value
from trainer.settings import Settings
from trainer.storage.records import ExamAttempt, Person

pytestmark = pytest.mark.both_stores  # the services must behave the same on both

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse"


@pytest.fixture
def good_library():  # type: ignore[no-untyped-def]
    return load_library([GOOD_ROOT])


@pytest.fixture
def setting(data_dir: Path, database_url: str, good_library):  # type: ignore[no-untyped-def]
    store = open_store(Settings(data_dir=data_dir, database_url=database_url))
    accounts = Accounts(store)
    accounts.set_up("Org", "Trainer", PASSWORD, person_id="boss")
    boss = accounts.person("boss")
    learner = accounts.add_person(boss, "Li", ["learner"], PASSWORD, ["basics"], "li")
    other = accounts.add_person(boss, "Wang", ["learner"], PASSWORD, ["basics"], "wang")
    return Exams(store, good_library), learner, other, boss


def _answer_all_right(exams: Exams, learner: Person, attempt: ExamAttempt, at: dt.datetime) -> None:
    for item in exams.paper(attempt):
        exams.answer(learner, attempt.id, item.key, right_answer_value(item.question), at=at)


def test_same_seed_same_paper_and_blueprint_counts() -> None:
    library = load_library([bundled_content_root()])
    track = library.track("frontline")
    assert track is not None and track.exam is not None
    first = draw_paper(library, track, seed=1234)
    again = draw_paper(library, track, seed=1234)
    assert [(p.key, p.order) for p in first] == [(p.key, p.order) for p in again]
    assert len({p.key for p in first}) == len(first) == sum(rule.count for rule in track.exam.draw)
    for rule in track.exam.draw:
        drawn = [
            p
            for p in first
            if p.key.startswith(f"{rule.bank}:") and p.question.category == rule.category
        ]
        assert len(drawn) == rule.count
    papers = {tuple(p.key for p in draw_paper(library, track, seed)) for seed in range(20)}
    assert len(papers) > 1


def test_options_keep_their_order_when_a_question_says_so() -> None:
    library = load_library([bundled_content_root()])
    track = library.track("supervisor")
    assert track is not None
    for seed in range(30):
        for item in draw_paper(library, track, seed):
            if item.question.id == "sv-011":
                assert item.order == [0, 1, 2, 3, 4]


def test_a_whole_attempt_scores_and_counts(setting) -> None:  # type: ignore[no-untyped-def]
    exams, learner, _, _ = setting
    attempt = exams.start(learner, "basics", at=T0, seed=7)
    assert len(attempt.question_ids) == 3 and attempt.deadline == T0 + dt.timedelta(minutes=10)
    _answer_all_right(exams, learner, attempt, T0 + dt.timedelta(minutes=1))
    done = exams.submit(learner, attempt.id, at=T0 + dt.timedelta(minutes=2))
    assert done.score == 100.0 and set(done.marks.values()) == {1.0}
    assert exams.counted_score(learner, "li", "basics") == 100.0


def test_every_answer_is_saved_and_an_attempt_resumes(
    setting, data_dir: Path, database_url: str, good_library
) -> None:  # type: ignore[no-untyped-def]
    exams, learner, _, _ = setting
    attempt = exams.start(learner, "basics", at=T0, seed=3)
    first = attempt.question_ids[0]
    exams.answer(learner, attempt.id, first, 1, position=1, at=T0 + dt.timedelta(minutes=1))
    exams.toggle_flag(learner, attempt.id, first)
    # a new process on the same folder: the same attempt, answers, place and flag
    fresh = Exams(open_store(Settings(data_dir=data_dir, database_url=database_url)), good_library)
    resumed = fresh.start(learner, "basics", at=T0 + dt.timedelta(minutes=4))
    assert resumed.id == attempt.id
    assert resumed.answers == {first: 1} and resumed.position == 1 and resumed.flagged == [first]
    assert [p.key for p in fresh.paper(resumed)] == attempt.question_ids


def test_an_expired_attempt_is_submitted_with_what_was_answered(setting) -> None:  # type: ignore[no-untyped-def]
    exams, learner, _, _ = setting
    attempt = exams.start(learner, "basics", at=T0, seed=7)
    _answer_all_right(exams, learner, attempt, T0 + dt.timedelta(minutes=1))
    with pytest.raises(ExamError) as caught:
        exams.answer(
            learner, attempt.id, attempt.question_ids[0], None, at=T0 + dt.timedelta(minutes=11)
        )
    assert caught.value.key == "time_up"
    stored = exams.attempts(learner, "li", "basics")[0]
    assert stored.submitted_at == attempt.deadline and stored.score == 100.0


def test_a_deadline_passed_while_away_is_submitted_on_return(setting) -> None:  # type: ignore[no-untyped-def]
    exams, learner, _, _ = setting
    attempt = exams.start(learner, "basics", at=T0, seed=7)
    exams.answer(learner, attempt.id, attempt.question_ids[0], 0, at=T0 + dt.timedelta(minutes=1))
    status = exams.status(learner, "basics", at=T0 + dt.timedelta(hours=3))
    assert status.open_attempt is None and status.attempts_used == 1
    assert exams.attempts(learner, "li", "basics")[0].submitted_at == attempt.deadline


def test_attempt_cap_and_cool_down(setting) -> None:  # type: ignore[no-untyped-def]
    exams, learner, _, _ = setting
    first = exams.start(learner, "basics", at=T0)
    exams.submit(learner, first.id, at=T0 + dt.timedelta(minutes=5))
    with pytest.raises(ExamError) as caught:
        exams.start(learner, "basics", at=T0 + dt.timedelta(minutes=30))
    assert caught.value.key == "cooling_down"
    second = exams.start(learner, "basics", at=T0 + dt.timedelta(minutes=66))
    exams.submit(learner, second.id, at=T0 + dt.timedelta(minutes=70))
    with pytest.raises(ExamError) as caught:
        exams.start(learner, "basics", at=T0 + dt.timedelta(days=2))
    assert caught.value.key == "no_attempts_left"
    assert exams.status(learner, "basics", at=T0 + dt.timedelta(days=2)).attempts_left == 0


def test_best_attempt_counts_and_practice_never_does(setting) -> None:  # type: ignore[no-untyped-def]
    exams, learner, _, _ = setting
    good = exams.start(learner, "basics", at=T0, seed=7)
    _answer_all_right(exams, learner, good, T0)
    exams.submit(learner, good.id, at=T0 + dt.timedelta(minutes=1))
    poor = exams.start(learner, "basics", at=T0 + dt.timedelta(hours=2), seed=8)
    poor = exams.submit(learner, poor.id, at=T0 + dt.timedelta(hours=2, minutes=1))
    assert poor.score == 0.0
    assert exams.counted_score(learner, "li", "basics") == 100.0

    practice = exams.practise_mistakes(learner, poor.id)
    assert practice.practice and practice.question_ids == poor.question_ids
    _answer_all_right(exams, learner, practice, T0 + dt.timedelta(hours=3))
    exams.submit(learner, practice.id)
    assert exams.counted_score(learner, "li", "basics") == 100.0
    assert exams.status(learner, "basics", at=T0 + dt.timedelta(hours=5)).attempts_used == 2
    with pytest.raises(ExamError) as caught:
        exams.practise_mistakes(learner, good.id)
    assert caught.value.key == "no_mistakes"


def test_others_cannot_read_or_answer_an_attempt(setting) -> None:  # type: ignore[no-untyped-def]
    exams, learner, other, boss = setting
    attempt = exams.start(learner, "basics", at=T0)
    with pytest.raises(AccessDenied):
        exams.attempts(other, "li")
    with pytest.raises(ExamError) as caught:
        exams.answer(other, attempt.id, attempt.question_ids[0], 1, at=T0)
    assert caught.value.key == "unknown_attempt"
    assert [a.id for a in exams.attempts(boss, "li")] == [attempt.id]


def test_next_step_is_the_rule_start_applies(setting) -> None:  # type: ignore[no-untyped-def]
    """The exam page says next_step; start must agree with it at every moment, the moment
    right after the last attempt (cap reached, cool-down still running) included."""
    exams, learner, _, _ = setting

    def step_and_start(at: dt.datetime) -> tuple[str, str]:
        step = exams.status(learner, "basics", at=at).next_step
        try:
            attempt = exams.start(learner, "basics", at=at)
        except ExamError as error:
            return step, error.key
        return step, "resumed" if attempt.started_at < at else "started"

    assert step_and_start(T0) == ("start", "started")
    assert step_and_start(T0 + dt.timedelta(minutes=1)) == ("resume", "resumed")
    first = exams.open_attempt(learner, "basics", at=T0 + dt.timedelta(minutes=2))
    assert first is not None
    exams.submit(learner, first.id, at=T0 + dt.timedelta(minutes=5))
    assert step_and_start(T0 + dt.timedelta(minutes=30)) == ("cooling_down", "cooling_down")
    second = exams.start(learner, "basics", at=T0 + dt.timedelta(minutes=66))
    exams.submit(learner, second.id, at=T0 + dt.timedelta(minutes=70))
    # the cap is reached while the cool-down still runs: the page must not promise a time
    assert step_and_start(T0 + dt.timedelta(minutes=75)) == (
        "no_attempts_left",
        "no_attempts_left",
    )


def test_a_sitting_submitted_by_its_clock_is_known_as_such(setting) -> None:  # type: ignore[no-untyped-def]
    exams, learner, _, _ = setting
    by_hand = exams.start(learner, "basics", at=T0)
    by_hand = exams.submit(learner, by_hand.id, at=T0 + dt.timedelta(minutes=5))
    assert not ran_out_of_time(by_hand)
    late = exams.start(learner, "basics", at=T0 + dt.timedelta(days=1))
    assert (
        minutes_left(late, at=T0 + dt.timedelta(days=1, seconds=30))
        == (
            late.deadline - late.started_at  # type: ignore[operator]
        ).seconds
        // 60
    )
    status = exams.status(learner, "basics", at=T0 + dt.timedelta(days=2))
    assert status.last_sitting is not None and status.last_sitting.id == late.id
    assert ran_out_of_time(status.last_sitting)
