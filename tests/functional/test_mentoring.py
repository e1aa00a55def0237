"""The mentor program in the app: a trainer assigns a mentor, the mentor opens the mentee,
writes a note and signs off, and a new app instance still shows both."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static

from tests.functional.helpers import (
    FRONTLINE_LESSONS,
    PASSWORD,
    SIZE,
    organisation_with_learner,
    screen_text,
    sign_in,
)
from trainer.services.context import TrainerContext, open_context
from trainer.settings import Settings
from trainer.storage.records import Mentorship, SignOff
from trainer.ui.app import TrainerApp, make_app
from trainer.ui.dialogs import AssignMentorDialog, ConfirmDialog, TextDialog
from trainer.ui.screens import HomeScreen, MenteeScreen, PeopleScreen


def with_mentor(context: TrainerContext) -> None:
    organisation_with_learner(context)
    trainer = context.accounts.person("chen")
    context.accounts.add_person(trainer, "刘洋", ["mentor"], PASSWORD, [], "liu")


async def open_mentee(app: TrainerApp, pilot: object) -> MenteeScreen:
    await sign_in(app, pilot, "liu", PASSWORD)  # type: ignore[arg-type]
    assert isinstance(app.screen, HomeScreen)
    assert "1 mentee(s), 0 needing attention" in screen_text(app)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, MenteeScreen)
    return app.screen


async def test_a_trainer_assigns_a_mentor(context: TrainerContext) -> None:
    with_mentor(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PeopleScreen)
        table = app.screen.query_one("#people-table", DataTable)
        row = [str(table.get_row_at(i)[0]) for i in range(table.row_count)].index("li-na")
        table.move_cursor(row=row)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, AssignMentorDialog)
        await pilot.click("#ok")  # no mentor picked yet
        await pilot.pause()
        assert "Pick a mentor." in screen_text(app)
        app.screen.query_one("#mentor", Select).value = "liu"
        days = app.screen.query_one("#days", Input)
        assert days.value == "30"
        days.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PeopleScreen), screen_text(app)
        # the notice names both people, never an id
        assert [n.message for n in app._notifications][-1] == "刘洋 now mentors 李娜."
    [mentorship] = context.store.roster.all(Mentorship)
    assert (mentorship.mentor, mentorship.mentee, mentorship.days) == ("liu", "li-na", 30)


async def test_a_mentor_notes_and_signs_off_and_it_lasts(
    context: TrainerContext, tmp_path: Path
) -> None:
    with_mentor(context)
    context.mentoring.assign(context.accounts.person("chen"), "liu", "li-na")
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mentee(app, pilot)
        text = screen_text(app)
        assert "李娜 · Frontline agent" in text and "not signed off yet" in text
        assert "No notes yet." in text
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one("#text-value", Input).value = "道歉后要复述订单号"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert "刘洋: 道歉后要复述订单号" in screen_text(app)  # the mentor by name, not id
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert "signed off" in screen_text(app)

        report = tmp_path / "li-na.csv"
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#text-value", Input).value = str(report)
        await pilot.press("enter")
        await pilot.pause()
    assert "li-na,李娜" in report.read_text("utf-8-sig")
    [sign_off] = context.store.roster.all(SignOff)
    assert (sign_off.mentor, sign_off.mentee, sign_off.track) == ("liu", "li-na", "frontline")

    again = make_app(open_context(context.settings))
    async with again.run_test(size=SIZE) as pilot:
        await open_mentee(again, pilot)
        text = screen_text(again)
        assert "刘洋: 道歉后要复述订单号" in text
        assert "signed off" in text and "not signed off" not in text


async def test_the_assign_dialog_checks_the_length_as_the_command_does(
    context: TrainerContext,
) -> None:
    with_mentor(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("p")
        await pilot.pause()
        table = app.screen.query_one("#people-table", DataTable)
        row = [str(table.get_row_at(i)[0]) for i in range(table.row_count)].index("li-na")
        table.move_cursor(row=row)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, AssignMentorDialog)
        app.screen.query_one("#mentor", Select).value = "liu"
        days = app.screen.query_one("#days", Input)
        for typed, sentence in [
            ("366", "A mentorship lasts 1 to 365 days, not 366."),
            ("0", "A mentorship lasts 1 to 365 days, not 0."),
            ("²", "Give the length as a whole number of days (1 to 365)."),  # isdigit() but no int
        ]:
            days.value = typed
            days.focus()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, AssignMentorDialog)
            assert sentence in screen_text(app)
    assert context.store.roster.all(Mentorship) == []


async def test_ctrl_q_asks_before_losing_a_note_being_written(context: TrainerContext) -> None:
    with_mentor(context)
    context.mentoring.assign(context.accounts.person("chen"), "liu", "li-na")
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await open_mentee(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TextDialog)
        dialog.query_one("#text-value", Input).value = "复述订单号"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Quit without saving?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is dialog
        assert dialog.query_one("#text-value", Input).value == "复述订单号"


async def test_signing_off_early_warns_and_a_sign_off_is_withdrawn(context: TrainerContext) -> None:
    """li-na has 1 lesson and no exam: the mentor is told so before confirming, and then
    takes the sign-off back with a reason that the timeline keeps."""
    with_mentor(context)
    context.mentoring.assign(context.accounts.person("chen"), "liu", "li-na")
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_mentee(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        warning = str(app.screen.query_one("#confirm-text", Static).render())
        assert f"1 of {FRONTLINE_LESSONS} lessons are done." in warning
        assert "The theory exam has not been taken yet." in warning
        assert "Sign off anyway?" in warning
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen and "not signed off yet" not in screen_text(app)

        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        await pilot.press("enter")  # no reason given
        await pilot.pause()
        assert "Give a reason for withdrawing the sign-off." in screen_text(app)
        app.screen.query_one("#text-value", Input).value = "理论考试还没考"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        text = screen_text(app)
        assert "not signed off yet" in text
        assert "sign-off withdrawn" in text and "刘洋: 理论考试还没考" in text  # by name
        assert "liu" not in text.replace("li-na", "")
    assert context.mentoring.signed_tracks("li-na") == []


async def test_the_timeline_speaks_the_interface_language(tmp_path: Path) -> None:
    """A role-play's mode in the timeline is named in Chinese, not `practice`/`exam`."""
    from trainer.locations import DEMO_PASSWORD
    from trainer.services.demo import build_demo

    context = open_context(Settings(data_dir=tmp_path / "demo", language="zh"))
    build_demo(context.store, context.library)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "liu-yang", DEMO_PASSWORD)
        app.screen.query_one("#mentees", DataTable).focus()  # liu-yang is a learner too
        await pilot.press("enter")  # wang-xiaoming, the one mentee
        await pilot.pause()
        assert isinstance(app.screen, MenteeScreen)
        timeline = str(app.screen.query_one("#mentee-timeline", Static).render())
        assert "演练" in timeline and ("练习 " in timeline or "考核 " in timeline)
        for english in ("practice", "exam"):
            assert english not in timeline
