"""People management for trainers: add, change roles and tracks, reset passwords, unlock."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static

from trainer.services.access import AccessDenied
from trainer.services.accounts import AccountError
from trainer.storage.records import Person, now
from trainer.ui.dialogs import PasswordDialog, PersonDialog, PersonForm
from trainer.ui.screens.base import TrainerScreen


class PeopleScreen(TrainerScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("a", "add", "keys.add_person"),
        Binding("e,enter", "edit", "keys.edit_person"),
        Binding("w", "password", "keys.reset_password"),
        Binding("u", "unlock", "keys.unlock"),
        Binding("m", "assign_mentor", "keys.assign_mentor"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.t("people.title"), classes="card-title", id="people-title")
        yield DataTable(id="people-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def fill(self) -> None:
        table = self.query_one("#people-table", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_columns(
            self.t("people.id"),
            self.t("people.name"),
            self.t("people.roles"),
            self.t("people.tracks"),
            self.t("people.state"),
        )
        moment = now()
        lang = self.trainer_app.tr.lang

        def track_title(track_id: str) -> str:
            track = self.context.library.track(track_id)
            return track.title.get(lang) if track else track_id

        for person in self.context.accounts.people():
            locked = person.locked_until is not None and person.locked_until > moment
            table.add_row(
                person.id,
                Text(person.name),  # a str cell is markup: "[/x]" in a name would fail
                self.t("home.separator").join(self.t(f"role.{role}") for role in person.roles),
                self.t("home.separator").join(map(track_title, person.tracks)) or "-",
                self.t("people.locked") if locked else self.t("people.active"),
                key=person.id,
            )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        table.focus()

    def _selected(self) -> Person | None:
        table = self.query_one("#people-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.context.accounts.person(str(key))

    def _explain(self, error: AccountError | AccessDenied) -> str:
        return self.t(error.catalog_key, **error.values)

    def _track_choices(self) -> list[tuple[str, str]]:
        lang = self.trainer_app.tr.lang
        return [
            (track_id, loaded.model.title.get(lang))
            for track_id, loaded in self.context.library.tracks.items()
        ]

    def _refresh_after(self, saved: bool | None) -> None:
        if saved:
            self.fill()

    def action_add(self) -> None:
        def submit(form: PersonForm) -> str | None:
            try:
                person = self.context.accounts.add_person(
                    self.trainer_app.signed_in_person,
                    form.name,
                    form.roles,
                    form.password,
                    form.tracks,
                    form.person_id.strip() or None,
                )
            except (AccountError, AccessDenied) as error:
                return self._explain(error)
            self.notify(self.t("cli.user_added", name=person.name, id=person.id))
            return None

        self.app.push_screen(
            PersonDialog(self.trainer_app.tr, self._track_choices(), submit), self._refresh_after
        )

    def action_edit(self) -> None:
        person = self._selected()
        if person is None:
            return

        def submit(form: PersonForm) -> str | None:
            try:
                self.context.accounts.update_person(
                    self.trainer_app.signed_in_person, person.id, form.name, form.roles, form.tracks
                )
            except (AccountError, AccessDenied) as error:
                return self._explain(error)
            return None

        self.app.push_screen(
            PersonDialog(self.trainer_app.tr, self._track_choices(), submit, person),
            self._refresh_after,
        )

    def action_password(self) -> None:
        person = self._selected()
        if person is None:
            return

        def submit(password: str) -> str | None:
            try:
                self.context.accounts.set_password(
                    self.trainer_app.signed_in_person, person.id, password
                )
            except (AccountError, AccessDenied) as error:
                return self._explain(error)
            self.notify(self.t("cli.password_set", id=person.id))
            return None

        self.app.push_screen(
            PasswordDialog(self.trainer_app.tr, person.name, submit), self._refresh_after
        )

    def action_unlock(self) -> None:
        person = self._selected()
        if person is None:
            return
        self.context.accounts.unlock(self.trainer_app.signed_in_person, person.id)
        self.notify(self.t("cli.unlocked", id=person.id))
        self.fill()

    def action_assign_mentor(self) -> None:
        from trainer.services.mentoring import DEFAULT_DAYS, MentoringError
        from trainer.ui.dialogs import AssignMentorDialog

        person = self._selected()
        if person is None:
            return
        mentors = [
            (p.id, p.name)
            for p in self.context.accounts.people()
            if p.has_role("mentor") and p.id != person.id
        ]
        if not mentors:
            self.notify(self.t("mentor.no_mentors"), severity="warning")
            return
        tracks = [self.context.library.track(track_id) for track_id in person.tracks]
        days = max((t.mentorship_days for t in tracks if t), default=0) or DEFAULT_DAYS

        def submit(mentor_id: str | None, days_text: str) -> str | None:
            if mentor_id is None:
                return self.t("mentor.pick_mentor")
            try:  # not isdigit(): it takes "²", which int() refuses
                length = int(days_text)
            except ValueError:
                return self.t("mentor.bad_days")
            try:  # the service holds the range, as it does for `trainer mentor assign`
                self.context.mentoring.assign(
                    self.trainer_app.signed_in_person, mentor_id, person.id, days=length
                )
            except (MentoringError, AccessDenied) as error:
                return self.t(error.catalog_key, **error.values)
            mentor_name = dict(mentors).get(mentor_id, mentor_id)
            self.notify(self.t("mentor.assigned", mentor=mentor_name, mentee=person.name))
            return None

        self.app.push_screen(
            AssignMentorDialog(self.trainer_app.tr, person.name, mentors, days, submit),
            self._refresh_after,
        )
