"""`trainer user import`: a hire list (.xlsx or .csv) as people, all or nothing.

    trainer user import FILE [--dry-run]                 check every row, report the bad ones
    trainer user import FILE --passwords OUT [--force]   add everyone, one-time passwords to OUT
    trainer user import --template FILE.xlsx [--force]   an empty hire list with its columns

Each refused row is printed as `FILE:ROW: why` (the spreadsheet's row; the header is row 1),
and then nothing is added. The one-time passwords go to a file only this user can read (0600),
never to the screen; an existing file is replaced only with `--force`.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from trainer.cli import CommandError, printable
from trainer.cli_output import check_output, write_output
from trainer.i18n import Translator
from trainer.services.context import TrainerContext
from trainer.storage.files import atomic_write_bytes
from trainer.storage.records import Person


def import_people_command(
    context: TrainerContext, arguments: argparse.Namespace, tr: Translator
) -> int:
    from trainer.services import people_import

    if arguments.template is not None:
        check_output(arguments.template, arguments.force, tr)
        write_output(arguments.template, people_import.template_xlsx(tr.lang))
        print(tr("cli.people_template_written", path=printable(str(arguments.template))))
        return 0
    source: Path | None = arguments.source
    if source is None:
        raise CommandError(tr("cli.people_import_needs_file"), status=2)
    if not arguments.dry_run:
        if arguments.passwords is None:
            raise CommandError(tr("cli.people_import_needs_passwords"), status=2)
        check_output(arguments.passwords, arguments.force, tr)
    plan = people_import.check_people_file(source, context.accounts, context.library)
    for refusal in plan.refused:
        where = printable(f"{source}:{refusal.row}")
        print(f"{where}: {printable(refusal.reason(tr.lang))}", file=sys.stderr)
    if arguments.dry_run:
        for planned in plan.people:
            roles = tr("home.separator").join(tr(f"role.{role}") for role in planned.roles)
            print(f"{planned.row:>5}  {planned.person_id:<16} {printable(planned.name)}  {roles}")
        print(tr("cli.people_dry_run", added=len(plan.people), refused=len(plan.refused)))
        return 1 if plan.refused else 0
    if plan.refused:
        raise CommandError(tr("cli.people_import_refused", refused=len(plan.refused)))
    passwords: Path = arguments.passwords
    written = False

    def deliver(added: list[tuple[Person, str]]) -> None:
        nonlocal written
        rows = [(person.id, person.name, password) for person, password in added]
        # private (0600): the file holds passwords, for the trainer's eyes only
        atomic_write_bytes(passwords, people_import.passwords_csv(rows, tr.lang))
        written = True

    try:
        added = context.accounts.import_people(None, plan, deliver)
    except BaseException:
        if written:  # the roster was not written: those passwords open nothing
            with contextlib.suppress(OSError):
                passwords.unlink()
        raise
    print(tr("cli.people_imported", added=len(added), path=printable(str(passwords))))
    return 0
