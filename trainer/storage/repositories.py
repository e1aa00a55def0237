"""Repositories over TinyDB: the only code that knows TinyDB.

Data is partitioned by person: `roster.json` holds the organisation, people and audit log;
`people/<person_id>.json` holds one person's progress and attempts. A write costs in
proportion to one person's history, and two learners never wait on each other.

Every operation takes the file's lock, opens a fresh `TinyDB` inside it and closes it before
letting go: a long-lived `TinyDB` caches its next document id per table and loses records
when another process writes in between. Writes go through `AtomicJSONStorage`.

The interface is deliberately narrow (insert, put, get, all, delete, update by record id), so
another store (PostgreSQL) can stand behind it later without touching the services.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tinydb import TinyDB, where
from tinydb.storages import Storage

from trainer.storage.files import (
    InvalidRecordError,
    atomic_write_json,
    locked,
    read_json,
    remove_stale_temporaries,
)

if TYPE_CHECKING:
    # the models are imported by the services that use them; opening the data folder and
    # listing who can sign in (`rows`) needs no pydantic
    from trainer.storage.records import Organisation, Person, Record

RecordT = TypeVar("RecordT", bound="Record")

PERSON_ID = re.compile(r"^[a-z0-9_-]{1,40}$")


class AtomicJSONStorage(Storage):
    """TinyDB storage that reads strictly and writes atomically (see `files`)."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        data = read_json(self.path)
        return data if data else None

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write_json(self.path, data)

    def close(self) -> None:
        pass


class RecordFile:
    """One JSON file of records, grouped in tables by record type."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _database(self, write: bool) -> Iterator[TinyDB]:
        if write:
            with locked(self.path):
                database = TinyDB(str(self.path), storage=AtomicJSONStorage)
                try:
                    yield database
                finally:
                    database.close()
        else:
            # Reads need no lock: a file is only ever replaced whole.
            database = TinyDB(str(self.path), storage=AtomicJSONStorage)
            try:
                yield database
            finally:
                database.close()

    def exists(self) -> bool:
        return self.path.exists()

    def insert(self, record: Record) -> None:
        """Add a new record (its id must be new in its table)."""
        with self._database(write=True) as database:
            table = database.table(record.table)
            if table.contains(where("id") == record.id):
                raise ValueError(f"{record.table} already holds {record.id}")
            table.insert(record.to_json())

    def put(self, record: Record) -> None:
        """Add the record, or replace the one with the same id."""
        with self._database(write=True) as database:
            database.table(record.table).upsert(record.to_json(), where("id") == record.id)

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
            table.update(changed.to_json(), where("id") == record_id)
            return changed

    def get(self, model: type[RecordT], record_id: str) -> RecordT | None:
        with self._database(write=False) as database:
            found = database.table(model.table).get(where("id") == record_id)
        return self._validated(model, found) if found is not None else None

    def all(self, model: type[RecordT]) -> list[RecordT]:
        return [self._validated(model, row) for row in self.rows(model.table)]

    def rows(self, table: str) -> list[dict[str, Any]]:
        """The table's records as stored, unvalidated: for a quick look that needs no model
        (who can sign in). Anything acted on is read through `get` or `all`."""
        return self.tables(table)[table]

    def tables(self, *names: str) -> dict[str, list[dict[str, Any]]]:
        """Several tables' records as stored, from one reading of the file."""
        with self._database(write=False) as database:
            return {name: [dict(row) for row in database.table(name).all()] for name in names}

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

    def delete(self, model: type[Record], record_id: str) -> bool:
        with self._database(write=True) as database:
            return bool(database.table(model.table).remove(where("id") == record_id))


class DataStore:
    """The data folder: a roster and one record file per person."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.people_dir = root / "people"
        self.people_dir.mkdir(parents=True, exist_ok=True)
        self.removed_temporaries = remove_stale_temporaries(root)
        self.roster = RecordFile(root / "roster.json")

    def person_file(self, person_id: str) -> RecordFile:
        if not PERSON_ID.match(person_id):
            raise ValueError(f"not a person id: {person_id!r}")
        return RecordFile(self.people_dir / f"{person_id}.json")

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
