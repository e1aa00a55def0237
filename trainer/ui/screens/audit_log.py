"""The audit log for trainers: who did what to whom and when, newest first, filtered by a
person (their id or part of their name, as the one who acted or the one acted on) and by
action. The newest SHOWN_ROWS matching events are listed; the count says how many match."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from trainer.i18n import catalog
from trainer.storage.records import AuditEvent
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.timefmt import local_time

SHOWN_ROWS = 500
ALL_ACTIONS = "*"


class AuditLogScreen(TrainerScreen):
    DEFAULT_CSS = """
    AuditLogScreen #audit-filters { height: auto; }
    AuditLogScreen #audit-person { width: 1fr; }
    AuditLogScreen #audit-action { width: 36; }
    AuditLogScreen #audit-count { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("slash", "find", "keys.audit_find"),
    ]

    def __init__(self, person: str = "") -> None:
        super().__init__()
        self.events: list[AuditEvent] = []
        self.names: dict[str, str] = {}
        self.start_person = person
        """A person id to filter by when the screen opens (the person picked on the
        people screen), or '' for everyone."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.t("audit.title"), classes="card-title")
        with Horizontal(id="audit-filters"):
            yield Input(
                self.start_person, id="audit-person", placeholder=self.t("audit.person_hint")
            )
            yield Select[str]([], id="audit-action", prompt=self.t("audit.all_actions"))
        yield Static("", id="audit-count")
        yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def fill(self) -> None:
        accounts = self.context.accounts
        self.events = accounts.audit_log(self.trainer_app.signed_in_person)
        self.names = {person.id: person.name for person in accounts.people()}
        actions = sorted({event.action for event in self.events})
        select = self.query_one("#audit-action", Select)
        chosen = select.value
        select.set_options([(self.action_label(action), action) for action in actions])
        if isinstance(chosen, str) and chosen in actions:
            select.value = chosen
        self.show()

    def action_label(self, action: str) -> str:
        """The action in words, when the catalog has them (the raw name otherwise)."""
        key = "action_" + action.replace(".", "_")
        words = catalog(self.trainer_app.tr.lang).get(f"audit.{key}")
        return words if isinstance(words, str) else action

    def who(self, person_id: str) -> str:
        name = self.names.get(person_id)
        return f"{name} ({person_id})" if name else person_id

    def matching(self) -> list[AuditEvent]:
        needle = self.query_one("#audit-person", Input).value.strip().casefold()
        action = self.query_one("#audit-action", Select).value
        found = self.events
        if isinstance(action, str):
            found = [event for event in found if event.action == action]
        if needle:
            found = [
                event
                for event in found
                if any(
                    needle in person.casefold() or needle in self.names.get(person, "").casefold()
                    for person in (event.actor, event.subject)
                )
            ]
        return found

    def show(self) -> None:
        found = self.matching()
        table = self.query_one("#audit-table", DataTable)
        table.clear(columns=True)
        table.add_columns(
            self.t("audit.when"),
            self.t("audit.who"),
            self.t("audit.action"),
            self.t("audit.subject"),
            self.t("audit.detail"),
        )
        for event in found[:SHOWN_ROWS]:
            table.add_row(
                local_time(event.at),
                Text(self.who(event.actor)),  # Text: a name is never markup
                self.action_label(event.action),
                Text(self.who(event.subject)),
                Text(event.detail),
            )
        count = self.query_one("#audit-count", Static)
        if len(found) > SHOWN_ROWS:
            count.update(self.t("audit.count_shown", shown=SHOWN_ROWS, count=len(found)))
        else:
            count.update(self.t("audit.count", count=len(found)))

    @on(Input.Changed, "#audit-person")
    @on(Select.Changed, "#audit-action")
    def filters_changed(self) -> None:
        self.show()

    @on(Input.Submitted, "#audit-person")
    def to_table(self) -> None:
        self.query_one("#audit-table", DataTable).focus()

    def action_find(self) -> None:
        self.query_one("#audit-person", Input).focus()
