"""In a browser, before anyone is on the roster: how the host creates the organisation.

`trainer serve` never offers the first-run setup (the first visitor would make themselves the
organisation's trainer); this screen stands in its place and cannot be left but by quitting.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static

from trainer.ui.screens.base import TrainerScreen


class NoOrganisationScreen(TrainerScreen):
    """Shown instead of the setup when the app is served and the data folder holds nobody."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="no-organisation", classes="card"):
            yield Static(self.t("serve.needs_organisation"), id="how-to-set-up", markup=False)
        yield Footer(compact=True)
