"""Sign-in: find yourself by typing part of your name, then give your password.

Deactivated people are not listed; a search that finds only deactivated people says so in
one sentence (a trainer can reactivate them). Someone given a one-time password (the
hire-list import) chooses their own before their home opens."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from trainer.services.directory import Listed

if TYPE_CHECKING:
    from trainer.storage.records import Person
from trainer.ui.screens.base import TrainerScreen


class SignInScreen(TrainerScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_search", "keys.clear_search"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.everyone: list[Listed] = []
        """Who can sign in, as last read from the roster."""
        self.telling_deactivated = False
        """Whether the error line says that the people searched for are deactivated."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sign-in", classes="card"):
            yield Static(self.t("signin.title"), classes="card-title")
            yield Label(self.t("signin.search"))
            yield Input(id="search", placeholder=self.t("signin.search_hint"))
            yield OptionList(id="people")
            yield Label(self.t("signin.password"))
            yield Input(id="password", password=True, placeholder=self.t("signin.password_hint"))
            yield Static("", id="error", classes="error")
            yield Button(self.t("signin.button"), id="sign-in-button", variant="primary")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        # load the content while the person types, once this screen is up and usable
        self.set_timer(0.3, self._warm_up)

    def fill(self) -> None:
        # read once here, filtered as the person types
        self.everyone = self.context.directory.people()
        self.show_people("")
        self.query_one("#search", Input).focus()

    def _warm_up(self) -> None:
        self.run_worker(self.context.warm_up, thread=True, exit_on_error=False, group="warm-up")

    def show_people(self, text: str) -> None:
        """List the people whose name or id contains `text` (case-insensitive)."""
        needle = text.strip().lower()
        found = [
            person
            for person in self.everyone
            if needle in person.name.lower() or needle in person.id
        ]
        people = [person for person in found if person.active]
        deactivated = [person for person in found if not person.active]
        error = self.query_one("#error", Static)
        if needle and deactivated and not people:
            error.update(self.t("accounts.deactivated", name=deactivated[0].name))
            self.telling_deactivated = True
        elif self.telling_deactivated:  # any other sentence there stays
            error.update("")
            self.telling_deactivated = False
        listing = self.query_one("#people", OptionList)
        listing.clear_options()
        listing.add_options(
            # Text, not a str: a str prompt is markup, and "[/x]" in a name would end the screen
            Option(Text(f"{person.name}  ({person.id})"), id=person.id)
            for person in people
        )
        if people:
            listing.highlighted = 0

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.show_people(event.value)

    @on(Input.Submitted, "#search")
    @on(OptionList.OptionSelected, "#people")
    def to_password(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#sign-in-button")
    def sign_in(self) -> None:
        from trainer.services.accounts import AccountError  # the warm-up has imported it

        listing = self.query_one("#people", OptionList)
        error = self.query_one("#error", Static)
        password = self.query_one("#password", Input)
        if listing.highlighted is None:
            error.update(self.t("signin.pick_someone"))
            return
        person_id = listing.get_option_at_index(listing.highlighted).id or ""
        from trainer.storage.files import StorageError

        try:
            person = self.context.accounts.sign_in(person_id, password.value)
            # a damaged record file is this person's alone: say so here, where everyone
            # else can still sign in, rather than close the app from their home screen
            self.context.store.person_file(person_id).check()
        except (AccountError, StorageError) as problem:
            password.value = ""
            error.update(self.t(problem.catalog_key, **problem.values))
            return
        if person.must_change_password:
            self._choose_password(person)
            return
        self.reset()  # this screen stays beneath the session: keep no password in it
        self.trainer_app.signed_in(person)

    def _choose_password(self, person: Person) -> None:
        """First sign-in with a one-time password: the person's own password first, or no
        session at all."""
        from trainer.services.accounts import AccountError
        from trainer.ui.dialogs import PasswordDialog

        accounts = self.context.accounts

        def submit(password: str) -> str | None:
            try:
                accounts.set_password(person, person.id, password)
            except AccountError as error:
                return self.t(error.catalog_key, **error.values)
            return None

        def chosen(saved: bool | None) -> None:
            self.reset()
            if saved:
                self.trainer_app.signed_in(accounts.person(person.id))
            else:
                self.query_one("#error", Static).update(self.t("signin.password_needed"))

        dialog = PasswordDialog(
            self.trainer_app.tr,
            person.name,
            submit,
            title=self.t("signin.choose_password_title", name=person.name),
            note=self.t("signin.choose_password_note"),
        )
        self.app.push_screen(dialog, chosen)

    def reset(self) -> None:
        """Ready for the next person, as after signing out: everything typed is cleared and
        the list is read again (the session may have added people)."""
        self.query_one("#search", Input).value = ""
        self.query_one("#password", Input).value = ""
        self.query_one("#error", Static).update("")
        self.fill()

    def action_clear_search(self) -> None:
        self.query_one("#search", Input).value = ""
        self.query_one("#search", Input).focus()
