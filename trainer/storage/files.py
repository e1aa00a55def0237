"""Safe JSON files: locked, written atomically, never silently replaced when corrupt.

A write goes to a temporary file in the same folder, is flushed to disk, and then replaces
the old file with `os.replace`, so a reader (or a crash) sees the old file or the new one,
never half of one. Before the replace, the old file is kept as `<name>.bak` (a hard link,
so it costs no copy): when a file is found corrupt, the error names that last good version.
A writer killed between creating and renaming its temporary file leaves an orphan; they are
removed at start-up by `remove_stale_temporaries`, each only while its target's lock is free.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainer.errors import TrainerError

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_TIMEOUT_SECONDS = 15.0
TEMP_SUFFIX = ".tmp"
BACKUP_SUFFIX = ".bak"


class StorageError(TrainerError):
    """A data file cannot be used; the message is one sentence a person can act on."""

    area = "storage"

    def __init__(self, key: str, path: Path, **values: Any) -> None:
        super().__init__(key, path=str(path), **values)
        self.path = path


class CorruptDataError(StorageError):
    """The file does not parse. Its bytes are left exactly as they are."""

    def __init__(self, path: Path, detail: str) -> None:
        backup = backup_path(path)
        super().__init__(
            "corrupt_with_backup" if backup.exists() else "corrupt",
            path,
            detail=detail,
            backup=str(backup),
        )
        self.backup = backup if backup.exists() else None


class InvalidRecordError(StorageError):
    """The file parses, but a record in it is not what trainer wrote (edited by hand, or by
    a newer version). Nothing is changed; the sentence names the record and the field."""

    def __init__(self, path: Path, table: str, record_id: str, detail: str) -> None:
        super().__init__("invalid_record", path, record=f"{table}[{record_id}]", detail=detail)


class DataLockedError(StorageError):
    """Another session held the file's lock for longer than we wait."""

    def __init__(self, path: Path) -> None:
        super().__init__("locked", path, seconds=f"{LOCK_TIMEOUT_SECONDS:g}")


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def file_lock(path: Path) -> FileLock:
    """The inter-process lock guarding `path`."""
    from filelock import FileLock  # imported when first needed: reading never locks

    return FileLock(str(lock_path(path)), timeout=LOCK_TIMEOUT_SECONDS)


@contextlib.contextmanager
def locked(path: Path) -> Any:
    from filelock import Timeout

    try:
        with file_lock(path):
            yield
    except Timeout:
        raise DataLockedError(path) from None


def read_json(path: Path) -> Any:
    """The parsed content of `path`, None when it does not exist; corrupt files raise."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CorruptDataError(path, str(error)) from None


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder for fsync; replace is durable there
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def atomic_write_json(path: Path, data: Any) -> None:
    """Write `data` to `path` so that no crash can leave it half-written. Call under the lock."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    atomic_write_bytes(path, text.encode("utf-8"), keep_backup=True)


def atomic_write_bytes(
    path: Path, data: bytes, keep_backup: bool = False, shared: bool = False
) -> None:
    """Write `data` to a temporary file beside `path`, fsync, then replace `path` with it.

    Temporary files are private (0600), which suits the data folder; `shared` makes the
    result readable by others (0644), as a file exported for someone else should be.
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=folder
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if shared:
            os.chmod(temporary, 0o644)
        if keep_backup and path.exists():
            _keep_backup(path)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_folder(folder)


def _keep_backup(path: Path) -> None:
    backup = backup_path(path)
    staged = backup.with_name(backup.name + ".new")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(staged)
    try:
        os.link(path, staged)
    except OSError:  # no hard links on this file system: copy instead
        staged.write_bytes(path.read_bytes())
    os.replace(staged, backup)


def target_of_temporary(temporary: Path) -> Path:
    """`.roster.json.k3j2.tmp` -> `roster.json` in the same folder."""
    name = temporary.name.removeprefix(".").removesuffix(TEMP_SUFFIX)
    return temporary.with_name(name.rsplit(".", 1)[0])


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete temporary files left by killed writers; returns what was removed."""
    removed = []
    for temporary in sorted(folder.rglob(f".*{TEMP_SUFFIX}")):
        from filelock import FileLock, Timeout

        target = target_of_temporary(temporary)
        lock = FileLock(str(lock_path(target)), timeout=0)
        try:
            with lock:
                temporary.unlink(missing_ok=True)
                removed.append(temporary)
        except Timeout:
            continue  # a live writer owns it
    return removed
