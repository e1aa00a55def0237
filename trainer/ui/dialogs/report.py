"""Save a mentor progress report: a PDF, or the figures as CSV when the file ends in .csv."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from trainer.services.reports import dashboard_csv, mentor_report_pdf
from trainer.storage.files import atomic_write_bytes
from trainer.ui.dialogs.text import TextDialog

if TYPE_CHECKING:
    from trainer.ui.screens.base import TrainerScreen


def report_dialog(screen: TrainerScreen, mentor_id: str, mentee_id: str | None) -> TextDialog:
    """Ask where to save the report on `mentor_id`'s mentees (or one of them), then save it."""
    from platformdirs import user_documents_dir

    context = screen.context
    actor = screen.trainer_app.signed_in_person
    name = mentee_id or mentor_id
    default = Path(user_documents_dir()) / f"mentor-report-{name}.pdf"

    def save(value: str) -> str | None:
        if not value:
            return screen.t("assessment.path_needed")
        path = Path(value).expanduser()
        rows = context.mentoring.dashboard(actor, mentor_id)
        if mentee_id is not None:
            rows = [row for row in rows if row.person_id == mentee_id]
        if path.suffix.lower() == ".csv":
            data = dashboard_csv(rows)
        else:
            notes = context.mentoring.notes_of(actor, [row.person_id for row in rows])
            organisation = context.store.organisation()
            mentor = context.accounts.person(mentor_id)
            data = mentor_report_pdf(
                rows,
                notes,
                screen.trainer_app.tr.lang,
                mentor.name,
                organisation.name if organisation else "",
            )
        try:
            atomic_write_bytes(path, data, shared=True)
        except OSError as error:
            return screen.t("assessment.cannot_write", path=path, error=error.strerror or error)
        screen.notify(screen.t("assessment.saved", path=path))
        return None

    return TextDialog(
        screen.trainer_app.tr,
        screen.t("mentor.report_title"),
        screen.t("mentor.report_label"),
        save,
        str(default),
    )
