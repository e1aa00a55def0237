"""A supervisor plays a quality review case end to end: the data tables line up, each step
takes its answer, and the result screen shows the marks with their reasons; the review is
stored and counts on the track page."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Input, OptionList, Static

from tests.functional.helpers import PASSWORD, screen_text, sign_in, type_text
from trainer.services.context import TrainerContext
from trainer.storage.records import QualityReviewAttempt
from trainer.ui.app import make_app
from trainer.ui.screens import (
    QualityReviewResultScreen,
    QualityReviewScreen,
    QualityReviewsScreen,
    TrackScreen,
)

SIZE = (110, 40)


def supervisor(context: TrainerContext) -> None:
    context.accounts.set_up("星河电商", "陈静", PASSWORD, person_id="chen")
    trainer = context.accounts.person("chen")
    context.accounts.add_person(trainer, "王强", ["learner"], PASSWORD, ["supervisor"], "wang")


def bar_columns(app: object) -> list[list[list[int]]]:
    """For each table on screen, for each of its lines, the cells its `│` stand at."""
    tables = []
    for widget in app.screen.query(".qr-table").results(Static):  # type: ignore[attr-defined]
        lines = []
        for line in str(widget.render()).splitlines():
            if "│" in line:
                parts = line.split("│")
                lines.append([cell_len("│".join(parts[: i + 1])) for i in range(len(parts) - 1)])
        tables.append(lines)
    return tables


def lined_up(tables: list[list[list[int]]]) -> bool:
    return all(all(line == lines[0] for line in lines) for lines in tables)


async def test_a_supervisor_plays_a_case_and_sees_the_marks(context: TrainerContext) -> None:
    supervisor(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wang", PASSWORD)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TrackScreen)
        assert "Quality reviews: 2 case(s), 0 done — press q" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QualityReviewsScreen)
        await pilot.press("enter")  # the first case: the appliance repair hotline
        await pilot.pause()
        assert isinstance(app.screen, QualityReviewScreen)
        assert "Average first response" in screen_text(app)
        await pilot.press("f2")  # to Chinese: the tables must still line up
        await pilot.pause()
        assert "平均首次响应时长" in screen_text(app)
        tables = bar_columns(app)
        assert [len(lines) for lines in tables] == [6, 7]  # the heading row and each row
        # every line of a table has its column bars at the same cells, wide characters or not
        assert lined_up(tables)

        await pilot.press("ctrl+n")  # to the scorecard
        await pilot.pause()
        tables = bar_columns(app)
        assert [len(lines) for lines in tables] == [7, 6]
        assert lined_up(tables)
        await type_text(pilot, "77.9")
        await pilot.press("f2", "f2")  # a language switch keeps what was typed
        await pilot.pause()
        assert app.screen.query_one("#qr-total", Input).value == "77.9"
        app.screen.query_one("#qr-total", Input).focus()
        await pilot.press("end", "5")
        await pilot.press("enter")  # to the grade list
        await pilot.press("down", "down", "enter")  # pass (合格)
        await pilot.pause()
        assert "帕累托" in screen_text(app)

        # Pareto: the list starts in the file's order, which is most frequent first here
        await pilot.press("space", "down", "space", "down", "space")
        await pilot.press("ctrl+n")
        await pilot.pause()
        # four why levels: the right answers are 1, 2, 2, 1; the third is answered wrong
        for moves in ([], ["down"], [], []):
            await pilot.press(*moves, "enter")
            await pilot.pause()
        # measures: the first two fit
        await pilot.press("space", "down", "space", "ctrl+n")
        await pilot.pause()

        assert isinstance(app.screen, QualityReviewResultScreen)
        text = screen_text(app)
        # 25 + 25 + 3 of 4 levels (18.75 → 18.8) + 25
        assert "总分 93.8 / 100 — 通过" in text
        assert "第 3 问：你选了" in text
        assert "72×25% + 84×20% + 88×20% + 79×20% + 65×15% = 77.95" in text

        await pilot.press("escape")  # back to the cases: the review is listed and reopens
        await pilot.pause()
        assert isinstance(app.screen, QualityReviewsScreen)
        past = app.screen.query_one("#reviews", OptionList)
        assert past.option_count == 1
        assert str(past.get_option_at_index(0).prompt).endswith("  93.8  通过")
        past.focus()
        past.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QualityReviewResultScreen)
        assert "总分 93.8 / 100" in screen_text(app)

    (stored,) = context.store.person_file("wang").all(QualityReviewAttempt)
    assert stored.case == "appliance_repairs_q3" and stored.total == 93.8
    assert stored.answers["pareto"] == ["slow_response", "transfers", "wrong_diagnosis"]
    assert stored.answers["five_why"] == [0, 1, 0, 0]


async def test_a_step_without_an_answer_is_not_left(context: TrainerContext) -> None:
    supervisor(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "wang", PASSWORD)
        await pilot.press("enter", "q", "enter", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, QualityReviewScreen)
        await type_text(pilot, "abc")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.step == 1  # still the scorecard
        assert context.store.person_file("wang").all(QualityReviewAttempt) == []
