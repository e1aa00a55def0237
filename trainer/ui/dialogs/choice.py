"""Pick one of a few values (a filter, a column to sort by): Enter picks, Escape cancels.
Dismisses with the chosen option's id, or None when cancelled."""

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


class ChoiceDialog(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > Vertical {
        width: 60; max-width: 100%; height: auto; max-height: 80%;
        border: round $primary; background: $surface; padding: 1 2;
    }
    ChoiceDialog OptionList { height: auto; max-height: 20; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "keys.cancel")]

    def __init__(
        self, tr: Translator, title: str, choices: list[tuple[str, str]], current: str = ""
    ) -> None:
        """`choices`: (id, label) pairs; the id is what the dialog dismisses with."""
        super().__init__()
        self.tr = tr
        self.title_text = title
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="card-title")
            yield OptionList(
                *(
                    Option(label, id=f"choice-{index}")
                    for index, (_, label) in enumerate(self.choices)
                ),
                id="choices",
            )

    def on_mount(self) -> None:
        translate_bindings(self, self.tr)
        options = self.query_one("#choices", OptionList)
        ids = [value for value, _ in self.choices]
        options.highlighted = ids.index(self.current) if self.current in ids else 0
        options.focus()

    @on(OptionList.OptionSelected, "#choices")
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
