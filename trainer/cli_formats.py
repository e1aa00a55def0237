"""`trainer import` and `trainer export`: question banks to and from GIFT, Aiken and
spreadsheets.

The format is `--format`, else the file's name, else (a `.txt`, say) what the text holds.
An import writes a bank file and reports every question it skipped as `FILE:LINE: why`
(the row for spreadsheets), so a trainer can fix the source and import again. It never
overwrites an existing file unless told to (`--force`): banks are often edited by hand.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from trainer.cli import printable
from trainer.cli_output import check_output, write_output
from trainer.content.formats.common import ImportFileError, ImportResult, bank_yaml, slug
from trainer.content.formats.files import read_import_file
from trainer.i18n import Translator
from trainer.services.context import TrainerContext

FORMATS = ("gift", "aiken", "moodlexml", "xlsx", "csv")
_LONGEST_ID = 64  # as the content models' `Id`


def _read_reporting(
    source: Path, kind: str | None, category: str, tr: Translator
) -> ImportResult | None:
    """The file's questions, with every question left out and every change made on the way
    printed as `FILE:LINE: why`; None (and a sentence) when there is nothing to import."""
    try:
        result = read_import_file(source, kind, category)
    except ImportFileError as error:
        print(tr(error.catalog_key, **error.values), file=sys.stderr)
        return None
    for skipped in result.report():
        print(f"{source}:{skipped.line}: {skipped.message(tr.lang)}", file=sys.stderr)
    if not result.questions:
        print(tr("cli.import_nothing", path=source), file=sys.stderr)
        return None
    return result


def is_id(text: str) -> bool:
    """Whether `text` can be a bank's id (fullmatch: `$` would let a final newline by)."""
    return re.fullmatch(rf"[a-z0-9_-]{{1,{_LONGEST_ID}}}", text) is not None


def import_command(
    source: Path | None,
    kind: str | None,
    output: Path | None,
    bank_id: str | None,
    category: str,
    force: bool,
    template: Path | None,
    tr: Translator,
) -> int:
    from trainer.content.formats import spreadsheet

    if template is not None:
        check_output(template, force, tr)
        rows = [
            {c: row.get(c, "") for c in spreadsheet.COLUMNS} for row in spreadsheet.TEMPLATE_ROWS
        ]
        data = (
            spreadsheet.write_csv(rows)
            if template.suffix.lower() == ".csv"
            else spreadsheet.write_xlsx(rows)
        )
        write_output(template, data)
        print(tr("cli.written", path=template))
        return 0
    if source is None or output is None:
        print(tr("cli.import_needs"), file=sys.stderr)
        return 2
    if not source.is_file():
        print(tr("cli.no_such_path", path=printable(str(source))), file=sys.stderr)
        return 2
    check_output(output, force, tr)
    if bank_id is not None and not is_id(bank_id):
        print(tr("cli.bad_bank_id", value=printable(bank_id), longest=_LONGEST_ID), file=sys.stderr)
        return 2
    result = _read_reporting(source, kind, category, tr)
    if result is None:
        return 1
    identifier = bank_id or result.bank_id or slug(output.stem, "imported")
    text = bank_yaml(result.bank(identifier, result.title or source.stem))
    write_output(output, text.encode("utf-8"))
    print(
        tr(
            "cli.imported",
            count=len(result.questions),
            path=output,
            skipped=len(result.skipped),
        )
    )
    return 0


def export_command(
    context: TrainerContext, bank_id: str, kind: str, output: Path, force: bool, tr: Translator
) -> int:
    from trainer.content.formats import gift, moodlexml, spreadsheet

    bank = context.library.bank(bank_id)
    if bank is None:
        print(tr("cli.unknown_bank", bank=printable(bank_id)), file=sys.stderr)
        return 1
    check_output(output, force, tr)
    if kind == "gift":
        data = gift.write_gift(bank, tr.lang).encode("utf-8")
    elif kind == "moodlexml":
        data = moodlexml.write_moodle_xml(bank)
    elif kind == "csv":
        data = spreadsheet.write_csv(spreadsheet.bank_rows(bank))
    else:
        data = spreadsheet.write_xlsx(spreadsheet.bank_rows(bank), bank)
    write_output(output, data)
    print(tr("cli.exported_bank", count=len(bank.questions), path=output))
    return 0


def import_into_command(
    context: TrainerContext,
    source: Path | None,
    kind: str | None,
    bank_id: str,
    replace: bool,
    category: str,
    tr: Translator,
) -> int:
    """`trainer import FILE --into BANK [--replace]`: the file's questions added to a bank
    that exists (a bundled bank is saved as its override in the data folder), with a line
    for every question added, replaced or left out. Nothing is written on any failure."""
    from trainer.services.authoring import AuthoringError, open_bank
    from trainer.services.bank_import import import_into

    if source is None:
        print(tr("cli.import_needs"), file=sys.stderr)
        return 2
    if not source.is_file():
        print(tr("cli.no_such_path", path=printable(str(source))), file=sys.stderr)
        return 2
    if context.library.bank(bank_id) is None:
        print(tr("cli.unknown_bank", bank=printable(bank_id)), file=sys.stderr)
        return 1
    result = _read_reporting(source, kind, category, tr)
    if result is None:
        return 1
    try:
        document = open_bank(context.library, bank_id, context.settings.own_content_root)
        report = import_into(document, result, "replace" if replace else "append")
    except AuthoringError as error:
        print(tr(error.catalog_key, **error.values), file=sys.stderr)
        return 1
    for question_id, key in report.left:
        print(f"{source}: {tr(f'authoring.{key}', id=question_id)}", file=sys.stderr)
    print(
        tr(
            "cli.imported_into",
            added=len(report.added),
            replaced=len(report.replaced),
            left=len(report.left) + len(result.skipped),
            path=document.path,
        )
    )
    return 0 if report.added or report.replaced else 1
