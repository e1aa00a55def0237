"""Sitting a theory exam through the app: a whole paper, and a crash in the middle of one."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from tests.functional.helpers import (
    PASSWORD,
    SIZE,
    organisation_with_learner,
    screen_text,
    sign_in,
    type_text,
)
from trainer.content import load_library
from trainer.content.models import (
    Matching,
    MultipleChoice,
    Numerical,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from trainer.locations import bundled_content_root
from trainer.services.context import TrainerContext, open_context
from trainer.storage.records import ExamAttempt
from trainer.ui.app import TrainerApp, make_app
from trainer.ui.screens import ExamIntroScreen, ExamResultScreen, ExamReviewScreen, ExamScreen

pytestmark = pytest.mark.both_stores  # what a person sees is the same on both stores

_EXAM = load_library([bundled_content_root()]).track("frontline").exam  # type: ignore[union-attr]
assert _EXAM is not None
QUESTIONS = sum(rule.count for rule in _EXAM.draw)


async def _exam_intro(app: TrainerApp, pilot: Pilot[None]) -> None:
    await sign_in(app, pilot, "li-na", PASSWORD)
    await pilot.press("enter")  # the frontline track
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, ExamIntroScreen)
    assert f"{QUESTIONS} questions, {_EXAM.time_limit_minutes} minutes." in screen_text(app)


async def _open_exam(app: TrainerApp, pilot: Pilot[None]) -> ExamScreen:
    await _exam_intro(app, pilot)
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(app.screen, ExamScreen)
    return app.screen


async def _answer_current_right(screen: ExamScreen, pilot: Pilot[None]) -> None:
    item = screen.current
    question = item.question
    if isinstance(question, SingleChoice):
        right = next(i for i, option in enumerate(question.options) if option.correct)
        await pilot.press(str(item.order.index(right) + 1))
    elif isinstance(question, MultipleChoice):
        for index, option in enumerate(question.options):
            if option.correct:
                await pilot.press(str(item.order.index(index) + 1))
    elif isinstance(question, TrueFalse):
        await pilot.press("1" if question.answer else "2")
    elif isinstance(question, ShortAnswer | Numerical):
        if isinstance(question, ShortAnswer):
            # the last full-credit answer: the English one, which Pilot can type
            best = max(answer.weight for answer in question.answers)
            text = [answer.text for answer in question.answers if answer.weight == best][-1]
        else:
            text = f"{question.answers[0].value:g}"
        await type_text(pilot, text)
        await pilot.press("enter")
    else:
        assert isinstance(question, Matching)
        for left in range(len(question.pairs)):
            screen.query_one(f"#pair-{left}", Select).value = left
    await pilot.pause()


async def test_a_whole_exam_through_the_app_records_the_score(context: TrainerContext) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_exam(app, pilot)
        for number in range(len(screen.paper)):
            assert f"Question {number + 1} of {QUESTIONS}" in screen_text(app)
            await _answer_current_right(screen, pilot)
            await pilot.press("ctrl+n")
            await pilot.pause()
        assert f"answered {QUESTIONS}" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "0 question(s) unanswered" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ExamResultScreen)
        assert "Score: 100 / 100" in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ExamReviewScreen)
        assert "Right answer:" in screen_text(app) and "✗" not in screen_text(app)

    attempts = context.store.person_file("li-na").all(ExamAttempt)
    assert (
        len(attempts) == 1 and attempts[0].score == 100.0 and attempts[0].submitted_at is not None
    )
    assert (
        context.exams.counted_score(context.accounts.person("li-na"), "li-na", "frontline") == 100.0
    )


async def test_a_dropped_app_resumes_at_question_four_with_less_time(
    context: TrainerContext,
) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_exam(app, pilot)
        paper = [item.key for item in screen.paper]
        for _ in range(3):
            await _answer_current_right(screen, pilot)
            await pilot.press("ctrl+n")
            await pilot.pause()
        answered = dict(screen.attempt.answers)  # type: ignore[union-attr]
    # the app is gone without submitting; ten minutes pass before the learner is back
    records = context.store.person_file("li-na")
    attempt = records.all(ExamAttempt)[0]
    assert len(attempt.answers) == 3 and attempt.submitted_at is None
    records.put(
        attempt.model_copy(
            update={
                "started_at": attempt.started_at - dt.timedelta(minutes=10),
                "deadline": attempt.deadline - dt.timedelta(minutes=10),  # type: ignore[operator]
            }
        )
    )

    again = make_app(open_context(context.settings))
    async with again.run_test(size=SIZE) as pilot:
        await _exam_intro(again, pilot)
        assert "You have an attempt in progress with" in screen_text(again)
        await pilot.press("s")
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, ExamScreen)
        assert [item.key for item in screen.paper] == paper
        assert f"Question 4 of {QUESTIONS} · answered 3" in screen_text(again)
        assert screen.attempt is not None and screen.attempt.answers == answered
        clock = str(screen.query_one("#exam-clock").render())
        minutes = int(clock.split()[1].split(":")[0])
        # the time limit, less the 10 minutes away and a little typing
        assert _EXAM.time_limit_minutes - 12 <= minutes <= _EXAM.time_limit_minutes - 11
