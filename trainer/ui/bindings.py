"""Key bindings whose descriptions follow the interface language.

A binding's description in `BINDINGS` is a catalog key (`keys.sign_out`); `translate_bindings`
puts the current language's text in its place on one node, so the footer and the help show
it, and switching language simply translates again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from textual.app import App
from textual.dom import DOMNode
from textual.screen import Screen

from trainer.i18n import Translator

CATALOG_PREFIX = "keys."


def translate_bindings(node: DOMNode, tr: Translator) -> None:
    source = type(node)._merged_bindings
    if source is None:
        return
    for key, bindings in source.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(binding, description=tr(binding.description))
            if binding.description.startswith(CATALOG_PREFIX)
            else binding
            for binding in bindings
        ]
    node.refresh_bindings()


@dataclass(frozen=True)
class ShownAction:
    """A binding in force that a person can see: for the help dialog and the palette."""

    key: str
    description: str
    action: str
    node: DOMNode


def shown_actions(screen: Screen[Any], app: App[Any]) -> list[ShownAction]:
    """The bindings of `screen` that it allows now, then the app's, each action once."""
    found: dict[str, ShownAction] = {}
    for node in (screen, app):
        for bindings in node._bindings.key_to_bindings.values():
            for binding in bindings:
                if not binding.show or not binding.description or binding.action in found:
                    continue
                if node is screen and screen.check_action(binding.action, ()) is False:
                    continue
                found[binding.action] = ShownAction(
                    app.get_key_display(binding), binding.description, binding.action, node
                )
    return list(found.values())
