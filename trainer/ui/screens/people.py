"""People management for trainers: add, change roles, tracks, team, cohort and hire date,
reset passwords, unlock, deactivate and reactivate, remove, import a hire list, assign
mentors and see who mentored whom, and the audit log.

Each row shows the person's current mentor. Deactivated people stay listed, greyed, with
their state. Taking someone from the mentees they mentor now (removing them, deactivating
them, or taking away their mentor role) asks first, naming the mentees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static

from trainer.services.access import AccessDenied
from trainer.services.accounts import AccountError
from trainer.storage.records import Person, now
from trainer.ui.dialogs import ConfirmDialog, PasswordDialog, PersonDialog, PersonForm
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.timefmt import local_time

if TYPE_CHECKING:
    from trainer.services.people_import import ImportPlan


class PeopleScreen(TrainerScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("a", "add", "keys.add_person"),
        Binding("e,enter", "edit", "keys.edit_person"),
        Binding("w", "password", "keys.reset_password"),
        Binding("u", "unlock", "keys.unlock"),
        Binding("m", "assign_mentor", "keys.assign_mentor"),
        Binding("h", "history", "keys.mentor_history"),
        Binding("d", "deactivate", "keys.deactivate"),
        Binding("delete", "remove", "keys.remove_person"),
        Binding("i", "import_people", "keys.import_people"),
        Binding("l", "audit_log", "keys.audit_log"),
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
            self.t("people.team"),
            self.t("people.cohort"),
            self.t("people.hire_date"),
            self.t("people.mentor"),
            self.t("people.state"),
        )
        moment = now()
        people = self.context.accounts.people()
        names = {person.id: person.name for person in people}
        mentors = self.context.mentoring.current_mentors(moment)
        lang = self.trainer_app.tr.lang

        def track_title(track_id: str) -> str:
            track = self.context.library.track(track_id)
            return track.title.get(lang) if track else track_id

        for person in people:
            locked = person.locked_until is not None and person.locked_until > moment
            if not person.active:
                state = self.t("people.deactivated")
            else:
                state = self.t("people.locked") if locked else self.t("people.active")
            current = mentors.get(person.id)
            mentor = names.get(current.mentor, current.mentor) if current else "-"
            style = "" if person.active else "dim"
            cells = [
                person.id,
                person.name,
                self.t("home.separator").join(self.t(f"role.{role}") for role in person.roles),
                self.t("home.separator").join(map(track_title, person.tracks)) or "-",
                person.team or "-",
                person.cohort or "-",
                person.hire_date.isoformat() if person.hire_date else "-",
                mentor,
                state,
            ]
            # Text, not str: a str cell is markup, and "[/x]" in a name would fail
            table.add_row(*(Text(cell, style=style) for cell in cells), key=person.id)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a learner opens their record (as the gradebook does); on others, edits."""
        from trainer.ui.screens.mentee import MenteeScreen

        person = self._selected()
        if person is not None and person.has_role("learner"):
            self.app.push_screen(MenteeScreen(person.id))
        else:
            self.action_edit()

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

    def _hire_date(self, form: PersonForm) -> dt.date | None:
        """The form's hire date; ValueError when it is not YYYY-MM-DD."""
        return dt.date.fromisoformat(form.hire_date.strip()) if form.hire_date.strip() else None

    def _mentee_warning(self, person: Person) -> str | None:
        """The sentence naming whom `person` mentors now, or None when nobody."""
        mentees = self.context.mentoring.active_mentees(person.id)
        if not mentees:
            return None
        names = {p.id: p.name for p in self.context.accounts.people()}
        listed = self.t("home.separator").join(names.get(m, m) for m in mentees)
        return self.t("people.mentor_warning", count=len(mentees), names=listed)

    def _with_warning(self, warning: str | None, question: str) -> str:
        return (
            self.t("people.warning_then_question", warning=warning, question=question)
            if warning
            else question
        )

    def _ask(self, question: str, then: Callable[[], None]) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(ConfirmDialog(self.trainer_app.tr, question), answered)

    def action_add(self) -> None:
        def submit(form: PersonForm) -> str | None:
            try:
                hire_date = self._hire_date(form)
            except ValueError:
                return self.t("people.bad_hire_date", value=form.hire_date)
            try:
                person = self.context.accounts.add_person(
                    self.trainer_app.signed_in_person,
                    form.name,
                    form.roles,
                    form.password,
                    form.tracks,
                    form.person_id.strip() or None,
                    team=form.team,
                    cohort=form.cohort,
                    hire_date=hire_date,
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
        confirmed = False

        def submit(form: PersonForm) -> str | None:
            nonlocal confirmed
            try:
                hire_date = self._hire_date(form)
            except ValueError:
                return self.t("people.bad_hire_date", value=form.hire_date)
            warning = (
                self._mentee_warning(person)
                if person.has_role("mentor") and "mentor" not in form.roles
                else None
            )
            if warning and not confirmed:

                def go_ahead() -> None:
                    nonlocal confirmed
                    confirmed = True
                    dialog.save()

                self._ask(
                    self._with_warning(warning, self.t("people.confirm_mentor_role")), go_ahead
                )
                return warning
            try:
                self.context.accounts.update_person(
                    self.trainer_app.signed_in_person,
                    person.id,
                    form.name,
                    form.roles,
                    form.tracks,
                    team=form.team,
                    cohort=form.cohort,
                    hire_date=hire_date,
                )
            except (AccountError, AccessDenied) as error:
                return self._explain(error)
            return None

        dialog = PersonDialog(self.trainer_app.tr, self._track_choices(), submit, person)
        self.app.push_screen(dialog, self._refresh_after)

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

    def action_deactivate(self) -> None:
        """Deactivate the person picked (asking first), or reactivate them."""
        person = self._selected()
        if person is None:
            return
        actor = self.trainer_app.signed_in_person
        accounts = self.context.accounts

        def deactivate() -> None:
            try:
                accounts.deactivate(actor, person.id)
            except (AccountError, AccessDenied) as error:
                self.notify(self._explain(error), severity="error")
                return
            self.notify(self.t("people.deactivated_notice", name=person.name))
            self.fill()

        if not person.active:
            try:
                accounts.reactivate(actor, person.id)
            except (AccountError, AccessDenied) as error:
                self.notify(self._explain(error), severity="error")
                return
            self.notify(self.t("people.reactivated_notice", name=person.name))
            self.fill()
            return
        question = self.t("people.confirm_deactivate", name=person.name)
        warning = self._mentee_warning(person)
        self._ask(self._with_warning(warning, question), deactivate)

    def action_remove(self) -> None:
        person = self._selected()
        if person is None:
            return

        def remove() -> None:
            try:
                self.context.accounts.remove_person(self.trainer_app.signed_in_person, person.id)
            except (AccountError, AccessDenied) as error:
                self.notify(self._explain(error), severity="error")
                return
            self.notify(self.t("cli.user_removed", id=person.id))
            self.fill()

        question = self.t("people.confirm_remove", name=person.name)
        warning = self._mentee_warning(person)
        self._ask(self._with_warning(warning, question), remove)

    def action_assign_mentor(self) -> None:
        from trainer.services.mentoring import DEFAULT_DAYS, MentoringError, days_left
        from trainer.ui.dialogs import AssignMentorDialog

        person = self._selected()
        if person is None:
            return
        everyone = self.context.accounts.people()
        mentors = [
            (p.id, p.name)
            for p in everyone
            if p.has_role("mentor") and p.active and p.id != person.id
        ]
        if not mentors:
            self.notify(self.t("mentor.no_mentors"), severity="warning")
            return
        tracks = [self.context.library.track(track_id) for track_id in person.tracks]
        days = max((t.mentorship_days for t in tracks if t), default=0) or DEFAULT_DAYS
        current = self.context.mentoring.current_mentor(person.id)
        if current is None:
            now_line = self.t("people.no_current_mentor")
        else:
            names = {p.id: p.name for p in everyone}
            now_line = self.t(
                "people.current_mentor",
                mentor=names.get(current.mentor, current.mentor),
                start=local_time(current.start).split(" ")[0],
                left=days_left(current, now()),
            )

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
            AssignMentorDialog(
                self.trainer_app.tr, person.name, mentors, days, submit, current=now_line
            ),
            self._refresh_after,
        )

    def action_history(self) -> None:
        from trainer.services.mentoring import mentorship_end
        from trainer.ui.dialogs import HistoryRow, MentorHistoryDialog

        person = self._selected()
        if person is None:
            return
        names = {p.id: p.name for p in self.context.accounts.people()}
        current = self.context.mentoring.current_mentor(person.id)
        rows = [
            HistoryRow(
                mentor=names.get(m.mentor, m.mentor),
                start=local_time(m.start),
                end=local_time(mentorship_end(m)),
                days=m.days,
                assigned_by=names.get(m.assigned_by, m.assigned_by or "-"),
                current=current is not None and m.id == current.id,
            )
            for m in self.context.mentoring.mentorships(person.id)
        ]
        self.app.push_screen(MentorHistoryDialog(self.trainer_app.tr, person.name, rows))

    def action_audit_log(self) -> None:
        from trainer.ui.screens.audit_log import AuditLogScreen

        self.app.push_screen(AuditLogScreen())

    # ------------------------------------------------------------ importing a hire list

    def action_import_people(self) -> None:
        from trainer.services.people_import import PeopleImportError, check_people_file
        from trainer.ui.dialogs import TextDialog

        checked: dict[str, object] = {}

        def submit(text: str) -> str | None:
            if not text:
                return self.t("people.import_no_file")
            path = Path(text).expanduser()
            if not path.is_file():
                return self.t("people.import_missing", path=str(path))
            try:
                plan = check_people_file(path, self.context.accounts, self.context.library)
            except PeopleImportError as error:
                return self.t(error.catalog_key, **error.values)
            checked.update(path=path, plan=plan)
            return None

        def opened(ok: bool | None) -> None:
            if ok:
                self._show_report(checked["path"], checked["plan"])  # type: ignore[arg-type]

        self.app.push_screen(
            TextDialog(
                self.trainer_app.tr,
                self.t("people.import_title"),
                self.t("people.import_file"),
                submit,
            ),
            opened,
        )

    def _show_report(self, path: Path, plan: ImportPlan) -> None:
        from trainer.ui.dialogs import ImportReportDialog

        lang = self.trainer_app.tr.lang
        if plan.refused:
            report = "\n".join(refusal.message(lang) for refusal in plan.refused)
            summary = self.t("people.import_refused", refused=len(plan.refused))
        else:
            separator = self.t("home.separator")
            report = "\n".join(
                f"{p.row:>5}  {p.person_id}  {p.name}  "
                + separator.join(self.t(f"role.{role}") for role in p.roles)
                for p in plan.people
            )
            summary = self.t(
                "people.import_ready", added=len(plan.people), path=str(passwords_path(path))
            )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.notify(self.t("people.importing", count=len(plan.people)))
                self._import(plan, passwords_path(path))

        self.app.push_screen(
            ImportReportDialog(
                self.trainer_app.tr, self.t("people.import_title"), report, summary, plan.ok
            ),
            confirmed,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="people-import")
    def _import(self, plan: ImportPlan, passwords: Path) -> None:
        """Hash the one-time passwords and write everyone (a few seconds for 1,000 people),
        off the screen's thread; the password file is written before the roster and taken
        back if the roster's write fails."""
        from trainer.services.people_import import passwords_csv
        from trainer.storage.files import StorageError, atomic_write_bytes

        lang = self.trainer_app.tr.lang

        def deliver(added: list[tuple[Person, str]]) -> None:
            rows = [(person.id, person.name, password) for person, password in added]
            atomic_write_bytes(passwords, passwords_csv(rows, lang))  # private: 0600

        try:
            added = self.context.accounts.import_people(
                self.trainer_app.signed_in_person, plan, deliver
            )
        except (AccountError, AccessDenied, StorageError) as error:
            if passwords.exists():
                passwords.unlink(missing_ok=True)
            message = self.t(error.catalog_key, **error.values)
            self.app.call_from_thread(self.notify, message, severity="error", timeout=15)
            return
        self.app.call_from_thread(self._imported, len(added), passwords)

    def _imported(self, count: int, passwords: Path) -> None:
        self.notify(self.t("people.imported", added=count, path=str(passwords)), timeout=30)
        self.fill()


def passwords_path(source: Path) -> Path:
    """Where an import from `source` writes its one-time passwords: beside it, under a name
    no file has yet (never over an earlier import's passwords)."""
    number = 0
    while True:
        suffix = f"-{number}" if number else ""
        candidate = source.with_name(f"{source.stem}-passwords{suffix}.csv")
        if not candidate.exists():
            return candidate
        number += 1
