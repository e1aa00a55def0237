"""Ask for one line of text (a file to save to, a reason); the caller checks it and either
accepts it or returns a sentence that is shown in the dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from trainer.i18n import Translator
from trainer.ui.bindings import translate_bindings


class TextDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    TextDialog { align: center middle; }
    TextDialog > Vertical {
        width: 76; max-width: 100%; height: auto;
        border: round $primary; background: $surface; padding: 1 2;
    }
    TextDialog #text-error { color: $error; height: auto; }
    TextDialog Horizontal { height: auto; }
    TextDialog Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "keys.cancel")]

    def __init__(
        self,
        tr: Translator,
        title: str,
        label: str,
        submit: Callable[[str], str | None],
        value: str = "",
        is_work: bool = False,
    ) -> None:
        super().__init__()
        self.tr = tr
        self.title_text = title
        self.label = label
        self.submit = submit
        self.value = value
        self.is_work = is_work
        """Whether what is typed is work to keep (a note), not a file name or a path: quitting
        with it changed asks first."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="card-title")
            yield Label(self.label)
            yield Input(self.value, id="text-value")
            yield Static("", id="text-error")
            with Horizontal():
                yield Button(self.tr("dialog.ok"), id="ok", variant="primary")
                yield Button(self.tr("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        translate_bindings(self, self.tr)
        self.query_one("#text-value", Input).focus()

    def has_unsaved_work(self) -> bool:
        """Asked by the app before it quits."""
        return self.is_work and self.query_one("#text-value", Input).value != self.value

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def ok(self) -> None:
        error = self.submit(self.query_one("#text-value", Input).value.strip())
        if error:
            self.query_one("#text-error", Static).update(error)
        else:
            self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
