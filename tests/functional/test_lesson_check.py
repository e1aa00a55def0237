"""A lesson ends with its knowledge check: each answer is judged at once, with the option's
feedback and the explanation, and nothing is recorded for it."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from tests.functional.helpers import PASSWORD, sign_in
from trainer.services.context import TrainerContext
from trainer.storage.records import ExamAttempt
from trainer.ui.app import make_app
from trainer.ui.screens import LessonScreen

SIZE = (100, 32)


async def test_the_scorecard_lessons_check_answers_at_once(context: TrainerContext) -> None:
    context.accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen")
    trainer = context.accounts.person("chen")
    context.accounts.add_person(trainer, "王强", ["learner"], PASSWORD, ["supervisor"], "wang")
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wang", PASSWORD)
        await pilot.press("enter")
        await pilot.pause()
        app.push_screen(LessonScreen("supervisor", "scorecard"))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        question = str(screen.query_one("#check-question-1", Static).render())
        assert question == "2. Which grade is a weighted total of 85?"

        second = screen.query_one("#check-1", OptionList)
        second.focus()
        second.highlighted = 1  # "Excellent": wrong
        await pilot.press("enter")
        await pilot.pause()
        feedback = str(screen.query_one("#check-feedback-1", Static).render())
        assert feedback.splitlines() == [
            '✗ Not quite: the answer is "Good".',
            "Excellent needs 90 or more.",
            "Excellent ≥ 90, good 80–89, pass 60–79, needs improvement < 60.",
        ]
        second.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        feedback = str(screen.query_one("#check-feedback-1", Static).render())
        assert feedback.startswith("✓ Right.")
        assert screen.query_one("#check-feedback-0", Static).render().plain == ""  # type: ignore[union-attr]
    assert context.store.person_file("wang").all(ExamAttempt) == []
