"""Files a command writes for a person (reports, exports, templates, certificates, saved
role-plays): the place is checked before any work is done or any record stored, an existing
file is replaced only with `--force` (as `trainer import` always did: banks and reports are
often edited by hand), and the write is atomic, so a refusal or a failure leaves nothing
half-written. Every refusal is one sentence.
"""

from __future__ import annotations

import os
from pathlib import Path

from trainer.cli import CommandError, printable
from trainer.i18n import Translator
from trainer.storage.files import atomic_write_bytes


def check_output(path: Path, force: bool, tr: Translator) -> None:
    """Refuse a place `path` cannot be written: a folder, an existing file without `force`,
    a file where a folder should be, or a folder this user cannot write to."""
    if "\0" in str(path):
        raise CommandError(tr("cli.output_bad_name", path=printable(str(path))), status=2)
    if path.is_dir():
        raise CommandError(tr("cli.output_is_folder", path=printable(str(path))), status=2)
    if (path.exists() or path.is_symlink()) and not force:
        raise CommandError(tr("cli.output_exists", path=printable(str(path))), status=2)
    # Missing folders are made when writing (`-o question_banks/new.yaml` in a fresh content
    # root); the nearest one that exists must be a folder this user can write to.
    folder = path.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise CommandError(tr("cli.output_not_in_folder", folder=printable(str(folder))), status=2)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CommandError(tr("cli.output_unwritable", folder=printable(str(folder))), status=2)


def write_output(path: Path, data: bytes) -> None:
    """Write `data` to `path` (already checked) atomically, readable by others. A failure is
    the storage layer's one sentence (`UnusableFileError`), with nothing half-written."""
    atomic_write_bytes(path, data, shared=True)
