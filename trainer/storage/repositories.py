"""Repositories over TinyDB: the only code that knows TinyDB.

Data is partitioned by person: `roster.json` holds the organisation, people and audit log;
`people/<person_id>.json` holds one person's progress and attempts. A write costs in
proportion to one person's history, and two learners never wait on each other.

Every operation takes the file's lock, opens a fresh `TinyDB` inside it and closes it before
letting go: a long-lived `TinyDB` caches its next document id per table and loses records
when another process writes in between. Writes go through `AtomicJSONStorage`.

The interface is deliberately narrow (insert, put, get, all, delete, update by record id, and
`batch` for an operation that must read and write several records as one), so another store
(PostgreSQL) can stand behind it later without touching the services.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tinydb import TinyDB, where
from tinydb.storages import Storage

from trainer.storage.files import (
    CorruptDataError,
    InvalidRecordError,
    StorageError,
    atomic_write_json,
    backup_path,
    locked,
    read_json,
    remove_stale_temporaries,
)

if TYPE_CHECKING:
    # the models are imported by the services that use them; opening the data folder and
    # listing who can sign in (`rows`) needs no pydantic
    from pydantic import BaseModel

    from trainer.storage.records import Organisation, Person, Record
    from trainer.storage.summary import PersonSummary

RecordT = TypeVar("RecordT", bound="Record")

PERSON_ID = re.compile(r"^[a-z0-9_-]{1,40}\Z")  # \Z: `$` would let a final newline through


class DuplicateRecordError(ValueError):
    """An insert found its id already taken in the table."""

    def __init__(self, table: str, record_id: str) -> None:
        super().__init__(f"{table} already holds {record_id}")
        self.table = table
        self.record_id = record_id


class AtomicJSONStorage(Storage):
    """TinyDB storage that reads strictly and writes atomically (see `files`).

    A `TinyDB` over it lives for one operation (see `RecordFile`), so the file is parsed once
    per operation and kept: TinyDB asks its storage for the whole file at every table call
    (a `get` then an `update` would parse it twice, and a long history made each save slower)."""

    def __init__(self, path: str, when_missing: Callable[[], None] | None = None) -> None:
        self.path = Path(path)
        self.when_missing = when_missing
        self._parsed: dict[str, dict[str, Any]] | None = None

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._parsed is None:
            self._parsed = self._read()
        return self._parsed

    def _read(self) -> dict[str, dict[str, Any]] | None:
        data = read_json(self.path)
        if data is None:
            if self.when_missing is not None:
                self.when_missing()  # raises when the file should have been there
            return None  # never written: a new person, a new organisation
        problem = _layout_problem(data)
        if problem:
            # `null`, `{}` or a list is not an empty organisation: taking it for one would
            # let the next write replace the last good backup with nothing
            raise CorruptDataError(self.path, problem)
        return data  # type: ignore[no-any-return]

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write_json(self.path, data)
        self._parsed = data

    def close(self) -> None:
        pass


RETIRED_TABLE = "removed_people"


def _keep_private(folder: Path) -> None:
    """The data folder holds password hashes and people's records: owner only (0700).
    A folder someone else owns is left as it is (chmod would fail), not refused."""
    with contextlib.suppress(OSError):
        if folder.stat().st_mode & 0o077:
            os.chmod(folder, 0o700)


def _layout_problem(data: Any) -> str:
    """What is wrong with a parsed data file's layout (`{table: {doc_id: record}}`), or ''.
    Written in the JSON's own terms: the sentence around it is translated."""
    if not isinstance(data, dict):
        return f"expected a JSON object of tables, found {type(data).__name__}"
    if not data:
        return "the file holds no tables ({})"
    for table, documents in data.items():
        if not isinstance(documents, dict):
            return f'table "{table}" is not a JSON object'
        for doc_id, record in documents.items():
            if not isinstance(record, dict):
                return f'"{table}"/{doc_id} is not a JSON object'
    return ""


class RecordWriter(ABC):
    """What every store's record collection shares: records are validated on the way out and
    on the way in, and a refusal names the collection (`path`), the record and the field."""

    path: Path

    @abstractmethod
    def tables(self, *names: str) -> dict[str, list[dict[str, Any]]]:
        """Several tables' records as stored, from one reading: each store reads its own way."""

    def all_of(self, *models: type[Record]) -> dict[str, list[Any]]:
        """Several tables' records, validated, from one reading (keyed by table):
        for a view that needs a person's lessons, attempts and runs at once."""
        return self._all_of(*models)

    def _all_of(self, *models: type[Record]) -> dict[str, list[Any]]:
        found = self.tables(*(model.table for model in models))
        return {
            model.table: [self._validated(model, row) for row in found[model.table]]
            for model in models
        }

    def _writable(self, record: Record) -> dict[str, Any]:
        """The record as it will be stored, refused unless it reads back: `model_copy`
        does not validate, and a record written that cannot be read would break every
        later reading of the file."""
        row = record.to_json()
        self._validated(type(record), row)
        return row

    def _validated(self, model: type[RecordT], row: Any) -> RecordT:
        from pydantic import ValidationError

        try:
            return model.model_validate(dict(row))
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            field = ".".join(str(part) for part in first["loc"])
            raise InvalidRecordError(
                self.path, model.table, str(row.get("id", "?")), f"{field}: {first['msg']}"
            ) from None


class RecordFile(RecordWriter):
    """One JSON file of records, grouped in tables by record type."""

    def __init__(self, path: Path, when_missing: Callable[[], None] | None = None) -> None:
        """`when_missing` is called when the file does not exist yet, and raises when that
        means it was lost (the roster of a folder that holds people's records)."""
        self.path = path
        self.when_missing = when_missing

    def _storage(self) -> AtomicJSONStorage:
        return AtomicJSONStorage(str(self.path), self.when_missing)

    def _open(self) -> TinyDB:
        return TinyDB(str(self.path), storage=AtomicJSONStorage, when_missing=self.when_missing)

    @contextmanager
    def _database(self, write: bool) -> Iterator[TinyDB]:
        if write:
            with locked(self.path):
                database = self._open()
                try:
                    yield database
                finally:
                    database.close()
        else:
            # Reads need no lock: a file is only ever replaced whole.
            database = self._open()
            try:
                yield database
            finally:
                database.close()

    def exists(self) -> bool:
        return self.path.exists()

    def check(self) -> None:
        """Raise the file's `StorageError` now, if it has one (damaged, lost, unreadable)."""
        self._storage().read()

    def insert(self, record: Record) -> None:
        """Add a new record (its id must be new in its table)."""
        with self._database(write=True) as database:
            table = database.table(record.table)
            if table.contains(where("id") == record.id):
                raise DuplicateRecordError(record.table, record.id)
            table.insert(self._writable(record))

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Read the file once under its lock, let the caller check and change several records,
        and write it once at the end: what was checked still holds when it is written (two
        sessions cannot both take the last free id), and the changes land together or not at
        all (an exception in the block writes nothing)."""
        with locked(self.path):
            data = self._storage().read() or {}
            batch = Batch(self, data)
            yield batch
            if batch.changed:
                atomic_write_json(self.path, data)

    def put(self, record: Record) -> None:
        """Add the record, or replace the one with the same id."""
        with self._database(write=True) as database:
            database.table(record.table).upsert(self._writable(record), where("id") == record.id)

    def update(
        self, model: type[RecordT], record_id: str, change: Callable[[RecordT], RecordT]
    ) -> RecordT | None:
        """Read, change and write one record under the lock; None when it does not exist."""
        with self._database(write=True) as database:
            table = database.table(model.table)
            found = table.get(where("id") == record_id)
            if found is None:
                return None
            changed = change(self._validated(model, found))
            table.update(self._writable(changed), where("id") == record_id)
            return changed

    def get(self, model: type[RecordT], record_id: str) -> RecordT | None:
        with self._database(write=False) as database:
            found = database.table(model.table).get(where("id") == record_id)
        return self._validated(model, found) if found is not None else None

    def all(self, model: type[RecordT]) -> list[RecordT]:
        return list(self.all_of(model)[model.table])

    def all_of(self, *models: type[Record]) -> dict[str, list[Any]]:
        """Several tables' records, validated, from one reading. The file is parsed and
        validated in one pass that skips the tables not asked for (a learner's role-play
        transcripts when only their exam sittings are wanted); when that pass finds anything
        wrong, or nothing at all, the file is read the careful way, which names the problem
        (`files.read_json`, `_validated`) or returns what an empty or new file holds."""
        parsed = self._read_fast(_file_model(models))
        if parsed is None:
            return self._all_of(*models)
        return {model.table: list(getattr(parsed, model.table).values()) for model in models}

    def summary(self, person_id: str) -> PersonSummary:
        """The person's standing in the figures the assessment reads (`storage.summary`),
        reading only the fields it needs when the file allows."""
        from trainer.storage.records import (
            CalibrationReview,
            ExamAttempt,
            LessonDone,
            QualityReviewAttempt,
            RolePlayRun,
        )
        from trainer.storage.summary import SUMMARY_TABLES, light_file_model, summary_of_tables

        parsed = self._read_fast(light_file_model())
        found: dict[str, Any] = (
            {name: getattr(parsed, name).values() for name in SUMMARY_TABLES}
            if parsed is not None
            else self._all_of(
                LessonDone, ExamAttempt, RolePlayRun, CalibrationReview, QualityReviewAttempt
            )
        )
        return summary_of_tables(person_id, found)

    def _read_fast(self, model: type[BaseModel]) -> Any:
        """The file read with `model` in one pass, or None when that fails or finds none of
        its tables (then the careful reading decides what the file holds)."""
        from pydantic import ValidationError

        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            if backup_path(self.path).exists():
                return None  # lost, not new: the careful reading says so
            if self.when_missing is not None:
                self.when_missing()  # raises when the file should have been there
            return model()  # never written: nothing yet
        except OSError:
            return None
        try:
            parsed = model.model_validate_json(raw)
        except ValidationError:
            return None
        if not any(getattr(parsed, name) for name in model.model_fields):
            return None  # `{}` is damage, a file of other tables is not: the careful way knows
        return parsed

    def rows(self, table: str) -> list[dict[str, Any]]:
        """The table's records as stored, unvalidated: for a quick look that needs no model
        (who can sign in). Anything acted on is read through `get` or `all`."""
        return self.tables(table)[table]

    def tables(self, *names: str) -> dict[str, list[dict[str, Any]]]:
        """Several tables' records as stored, from one reading of the file. Read straight from
        the storage: TinyDB reads the whole file again for every table it is asked for."""
        data = self._storage().read() or {}
        return {name: [dict(row) for row in data.get(name, {}).values()] for name in names}

    def delete(self, model: type[Record], record_id: str) -> bool:
        with self._database(write=True) as database:
            return bool(database.table(model.table).remove(where("id") == record_id))


@functools.cache
def _file_model(models: tuple[type[Record], ...]) -> type[BaseModel]:
    """A record file holding `models`' tables and skipping the rest."""
    from pydantic import ConfigDict, Field, create_model

    fields: dict[str, Any] = {
        model.table: (dict[str, model], Field(default_factory=dict))  # type: ignore[valid-type]
        for model in models
    }
    return create_model("RecordFileOf", __config__=ConfigDict(extra="ignore"), **fields)


class Batch:
    """One record file's tables in memory, for `RecordFile.batch`. Same layout as TinyDB's:
    `{table: {document id: record}}`, document ids counting up from 1."""

    def __init__(self, file: RecordFile, data: dict[str, dict[str, Any]]) -> None:
        self._file = file
        self._data = data
        self.changed = False
        # per table, record id -> document id and the next document id, made on first use
        # and kept up to date: looking each up anew made a batch of n inserts cost n^2
        # (an import of 2,000 people spent two thirds of its time there)
        self._index: dict[str, dict[str, str]] = {}
        self._next: dict[str, int] = {}

    def rows(self, table: str) -> list[dict[str, Any]]:
        return [dict(row) for row in self._data.get(table, {}).values()]

    def _ids(self, table: str) -> dict[str, str]:
        if table not in self._index:
            documents = self._data.get(table, {})
            index: dict[str, str] = {}
            for document_id, row in documents.items():
                index.setdefault(row.get("id"), document_id)  # the first, as a scan finds
            self._index[table] = index
            self._next[table] = max((int(key) for key in documents if key.isdigit()), default=0) + 1
        return self._index[table]

    def _document_id(self, table: str, record_id: str) -> str | None:
        return self._ids(table).get(record_id)

    def contains(self, table: str, record_id: str) -> bool:
        return self._document_id(table, record_id) is not None

    def get(self, model: type[RecordT], record_id: str) -> RecordT | None:
        document_id = self._document_id(model.table, record_id)
        if document_id is None:
            return None
        return self._file._validated(model, self._data[model.table][document_id])

    def insert(self, record: Record) -> None:
        if self.contains(record.table, record.id):
            raise DuplicateRecordError(record.table, record.id)
        row = self._file._writable(record)
        documents = self._data.setdefault(record.table, {})
        document_id = str(self._next[record.table])
        documents[document_id] = row
        self._index[record.table][record.id] = document_id
        self._next[record.table] += 1
        self.changed = True

    def put(self, record: Record) -> None:
        document_id = self._document_id(record.table, record.id)
        if document_id is None:
            self.insert(record)
        else:
            self._data[record.table][document_id] = self._file._writable(record)
            self.changed = True

    def remove(self, table: str, record_id: str) -> dict[str, Any] | None:
        document_id = self._document_id(table, record_id)
        if document_id is None:
            return None
        self.changed = True
        self._index.pop(table, None)  # read again when next needed, as a scan would
        return dict(self._data[table].pop(document_id))


class DataStore:
    """The data folder: a roster and one record file per person."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.people_dir = root / "people"
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.people_dir.mkdir(mode=0o700, exist_ok=True)
        except OSError as error:
            raise StorageError("unwritable", root, detail=error.strerror or str(error)) from None
        _keep_private(root)
        self.removed_temporaries = remove_stale_temporaries(root)
        self.roster = RecordFile(root / "roster.json", when_missing=self._roster_not_lost)

    def _roster_not_lost(self) -> None:
        """A folder with people's records but no roster lost its roster (the backup case is
        `MissingDataError`): starting an empty organisation there would hand those records
        to whoever is added next under the same ids."""
        if any(self.people_dir.glob("*.json")):
            raise StorageError("roster_missing", self.roster.path, folder=str(self.people_dir))

    def person_file(self, person_id: str) -> RecordFile:
        if not PERSON_ID.match(person_id):
            raise ValueError(f"not a person id: {person_id!r}")
        return RecordFile(self.people_dir / f"{person_id}.json")

    def records_of(
        self, person_ids: list[str], *models: type[Record]
    ) -> dict[str, dict[str, list[Any]]]:
        """Several people's records of `models` (validated, keyed by person then table): each
        person's file is read once."""
        return {person_id: self.person_file(person_id).all_of(*models) for person_id in person_ids}

    def summaries_of(self, person_ids: list[str]) -> dict[str, PersonSummary]:
        """Several people's summaries (`storage.summary`), each file read once and only in
        the fields the summary needs."""
        return {
            person_id: self.person_file(person_id).summary(person_id) for person_id in person_ids
        }

    def person_ids_with_records(self) -> set[str]:
        """Every id with a record file (ids that must never be handed out again)."""
        return {path.stem for path in self.people_dir.glob("*.json")}

    # The roster, by name, for the services' convenience.

    def organisation(self) -> Organisation | None:
        from trainer.storage.records import Organisation

        return self.roster.get(Organisation, "organisation")

    def people(self) -> list[Person]:
        from trainer.storage.records import Person

        return self.roster.all(Person)

    def person(self, person_id: str) -> Person | None:
        from trainer.storage.records import Person

        return self.roster.get(Person, person_id)
