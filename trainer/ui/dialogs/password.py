"""Set a new password for someone (a trainer resetting a forgotten one), or one's own at the
first sign-in with a one-time password (`title` and `note` say so)."""

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


class PasswordDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    PasswordDialog { align: center middle; }
    PasswordDialog > Vertical {
        width: 60; max-width: 100%; height: auto;
        border: round $primary; background: $surface; padding: 1 2;
    }
    PasswordDialog #password-error { color: $error; height: auto; }
    PasswordDialog #password-note { height: auto; margin-bottom: 1; }
    PasswordDialog Horizontal { height: auto; }
    PasswordDialog Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "keys.cancel")]

    def __init__(
        self,
        tr: Translator,
        name: str,
        submit: Callable[[str], str | None],
        title: str = "",
        note: str = "",
    ) -> None:
        super().__init__()
        self.tr = tr
        self.person_name = name
        self.submit = submit
        self.title_text = title or tr("people.password_title", name=name)
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="card-title", markup=False)
            if self.note:
                yield Static(self.note, id="password-note")
            yield Label(self.tr("people.password"))
            yield Input(id="new-password", password=True)
            yield Static("", id="password-error")
            with Horizontal():
                yield Button(self.tr("dialog.save"), id="save", variant="primary")
                yield Button(self.tr("dialog.cancel"), id="cancel")

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def save(self) -> None:
        error = self.submit(self.query_one("#new-password", Input).value)
        if error:
            self.query_one("#password-error", Static).update(error)
        else:
            self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    def on_mount(self) -> None:
        translate_bindings(self, self.tr)
