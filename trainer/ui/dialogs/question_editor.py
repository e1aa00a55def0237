"""Edit one question as YAML (every type, comments kept), checked as you type: the line and
field at fault are named under the text, and the change is taken only when it is valid."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from trainer.i18n import Translator
from trainer.services.authoring import QuestionCheck
from trainer.ui.bindings import translate_bindings


class QuestionEditor(ModalScreen[bool]):
    DEFAULT_CSS = """
    QuestionEditor { align: center middle; }
    QuestionEditor > Vertical {
        width: 96; max-width: 100%; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    QuestionEditor TextArea { height: 1fr; }
    QuestionEditor #question-check { height: auto; max-height: 4; }
    QuestionEditor #question-check.bad { color: $error; }
    QuestionEditor #question-check.good { color: $success; }
    QuestionEditor Horizontal { height: auto; }
    QuestionEditor Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "keys.apply"),
        Binding("escape", "cancel", "keys.cancel"),
    ]

    def __init__(
        self,
        tr: Translator,
        title: str,
        text: str,
        check: Callable[[str], QuestionCheck],
        apply: Callable[[str], QuestionCheck],
    ) -> None:
        super().__init__()
        self.tr = tr
        self.title_text = title
        self.text = text
        self.check = check
        self.apply = apply

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="card-title")
            yield TextArea(self.text, id="question-text", soft_wrap=True, show_line_numbers=True)
            yield Static("", id="question-check")
            with Horizontal():
                yield Button(self.tr("dialog.save"), id="apply", variant="primary")
                yield Button(self.tr("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        translate_bindings(self, self.tr)
        self.query_one(TextArea).focus()
        self._show(self.check(self.text))

    def has_unsaved_work(self) -> bool:
        """Asked by the app before it quits: whether the text was changed and not applied."""
        return self.query_one(TextArea).text != self.text

    def _show(self, result: QuestionCheck) -> None:
        line = self.query_one("#question-check", Static)
        if result.problems:
            line.update(result.sentence(self.tr.lang))
            line.set_classes("bad")
        else:
            line.update(self.tr("authoring.valid"))
            line.set_classes("good")

    @on(TextArea.Changed)
    def changed(self) -> None:
        self._show(self.check(self.query_one(TextArea).text))

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        result = self.apply(self.query_one(TextArea).text)
        if result.problems:
            self._show(result)
        else:
            self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
