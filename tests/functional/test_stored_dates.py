"""A mentorship an older version stored with a start of 9999-12-31 (its end past the
calendar): the mentor signs in and opens the mentee, the trainers' dashboard lists it, the
mentee signs in to the cleared-for-duty gate, and `trainer report mentor` writes its report
(issue 17, finding 3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import DataTable

from tests.functional.helpers import PASSWORD, SIZE, organisation_with_learner, screen_text, sign_in
from trainer.cli import main
from trainer.services.context import TrainerContext
from trainer.storage.records import Mentorship
from trainer.ui.app import make_app
from trainer.ui.screens import HomeScreen, MenteeScreen


def far_mentorship(context: TrainerContext) -> None:
    """chen (a trainer only), liu (mentor), li-na (learner), and li-na's mentorship as the old
    `trainer mentor assign liu li-na --start 9999-12-31` stored it."""
    organisation_with_learner(context)
    trainer = context.accounts.person("chen")
    trainer = trainer.model_copy(update={"roles": ["trainer"]})  # sees every mentorship
    context.store.roster.put(trainer)
    context.accounts.add_person(trainer, "刘洋", ["mentor"], PASSWORD, [], "liu")
    start = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
    context.store.roster.insert(
        Mentorship(id="mentorship-far", mentor="liu", mentee="li-na", start=start, days=30)
    )


async def test_the_mentor_signs_in_and_opens_the_mentee(context: TrainerContext) -> None:
    far_mentorship(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "liu", PASSWORD)
        assert isinstance(app.screen, HomeScreen), screen_text(app)
        assert "1 mentee(s), 0 needing attention" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MenteeScreen)
        assert "Mentorship 9999-12-" in screen_text(app)


async def test_the_trainers_dashboard_lists_it(context: TrainerContext) -> None:
    far_mentorship(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        assert isinstance(app.screen, HomeScreen), screen_text(app)
        assert "Mentorships" in screen_text(app)
        table = app.screen.query_one("#mentees", DataTable)
        assert [str(key.value) for key in table.rows] == ["li-na"]


async def test_the_mentee_signs_in(context: TrainerContext) -> None:
    far_mentorship(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        assert isinstance(app.screen, HomeScreen), screen_text(app)


def test_the_report_is_written(context: TrainerContext, data_dir: Path, tmp_path: Path) -> None:
    far_mentorship(context)
    pdf = tmp_path / "liu.pdf"
    argv = ["--lang", "en", "--data", str(data_dir), "report", "mentor", "liu", "-o", str(pdf)]
    assert main(argv) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


async def test_a_name_that_looks_like_markup_is_shown_as_written(context: TrainerContext) -> None:
    """Names are text, never markup: "[/x]" once ended the sign-in screen, the mentor's
    dashboard and the people screen with a MarkupError."""
    organisation_with_learner(context)
    trainer = context.accounts.person("chen")
    context.accounts.add_person(trainer, "刘洋", ["mentor"], PASSWORD, [], "liu")
    context.accounts.add_person(trainer, "[/x] [b]Wu", ["learner"], PASSWORD, ["new_hire"], "wu")
    context.mentoring.assign(trainer, "liu", "wu")
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "liu", PASSWORD)
        assert isinstance(app.screen, HomeScreen), screen_text(app)
        table = app.screen.query_one("#mentees", DataTable)
        assert str(table.get_row("wu")[1]) == "[/x] [b]Wu"
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("p")
        await pilot.pause()
        table = app.screen.query_one("#people-table", DataTable)
        assert str(table.get_row("wu")[1]) == "[/x] [b]Wu"
