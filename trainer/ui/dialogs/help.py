"""The help dialog (every key of the screen below) and the About dialog."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from trainer.i18n import Translator
from trainer.ui.bindings import translate_bindings

_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > VerticalScroll {{
    width: 70; max-width: 100%; height: auto; max-height: 100%;
    border: round $primary; background: $surface; padding: 1 2;
}}
"""


class HelpDialog(ModalScreen[None]):
    DEFAULT_CSS = _DIALOG_CSS.format(name="HelpDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "keys.close"),
        Binding("a", "about", "keys.about"),
    ]

    def __init__(self, tr: Translator, keys: list[tuple[str, str]], about: tuple[str, str]) -> None:
        super().__init__()
        self.tr = tr
        self.keys = keys
        self.about = about

    def compose(self) -> ComposeResult:
        width = max((cell_len(key) for key, _ in self.keys), default=4) + 2
        lines = [
            f"[b]{key}[/b]{' ' * (width - cell_len(key))}{description}"
            for key, description in self.keys
        ]
        with VerticalScroll():
            yield Static(self.tr("help.title"), classes="card-title")
            yield Static("\n".join(lines), id="help-keys")
            yield Static("\n" + self.tr("help.footer"), classes="muted")

    def action_about(self) -> None:
        self.app.switch_screen(AboutDialog(self.tr, *self.about))

    def on_mount(self) -> None:
        translate_bindings(self, self.tr)


class AboutDialog(ModalScreen[None]):
    DEFAULT_CSS = _DIALOG_CSS.format(name="AboutDialog")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,enter", "dismiss", "keys.close")]

    def __init__(self, tr: Translator, version: str, where: str) -> None:
        super().__init__()
        self.tr = tr
        self.version = version
        self.where = where

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.tr("about.title", version=self.version), classes="card-title")
            yield Static(self.tr("about.text"))
            yield Static(self.where, id="about-where", classes="muted")

    def on_mount(self) -> None:
        translate_bindings(self, self.tr)
