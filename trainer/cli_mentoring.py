"""`trainer mentor assign` and `trainer report mentor`: the mentor program from the shell.

The shell is the operator's and acts with a trainer's rights, as `trainer user` does.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from trainer.i18n import Translator
from trainer.services.certificates import operator
from trainer.services.context import TrainerContext
from trainer.services.reports import dashboard_csv, mentor_report_pdf
from trainer.storage.files import atomic_write_bytes


def mentor_assign(
    context: TrainerContext,
    mentor_id: str,
    mentee_id: str,
    days: int | None,
    start: str | None,
    tr: Translator,
) -> int:
    moment = None
    if start is not None:
        try:
            moment = dt.datetime.fromisoformat(start)
        except ValueError:
            print(tr("cli.bad_date", value=start), file=sys.stderr)
            return 2
        if moment.tzinfo is None:
            moment = moment.astimezone()
    mentorship = context.mentoring.assign(operator(), mentor_id, mentee_id, moment, days)
    print(
        tr(
            "cli.mentor_assigned",
            mentor=mentor_id,
            mentee=mentee_id,
            start=mentorship.start.date().isoformat(),
            end=mentorship.end.date().isoformat(),
        )
    )
    return 0


def report_mentor(
    context: TrainerContext,
    mentor_id: str,
    mentee_id: str | None,
    output: Path | None,
    csv_file: Path | None,
    tr: Translator,
) -> int:
    mentor = context.accounts.person(mentor_id)
    rows = context.mentoring.dashboard(operator(), mentor_id)
    if mentee_id is not None:
        rows = [row for row in rows if row.person_id == mentee_id]
        if not rows:
            print(tr("cli.not_a_mentee", mentee=mentee_id, mentor=mentor_id), file=sys.stderr)
            return 1
    if output is None and csv_file is None:
        print(tr("cli.report_needs_output"), file=sys.stderr)
        return 2
    if output is not None:
        notes = {row.person_id: context.mentoring.notes(operator(), row.person_id) for row in rows}
        organisation = context.store.organisation()
        pdf = mentor_report_pdf(
            rows, notes, tr.lang, mentor.name, organisation.name if organisation else ""
        )
        atomic_write_bytes(output, pdf, shared=True)
        print(tr("cli.report_written", path=output, count=len(rows)))
    if csv_file is not None:
        atomic_write_bytes(csv_file, dashboard_csv(rows), shared=True)
        print(tr("cli.written", path=csv_file))
    return 0
