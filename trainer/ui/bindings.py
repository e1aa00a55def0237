"""Key bindings whose descriptions follow the interface language.

A binding's description in `BINDINGS` is a catalog key (`keys.sign_out`); `translate_bindings`
puts the current language's text in its place on one node, so the footer and the help show
it, and switching language simply translates again.
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

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
