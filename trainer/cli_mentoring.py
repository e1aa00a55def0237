"""`trainer mentor assign` and `trainer report mentor`: the mentor program from the shell.

The shell is the operator's and acts with a trainer's rights, as `trainer user` does.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from trainer.cli import printable
from trainer.cli_output import check_output, write_output
from trainer.i18n import Translator
from trainer.services.certificates import operator
from trainer.services.context import TrainerContext
from trainer.services.mentoring import check_days, check_start
from trainer.services.reports import dashboard_csv, mentor_report_pdf


def mentor_assign(
    context: TrainerContext,
    mentor_id: str,
    mentee_id: str,
    days: int | None,
    start: str | None,
    tr: Translator,
) -> int:
    if days is not None:
        check_days(days)  # here as well as in the service: before the people are looked up
    moment = None
    if start is not None:
        try:
            moment = dt.datetime.fromisoformat(start)
        except ValueError:
            print(tr("cli.bad_date", value=printable(start)), file=sys.stderr)
            return 2
        check_start(moment)  # before converting: the year 1 has no local time
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
    force: bool,
    tr: Translator,
) -> int:
    if output is None and csv_file is None:
        print(tr("cli.report_needs_output"), file=sys.stderr)
        return 2
    for path in (output, csv_file):
        if path is not None:
            check_output(path, force, tr)
    mentor = context.accounts.person(mentor_id)
    rows = context.mentoring.dashboard(operator(), mentor_id)
    if not rows:  # not a mentor, or no mentees: an empty report would pass for a real one
        print(tr("cli.no_mentees", mentor=printable(mentor_id)), file=sys.stderr)
        return 1
    if mentee_id is not None:
        rows = [row for row in rows if row.person_id == mentee_id]
        if not rows:
            print(
                tr("cli.not_a_mentee", mentee=printable(mentee_id), mentor=mentor_id),
                file=sys.stderr,
            )
            return 1
    if output is not None:
        notes = context.mentoring.notes_of(operator(), [row.person_id for row in rows])
        organisation = context.store.organisation()
        pdf = mentor_report_pdf(
            rows, notes, tr.lang, mentor.name, organisation.name if organisation else ""
        )
        write_output(output, pdf)
        print(tr("cli.report_written", path=output, count=len(rows)))
    if csv_file is not None:
        write_output(csv_file, dashboard_csv(rows))
        print(tr("cli.written", path=csv_file))
    return 0
