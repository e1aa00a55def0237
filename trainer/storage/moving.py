"""Moving an organisation from a data folder into a PostgreSQL database (`trainer db copy`).

Every file is read as trainer reads it and every record checked against its model before
anything is written; the copy is one transaction, so a refusal or a failure leaves the
database as it was; afterwards the records of each scope and kind are counted on both sides.
A database that already holds an organisation is refused: two organisations in one database
would share ids.
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainer.errors import TrainerError
from trainer.storage.doctor import _models, data_files
from trainer.storage.postgres import (
    KIND_TABLES,
    ROSTER_SCOPE,
    SHARED_TABLE,
    PostgresStore,
    _insert,
)
from trainer.storage.repositories import AtomicJSONStorage, RecordFile


class CopyError(TrainerError):
    area = "database"


@dataclass(frozen=True)
class CopyReport:
    counts: dict[str, int]
    """Records copied per kind (all scopes together), as counted in the database afterwards."""
    people_files: int
    certificate_pdfs: int


def _folder_records(folder: Path) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """{scope: {kind: rows in the order they were written}} of every data file, each row
    checked against its model (a damaged folder is refused, as trainer itself would)."""
    models = _models()
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for path in data_files(folder):
        data = AtomicJSONStorage(str(path)).read()  # raises the file's StorageError
        if data is None:
            continue
        checker = RecordFile(path)
        scope = ROSTER_SCOPE if path.name == "roster.json" else path.stem
        for kind, documents in data.items():
            model = models.get(kind)
            rows = [documents[key] for key in sorted(documents, key=_document_order)]
            if model is not None:
                for row in rows:
                    checker._validated(model, row)
            found.setdefault(scope, {})[kind] = rows
    return found


def _document_order(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (0, key)


def copy_folder(folder: Path, store: PostgresStore) -> CopyReport:
    """Copy the organisation in `folder` into `store`'s database, which must hold none."""
    if not (folder / "roster.json").exists():
        raise CopyError("copy_no_organisation", folder=str(folder))
    records = _folder_records(folder)  # a damaged folder raises its StorageError here
    expected = Counter[str]()
    with store.connection() as connection, connection.transaction():
        connection.execute("LOCK TABLE people IN EXCLUSIVE MODE")
        if (
            connection.execute("SELECT 1 FROM people LIMIT 1").fetchone()
            or connection.execute(
                f"SELECT 1 FROM {SHARED_TABLE} WHERE kind = 'organisation' LIMIT 1"
            ).fetchone()
        ):
            raise CopyError("copy_not_empty")
        for scope, kinds in records.items():
            for kind, rows in kinds.items():
                for row in rows:
                    _insert(connection, scope, kind, str(row.get("id", "")), row)
                expected[kind] += len(rows)
        counted = Counter[str]()
        for name in (SHARED_TABLE, *KIND_TABLES):
            for kind, count in connection.execute(
                f"SELECT kind, count(*) FROM {name} GROUP BY kind"
            ).fetchall():
                counted[kind] += count
        if counted != expected:
            # raising rolls the transaction back: nothing of the copy stays
            raise CopyError("copy_count_mismatch", expected=dict(expected), found=dict(counted))
    pdfs = _copy_certificate_pdfs(folder, store.root)
    return CopyReport(
        counts=dict(sorted(counted.items())),
        people_files=len([scope for scope in records if scope != ROSTER_SCOPE]),
        certificate_pdfs=pdfs,
    )


def _copy_certificate_pdfs(folder: Path, root: Path) -> int:
    """The issued PDFs go to the new data folder, unless it is the same folder."""
    source = folder / "certificates"
    target = root / "certificates"
    if not source.is_dir() or source.resolve() == target.resolve():
        return len(list(source.glob("*.pdf"))) if source.is_dir() else 0
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    copied = 0
    for pdf in sorted(source.glob("*.pdf")):
        if not (target / pdf.name).exists():
            shutil.copy2(pdf, target / pdf.name)
        copied += 1
    return copied
