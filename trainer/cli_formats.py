"""`trainer import` and `trainer export`: question banks to and from GIFT, Aiken and
spreadsheets.

An import writes a bank file and reports every question it skipped as `FILE:LINE: why`
(the row for spreadsheets), so a trainer can fix the source and import again. It never
overwrites an existing file unless told to (`--force`): banks are often edited by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

from trainer.content.formats.common import ImportFileError, bank_yaml, slug
from trainer.content.formats.files import read_import_file
from trainer.i18n import Translator
from trainer.services.context import TrainerContext
from trainer.storage.files import atomic_write_bytes

FORMATS = ("gift", "aiken", "xlsx", "csv")
_BY_SUFFIX = {".gift": "gift", ".aiken": "aiken", ".xlsx": "xlsx", ".csv": "csv"}


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
        rows = [
            {c: row.get(c, "") for c in spreadsheet.COLUMNS} for row in spreadsheet.TEMPLATE_ROWS
        ]
        data = (
            spreadsheet.write_csv(rows)
            if template.suffix.lower() == ".csv"
            else spreadsheet.write_xlsx(rows)
        )
        atomic_write_bytes(template, data, shared=True)
        print(tr("cli.written", path=template))
        return 0
    if source is None or output is None:
        print(tr("cli.import_needs"), file=sys.stderr)
        return 2
    if not source.is_file():
        print(tr("cli.no_such_path", path=source), file=sys.stderr)
        return 2
    kind = kind or _BY_SUFFIX.get(source.suffix.lower())
    if kind is None:
        print(tr("cli.import_format", path=source), file=sys.stderr)
        return 2
    if output.exists() and not force:
        print(tr("cli.import_exists", path=output), file=sys.stderr)
        return 2
    try:
        result = read_import_file(source, kind, category)
    except ImportFileError as error:
        print(tr(error.catalog_key, **error.values), file=sys.stderr)
        return 1
    for skipped in result.skipped:
        print(f"{source}:{skipped.line}: {skipped.message(tr.lang)}", file=sys.stderr)
    if not result.questions:
        print(tr("cli.import_nothing", path=source), file=sys.stderr)
        return 1
    identifier = bank_id or slug(output.stem, "imported")
    text = bank_yaml(result.bank(identifier, source.stem))
    atomic_write_bytes(output, text.encode("utf-8"), shared=True)
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
    context: TrainerContext, bank_id: str, kind: str, output: Path, tr: Translator
) -> int:
    from trainer.content.formats import gift, spreadsheet

    bank = context.library.bank(bank_id)
    if bank is None:
        print(tr("cli.unknown_bank", bank=bank_id), file=sys.stderr)
        return 1
    if kind == "gift":
        data = gift.write_gift(bank, tr.lang).encode("utf-8")
    elif kind == "csv":
        data = spreadsheet.write_csv(spreadsheet.bank_rows(bank))
    else:
        data = spreadsheet.write_xlsx(spreadsheet.bank_rows(bank))
    atomic_write_bytes(output, data, shared=True)
    print(tr("cli.exported_bank", count=len(bank.questions), path=output))
    return 0
