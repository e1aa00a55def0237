"""Add or edit a person: name, id and password (when adding), roles, assigned tracks, and
where they sit in the organisation (team, cohort, hire date)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, SelectionList, Static

from trainer.i18n import Translator
from trainer.roles import ROLES, Role
from trainer.storage.records import Person
from trainer.ui.bindings import translate_bindings


@dataclass(frozen=True)
class PersonForm:
    """What the dialog collected."""

    name: str
    person_id: str
    password: str
    roles: list[Role]
    tracks: list[str]
    team: str = ""
    cohort: str = ""
    hire_date: str = ""
    """As typed: the caller reads it as YYYY-MM-DD, empty for none."""


class PersonDialog(ModalScreen[bool]):
    """`submit` checks and saves the form and returns an error sentence, or None when done."""

    DEFAULT_CSS = """
    PersonDialog { align: center middle; }
    PersonDialog > VerticalScroll {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 1 2;
    }
    PersonDialog SelectionList { height: auto; max-height: 8; margin-bottom: 1; }
    PersonDialog #person-error { color: $error; height: auto; }
    PersonDialog Horizontal { height: auto; }
    PersonDialog #person-place { height: auto; }
    PersonDialog #person-place > Vertical { height: auto; width: 1fr; margin-right: 1; }
    PersonDialog Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "keys.cancel")]

    def __init__(
        self,
        tr: Translator,
        tracks: list[tuple[str, str]],
        submit: Callable[[PersonForm], str | None],
        person: Person | None = None,
    ) -> None:
        super().__init__()
        self.tr = tr
        self.tracks = tracks
        self.submit = submit
        self.person = person

    def compose(self) -> ComposeResult:
        tr, person = self.tr, self.person
        with VerticalScroll():
            yield Static(
                tr("people.edit_title" if person else "people.add_title"), classes="card-title"
            )
            yield Label(tr("people.name"))
            yield Input(person.name if person else "", id="person-name")
            if person is None:
                yield Label(tr("people.id"))
                yield Input(id="person-id", placeholder=tr("people.id_hint"))
                yield Label(tr("people.password"))
                yield Input(id="person-password", password=True)
            yield Label(tr("people.roles"))
            yield SelectionList[str](
                *(
                    (tr(f"role.{role}"), role, bool(person and role in person.roles))
                    for role in ROLES
                ),
                id="person-roles",
            )
            yield Label(tr("people.tracks"))
            yield SelectionList[str](
                *(
                    (title, track_id, bool(person and track_id in person.tracks))
                    for track_id, title in self.tracks
                ),
                id="person-tracks",
            )
            with Horizontal(id="person-place"):
                for field, value in (
                    ("team", person.team if person else None),
                    ("cohort", person.cohort if person else None),
                    (
                        "hire_date",
                        person.hire_date.isoformat() if person and person.hire_date else None,
                    ),
                ):
                    with Vertical():
                        yield Label(tr(f"people.{field}"))
                        yield Input(
                            value or "",
                            id=f"person-{field.replace('_', '-')}",
                            placeholder=tr(f"people.{field}_hint"),
                        )
            yield Static("", id="person-error")
            with Horizontal():
                yield Button(tr("dialog.save"), id="save", variant="primary")
                yield Button(tr("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        translate_bindings(self, self.tr)
        self.query_one("#person-name", Input).focus()

    def _form(self) -> PersonForm:
        return PersonForm(
            name=self._value("#person-name"),
            person_id=self._value("#person-id"),
            password=self._value("#person-password"),
            roles=[
                role
                for role in ROLES
                if role in self.query_one("#person-roles", SelectionList).selected
            ],
            tracks=list(self.query_one("#person-tracks", SelectionList).selected),
            team=self._value("#person-team"),
            cohort=self._value("#person-cohort"),
            hire_date=self._value("#person-hire-date"),
        )

    def has_unsaved_work(self) -> bool:
        """Asked by the app before it quits: whether the form differs from what it opened
        with."""
        person, form = self.person, self._form()
        opened = (
            (
                person.name,
                set(person.roles),
                set(person.tracks),
                person.team or "",
                person.cohort or "",
                person.hire_date.isoformat() if person.hire_date else "",
            )
            if person
            else ("", set(), set(), "", "", "")
        )
        now = (
            form.name,
            set(form.roles),
            set(form.tracks),
            form.team,
            form.cohort,
            form.hire_date,
        )
        return now != opened or bool(form.person_id or form.password)

    def _value(self, selector: str) -> str:
        found = self.query(selector)
        return found.first(Input).value if found else ""

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def save(self) -> None:
        error = self.submit(self._form())
        if error:
            self.query_one("#person-error", Static).update(error)
        else:
            self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
