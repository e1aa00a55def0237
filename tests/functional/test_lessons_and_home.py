"""Learners read lessons; progress survives a new app; roles see only their own keys."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import DataTable, Markdown

from tests.functional.helpers import (
    FRONTLINE_LESSONS,
    PASSWORD,
    SIZE,
    organisation_with_learner,
    screen_text,
    sign_in,
    type_text,
)
from trainer.services.context import TrainerContext, open_context
from trainer.settings import Settings
from trainer.ui.app import make_app
from trainer.ui.dialogs import AboutDialog, HelpDialog, PersonDialog
from trainer.ui.screens import HomeScreen, LessonScreen, PeopleScreen, TrackScreen


async def test_reading_a_lesson_marks_it_done_and_a_new_app_still_shows_it(
    context: TrainerContext,
) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        assert "Next: Courteous words, tone and plain language (Frontline agent)" in screen_text(
            app
        )
        await pilot.press("n")  # the next recommended step, one key away
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        markdown = app.screen.query_one("#lesson-body", Markdown)
        assert "Explain in plain words" in markdown.source
        assert "press d to record" in screen_text(app)
        await pilot.press("d")
        await pilot.pause()
        assert "You finished this lesson." in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert f"Lessons done: 2 of {FRONTLINE_LESSONS}" in screen_text(app)

    again = make_app(open_context(context.settings))
    async with again.run_test(size=SIZE) as pilot:
        await sign_in(again, pilot, "li-na", PASSWORD)
        assert f"Lessons done: 2 of {FRONTLINE_LESSONS}" in screen_text(again)
        assert "Your training tracks (Enter opens one)" in screen_text(again)
        await pilot.press("enter")  # open the highlighted track
        await pilot.pause()
        assert isinstance(again.screen, TrackScreen)
        lessons = [str(option.prompt) for option in again.screen.query_one("#lessons").options]  # type: ignore[attr-defined]
        assert any("✓ The standard greeting and closing" in line for line in lessons)
        assert any("✓ Courteous words, tone and plain language" in line for line in lessons)
        assert any("· Apologise, listen, resolve, follow up" in line for line in lessons)
        assert any(
            "· Time limits, forbidden phrases and privacy" in line and "12 min" in line
            for line in lessons
        )


async def test_the_lesson_reader_shows_the_chosen_language(context: TrainerContext) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert "用通俗的话解释" in app.screen.query_one("#lesson-body", Markdown).source
        assert "读完后按 d" in screen_text(app)
    # the choice of language is remembered for the person's next sign-in
    assert context.accounts.person("li-na").language == "zh"


async def test_a_learner_has_no_people_or_problems_keys(context: TrainerContext) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        descriptions = {
            binding.description for _, binding, _, _ in app.screen.active_bindings.values()
        }
        assert "Next step" in descriptions
        assert "People" not in descriptions and "Content problems" not in descriptions


async def test_trainer_adds_a_person_and_resets_a_password(context: TrainerContext) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "chen", PASSWORD)
        text = screen_text(app)
        assert "3 tracks" in text and "All content files are valid." in text
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PeopleScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2

        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PersonDialog)
        await type_text(pilot, "Wang Wei")
        await pilot.press("ctrl+q")  # a form half filled in: asks before quitting
        await pilot.pause()
        assert "Quit without saving?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PersonDialog)
        app.screen.query_one("#person-password").focus()
        await type_text(pilot, "short")
        await pilot.press("enter")
        await pilot.pause()
        assert "Pick at least one role." in screen_text(app)
        app.screen.query_one("#person-roles").select("learner")  # type: ignore[attr-defined]
        app.screen.query_one("#person-password").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "A password needs at least 8 characters." in screen_text(app)
        app.screen.query_one("#person-password").value = ""  # type: ignore[attr-defined]
        await type_text(pilot, "long enough")
        app.screen.query_one("#person-tracks").select("supervisor")  # type: ignore[attr-defined]
        app.screen.query_one("#person-name").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PeopleScreen)
        assert table.row_count == 3

        added = context.accounts.person("wang-wei")
        assert (added.roles, added.tracks) == (["learner"], ["supervisor"])
        assert context.accounts.sign_in("wang-wei", "long enough").id == "wang-wei"


async def test_help_lists_the_keys_and_about_shows_the_version(context: TrainerContext) -> None:
    from trainer import __version__

    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpDialog)
        keys = str(app.screen.query_one("#help-keys").render())
        assert "Next step" in keys and "Sign out" in keys and "Help" in keys
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AboutDialog)
        assert f"trainer {__version__}" in screen_text(app)
        assert str(context.settings.data_dir) in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_the_theme_choice_is_saved_for_the_person(context: TrainerContext) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "li-na", PASSWORD)
        app.theme = "nord"
        await pilot.pause()
    assert context.accounts.person("li-na").theme == "nord"
    again = make_app(open_context(context.settings))
    async with again.run_test(size=SIZE) as pilot:
        await sign_in(again, pilot, "li-na", PASSWORD)
        assert again.theme == "nord"


async def test_usable_at_80_by_24(context: TrainerContext) -> None:
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#password").region.bottom <= 24  # type: ignore[union-attr]
        # the sign-in button above the footer, and nothing under the footer to cut its words
        assert app.screen.query_one("#sign-in-button").region.bottom <= 23
        assert app.screen.query_one("#sign-in").region.bottom <= 23
        await sign_in(app, pilot, "li", PASSWORD)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


async def test_the_sign_in_footer_reads_whole_at_80_by_24(tmp_path: Path) -> None:
    context = open_context(Settings(data_dir=tmp_path / "data", language="zh"))
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.screen._compositor.render_strips()[-1].text
        assert footer.startswith("esc 清空搜索 f1 帮助 f2 English"), footer


async def test_the_home_problem_count_follows_the_problems_screen(tmp_path: Path) -> None:
    """A content file broken while the trainer is signed in: the problems screen finds it on
    refresh, and home says so when the trainer comes back to it."""
    from tests.conftest import BAD_ROOT
    from trainer.ui.screens import ProblemsScreen

    context = open_context(Settings(data_dir=tmp_path / "data", language="en"))
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        assert "All content files are valid." in screen_text(app)
        banks = context.settings.own_content_root / "question_banks"
        banks.mkdir(parents=True, exist_ok=True)
        shutil.copy(BAD_ROOT / "question_banks" / "missing_stem.yaml", banks)
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        assert "missing_stem.yaml" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "All content files are valid." not in screen_text(app)
        assert "problem" in screen_text(app).casefold()
