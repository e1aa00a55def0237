"""Someone's mentorships, oldest first: who mentored them, from when to when, who assigned
it, and which one is current."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from trainer.i18n import Translator
from trainer.ui.bindings import translate_bindings


@dataclass(frozen=True)
class HistoryRow:
    """One assignment as the dialog shows it (names and dates already written out)."""

    mentor: str
    start: str
    end: str
    days: int
    assigned_by: str
    current: bool


class MentorHistoryDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    MentorHistoryDialog { align: center middle; }
    MentorHistoryDialog > Vertical {
        width: 96; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 1 2;
    }
    MentorHistoryDialog DataTable { height: auto; max-height: 16; margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "keys.close")]

    def __init__(self, tr: Translator, name: str, rows: list[HistoryRow]) -> None:
        super().__init__()
        self.tr = tr
        self.person_name = name
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                self.tr("people.history_title", name=self.person_name), classes="card-title"
            )
            if self.rows:
                yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            else:
                yield Static(self.tr("people.history_none"), id="history-none")
            yield Button(self.tr("keys.close"), id="close")

    def on_mount(self) -> None:
        translate_bindings(self, self.tr)
        if not self.rows:
            self.query_one("#close", Button).focus()
            return
        table = self.query_one("#history-table", DataTable)
        table.add_columns(
            self.tr("people.mentor"),
            self.tr("people.history_start"),
            self.tr("people.history_end"),
            self.tr("people.history_days"),
            self.tr("people.history_by"),
            "",
        )
        for row in self.rows:
            table.add_row(
                Text(row.mentor),
                row.start,
                row.end,
                str(row.days),
                Text(row.assigned_by),
                self.tr("people.history_current") if row.current else "",
            )
        table.focus()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
