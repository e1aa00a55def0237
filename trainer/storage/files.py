"""Safe JSON files: locked, written atomically, never silently replaced when corrupt.

A write goes to a temporary file in the same folder, is flushed to disk, and then replaces
the old file with `os.replace`, so a reader (or a crash) sees the old file or the new one,
never half of one. Before the replace, the old file is kept as `<name>.bak` (a hard link,
so it costs no copy): when a file is found corrupt, the error names that last good version.
A writer killed between creating and renaming its temporary file leaves an orphan; they are
removed at start-up by `remove_stale_temporaries`, each only when it is old and its target's
lock is free (files written without a lock, such as certificate PDFs, are guarded by age).

A file that is missing while its `.bak` exists was lost, not never written: reading it is an
error naming both, so an empty state is never taken for the organisation and written over
the last good copy.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainer.errors import TrainerError

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_TIMEOUT_SECONDS = 15.0
TEMP_SUFFIX = ".tmp"
BACKUP_SUFFIX = ".bak"
# A write takes well under a second; a temporary this old belongs to a writer that died.
STALE_TEMPORARY_SECONDS = 15 * 60


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


class MissingDataError(StorageError):
    """The file is gone but its backup is not: it was lost (deleted, moved, a failed copy)."""

    def __init__(self, path: Path) -> None:
        super().__init__("missing_with_backup", path, backup=str(backup_path(path)))
        self.backup = backup_path(path)


class UnusableFileError(StorageError):
    """The operating system refuses the file or folder (permissions, a folder in its place,
    a full disk); `problem` is the catalog key saying which."""

    def __init__(self, problem: str, path: Path, detail: str = "") -> None:
        super().__init__(problem, path, detail=detail)


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

    lock = file_lock(path)
    try:
        lock.acquire()
    except Timeout:
        raise DataLockedError(path) from None
    except OSError as error:  # a read-only folder, a full disk: the lock file cannot be made
        raise UnusableFileError("unwritable", path, error.strerror or str(error)) from None
    try:
        yield
    finally:
        lock.release()


def read_json(path: Path) -> Any:
    """The parsed content of `path`, None when it was never written; a file that is corrupt,
    unreadable, or missing while its backup exists raises."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if backup_path(path).exists():
            raise MissingDataError(path) from None
        return None
    except IsADirectoryError:
        raise UnusableFileError("not_a_file", path) from None
    except PermissionError:
        raise UnusableFileError("unreadable", path) from None
    except OSError as error:
        raise UnusableFileError("unreadable_other", path, error.strerror or str(error)) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError is a ValueError
        raise CorruptDataError(path, str(error)) from None
    except RecursionError:
        raise CorruptDataError(path, "nested too deeply") from None
    if data is None:  # None means "never written" to the caller; a file of `null` is damage
        raise CorruptDataError(path, "the file holds only null")
    return data


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
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise UnusableFileError("not_a_file", path)
        if path.exists() and not os.access(path, os.W_OK):
            # someone made it read-only on purpose; os.replace would ignore that
            raise UnusableFileError("read_only", path)
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=folder
        )
    except OSError as error:
        raise UnusableFileError("unwritable", path, error.strerror or str(error)) from None
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
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise UnusableFileError("unwritable", path, error.strerror or str(error)) from None
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


def remove_stale_temporaries(folder: Path, now: float | None = None) -> list[Path]:
    """Delete temporary files left by killed writers; returns what was removed. The data
    files are written under their lock, so their temporaries are stale when the lock is
    free; files written without one (a certificate PDF, a bank being saved) have no lock
    file, and their temporaries are stale only once older than `STALE_TEMPORARY_SECONDS`."""
    from filelock import FileLock, Timeout

    moment = time.time() if now is None else now
    removed = []
    for temporary in sorted(folder.rglob(f".*{TEMP_SUFFIX}")):
        target = target_of_temporary(temporary)
        if not lock_path(target).exists():
            try:
                if moment - temporary.stat().st_mtime < STALE_TEMPORARY_SECONDS:
                    continue
            except FileNotFoundError:  # its writer finished meanwhile
                continue
        lock = FileLock(str(lock_path(target)), timeout=0)
        try:
            with lock:
                temporary.unlink(missing_ok=True)
                removed.append(temporary)
        except Timeout:
            continue  # a live writer owns it
        except OSError:
            continue  # a folder we cannot write: leave it, the write itself will say why
    return removed
