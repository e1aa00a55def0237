"""A message to read (a report, a list of skipped lines), closed with Escape or Enter."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from trainer.i18n import Translator
from trainer.ui.bindings import translate_bindings


class MessageDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    MessageDialog { align: center middle; }
    MessageDialog > Vertical {
        width: 96; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 1 2;
    }
    MessageDialog VerticalScroll { height: auto; max-height: 20; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", "keys.close")]

    def __init__(self, tr: Translator, title: str, text: str) -> None:
        super().__init__()
        self.tr = tr
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="card-title")
            with VerticalScroll():
                yield Static(self.text, id="message-text", markup=False)
            yield Button(self.tr("keys.close"), id="close")

    def on_mount(self) -> None:
        translate_bindings(self, self.tr)
        self.query_one("#close", Button).focus()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
