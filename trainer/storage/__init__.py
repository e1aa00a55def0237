"""Storage: records of what people do, in locked, atomically written JSON files."""

from trainer.storage.files import CorruptDataError, DataLockedError, StorageError
from trainer.storage.records import Organisation, Person, Record
from trainer.storage.repositories import DataStore, RecordFile

__all__ = [
    "CorruptDataError",
    "DataLockedError",
    "DataStore",
    "Organisation",
    "Person",
    "Record",
    "RecordFile",
    "StorageError",
]
