"""Where a learner learns about their exam away from it: an exam in progress on home and the
track page, one submitted by its clock while they were away, and one true sentence on the
exam page about what they can do next (issue 18, items 3 and 4)."""

from __future__ import annotations

import datetime as dt

from textual.pilot import Pilot

from tests.functional.helpers import PASSWORD, SIZE, organisation_with_learner, screen_text, sign_in
from trainer.services.context import TrainerContext
from trainer.storage.records import ExamAttempt, now
from trainer.ui.app import TrainerApp, make_app
from trainer.ui.screens import ExamIntroScreen, ExamScreen, TrackScreen


def _learner_who_started(context: TrainerContext, minutes_ago: float) -> ExamAttempt:
    """li-na, whose frontline exam started `minutes_ago` (the app closed since)."""
    organisation_with_learner(context)
    learner = context.accounts.person("li-na")
    return context.exams.start(learner, "frontline", at=now() - dt.timedelta(minutes=minutes_ago))


async def _track_page(app: TrainerApp, pilot: Pilot[None]) -> None:
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, TrackScreen)


async def test_an_exam_in_progress_shows_on_home_and_the_track(context: TrainerContext) -> None:
    attempt = _learner_who_started(context, minutes_ago=10)
    track = context.library.track("frontline")
    assert track is not None and track.exam is not None
    left = track.exam.time_limit_minutes - 10
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        assert (
            f"Theory exam of Frontline agent in progress — {left} min left — press u to resume"
            in screen_text(app)
        )
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen) and app.screen.attempt_id == attempt.id
        await pilot.press("escape")
        await pilot.pause()
        await _track_page(app, pilot)
        assert f"Theory exam in progress — {left} min left — press u to resume" in screen_text(app)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen) and app.screen.attempt_id == attempt.id


async def test_an_exam_that_ran_out_while_away_says_so(context: TrainerContext) -> None:
    track = context.library.track("frontline")
    assert track is not None and track.exam is not None
    _learner_who_started(context, minutes_ago=track.exam.time_limit_minutes + 5)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        shown = screen_text(app)
        assert (
            "Your theory exam of Frontline agent was submitted automatically when its time ran"
            " out: score 0." in shown
        )
        assert "in progress" not in shown
        await _track_page(app, pilot)
        assert "submitted automatically when its time ran out" in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExamIntroScreen)
        shown = screen_text(app)
        assert "submitted automatically when its time ran out, with the answers given" in shown
        assert "exam, submitted when the time ran out" in shown  # the history line
        assert "You can sit it" not in shown  # the 12-hour cool-down runs from its deadline


def _sittings(context: TrainerContext, count: int, hours_ago: float) -> None:
    """li-na has sat the frontline exam `count` times, the last `hours_ago`."""
    organisation_with_learner(context)
    learner = context.accounts.person("li-na")
    for number in range(count):
        at = now() - dt.timedelta(hours=hours_ago + 13 * (count - 1 - number))
        attempt = context.exams.start(learner, "frontline", at=at)
        context.exams.submit(learner, attempt.id, at=at + dt.timedelta(minutes=5))


async def _intro_text(context: TrainerContext) -> str:
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        await _track_page(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExamIntroScreen)
        shown = screen_text(app)
        await pilot.press("s")
        await pilot.pause()
        started = isinstance(app.screen, ExamScreen)
    return f"{shown}\nstarted: {started}"


async def test_no_attempts_left_is_final_not_a_date(context: TrainerContext) -> None:
    _sittings(context, 3, hours_ago=1)  # the last one an hour ago: the cool-down still runs
    shown = await _intro_text(context)
    assert "You have used all 3 attempts, so this exam cannot be sat again." in shown
    assert "opens at" not in shown and "next can start" not in shown and "0 of 3" not in shown
    assert "started: False" in shown


async def test_a_cool_down_says_when_the_next_attempt_can_start(context: TrainerContext) -> None:
    _sittings(context, 1, hours_ago=1)
    shown = await _intro_text(context)
    assert "You have 2 of 3 attempts left; the next can start at" in shown
    assert "started: False" in shown


async def test_a_free_attempt_says_which_it_will_be(context: TrainerContext) -> None:
    _sittings(context, 1, hours_ago=13)
    shown = await _intro_text(context)
    assert "You can sit it now: this will be attempt 2 of 3. Press s to start." in shown
    assert "started: True" in shown


async def test_the_track_page_keeps_the_exam_in_view_at_80_by_24(context: TrainerContext) -> None:
    _learner_who_started(context, minutes_ago=1)
    app = make_app(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        await _track_page(app, pilot)
        notice = app.screen.query_one("#track-exam-open")
        # the focused lesson list scrolls the track's lines away; this one stays on screen
        assert notice.display and 0 < notice.region.y < 24 and notice.region.height >= 1
        assert "Theory exam in progress" in str(notice.render())
