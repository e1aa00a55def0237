"""Command palette: every action of the current screen, plus the app's own, by name.

The palette lists the same actions the footer shows (in the current language), so anything
a key does can also be found by typing what it is called.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from trainer.ui.bindings import shown_actions

if TYPE_CHECKING:
    from trainer.ui.app import TrainerApp


class ScreenActions(Provider):
    def _actions(self) -> list[tuple[str, str, object]]:
        """(description, action, node to run it on) for every shown binding in force."""
        app = cast("TrainerApp", self.app)
        found = [
            (shown.description, shown.action, shown.node)
            for shown in shown_actions(self.screen, app)
        ]
        return [
            *found,
            (app.tr("keys.about"), "about", app),
        ]

    def _run(self, node: object, action: str) -> None:
        self.app.call_later(node.run_action, action)  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for description, action, node in self._actions():
            yield DiscoveryHit(description, partial(self._run, node, action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, action, node in self._actions():
            score = matcher.match(description)
            if score > 0:
                yield Hit(score, matcher.highlight(description), partial(self._run, node, action))
