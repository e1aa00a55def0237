"""The bank editor's import: which file, and where its questions go — a new bank (its id
and title chosen here, or taken from the file) or a bank that exists, appending the
questions or replacing those with the same ids. The caller does the import and either
dismisses the dialog or returns a sentence, shown here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static

from trainer.i18n import Translator
from trainer.ui.bindings import translate_bindings

NEW_BANK = "\x00new"
"""The target value that means "a new bank"; no bank id can be it."""


@dataclass(frozen=True)
class ImportChoice:
    """What the trainer chose: the file, and the bank it goes into."""

    path: str
    bank: str | None
    """An existing bank's id, or None for a new bank."""
    bank_id: str = ""
    """The new bank's id ('' : from the file, or from its name)."""
    title: str = ""
    """The new bank's title ('' : from the file, or its name)."""
    replace: bool = False
    """Into an existing bank: replace questions with the same id (else they are left out)."""


class ImportDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    ImportDialog { align: center middle; }
    ImportDialog > Vertical {
        width: 84; max-width: 100%; height: auto;
        border: round $primary; background: $surface; padding: 1 2;
    }
    ImportDialog #text-error { color: $error; height: auto; }
    ImportDialog Horizontal { height: auto; }
    ImportDialog #import-new Input { width: 1fr; }
    ImportDialog Button { margin-right: 2; }
    ImportDialog .hidden { display: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "keys.cancel")]

    def __init__(
        self,
        tr: Translator,
        banks: list[tuple[str, str]],
        submit: Callable[[ImportChoice], str | None],
        bank: str | None = None,
    ) -> None:
        """`banks`: (id, title) of each bank there is; `bank`: the one offered first as
        the target (a new bank when None)."""
        super().__init__()
        self.tr = tr
        self.banks = banks
        self.submit = submit
        self.first = bank if bank in {b for b, _ in banks} else NEW_BANK

    def compose(self) -> ComposeResult:
        t = self.tr
        with Vertical():
            yield Static(t("authoring.import_title"), classes="card-title")
            yield Label(t("authoring.import_label"))
            yield Input(id="text-value")
            yield Label(t("authoring.import_target"))
            targets = [(t("authoring.import_new_bank"), NEW_BANK)]
            targets += [(f"{title} ({bank})", bank) for bank, title in self.banks]
            yield Select(targets, id="import-target", allow_blank=False, value=self.first)
            with Horizontal(id="import-new"):
                yield Input(placeholder=t("authoring.import_bank_id"), id="import-id")
                yield Input(placeholder=t("authoring.import_bank_title"), id="import-title")
            with RadioSet(id="import-mode"):
                yield RadioButton(t("authoring.import_append"), id="append", value=True)
                yield RadioButton(t("authoring.import_replace"), id="replace")
            yield Static("", id="text-error")
            with Horizontal():
                yield Button(t("dialog.ok"), id="ok", variant="primary")
                yield Button(t("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        translate_bindings(self, self.tr)
        self._show_target()
        self.query_one("#text-value", Input).focus()

    @on(Select.Changed, "#import-target")
    def _show_target(self) -> None:
        new = self.query_one("#import-target", Select).value == NEW_BANK
        self.query_one("#import-new").set_class(not new, "hidden")
        self.query_one("#import-mode").set_class(new, "hidden")

    def choice(self) -> ImportChoice:
        target = self.query_one("#import-target", Select).value
        new = target == NEW_BANK or not isinstance(target, str)
        return ImportChoice(
            path=self.query_one("#text-value", Input).value.strip(),
            bank=None if new else str(target),
            bank_id=self.query_one("#import-id", Input).value.strip(),
            title=self.query_one("#import-title", Input).value.strip(),
            replace=self.query_one("#replace", RadioButton).value,
        )

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def ok(self) -> None:
        error = self.submit(self.choice())
        if error:
            self.query_one("#text-error", Static).update(error)
        else:
            self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
