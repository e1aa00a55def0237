"""Textual's own words, in the interface language: the command palette, its system commands
and the drop-down menu's key. Textual writes them in English with no catalog to hook into,
so each is replaced where Textual lets it be (a constructor argument, an overridable
method, a class's bindings)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets._select import SelectOverlay
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from trainer.i18n import Translator


class TranslatedPalette(CommandPalette):
    """The command palette with its placeholder and "no matches" in the interface language."""

    def __init__(self, tr: Translator) -> None:
        super().__init__(placeholder=tr("palette.placeholder"), id="--command-palette")
        self.no_matches = tr("palette.no_matches")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own method with its sentence taken from the catalog (it has no hook)
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(self.no_matches, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


def translate_textual_menus(tr: Translator) -> None:
    """The drop-down list's Escape ("Dismiss menu") in the footer and the help."""
    bindings = SelectOverlay._merged_bindings
    if bindings is None:
        return
    for key, found in bindings.key_to_bindings.items():
        bindings.key_to_bindings[key] = [
            replace(binding, description=tr("palette.close_menu"))
            if binding.action == "dismiss"
            else binding
            for binding in found
        ]
