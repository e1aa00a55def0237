"""The track page shows what completing it takes; the assessment screen tells a learner everything still between them and a pass at once,
and never shows a passing grade beside an unmet minimum."""

from __future__ import annotations

import pytest

from tests.functional.helpers import (
    FRONTLINE_LESSONS,
    PASSWORD,
    SIZE,
    organisation_with_learner,
    screen_text,
    sign_in,
)
from trainer.services.context import TrainerContext
from trainer.storage.records import ExamAttempt, now
from trainer.ui.app import make_app
from trainer.ui.screens import AssessmentScreen, TrackScreen

pytestmark = pytest.mark.both_stores  # what a person sees is the same on both stores


def sat_exam(context: TrainerContext, person_id: str, score: float) -> None:
    """A submitted frontline sitting with `score`, as the exam service stores one."""
    moment = now()
    context.store.person_file(person_id).put(
        ExamAttempt(
            id="att-low",
            track="frontline",
            seed=1,
            question_ids=[],
            started_at=moment,
            submitted_at=moment,
            score=score,
        )
    )


async def test_every_unmet_requirement_shows_and_no_grade_yet(context: TrainerContext) -> None:
    organisation_with_learner(context)
    sat_exam(context, "li-na", 38.1)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        await pilot.press("enter", "a")
        await pilot.pause()
        assert isinstance(app.screen, AssessmentScreen)
        text = screen_text(app)
        assert "The theory score 38.1 is below its minimum 50." in text
        assert "An exam-mode role-play is still to do:" in text
        assert "Grade: not yet graded" in text
        assert "Grade: Pass" not in text


async def test_the_track_page_shows_the_completion_checklist(context: TrainerContext) -> None:
    organisation_with_learner(context)  # li-na: one frontline lesson done
    sat_exam(context, "li-na", 80)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TrackScreen)
        assert (
            f"To complete: ☐ lessons 1/{FRONTLINE_LESSONS}  ☑ theory exam  "
            "☐ role-play assessment" in screen_text(app)
        )
