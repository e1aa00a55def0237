"""The list of an exam's questions, answered and flagged marks included, to jump to one."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from trainer.i18n import Translator
from trainer.ui.bindings import translate_bindings


class QuestionListDialog(ModalScreen[int | None]):
    DEFAULT_CSS = """
    QuestionListDialog { align: center middle; }
    QuestionListDialog > Vertical {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 1 2;
    }
    QuestionListDialog OptionList { height: auto; max-height: 20; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "keys.close")]

    def __init__(self, tr: Translator, rows: list[tuple[bool, bool, str]], current: int) -> None:
        super().__init__()
        self.tr = tr
        self.rows = rows
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.tr("exam.list_title"), classes="card-title")
            options = []
            for number, (answered, flagged, stem) in enumerate(self.rows, start=1):
                mark = "✓" if answered else "·"
                flag = " ⚑" if flagged else ""
                short = stem if len(stem) <= 60 else stem[:57] + "..."
                options.append(Option(f"{number:>2}. {mark}{flag}  {short}", id=str(number - 1)))
            yield OptionList(*options, id="question-list")

    def on_mount(self) -> None:
        translate_bindings(self, self.tr)
        listing = self.query_one(OptionList)
        listing.highlighted = self.current
        listing.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_close(self) -> None:
        self.dismiss(None)
