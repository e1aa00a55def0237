"""The trainer's gradebook: every learner at a glance, one row each (see
`trainer.services.gradebook`).

The rows are computed in a worker thread (each learner's file read once) and kept here;
filtering by team, cohort, status and search text, and sorting, work on those rows and fill
the table again, so only a change of track reads the files again (a learner's row is on the
track the filter names). `s` sorts by any column (picking the same column again reverses),
as does a click on a column's header; `/` searches; Enter opens the learner's record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Input, Static

from trainer.errors import TrainerError
from trainer.numbers import figure
from trainer.services.gradebook import STATUSES, GradebookRow, Status
from trainer.services.gradebook_reports import cleared_text, filters_text, grade_text
from trainer.ui.screens.base import TrainerScreen
from trainer.ui.timefmt import local_time

COLUMNS = (
    "name",
    "team",
    "cohort",
    "track",
    "lessons",
    "theory",
    "practical",
    "final",
    "grade",
    "cleared",
    "certificate",
    "mentor",
    "last",
    "status",
)
LISTED_AT_MOST = 250
"""Rows put in the table at most: the table measures every cell it holds, which took most of
a second for 1,000 learners, on every sort and filter. The rest are found by searching,
sorting or filtering (done here, on the rows), and `x` saves them all."""
STATUS_STYLE = {
    "not_started": "dim",
    "in_progress": "",
    "passed": "green",
    "certified": "bold green",
}


def sort_key(row: GradebookRow, column: str) -> tuple[int, Any]:
    """Numbers as numbers and text as text; a row with no value sorts last either way."""
    value: Any = {
        "name": row.name,
        "team": row.team,
        "cohort": row.cohort,
        "track": row.track,
        "lessons": row.lessons_done / row.lessons_total if row.lessons_total else None,
        "theory": row.best_theory,
        "practical": row.practical,
        "final": row.final,
        "grade": row.final if row.grade else None,
        "cleared": None if row.cleared is None else (row.cleared, row.gate_met),
        "certificate": row.certificate,
        "mentor": row.mentor_name,
        "last": row.last_activity,
        "status": STATUSES.index(row.status),
    }[column]
    return (1, 0) if value is None else (0, value)


def matches(row: GradebookRow, needle: str) -> bool:
    if not needle:
        return True
    haystack = " ".join(
        part or "" for part in (row.name, row.person_id, row.team, row.cohort, row.mentor_name)
    )
    return needle.casefold() in haystack.casefold()


class GradebookScreen(TrainerScreen):
    CSS_PATH = "records.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "keys.back"),
        Binding("enter", "open_record", "keys.open_record", show=False),
        Binding("slash", "search_focus", "keys.search"),
        Binding("s", "sort", "keys.sort"),
        Binding("t", "filter_track", "keys.filter_track"),
        Binding("m", "filter_team", "keys.filter_team"),
        Binding("h", "filter_cohort", "keys.filter_cohort"),
        Binding("f", "filter_status", "keys.filter_status"),
        Binding("d", "cohort_dashboard", "keys.cohort_dashboard"),
        Binding("x", "export", "keys.export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[GradebookRow] = []
        """Every learner's row on the chosen track (or their current one), as computed."""
        self.shown: list[GradebookRow] = []
        """The rows that pass the filters, in the table's order."""
        self.track: str | None = None
        self.team: str | None = None
        self.cohort: str | None = None
        self.status: Status | None = None
        self.sorted_by = "name"
        self.reverse = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="gradebook"):
            yield Static(self.t("gradebook.title"), classes="card-title")
            yield Static("", id="gradebook-filters", classes="muted")
            yield Input(placeholder=self.t("gradebook.search_label"), id="gradebook-search")
            yield DataTable(id="gradebook-table", cursor_type="row", zebra_stripes=True)
            yield Static(self.t("gradebook.loading"), id="gradebook-summary", classes="muted")
        yield Footer(compact=True)

    def fill(self) -> None:
        self.query_one("#gradebook-table", DataTable).focus()  # not the search box: keys act
        self.load()

    # ------------------------------------------------------------ reading

    @work(thread=True, exclusive=True, exit_on_error=False, group="gradebook")
    def load(self) -> None:
        actor = self.trainer_app.signed_in_person
        try:
            rows = self.context.gradebook.rows(actor, track=self.track)
        except TrainerError as error:
            message = self.t(error.catalog_key, **error.values)
            self.app.call_from_thread(self.notify, message, severity="error")
            return
        self.app.call_from_thread(self._loaded, rows)

    def _loaded(self, rows: list[GradebookRow]) -> None:
        self.rows = rows
        self.show_rows()

    def show_rows(self) -> None:
        """Filter, sort and put the rows in the table, keeping the cursor on its learner."""
        table = self.query_one("#gradebook-table", DataTable)
        current = self.selected()
        needle = self.query_one("#gradebook-search", Input).value.strip()
        shown = [
            row
            for row in self.rows
            if (self.team is None or row.team == self.team)
            and (self.cohort is None or row.cohort == self.cohort)
            and (self.status is None or row.status == self.status)
            and matches(row, needle)
        ]
        shown.sort(key=lambda row: (row.name, row.person_id))
        present = [row for row in shown if sort_key(row, self.sorted_by)[0] == 0]
        missing = [row for row in shown if sort_key(row, self.sorted_by)[0] == 1]
        present.sort(key=lambda row: sort_key(row, self.sorted_by), reverse=self.reverse)
        self.shown = present + missing  # no value: last, whichever way
        table.clear(columns=True)
        for column in COLUMNS:
            label = self.t(f"gradebook.column_{column}")
            if column == self.sorted_by:
                label += " ▼" if self.reverse else " ▲"
            table.add_column(label, key=column)
        for row in self.shown[:LISTED_AT_MOST]:
            table.add_row(*self._cells(row), key=row.person_id)
        if current is not None and current in {r.person_id for r in self.shown[:LISTED_AT_MOST]}:
            table.move_cursor(row=table.get_row_index(current))
        lang = self.trainer_app.tr.lang
        self.query_one("#gradebook-filters", Static).update(
            Text(
                filters_text(
                    lang,
                    self._track_title(self.track) if self.track else None,
                    self.team,
                    self.cohort,
                    self.status,
                    needle,
                )
            )
        )
        summary = self.t("gradebook.summary", count=len(self.shown))
        if len(self.shown) > LISTED_AT_MOST:
            listed = self.t("gradebook.capped", listed=LISTED_AT_MOST, count=len(self.shown))
            summary = f"{listed} {summary}"
        if not self.shown:
            summary = f"{self.t('gradebook.none')} {summary}"
        self.query_one("#gradebook-summary", Static).update(Text(summary))
        if not self.query_one("#gradebook-search", Input).has_focus:
            table.focus()

    def _track_title(self, track_id: str | None) -> str:
        if track_id is None:
            return "-"
        track = self.context.library.track(track_id)
        return track.title.get(self.trainer_app.tr.lang) if track else track_id

    def _cells(self, row: GradebookRow) -> list[Any]:
        lang = self.trainer_app.tr.lang
        cleared = cleared_text(row, lang)
        # Text, never str: a str cell is markup ("[/x]" in a name would fail), and parsing
        # it made measuring a thousand rows twice as slow
        return [
            Text(row.name),
            Text(row.team or "-"),
            Text(row.cohort or "-"),
            Text(self._track_title(row.track)),
            Text(f"{row.lessons_done}/{row.lessons_total}"),
            Text(figure(row.best_theory)),
            Text(figure(row.practical)),
            Text(figure(row.final)),
            Text(grade_text(row, lang) or "-"),
            Text(cleared or "-", style="green" if row.cleared else ""),
            Text(row.certificate or "-"),
            Text(row.mentor_name or "-"),
            Text(local_time(row.last_activity)[:10] if row.last_activity else "-"),
            Text(self.t(f"gradebook.status_{row.status}"), style=STATUS_STYLE[row.status]),
        ]

    def selected(self) -> str | None:
        table = self.query_one("#gradebook-table", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    # ------------------------------------------------------------ actions

    def action_search_focus(self) -> None:
        self.query_one("#gradebook-search", Input).focus()

    @on(Input.Changed, "#gradebook-search")
    def search_changed(self) -> None:
        self.show_rows()

    @on(Input.Submitted, "#gradebook-search")
    def search_done(self) -> None:
        self.query_one("#gradebook-table", DataTable).focus()

    def sort_by(self, column: str) -> None:
        """Sort by `column`; the column already sorted by is reversed."""
        self.reverse = not self.reverse if column == self.sorted_by else False
        self.sorted_by = column
        self.show_rows()

    @on(DataTable.HeaderSelected, "#gradebook-table")
    def header_selected(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(str(event.column_key.value))

    def action_sort(self) -> None:
        from trainer.ui.dialogs import ChoiceDialog

        def picked(column: str | None) -> None:
            if column:
                self.sort_by(column)

        choices = [(column, self.t(f"gradebook.column_{column}")) for column in COLUMNS]
        self.app.push_screen(
            ChoiceDialog(self.trainer_app.tr, self.t("gradebook.sort_by"), choices, self.sorted_by),
            picked,
        )

    def _pick(
        self,
        title: str,
        values: Sequence[tuple[str, str]],
        current: str | None,
        then: Callable[[str | None], None],
    ) -> None:
        from trainer.ui.dialogs import ChoiceDialog

        choices: list[tuple[str, str]] = [("", self.t("gradebook.all")), *values]

        def picked(value: str | None) -> None:
            if value is not None:  # None: cancelled
                then(value or None)

        self.app.push_screen(
            ChoiceDialog(self.trainer_app.tr, title, choices, current or ""), picked
        )

    def action_filter_track(self) -> None:
        def chosen(track: str | None) -> None:
            self.track = track
            self.query_one("#gradebook-summary", Static).update(self.t("gradebook.loading"))
            self.load()

        tracks = [
            (track_id, self._track_title(track_id)) for track_id in self.context.library.tracks
        ]
        self._pick(self.t("gradebook.pick_track"), tracks, self.track, chosen)

    def action_filter_team(self) -> None:
        def chosen(team: str | None) -> None:
            self.team = team
            self.show_rows()

        teams = sorted({row.team for row in self.rows if row.team})
        self._pick(self.t("gradebook.pick_team"), [(t, t) for t in teams], self.team, chosen)

    def action_filter_cohort(self) -> None:
        def chosen(cohort: str | None) -> None:
            self.cohort = cohort
            self.show_rows()

        cohorts = sorted({row.cohort for row in self.rows if row.cohort})
        self._pick(self.t("gradebook.pick_cohort"), [(c, c) for c in cohorts], self.cohort, chosen)

    def action_filter_status(self) -> None:
        def chosen(status: str | None) -> None:
            self.status = next((s for s in STATUSES if s == status), None)
            self.show_rows()

        statuses = [(s, self.t(f"gradebook.status_{s}")) for s in STATUSES]
        self._pick(self.t("gradebook.pick_status"), statuses, self.status, chosen)

    @on(DataTable.RowSelected, "#gradebook-table")
    def action_open_record(self) -> None:
        from trainer.ui.screens.mentee import MenteeScreen

        person_id = self.selected()
        if person_id is not None:
            self.app.push_screen(MenteeScreen(person_id))

    def action_cohort_dashboard(self) -> None:
        from trainer.ui.dialogs import ChoiceDialog
        from trainer.ui.screens.cohort import CohortScreen

        cohorts = sorted({row.cohort for row in self.rows if row.cohort})
        if not cohorts:
            self.notify(self.t("gradebook.no_cohorts"), severity="warning")
            return

        def picked(cohort: str | None) -> None:
            if cohort:
                self.app.push_screen(CohortScreen(cohort, self.track))

        self.app.push_screen(
            ChoiceDialog(
                self.trainer_app.tr,
                self.t("gradebook.pick_cohort_dashboard"),
                [(c, c) for c in cohorts],
                self.cohort or "",
            ),
            picked,
        )

    def action_export(self) -> None:
        from platformdirs import user_documents_dir

        from trainer.services.gradebook_reports import FORMATS, gradebook_file
        from trainer.storage.files import atomic_write_bytes
        from trainer.ui.dialogs import TextDialog

        rows = list(self.shown)
        lang = self.trainer_app.tr.lang
        needle = self.query_one("#gradebook-search", Input).value.strip()
        filters = filters_text(
            lang,
            self._track_title(self.track) if self.track else None,
            self.team,
            self.cohort,
            self.status,
            needle,
        )

        def save(value: str) -> str | None:
            if not value:
                return self.t("assessment.path_needed")
            path = Path(value).expanduser()
            if path.suffix.lower() not in FORMATS:
                return self.t("gradebook.bad_format", path=path)
            organisation = self.context.store.organisation()
            data = gradebook_file(
                rows,
                self.context.library,
                path.suffix,
                lang,
                organisation.name if organisation else "",
                filters,
            )
            try:
                atomic_write_bytes(path, data, shared=True)
            except TrainerError as error:
                return self.t(error.catalog_key, **error.values)
            self.notify(self.t("gradebook.written", path=path, count=len(rows)))
            return None

        default = Path(user_documents_dir()) / "gradebook.xlsx"
        self.app.push_screen(
            TextDialog(
                self.trainer_app.tr,
                self.t("gradebook.save_title"),
                self.t("gradebook.save_label"),
                save,
                str(default),
            )
        )
