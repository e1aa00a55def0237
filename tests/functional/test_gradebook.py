"""The gradebook in the app: a trainer filters and sorts it, searches it, opens a learner's
record, and opens a cohort's dashboard; Enter on a learner in the people screen opens the
same record."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from rich.cells import cell_len
from textual.widgets import DataTable, Input, OptionList

from tests.functional.helpers import PASSWORD, SIZE, screen_text, sign_in
from tests.unit.test_gradebook import build_organisation
from trainer.services.context import TrainerContext, open_context
from trainer.settings import Settings
from trainer.ui.app import TrainerApp, make_app
from trainer.ui.dialogs import ChoiceDialog, TextDialog
from trainer.ui.screens import (
    CohortScreen,
    ExamReviewScreen,
    GradebookScreen,
    MenteeScreen,
    PeopleScreen,
)
from trainer.ui.widgets import BarChart


@pytest.fixture
def org(context: TrainerContext) -> TrainerContext:
    """The gradebook unit tests' organisation: cohorts C1 and C2, teams A and B."""
    return build_organisation(context)


BAR = re.compile("[█░▏▎▍▌▋▊▉]")


def names(app: TrainerApp) -> list[str]:
    table = app.screen.query_one("#gradebook-table", DataTable)
    return [str(table.get_row_at(index)[0]) for index in range(table.row_count)]


async def open_gradebook(app: TrainerApp, pilot: Any) -> GradebookScreen:
    await sign_in(app, pilot, "chen", PASSWORD)
    await pilot.press("g")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, GradebookScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def pick(app: TrainerApp, pilot: Any, key: str, label: str) -> None:
    """Press `key` and choose `label` in the dialog it opens."""
    await pilot.press(key)
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ChoiceDialog)
    dialog.query_one("#choices").highlighted = [text for _, text in dialog.choices].index(label)
    await pilot.press("enter")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_filter_sort_search_and_save_the_gradebook(
    org: TrainerContext, tmp_path: Path
) -> None:
    app = make_app(org)
    async with app.run_test(size=SIZE) as pilot:
        await open_gradebook(app, pilot)
        assert names(app) == ["Ann 安", "Bob 包", "Cat 猫", "Eve 伊"]
        assert "4 learner(s)." in screen_text(app)

        await pick(app, pilot, "s", "Weighted total")  # highest last; none at the end
        assert names(app) == ["Eve 伊", "Ann 安", "Bob 包", "Cat 猫"]
        await pick(app, pilot, "s", "Weighted total")  # again: reversed
        assert names(app) == ["Ann 安", "Eve 伊", "Bob 包", "Cat 猫"]

        await pick(app, pilot, "m", "B")
        assert names(app) == ["Eve 伊", "Cat 猫"]
        assert "team: B" in screen_text(app)
        await pick(app, pilot, "m", "all")
        await pick(app, pilot, "f", "certified")
        assert names(app) == ["Ann 安"]
        await pick(app, pilot, "f", "all")
        await pick(app, pilot, "h", "C1")
        assert sorted(names(app)) == ["Ann 安", "Bob 包", "Cat 猫"]
        await pick(app, pilot, "t", "New-hire onboarding")  # recomputed on that track
        assert names(app) == ["Cat 猫"]
        await pick(app, pilot, "t", "all")
        await pick(app, pilot, "h", "all")

        await pilot.press("slash")
        await pilot.press(*"bob")
        await pilot.pause()
        assert app.screen.query_one("#gradebook-search", Input).value == "bob"
        assert names(app) == ["Bob 包"]

        await pilot.press("enter", "x")  # saves what is shown
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one("#text-value", Input).value = str(tmp_path / "bob.txt")
        await pilot.press("enter")
        await pilot.pause()
        assert "Save as .xlsx, .csv or .pdf" in screen_text(app)
        app.screen.query_one("#text-value", Input).value = str(tmp_path / "bob.xlsx")
        await pilot.press("enter")
        await pilot.pause()
    sheet = load_workbook(tmp_path / "bob.xlsx").active
    assert [row[:2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [("bob", "Bob 包")]
    assert not (tmp_path / "bob.txt").exists()


async def test_enter_opens_a_learners_record(org: TrainerContext) -> None:
    app = make_app(org)
    async with app.run_test(size=SIZE) as pilot:
        await open_gradebook(app, pilot)
        await pilot.press("enter")  # Ann, first by name: no mentor
        await pilot.pause()
        assert isinstance(app.screen, MenteeScreen) and app.screen.person_id == "ann"
        text = screen_text(app)
        assert "Ann 安 · Frontline agent" in text
        assert "No mentor assigned. · certified" in text
        assert "best theory 90 · best practical 80" in text
        assert "Apologise" in text and "60% over 2 run(s)" in text
        runs = app.screen.query_one("#mentee-runs", OptionList)
        runs.focus()
        runs.highlighted = runs.get_option_index("exam:a1")  # the counted sitting
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamReviewScreen)
        review = screen_text(app)
        assert "Review (score 90)" in review and "Answer given:" in review
        assert "Your answer" not in review  # a trainer reads someone else's paper
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        table = app.screen.query_one("#gradebook-table", DataTable)
        table.move_cursor(row=names(app).index("Cat 猫"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MenteeScreen) and app.screen.person_id == "cat"
        assert "Mentorship" in screen_text(app)  # with a mentor: the mentor's view


async def test_the_cohort_dashboard(org: TrainerContext, tmp_path: Path) -> None:
    app = make_app(org)
    async with app.run_test(size=(120, 60)) as pilot:
        await open_gradebook(app, pilot)
        await pick(app, pilot, "d", "C1")
        assert isinstance(app.screen, CohortScreen)
        text = screen_text(app)
        assert "Cohort C1" in text and "3 learner(s)" in text
        funnel = str(app.screen.query_one("#cohort-funnel", BarChart).render()).splitlines()
        assert funnel[0].startswith("Enrolled") and funnel[0].endswith("3 (100%)")
        assert funnel[-1].startswith("Certified") and funnel[-1].endswith("1 (33.3%)")
        assert "1 of 2 (50%)" in text
        assert "Weakest step: Apologise" in text
        missed = app.screen.query_one("#cohort-missed", DataTable)
        assert str(missed.get_row_at(0)[0]) == "2/2"
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one("#text-value", Input).value = str(tmp_path / "c1.pdf")
        await pilot.press("enter")
        await pilot.pause()
    text = PdfReader(tmp_path / "c1.pdf").pages[0].extract_text()
    assert "Cohort dashboard: C1" in text and "Completion funnel" in text


async def test_the_cohort_dashboard_lines_up_in_chinese(org: TrainerContext) -> None:
    app = make_app(open_context(Settings(data_dir=org.store.root, language="zh")))
    async with app.run_test(size=(120, 60)) as pilot:
        await sign_in(app, pilot, "chen", PASSWORD)
        app.push_screen(CohortScreen("C1"))
        await pilot.pause()
        assert "已报名" in screen_text(app) and "课程全部完成" in screen_text(app)
        for chart in app.screen.query(BarChart):
            lines = str(chart.render()).splitlines()
            # where each bar starts, in terminal cells: the same on every line of a chart
            starts = {cell_len(line[: BAR.search(line).start()]) for line in lines}  # type: ignore[union-attr]
            assert len(lines) >= 3 and len(starts) == 1, lines


async def test_enter_in_the_people_screen_opens_a_learners_record(org: TrainerContext) -> None:
    app = make_app(org)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "chen", PASSWORD)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PeopleScreen)
        table = app.screen.query_one("#people-table", DataTable)
        table.move_cursor(
            row=[str(table.get_row_at(i)[0]) for i in range(table.row_count)].index("bob")
        )
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MenteeScreen) and app.screen.person_id == "bob"
        assert "Lessons 2/" in screen_text(app)
