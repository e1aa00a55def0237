"""Assign a mentor to someone: which mentor, and how many days the mentorship lasts; the
mentor they have now is shown above the choice."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from trainer.i18n import Translator
from trainer.ui.bindings import translate_bindings


class AssignMentorDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    AssignMentorDialog { align: center middle; }
    AssignMentorDialog > Vertical {
        width: 64; max-width: 100%; height: auto;
        border: round $primary; background: $surface; padding: 1 2;
    }
    AssignMentorDialog #assign-error { color: $error; height: auto; }
    AssignMentorDialog #current-mentor { height: auto; margin-bottom: 1; }
    AssignMentorDialog Horizontal { height: auto; }
    AssignMentorDialog Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "keys.cancel")]

    def __init__(
        self,
        tr: Translator,
        mentee_name: str,
        mentors: list[tuple[str, str]],
        days: int,
        submit: Callable[[str | None, str], str | None],
        current: str = "",
    ) -> None:
        super().__init__()
        self.tr = tr
        self.mentee_name = mentee_name
        self.mentors = mentors
        self.days = days
        self.submit = submit
        self.current = current
        """A sentence on the mentor the mentee has now (or that they have none)."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                self.tr("mentor.assign_title", name=self.mentee_name), classes="card-title"
            )
            if self.current:
                yield Static(self.current, id="current-mentor", markup=False)
            yield Label(self.tr("mentor.assign_mentor"))
            yield Select(
                [(name, person_id) for person_id, name in self.mentors],
                id="mentor",
                prompt=self.tr("mentor.assign_mentor"),
            )
            yield Label(self.tr("mentor.assign_days"))
            yield Input(str(self.days), id="days")
            yield Static("", id="assign-error")
            with Horizontal():
                yield Button(self.tr("dialog.ok"), id="ok", variant="primary")
                yield Button(self.tr("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        translate_bindings(self, self.tr)
        self.query_one("#mentor", Select).focus()

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def ok(self) -> None:
        value = self.query_one("#mentor", Select).value
        mentor = value if isinstance(value, str) else None
        error = self.submit(mentor, self.query_one("#days", Input).value.strip())
        if error:
            self.query_one("#assign-error", Static).update(error)
        else:
            self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
