"""First start: name the organisation and create the first trainer."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, Static

from trainer.services.accounts import AccountError
from trainer.ui.screens.base import TrainerScreen


class SetupScreen(TrainerScreen):
    """Shown when the data folder holds nobody yet."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="setup"), Vertical(classes="card"):
            yield Static(self.t("setup.title"), classes="card-title")
            yield Static(self.t("setup.intro"), classes="muted")
            yield Label(self.t("setup.organisation"))
            yield Input(id="organisation", placeholder=self.t("setup.organisation_hint"))
            yield Label(self.t("setup.name"))
            yield Input(id="name", placeholder=self.t("setup.name_hint"))
            yield Label(self.t("setup.password"))
            yield Input(id="password", password=True)
            yield Label(self.t("setup.password_again"))
            yield Input(id="password-again", password=True)
            yield Static("", id="error", classes="error")
            yield Button(self.t("setup.create"), id="create", variant="primary")
        yield Footer(compact=True)

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        if event.input.id == "password-again":
            self.create()
        else:
            self.focus_next()

    @on(Button.Pressed, "#create")
    def create(self) -> None:
        values = {
            name: self.query_one(f"#{name}", Input).value
            for name in ("organisation", "name", "password", "password-again")
        }
        error = self.query_one("#error", Static)
        if values["password"] != values["password-again"]:
            error.update(self.t("setup.passwords_differ"))
            return
        try:
            person = self.context.accounts.set_up(
                values["organisation"], values["name"], values["password"]
            )
        except AccountError as problem:
            error.update(self.t(problem.catalog_key, **problem.values))
            return
        self.trainer_app.signed_in(person)
