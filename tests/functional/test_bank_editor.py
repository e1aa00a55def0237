"""The question-bank editor: edit a question, see validation as you type, save, and find the
change on disk with the file's comments intact; leaving unsaved work asks first."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static, TextArea

from tests.functional.helpers import PASSWORD, SIZE, organisation_with_learner, screen_text, sign_in
from trainer.content.loader import load_library
from trainer.content.models import QuestionBank
from trainer.locations import bundled_content_root
from trainer.services.context import open_context
from trainer.settings import Settings
from trainer.ui.app import TrainerApp, make_app
from trainer.ui.dialogs import ConfirmDialog
from trainer.ui.dialogs.question_editor import QuestionEditor
from trainer.ui.screens import BankEditorScreen, HomeScreen

HEADER = "# Galaxy Mart's frontline bank: keep this comment\n"


def bundled_bank() -> QuestionBank:
    bank = load_library([bundled_content_root()]).bank("frontline_core")
    assert bank is not None
    return bank


def editor_app(tmp_path: Path) -> TrainerApp:
    """The app on a fresh organisation whose content includes the company's own root."""
    settings = Settings(
        data_dir=tmp_path / "data", language="en", content_roots=[tmp_path / "content"]
    )
    context = open_context(settings)
    organisation_with_learner(context)
    return make_app(context)


def own_bank(tmp_path: Path) -> Path:
    """A company content root with a commented copy of the frontline bank."""
    folder = tmp_path / "content" / "question_banks"
    folder.mkdir(parents=True)
    source = (bundled_content_root() / "question_banks" / "frontline_core.yaml").read_text("utf-8")
    commented = HEADER + source.replace(
        "  - id: fc-002\n", "  # the greeting question, reviewed in May\n  - id: fc-002\n"
    )
    path = folder / "frontline_core.yaml"
    path.write_text(commented, encoding="utf-8")
    return path


async def test_editing_a_question_saves_it_with_comments_intact(tmp_path: Path) -> None:
    path = own_bank(tmp_path)
    app = editor_app(tmp_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BankEditorScreen)
        table = app.screen.query_one("#questions", DataTable)
        count = len(bundled_bank().questions)
        assert table.row_count == count
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, QuestionEditor)
        area = editor.query_one(TextArea)
        original = area.text
        assert "id: fc-001" in original and "✓ valid" in screen_text(app)

        area.load_text(original.replace("correct: true", "correct: false"))  # no right option
        await pilot.pause()
        assert "needs exactly one correct option" in screen_text(app)
        await pilot.press("ctrl+s")  # refused while invalid
        await pilot.pause()
        assert app.screen is editor

        area.load_text(original.replace("标准开场白中", "标准开场白里"))
        await pilot.pause()
        assert "✓ valid" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BankEditorScreen)
        assert "unsaved changes" in screen_text(app)

        await pilot.press("escape")  # unsaved: asks
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "unsaved" not in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    saved = path.read_text("utf-8")
    assert saved.startswith(HEADER)
    assert "  # the greeting question, reviewed in May\n  - id: fc-002\n" in saved
    assert "标准开场白里必须包含哪一项" in saved
    bank = load_library([bundled_content_root(), tmp_path / "content"]).bank("frontline_core")
    assert bank is not None and bank.questions[0].stem.get("zh") == "标准开场白里必须包含哪一项？"
    assert len(bank.questions) == count


async def test_add_duplicate_move_delete(tmp_path: Path) -> None:
    path = own_bank(tmp_path)
    app = editor_app(tmp_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("b")
        await pilot.pause()
        table = app.screen.query_one("#questions", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("ctrl+d")  # fc-001-2 right after fc-001
        await pilot.pause()
        await pilot.press("ctrl+down")  # and one further down
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, QuestionEditor)
        await pilot.press("ctrl+s")  # the template is a valid single-choice question
        await pilot.pause()
        table.move_cursor(row=table.get_row_index("fc-012"))
        await pilot.press("delete", "y")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    bank = load_library([bundled_content_root(), tmp_path / "content"]).bank("frontline_core")
    assert bank is not None
    ids = [q.id for q in bank.questions]
    assert ids[:3] == ["fc-001", "fc-002", "fc-001-2"]
    assert "fc-012" not in ids and any(i.startswith("new-") for i in ids)
    assert path.read_text("utf-8").startswith(HEADER)


async def test_a_trainer_sees_each_scenarios_golden_tests(tmp_path: Path) -> None:
    context = open_context(Settings(data_dir=tmp_path / "data", language="en"))
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("v")
        await app.workers.wait_for_complete()  # the content is read afresh in a thread
        await pilot.pause()
        text = screen_text(app)
        # each scenario named by its title, as the trainer knows it
        assert (
            "Golden tests passed: A business client's bulk order 3/3, "
            "A demand beyond your authority 4/4" in " ".join(text.split())
        )
        assert "A VIP customer in a hurry 3/3" in " ".join(text.split())
        assert "b2b_client" not in text


async def test_a_trainer_imports_a_gift_file_in_the_app(tmp_path: Path) -> None:
    from tests.conftest import DATA
    from trainer.ui.dialogs import ImportDialog
    from trainer.ui.dialogs.message import MessageDialog

    context = open_context(Settings(data_dir=tmp_path / "data", language="en"))
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=(110, 36)) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ImportDialog)
        app.screen.query_one("#text-value", Input).value = str(DATA / "formats" / "corpus.gift")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        report = str(app.screen.query_one("#message-text", Static).render())
        assert "Imported 14 question(s)" in report
        assert "corpus.gift:62: skipped: an essay question" in report
        assert "corpus.gift:71: imported as rings-2" in report
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BankEditorScreen)
        assert app.screen.query_one("#questions", DataTable).row_count == 14
    written = tmp_path / "data" / "content" / "question_banks" / "corpus.yaml"
    assert written.is_file()
    assert open_context(context.settings).library.bank("corpus") is not None


async def test_ctrl_o_reads_a_moodle_gift_export_named_txt_as_gift(tmp_path: Path) -> None:
    """Moodle names its GIFT exports .txt: the content, not the name, says GIFT; the
    report names the image a question had, by its line, in the chosen language."""
    from tests.conftest import DATA
    from trainer.ui.dialogs.message import MessageDialog

    source = tmp_path / "moodle-export.txt"
    moodle = DATA / "formats" / "moodle"
    source.write_text(
        (moodle / "moodle_export.txt").read_text("utf-8")
        + "\n"
        + (moodle / "image_feedback.gift").read_text("utf-8"),
        "utf-8",
    )
    context = open_context(Settings(data_dir=tmp_path / "data", language="zh"))
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=(110, 36)) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("#text-value", Input).value = str(source)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        report = str(app.screen.query_one("#message-text", Static).render())
        assert "4" in report.splitlines()[0]  # four questions
        assert "moodle-export.txt:19: 此处的图片 desk-sign.png" in report
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#questions", DataTable).row_count == 4
    bank = open_context(context.settings).library.bank("moodle-export")
    assert bank is not None
    assert [q.type for q in bank.questions] == ["single", "short_answer", "true_false", "single"]


def plain_app(tmp_path: Path, language: str = "en") -> TrainerApp:
    """The app on a fresh organisation with the bundled content only."""
    context = open_context(Settings(data_dir=tmp_path / "data", language=language))
    organisation_with_learner(context)
    return make_app(context)


async def test_ctrl_q_asks_before_throwing_away_unsaved_work(tmp_path: Path) -> None:
    app = plain_app(tmp_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("b")
        await pilot.pause()
        editor_screen = app.screen
        assert isinstance(editor_screen, BankEditorScreen)
        table = editor_screen.query_one("#questions", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("ctrl+d")  # an unsaved copy
        await pilot.pause()
        bank = editor_screen.query_one("#bank", Select)
        bank.value = "supervisor_core"  # refused while unsaved, and the list says so
        await pilot.pause()
        assert bank.value == "frontline_core" and table.get_row_at(1)[0] == "fc-001-2"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Quit without saving?" in screen_text(app)
        await pilot.press("ctrl+q")  # asked once, not twice
        await pilot.pause()
        assert len([s for s in app.screen_stack if isinstance(s, ConfirmDialog)]) == 1
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is editor_screen and app.is_running

        # a question being edited is unsaved work too, even in a saved bank
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not editor_screen.has_unsaved_work()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionEditor)
        await pilot.press("ctrl+q")  # the bank saved, the text untouched: it quits at once
        await pilot.pause()
        assert app._exit


async def test_ctrl_q_in_the_question_editor_asks_about_the_typed_text(tmp_path: Path) -> None:
    app = plain_app(tmp_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("b")
        await pilot.pause()
        table = app.screen.query_one("#questions", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, QuestionEditor)
        area = editor.query_one(TextArea)
        area.load_text(area.text.replace("difficulty: 1", "difficulty: 2"))
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is editor and area.text.count("difficulty: 2") == 1
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
        assert app._exit


def assert_sensible_columns(table: DataTable[object]) -> None:
    """Id, type and category fit their cells; the question text takes the rest."""
    columns = list(table.columns.values())
    assert [str(column.label) for column in columns] == ["Id", "Type", "Category", "Question"]
    for index, column in enumerate(columns[:3]):
        widest = max(len(str(table.get_row_at(row)[index])) for row in range(table.row_count))
        assert column.get_render_width(table) >= min(widest, 18) + 2, column.label
    room = table.content_region.width - table.styles.scrollbar_size_vertical
    assert sum(column.get_render_width(table) for column in columns) == room
    assert columns[3].get_render_width(table) >= 18


async def test_question_columns_keep_sensible_widths(tmp_path: Path) -> None:
    for size in ((110, 34), (80, 24)):
        app = plain_app(tmp_path / f"{size[0]}")
        async with app.run_test(size=size) as pilot:
            await sign_in(app, pilot, "陈静", PASSWORD)
            await pilot.press("b")
            await pilot.pause()
            screen = app.screen
            table = screen.query_one("#questions", DataTable)
            assert_sensible_columns(table)  # on opening

            screen.query_one("#bank", Select).value = "supervisor_core"
            await pilot.pause()
            assert table.get_row_at(0)[0].startswith("sv-")
            assert_sensible_columns(table)  # another bank

            table.focus()
            table.move_cursor(row=0)
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("ctrl+s")  # applied
            await pilot.pause()
            assert_sensible_columns(table)  # after an edit

            screen.query_one("#filter", Input).value = "zzz-nothing"
            await pilot.pause()
            screen.query_one("#filter", Input).value = ""
            await pilot.pause()
            assert table.row_count > 10
            assert_sensible_columns(table)  # the filter cleared


async def test_a_bundled_bank_is_edited_as_a_copy_in_the_data_folder(tmp_path: Path) -> None:
    bundled = bundled_content_root() / "question_banks" / "frontline_core.yaml"
    before = bundled.read_bytes()
    app = plain_app(tmp_path)
    override = tmp_path / "data" / "content" / "question_banks" / "frontline_core.yaml"
    async with app.run_test(size=(110, 36)) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("b")
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert f"you are editing a copy, saved as an override in {override}" in text
        table = app.screen.query_one("#questions", DataTable)
        count = table.row_count
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("ctrl+d", "ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("b")  # opened again: the override is what it reads
        await pilot.pause()
        assert app.screen.query_one("#questions", DataTable).row_count == count + 1
        assert "you are editing a copy" in " ".join(screen_text(app).split())
    assert bundled.read_bytes() == before
    assert "id: fc-001-2" in override.read_text("utf-8")


THREE_PROBLEMS = """\
id: multi
title: {zh: 多, en: Multi}
categories:
  general: {zh: 通用, en: General}
questions:
  - id: q-1
    type: single
    category: general
    difficulty: 7
    stem: {zh: 一, en: One}
    options:
      - {text: {zh: 对, en: Right}, correct: true}
      - {text: {zh: 错, en: Wrong}}
  - id: q-2
    type: single
    category: general
    options:
      - {text: {zh: 对, en: Right}, correct: true}
      - {text: {zh: 错, en: Wrong}}
  - id: q-3
    type: single
    category: general
    stem: {zh: 三, en: Three}
    explanaton: {zh: x, en: y}
    options:
      - {text: {zh: 对, en: Right}, correct: true}
      - {text: {zh: 错, en: Wrong}}
"""


async def test_content_problems_are_all_shown_and_read_afresh(tmp_path: Path) -> None:
    from textual.containers import VerticalScroll

    bank = tmp_path / "content" / "question_banks" / "multi.yaml"
    bank.parent.mkdir(parents=True)
    bank.write_text(THREE_PROBLEMS, encoding="utf-8")
    app = editor_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:

        async def shown() -> str:
            await app.workers.wait_for_complete()
            await pilot.pause()
            return screen_text(app)

        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("v")
        text = await shown()
        assert "3 problem(s) in the content files" in text
        assert f"{bank}:9  questions[q-1].difficulty\n    must be at most 3, found 7" in text
        assert f"{bank}:14  questions[q-2].stem" in text
        assert f"{bank}:24  questions[q-3].explanaton" in text
        listing = app.screen.query_one("#problems-list", VerticalScroll)
        assert listing.max_scroll_x == 0  # wrapped, nothing cut off at the right

        bank.write_text(THREE_PROBLEMS.replace("difficulty: 7", "difficulty: 2"), "utf-8")
        await pilot.press("r")  # read again, no restart
        text = await shown()
        assert "2 problem(s)" in text and ":9  " not in text

        await pilot.press("escape")
        await pilot.pause()
        bank.write_text(THREE_PROBLEMS.replace("explanaton", "explanation"), "utf-8")
        await pilot.press("v")  # opened again: read again
        text = await shown()
        assert "2 problem(s)" in text and "explanaton" not in text and ":9  " in text


async def test_importing_random_bytes_named_xlsx_in_the_app_says_so(tmp_path: Path) -> None:
    from trainer.ui.dialogs import ImportDialog

    context = open_context(Settings(data_dir=tmp_path / "data", language="en"))
    organisation_with_learner(context)
    junk = tmp_path / "questions.xlsx"
    junk.write_bytes(bytes(range(256)) * 20)
    app = make_app(context)
    async with app.run_test(size=(110, 36)) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("#text-value", Input).value = str(junk)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ImportDialog)  # the dialog stays, with the sentence
        error = str(app.screen.query_one("#text-error", Static).render())
        assert "is not an .xlsx workbook trainer can read" in error
    assert not (tmp_path / "data" / "content" / "question_banks" / "questions.yaml").exists()


async def test_a_trainer_imports_moodle_xml_as_a_new_bank_named_in_the_dialog(
    tmp_path: Path,
) -> None:
    from tests.conftest import DATA
    from trainer.ui.dialogs import ImportDialog
    from trainer.ui.dialogs.message import MessageDialog

    context = open_context(Settings(data_dir=tmp_path / "data", language="en"))
    organisation_with_learner(context)
    app = make_app(context)
    async with app.run_test(size=(110, 36)) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        assert dialog.query_one("#import-mode").has_class("hidden")  # a new bank: no mode
        dialog.query_one("#import-id", Input).value = "Bad Id"
        dialog.query_one("#text-value", Input).value = str(DATA / "formats" / "moodle.xml")
        dialog.query_one("#text-value", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        error = str(dialog.query_one("#text-error", Static).render())
        assert '"Bad Id" cannot be a bank id' in error
        dialog.query_one("#import-id", Input).value = "service"
        dialog.query_one("#import-title", Input).value = "Service from Moodle"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        report = str(app.screen.query_one("#message-text", Static).render())
        assert "Imported 7 question(s)" in report and "skipped 3" in report
        assert "moodle.xml:175: skipped: a Moodle essay question" in report
    bank = open_context(context.settings).library.bank("service")
    assert bank is not None and bank.title.get("en") == "Service from Moodle"
    assert [q.id for q in bank.questions][:2] == ["open-1", "closing"]


async def test_a_trainer_imports_into_an_existing_bank_replacing_same_ids(
    tmp_path: Path,
) -> None:
    from textual.widgets import RadioButton

    from trainer.ui.dialogs import ImportDialog
    from trainer.ui.dialogs.message import MessageDialog

    context = open_context(Settings(data_dir=tmp_path / "data", language="en"))
    organisation_with_learner(context)
    source = tmp_path / "changes.csv"
    source.write_text(
        "id,type,category,stem_en,correct\n"
        "fc-001,true_false,etiquette,Replaced from a spreadsheet,true\n"
        "fc-new,true_false,etiquette,A new one,false\n",
        "utf-8",
    )
    app = make_app(context)
    async with app.run_test(size=(110, 36)) as pilot:
        await sign_in(app, pilot, "陈静", PASSWORD)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        dialog.query_one("#import-target", Select).value = "frontline_core"
        await pilot.pause()
        assert dialog.query_one("#import-new").has_class("hidden")
        assert not dialog.query_one("#import-mode").has_class("hidden")
        dialog.query_one("#replace", RadioButton).value = True
        dialog.query_one("#text-value", Input).value = str(source)
        dialog.query_one("#text-value", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        report = str(app.screen.query_one("#message-text", Static).render())
        assert "added 1 question(s), replaced 1, left out 0" in report
    override = tmp_path / "data" / "content" / "question_banks" / "frontline_core.yaml"
    assert override.is_file()  # the bundled bank is never written: its override is
    bank = open_context(context.settings).library.bank("frontline_core")
    assert bank is not None and len(bank.questions) == len(bundled_bank().questions) + 1
    first = bank.questions[0]
    assert first.id == "fc-001" and first.stem.get("en") == "Replaced from a spreadsheet"
