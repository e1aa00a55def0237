"""A mentor's mentees, one row each: where they stand, sortable by any column (click its
header), those who need attention marked ⚠ in red."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.widgets import DataTable

from trainer.i18n import Translator
from trainer.numbers import figure
from trainer.services.mentoring import MenteeRow

COLUMNS = (
    "attention",
    "name",
    "days",
    "lessons",
    "theory",
    "practical",
    "weakest",
    "last",
    "signed",
)


class MenteeTable(DataTable[Any]):
    """Rows keyed by mentee id; `show` fills it in the current language."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._sorted_by: str | None = None
        self._reverse = False

    def show(self, rows: list[MenteeRow], tr: Translator) -> None:
        self.clear(columns=True)
        for column in COLUMNS:
            self.add_column(tr(f"mentor.column_{column}"), key=column)
        for row in rows:
            attention = "、".join(tr(f"reports.attention_{a}") for a in row.attention)
            days = Text(str(row.days_left), style="bold red" if row.days_left < 0 else "")
            cells: list[Any] = [
                Text("⚠ " + attention, style="bold red") if attention else Text("✓", "green"),
                # Text, never str: a str cell is markup ("[/x]" in a name would fail), and
                # parsing it made measuring 500 rows twice as slow
                Text(row.name),
                days,
                Text(f"{row.lessons_done}/{row.lessons_total}"),
                Text(figure(row.best_theory)),
                Text(figure(row.best_practical)),
                Text(tr(f"roleplay.step_{row.weakest_step}") if row.weakest_step else "-"),
                Text(
                    row.last_activity.astimezone().strftime("%m-%d %H:%M")
                    if row.last_activity
                    else "-"
                ),
                Text(tr("reports.yes") if row.signed_off else tr("reports.no")),
            ]
            self.add_row(*cells, key=row.person_id)

    @on(DataTable.HeaderSelected)
    def sort_by_header(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        self._reverse = not self._reverse if self._sorted_by == key else False
        self._sorted_by = key
        self.sort(event.column_key, key=_sort_key, reverse=self._reverse)


def _sort_key(cell: Any) -> tuple[int, float | str]:
    """Numbers sort as numbers ("9" before "10", "-" last), everything else as text."""
    text = cell.plain if isinstance(cell, Text) else str(cell)
    head = text.split("/")[0].split()[0] if text.strip() else ""
    try:
        return (0, float(head))
    except ValueError:
        return (1, text)
