"""The dry-run report of a hire-list import: every refused row with why, or who will be
added; the import itself only when every row can be taken."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from trainer.i18n import Translator
from trainer.ui.bindings import translate_bindings


class ImportReportDialog(ModalScreen[bool]):
    """Dismissed with True when the trainer confirms the import (offered only when
    `can_import`)."""

    DEFAULT_CSS = """
    ImportReportDialog { align: center middle; }
    ImportReportDialog > Vertical {
        width: 96; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 1 2;
    }
    ImportReportDialog VerticalScroll { height: auto; max-height: 18; }
    ImportReportDialog #import-summary { margin-top: 1; height: auto; }
    ImportReportDialog Horizontal { height: auto; margin-top: 1; }
    ImportReportDialog Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "keys.cancel")]

    def __init__(
        self, tr: Translator, title: str, report: str, summary: str, can_import: bool
    ) -> None:
        super().__init__()
        self.tr = tr
        self.title_text = title
        self.report = report
        self.summary = summary
        self.can_import = can_import

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="card-title")
            with VerticalScroll():
                yield Static(self.report, id="import-report", markup=False)
            yield Static(self.summary, id="import-summary", markup=False)
            with Horizontal():
                if self.can_import:
                    yield Button(self.tr("people.import_confirm"), id="import", variant="primary")
                yield Button(self.tr("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        translate_bindings(self, self.tr)
        self.query_one("#import" if self.can_import else "#cancel", Button).focus()

    @on(Button.Pressed, "#import")
    def confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
