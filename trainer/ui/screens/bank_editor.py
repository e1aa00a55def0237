"""The question-bank editor: pick a bank, filter its questions by text, category and type,
edit, add, duplicate, delete and reorder them, and save the file with its comments kept.
Leaving or quitting with unsaved changes asks first. A bundled bank is edited as a copy: it
is saved as an override in the data folder's own content root, and the screen says so.

The question list's columns are given widths here rather than left to the DataTable's
automatic sizing, which measures cells only when the table next goes idle: rebuilt on
opening, switching bank, after an edit or a cleared filter, the columns were sometimes shown
at the width of their labels (two to four characters). The id, type and category columns
fit their widest cell (within a cap) and the question text takes the rest of the width."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any, ClassVar

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Input, Select, Static
from textual.widgets.data_table import RowDoesNotExist

from trainer.content.models import QUESTION_TYPES
from trainer.errors import TrainerError
from trainer.services.authoring import BankDocument, new_question_text, open_bank
from trainer.ui.screens.base import TrainerScreen

COLUMNS = ("id", "type", "category", "stem")
WIDEST = {"id": 24, "type": 18, "category": 22}
"""The most a column other than the question text takes; a longer cell is cut with …."""
NARROWEST_STEM = 16
"""The question text keeps at least this much; the category and type give way first."""


def column_widths(cells: dict[str, list[str]], labels: dict[str, str], room: int) -> list[int]:
    """Widths of the id, type, category and question columns in a table `room` cells wide
    (cell padding not included): each short column fits its widest cell up to its cap, the
    question text takes what is left."""
    widths = {
        name: min(WIDEST[name], max(cell_len(text) for text in [labels[name], *cells[name]]))
        for name in ("id", "type", "category")
    }
    for name in ("category", "type"):  # a narrow terminal: shrink these before the text
        short = NARROWEST_STEM - (room - sum(widths.values()))
        if short > 0:
            widths[name] = max(cell_len(labels[name]), widths[name] - short)
    stem = max(NARROWEST_STEM, room - sum(widths.values()))
    return [widths["id"], widths["type"], widths["category"], stem]


class BankEditorScreen(TrainerScreen):
    CSS_PATH = "records.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "keys.back"),
        Binding("enter", "edit", "keys.edit_question", show=False),
        Binding("ctrl+n", "add", "keys.add_question"),
        Binding("ctrl+d", "duplicate", "keys.duplicate"),
        Binding("delete", "delete", "keys.delete"),
        Binding("ctrl+up", "move(-1)", "keys.move_up"),
        Binding("ctrl+down", "move(1)", "keys.move_down"),
        Binding("ctrl+s", "save", "keys.save"),
        Binding("ctrl+o", "import_file", "keys.import"),
    ]

    def __init__(self, bank_id: str | None = None) -> None:
        super().__init__()
        self.first_bank = bank_id
        self.bank_ids: list[str] = []
        """Filled when composing, from the loaded content."""
        self.document: BankDocument | None = None

    def compose(self) -> ComposeResult:
        library = self.context.library
        lang = self.trainer_app.tr.lang
        self.bank_ids = sorted(library.banks)
        yield Header()
        with Vertical(id="bank-editor"):
            with Horizontal(id="bank-filters"):
                yield Select(
                    [(library.banks[b].model.title.get(lang), b) for b in self.bank_ids],
                    id="bank",
                    allow_blank=False,
                    value=(
                        self.first_bank
                        if self.first_bank in self.bank_ids
                        else self.bank_ids[0]
                        if self.bank_ids
                        else Select.NULL
                    ),
                )
                yield Input(placeholder=self.t("authoring.filter"), id="filter")
                yield Select([], id="category", prompt=self.t("authoring.any_category"))
                yield Select(
                    [(self.t(f"question_type.{kind}"), kind) for kind in QUESTION_TYPES],
                    id="type",
                    prompt=self.t("authoring.any_type"),
                )
            yield DataTable(id="questions", cursor_type="row", zebra_stripes=True)
            yield Static("", id="bank-status", classes="muted")
        yield Footer(compact=True)

    def has_unsaved_work(self) -> bool:
        """Asked by the app before it quits."""
        return self.document is not None and self.document.dirty

    def fill(self) -> None:
        if self.document is None and self.bank_ids:
            self._open(str(self.query_one("#bank", Select).value))
        self._show()

    def _open(self, bank_id: str) -> None:
        try:
            self.document = open_bank(
                self.context.library, bank_id, self.context.settings.own_content_root
            )
        except TrainerError as error:
            self.notify(self.t(error.catalog_key, **error.values), severity="error")
            self.document = None
            return
        categories = self.document.data.get("categories") or {}
        lang = self.trainer_app.tr.lang
        options = []
        for key, name in categories.items():
            label = name.get(lang, key) if isinstance(name, dict) else str(name)
            options.append((f"{label} ({key})", str(key)))
        self.query_one("#category", Select).set_options(options)

    def _show(self, keep: str | None = None) -> None:
        table = self.query_one("#questions", DataTable)
        table.clear(columns=True)
        labels = {name: self.t(f"authoring.column_{name}") for name in COLUMNS}
        document = self.document
        rows: list[tuple[str, str, str, str]] = []
        if document is not None:
            rows = self._rows(document)
        cells = {name: [row[index] for row in rows] for index, name in enumerate(COLUMNS)}
        padding = 2 * table.cell_padding * len(COLUMNS)
        room = table.content_region.width - table.styles.scrollbar_size_vertical - padding
        widths = column_widths(cells, labels, room)
        for name, width in zip(COLUMNS, widths, strict=True):
            table.add_column(labels[name], width=width, key=name)
        for row in rows:
            table.add_row(*row, key=row[0])
        if document is None:
            return
        if keep is not None and keep in document.ids():
            with contextlib.suppress(RowDoesNotExist):  # filtered out: leave the cursor be
                table.move_cursor(row=table.get_row_index(keep))
        status = self.t(
            "authoring.override" if document.is_override else "authoring.status",
            shown=len(rows),
            total=len(document.questions),
            path=document.path,
        )
        status += self.t("authoring.unsaved") if document.dirty else ""
        self.query_one("#bank-status", Static).update(status)

    def _rows(self, document: BankDocument) -> list[tuple[str, str, str, str]]:
        """The questions that pass the filters: id, type, category and text."""
        lang = self.trainer_app.tr.lang
        needle = self.query_one("#filter", Input).value.strip().casefold()
        category = self.query_one("#category", Select).value
        kind = self.query_one("#type", Select).value
        categories = document.data.get("categories") or {}
        rows = []
        for question in document.questions:
            text = _stem_text(question.get("stem"), lang)
            category_id = str(question.get("category"))
            category_name = categories.get(category_id)
            if isinstance(category_name, dict):  # its title in the reader's language
                category_name = category_name.get(lang) or category_id
            if isinstance(category, str) and question.get("category") != category:
                continue
            if isinstance(kind, str) and question.get("type") != kind:
                continue
            if needle and needle not in f"{question.get('id')} {text}".casefold():
                continue
            kind_name = str(question.get("type"))
            rows.append(
                (
                    str(question.get("id")),
                    self.t(f"question_type.{kind_name}")
                    if kind_name in QUESTION_TYPES
                    else kind_name,
                    str(category_name or category_id),
                    " ".join(text.split()),  # one line: the column cuts it to its width
                )
            )
        return rows

    def on_resize(self, event: events.Resize) -> None:
        # the question text takes the width there is: measured once the table is laid out
        self.call_after_refresh(self._show, self._selected())

    @on(Select.Changed, "#bank")
    def bank_changed(self, event: Select.Changed) -> None:
        document = self.document
        if document is not None and str(event.value) == str(document.data.get("id")):
            return  # the bank open already (or put back below)
        if document is not None and document.dirty:
            self.notify(self.t("authoring.save_first"), severity="warning")
            banks: Select[str] = self.query_one("#bank", Select)
            banks.value = str(document.data.get("id"))  # the list shows what is open
            return
        self._open(str(event.value))
        self._show()

    @on(Input.Changed, "#filter")
    @on(Select.Changed, "#category")
    @on(Select.Changed, "#type")
    def filters_changed(self) -> None:
        self._show()

    def _selected(self) -> str | None:
        table = self.query_one("#questions", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    @on(DataTable.RowSelected, "#questions")
    def action_edit(self) -> None:
        from trainer.ui.dialogs.question_editor import QuestionEditor

        question_id, document = self._selected(), self.document
        if question_id is None or document is None:
            return
        self.app.push_screen(
            QuestionEditor(
                self.trainer_app.tr,
                self.t("authoring.edit_title", id=question_id),
                document.question_text(question_id),
                lambda text: document.check(text, replacing=question_id),
                lambda text: document.replace(question_id, text),
            ),
            lambda changed: self._show(keep=question_id),
        )

    def action_add(self) -> None:
        from trainer.ui.dialogs.question_editor import QuestionEditor

        document = self.document
        if document is None:
            return
        after = self._selected()
        self.app.push_screen(
            QuestionEditor(
                self.trainer_app.tr,
                self.t("authoring.add_title"),
                new_question_text(document),
                document.check,
                lambda text: document.add(text, after),
            ),
            lambda changed: self._show(),
        )

    def action_duplicate(self) -> None:
        question_id = self._selected()
        if question_id is not None and self.document is not None:
            self._show(keep=self.document.duplicate(question_id))

    def action_delete(self) -> None:
        from trainer.ui.dialogs import ConfirmDialog

        question_id, document = self._selected(), self.document
        if question_id is None or document is None:
            return

        def confirmed(answer: bool | None) -> None:
            if answer:
                document.delete(question_id)
                self._show()

        self.app.push_screen(
            ConfirmDialog(self.trainer_app.tr, self.t("authoring.confirm_delete", id=question_id)),
            confirmed,
        )

    def action_move(self, step: int) -> None:
        question_id = self._selected()
        if question_id is not None and self.document is not None:
            self.document.move(question_id, step)
            self._show(keep=question_id)

    def action_save(self) -> None:
        if self.document is None:
            return
        try:
            self.document.save()
        except TrainerError as error:
            self.notify(self.t(error.catalog_key, **error.values), severity="error")
            return
        self.notify(self.t("authoring.saved", path=self.document.path))
        # an override just written is a new content file: the rest of the app reads it now
        self.context.reload_content()
        self._show(keep=self._selected())

    def action_leave(self) -> None:
        from trainer.ui.dialogs import ConfirmDialog

        if self.document is None or not self.document.dirty:
            self.app.pop_screen()
            return

        def confirmed(answer: bool | None) -> None:
            if answer:
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmDialog(self.trainer_app.tr, self.t("authoring.confirm_leave")), confirmed
        )

    def action_import_file(self) -> None:
        """Import a GIFT, Aiken, Moodle XML or spreadsheet file as a new bank in the data
        folder's own content root (its id and title chosen in the dialog), or into a bank
        that exists (appending, or replacing the questions with the same ids), then show
        every question added, replaced or left out and why."""
        from trainer.content.formats.common import ImportFileError, ImportResult, bank_yaml, slug
        from trainer.content.formats.files import read_import_file
        from trainer.services.bank_import import import_into
        from trainer.storage.files import atomic_write_bytes
        from trainer.ui.dialogs.import_bank import ImportChoice, ImportDialog
        from trainer.ui.dialogs.message import MessageDialog

        lang = self.trainer_app.tr.lang
        library = self.context.library
        own_root = self.context.settings.own_content_root

        def is_id(text: str) -> bool:
            return re.fullmatch(r"[a-z0-9_-]{1,64}", text) is not None

        def into_new_bank(choice: ImportChoice, source: Path, result: ImportResult) -> str | None:
            bank_id = choice.bank_id or result.bank_id or slug(source.stem, "imported")
            if not is_id(bank_id):
                return self.t("cli.bad_bank_id", value=bank_id, longest=64)
            target = own_root / "question_banks" / f"{bank_id}.yaml"
            if bank_id in library.banks or target.exists():
                return self.t("authoring.import_taken", bank=bank_id)
            title = choice.title or result.title or source.stem
            atomic_write_bytes(target, bank_yaml(result.bank(bank_id, title)).encode("utf-8"))
            imported["bank"] = bank_id
            count, skipped = len(result.questions), len(result.skipped)
            lines.append(self.t("cli.imported", count=count, path=target, skipped=skipped))
            return None

        def into_bank(choice: ImportChoice, result: ImportResult) -> str | None:
            assert choice.bank is not None
            document = self.document
            if document is not None and document.dirty:
                return self.t("authoring.import_save_first")
            try:
                document = open_bank(library, choice.bank, own_root)
                report = import_into(document, result, "replace" if choice.replace else "append")
            except TrainerError as error:
                return self.t(error.catalog_key, **error.values)
            imported["bank"] = choice.bank
            left = len(report.left) + len(result.skipped)
            lines.append(
                self.t(
                    "cli.imported_into",
                    added=len(report.added),
                    replaced=len(report.replaced),
                    left=left,
                    path=document.path,
                )
            )
            lines.extend(self.t(f"authoring.{key}", id=qid) for qid, key in report.left)
            return None

        def load(choice: ImportChoice) -> str | None:
            source = Path(choice.path).expanduser()
            if not source.is_file():
                return self.t("cli.no_such_path", path=source)
            if choice.bank_id and not is_id(choice.bank_id):
                return self.t("cli.bad_bank_id", value=choice.bank_id, longest=64)
            try:
                # the format from the name, or for a .txt from what it holds
                result = read_import_file(source, None, "imported")
            except ImportFileError as error:
                return self.t(error.catalog_key, **error.values)
            if not result.questions:
                return self.t("cli.import_nothing", path=source)
            lines.clear()
            refused = (
                into_new_bank(choice, source, result)
                if choice.bank is None
                else into_bank(choice, result)
            )
            if refused:
                return refused
            self.context.reload_content()
            # every question left out, and every change made on the way (a renamed id, an image)
            lines.extend(f"{source.name}:{s.line}: {s.message(lang)}" for s in result.report())
            return None

        def done(saved: bool | None) -> None:
            if not saved:
                return
            self.app.switch_screen(BankEditorScreen(imported["bank"]))
            title = self.t("authoring.import_title")
            self.app.push_screen(MessageDialog(self.trainer_app.tr, title, "\n".join(lines)))

        imported: dict[str, str] = {}
        lines: list[str] = []
        banks = [(bank, library.banks[bank].model.title.get(lang)) for bank in self.bank_ids]
        self.app.push_screen(ImportDialog(self.trainer_app.tr, banks, load), done)


def _stem_text(stem: Any, lang: str) -> str:
    if isinstance(stem, dict):
        return str(stem.get(lang) or stem.get("zh") or stem.get("en") or "")
    return str(stem)
