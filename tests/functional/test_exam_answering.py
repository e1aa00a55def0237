"""Answering on the exam screen: the chosen option is marked, letters pick options, typed
answers are kept when revisited, and the numerical field takes numbers only (issue 18)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from tests.functional.helpers import (
    PASSWORD,
    SIZE,
    organisation_with_learner,
    screen_text,
    sign_in,
    type_text,
)
from trainer.services.context import TrainerContext
from trainer.services.exams import draw_paper
from trainer.ui.app import TrainerApp, make_app
from trainer.ui.screens import ExamScreen


def _seed_with_every_typed_kind(context: TrainerContext) -> int:
    """A seed whose frontline paper holds single, multiple, short and numerical questions."""
    track = context.library.track("frontline")
    assert track is not None
    wanted = {"single", "multiple", "short_answer", "numerical"}
    return next(
        seed
        for seed in range(500)
        if wanted <= {item.question.type for item in draw_paper(context.library, track, seed)}
    )


def _learner_with_an_exam_open(context: TrainerContext) -> TrainerApp:
    organisation_with_learner(context)
    seed = _seed_with_every_typed_kind(context)
    context.exams.start(context.accounts.person("li-na"), "frontline", seed=seed)
    return make_app(context)


async def _exam(app: TrainerApp, pilot: Pilot[None], context: TrainerContext) -> ExamScreen:
    await sign_in(app, pilot, "li-na", PASSWORD)
    await pilot.press("enter", "e")
    await pilot.pause()
    await pilot.press("s")  # resumes the attempt started above
    await pilot.pause()
    assert isinstance(app.screen, ExamScreen)
    return app.screen


async def _go_to_first(screen: ExamScreen, pilot: Pilot[None], kind: str) -> None:
    screen.go_to(next(n for n, item in enumerate(screen.paper) if item.question.type == kind))
    await pilot.pause()


def _prompts(screen: ExamScreen) -> list[str]:
    listing = screen.query_one("#choices", OptionList)
    return [str(listing.get_option_at_index(n).prompt) for n in range(listing.option_count)]


async def test_the_chosen_option_is_marked_and_letters_pick(context: TrainerContext) -> None:
    app = _learner_with_an_exam_open(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _exam(app, pilot, context)
        await _go_to_first(screen, pilot, "single")
        # unanswered: no option marked, though the cursor rests on A
        assert all(prompt.startswith("○ ") for prompt in _prompts(screen))
        assert "Not answered yet." in screen_text(app)
        await pilot.press("b")
        await pilot.pause()
        prompts = _prompts(screen)
        assert prompts[1].startswith("● B. ") and prompts[0].startswith("○ A. ")
        assert "Your answer: B" in screen_text(app)
        # moving the cursor does not move the answer
        await pilot.press("down", "down")
        await pilot.pause()
        assert _prompts(screen)[1].startswith("● B. ") and "Your answer: B" in screen_text(app)
        assert screen.attempt is not None
        assert screen.attempt.answers[screen.current.key] == screen.current.order[1]
        await pilot.press("1")  # numbers still work
        await pilot.pause()
        assert _prompts(screen)[0].startswith("● A. ") and _prompts(screen)[1].startswith("○")


async def test_multiple_choice_ticks_and_unticks(context: TrainerContext) -> None:
    app = _learner_with_an_exam_open(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _exam(app, pilot, context)
        await _go_to_first(screen, pilot, "multiple")
        assert all(prompt.startswith("[ ] ") for prompt in _prompts(screen))
        await pilot.press("a", "c")
        await pilot.pause()
        prompts = _prompts(screen)
        assert prompts[0].startswith("[x] A.") and prompts[2].startswith("[x] C.")
        assert prompts[1].startswith("[ ] B.")
        assert "Your answer: A, C" in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert _prompts(screen)[0].startswith("[ ] A.") and "Your answer: C" in screen_text(app)
        assert screen.attempt is not None
        assert screen.attempt.answers[screen.current.key] == [screen.current.order[2]]


async def test_a_typed_answer_revisited_is_kept_and_extended(context: TrainerContext) -> None:
    app = _learner_with_an_exam_open(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _exam(app, pilot, context)
        await _go_to_first(screen, pilot, "short_answer")
        await type_text(pilot, "latest")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+b")
        await pilot.pause()
        typed = screen.query_one("#typed", Input)
        assert typed.value == "latest" and typed.cursor_position == len("latest")
        await type_text(pilot, " notices")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.attempt is not None
        assert screen.attempt.answers[screen.current.key] == "latest notices"


async def test_the_number_field_takes_a_number_and_a_unit(context: TrainerContext) -> None:
    app = _learner_with_an_exam_open(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _exam(app, pilot, context)
        await _go_to_first(screen, pilot, "numerical")
        typed = screen.query_one("#typed", Input)
        await type_text(pilot, "abc")  # refused: not a number
        await pilot.pause()
        assert typed.value == ""
        await type_text(pilot, "24 hours")
        await pilot.pause()
        assert typed.value == "24 hours"
        assert "Will be marked as 24." in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.attempt is not None
        assert screen.attempt.answers[screen.current.key] == "24 hours"
