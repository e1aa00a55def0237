"""`trainer doctor`: examine every data file of a folder, and put a good backup back in place
of a damaged or lost file when asked.

Examining reads each file the way trainer does (layout, then every record against its model)
and never writes. Restoring keeps the damaged file beside it (`<name>.damaged-<time>`), so the
bytes it held are never lost either, and copies the backup over atomically.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer.storage.files import (
    BACKUP_SUFFIX,
    StorageError,
    atomic_write_bytes,
    backup_path,
    locked,
)
from trainer.storage.repositories import AtomicJSONStorage, RecordFile


@dataclass(frozen=True)
class Reading:
    """What one file holds: records per table, or the problem that stops it being used."""

    counts: dict[str, int] = field(default_factory=dict)
    problem: StorageError | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class FileCheck:
    path: Path
    reading: Reading  # the file itself (a lost file reads as its MissingDataError)
    backup: Reading | None  # None when there is no backup

    @property
    def restorable(self) -> bool:
        return not self.reading.usable and self.backup is not None and self.backup.usable


def _models() -> dict[str, Any]:
    """Every stored record type by its table name."""
    from trainer.storage import records

    found: dict[str, Any] = {}
    pending = list(records.Record.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        found[model.table] = model
    return found


def read_file(path: Path) -> Reading:
    """Read `path` as trainer would, validating every record; never writes."""
    try:
        data = AtomicJSONStorage(str(path)).read() or {}
        checker = RecordFile(path)
        models = _models()
        for table, documents in data.items():
            model = models.get(table)
            if model is None:
                continue  # a table of a newer version: not ours to judge
            for row in documents.values():
                checker._validated(model, row)
    except StorageError as problem:
        return Reading(problem=problem)
    return Reading(counts={table: len(documents) for table, documents in sorted(data.items())})


def data_files(root: Path) -> list[Path]:
    """The roster and every person's file, including files that are gone but whose backup
    is still there."""
    people = root / "people"
    found = {root / "roster.json"}
    if people.is_dir():
        found |= {path for path in people.glob("*.json")}
        found |= {
            path.with_name(path.name.removesuffix(BACKUP_SUFFIX))
            for path in people.glob(f"*.json{BACKUP_SUFFIX}")
        }
    return sorted(found, key=lambda path: (path.parent != root, path.name))


def examine(root: Path) -> list[FileCheck]:
    checks = []
    for path in data_files(root):
        backup = backup_path(path)
        if not path.exists() and not backup.exists():
            if path.name == "roster.json" and any((root / "people").glob("*.json")):
                lost = StorageError("roster_missing", path, folder=str(root / "people"))
                checks.append(FileCheck(path, Reading(problem=lost), None))
            continue  # otherwise a new folder: no roster yet is not a problem
        backup_reading = read_file(backup) if backup.exists() else None
        checks.append(FileCheck(path, read_file(path), backup_reading))
    return checks


def restore(check: FileCheck, moment: dt.datetime | None = None) -> Path | None:
    """Put the backup back; returns where the damaged file was kept (None when it was lost).
    Under the file's lock, so no session writes in between."""
    if not check.restorable:
        raise ValueError(f"{check.path} has no usable backup")
    stamp = (moment or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S")
    kept = None
    with locked(check.path):
        if check.path.exists() or check.path.is_symlink():
            kept = check.path.with_name(f"{check.path.name}.damaged-{stamp}")
            if check.path.is_dir():
                shutil.move(str(check.path), kept)
            else:
                os.replace(check.path, kept)
        atomic_write_bytes(check.path, backup_path(check.path).read_bytes())
    return kept
