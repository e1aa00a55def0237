"""`trainer report learners` and `trainer report cohort`: the gradebook and a cohort's
dashboard as files, from the shell (which acts with a trainer's rights, as `trainer user`
does). The place is checked before anything is computed; nothing is written when no learner
matches, since an empty report would pass for a real one."""

from __future__ import annotations

import sys
from pathlib import Path

from trainer.cli import CommandError, printable
from trainer.cli_output import check_output, write_output
from trainer.i18n import Translator
from trainer.services.certificates import operator
from trainer.services.context import TrainerContext
from trainer.services.gradebook import Status


def check_format(path: Path, tr: Translator) -> None:
    from trainer.services.gradebook_reports import FORMATS

    if path.suffix.lower() not in FORMATS:
        raise CommandError(tr("gradebook.bad_format", path=printable(str(path))), status=2)


def report_learners(
    context: TrainerContext,
    track: str | None,
    team: str | None,
    cohort: str | None,
    status: Status | None,
    output: Path,
    force: bool,
    tr: Translator,
) -> int:
    from trainer.services.gradebook_reports import filters_text, gradebook_file

    check_format(output, tr)
    check_output(output, force, tr)
    rows = context.gradebook.rows(operator(), track, team, cohort, status)
    if not rows:
        print(tr("gradebook.none"), file=sys.stderr)
        return 1
    filters = filters_text(tr.lang, track, team, cohort, status)
    organisation = context.store.organisation()
    data = gradebook_file(
        rows,
        context.library,
        output.suffix,
        tr.lang,
        organisation.name if organisation else "",
        filters,
    )
    write_output(output, data)
    print(tr("gradebook.written", path=output, count=len(rows)))
    return 0


def report_cohort(
    context: TrainerContext,
    cohort: str,
    track: str | None,
    output: Path,
    force: bool,
    tr: Translator,
) -> int:
    from trainer.services.gradebook_reports import cohort_pdf

    if output.suffix.lower() != ".pdf":
        raise CommandError(tr("cohort.bad_format", path=printable(str(output))), status=2)
    check_output(output, force, tr)
    dashboard = context.cohorts.dashboard(operator(), cohort, track)
    organisation = context.store.organisation()
    pdf = cohort_pdf(dashboard, context.library, tr.lang, organisation.name if organisation else "")
    write_output(output, pdf)
    print(tr("gradebook.written", path=output, count=len(dashboard.rows)))
    return 0
