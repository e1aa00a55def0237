"""The PostgreSQL store: the embedded store's interface (`RecordFile`, `Batch`, `DataStore`)
over one database, for organisations that run trainer on more than one host.

What the embedded store keeps in `roster.json` has the scope `roster`; what it keeps in
`people/<id>.json` has the person's id as its scope. Every record is one row: its scope, its
kind (the record's table), its id, the order it was written in and the whole record as JSONB.
The kinds that are filtered and joined (people, exam attempts, role-play runs, certificates,
mentorships, notes, the audit log) have a table of their own with real columns beside the
JSON; every other kind shares `records`.

A `batch` is one transaction holding the scope's advisory lock, so a check and the write that
depends on it cannot be split by another host (the rule the file lock gives the embedded
store); `update` locks its row. The schema is versioned: `trainer db upgrade` applies what is
missing, and a database newer than the program is refused with a sentence.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from trainer.storage.files import StorageError
from trainer.storage.repositories import (
    PERSON_ID,
    DuplicateRecordError,
    RecordWriter,
    _keep_private,
)

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg_pool import ConnectionPool

    from trainer.storage.records import Organisation, Person, Record

RecordT = TypeVar("RecordT", bound="Record")

ROSTER_SCOPE = "roster"


@dataclass(frozen=True)
class KindTable:
    """A record kind with a table of its own: `columns` maps a SQL column to the record's
    field it copies (a time or text), so the database can filter and join on it."""

    name: str
    columns: dict[str, tuple[str, str]]
    """column -> (SQL type, record field)"""
    indexes: tuple[str, ...] = ()


KIND_TABLES: dict[str, KindTable] = {
    table.name: table
    for table in (
        KindTable(
            "people",
            {
                "name": ("text", "name"),
                "team": ("text", "team"),
                "cohort": ("text", "cohort"),
                "deactivated_at": ("timestamptz", "deactivated_at"),
            },
            ("team", "cohort"),
        ),
        KindTable(
            "exam_attempts",
            {
                "track": ("text", "track"),
                "started_at": ("timestamptz", "started_at"),
                "submitted_at": ("timestamptz", "submitted_at"),
            },
            ("track",),
        ),
        KindTable(
            "roleplay_runs",
            {
                "scenario": ("text", "scenario"),
                "mode": ("text", "mode"),
                "started_at": ("timestamptz", "started_at"),
            },
            ("scenario",),
        ),
        KindTable(
            "certificates",
            {
                "person": ("text", "person"),
                "track": ("text", "track"),
                "issued_at": ("timestamptz", "issued_at"),
                "revoked_at": ("timestamptz", "revoked_at"),
            },
            ("person",),
        ),
        KindTable(
            "mentorships",
            {"mentor": ("text", "mentor"), "mentee": ("text", "mentee")},
            ("mentor", "mentee"),
        ),
        KindTable(
            "mentor_notes",
            {"mentor": ("text", "mentor"), "mentee": ("text", "mentee")},
            ("mentee",),
        ),
        KindTable(
            "audit",
            {
                "at": ("timestamptz", "at"),
                "actor": ("text", "actor"),
                "action": ("text", "action"),
                "subject": ("text", "subject"),
            },
            ("subject",),
        ),
    )
}
SHARED_TABLE = "records"


def _table_sql(name: str, columns: dict[str, tuple[str, str]], indexes: tuple[str, ...]) -> str:
    extra = "".join(f", {column} {sql_type}" for column, (sql_type, _) in columns.items())
    statements = [
        f"CREATE TABLE {name} (scope text NOT NULL, kind text NOT NULL, id text NOT NULL, "
        f"seq bigint NOT NULL DEFAULT nextval('record_order'), data jsonb NOT NULL{extra}, "
        "PRIMARY KEY (scope, kind, id))",
        f"CREATE INDEX {name}_order ON {name} (scope, kind, seq)",
        *(f"CREATE INDEX {name}_{column} ON {name} ({column})" for column in indexes),
    ]
    return ";\n".join(statements)


def _first_schema() -> str:
    tables = [_table_sql(SHARED_TABLE, {}, ())] + [
        _table_sql(table.name, table.columns, table.indexes) for table in KIND_TABLES.values()
    ]
    return ";\n".join(
        [
            "CREATE SEQUENCE record_order",
            *tables,
        ]
    )


MIGRATIONS: tuple[Callable[[], str], ...] = (_first_schema,)
"""Migration i brings the schema from version i to i + 1; append, never edit."""
SCHEMA_VERSION = len(MIGRATIONS)


class DatabaseError(StorageError):
    """The database cannot be used as it is (unreachable, too new, not yet set up)."""

    def __init__(self, key: str, url: str, **values: Any) -> None:
        super().__init__(key, Path(location(url)), **values)


def location(url: str) -> str:
    """The database as messages name it: `user@host:port/name`, never the password."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"{user}{parts.hostname or 'localhost'}{port}{parts.path or '/'}"


def reason(error: Exception) -> str:
    """The server's or the driver's message on one line, to sit inside a sentence."""
    return " ".join(line.strip() for line in str(error).splitlines() if line.strip()).rstrip(".")


def redacted(url: str) -> str:
    """The URL without its password, for a command line shown to the operator."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def schema_version(connection: Connection[Any]) -> int | None:
    """The schema's version, or None for a database trainer never set up."""
    found = connection.execute("SELECT to_regclass('trainer_schema')").fetchone()
    if found is None or found[0] is None:
        return None
    row = connection.execute("SELECT version FROM trainer_schema").fetchone()
    return int(row[0]) if row else 0


def upgrade(connection: Connection[Any]) -> tuple[int, int]:
    """Apply the migrations the database lacks, in one transaction; (before, after)."""
    with connection.transaction():
        # one upgrader at a time, however many hosts start at once
        connection.execute("SELECT pg_advisory_xact_lock(hashtext('trainer_schema'))")
        if schema_version(connection) is None:
            connection.execute("CREATE TABLE trainer_schema (version integer NOT NULL)")
            connection.execute("INSERT INTO trainer_schema VALUES (0)")
        before = schema_version(connection) or 0
        if before > SCHEMA_VERSION:
            return before, before
        for migration in MIGRATIONS[before:]:
            for statement in migration().split(";\n"):
                connection.execute(statement)
        connection.execute("UPDATE trainer_schema SET version = %s", (SCHEMA_VERSION,))
    return before, SCHEMA_VERSION


def _scope_key(scope: str) -> int:
    """The advisory-lock key of a scope: 63 bits of its hash (locks take a bigint)."""
    return int.from_bytes(hashlib.sha256(scope.encode()).digest()[:8], "big") >> 1


def _table_of(kind: str) -> tuple[str, KindTable | None]:
    table = KIND_TABLES.get(kind)
    return (table.name, table) if table else (SHARED_TABLE, None)


class PostgresRecords(RecordWriter):
    """One scope's records: the database counterpart of a `RecordFile`."""

    def __init__(self, store: PostgresStore, scope: str) -> None:
        self.store = store
        self.scope = scope
        # where a record that will not validate is reported: "<database>#<scope>"
        self.path = Path(f"{location(store.url)}#{scope}")

    # ------------------------------------------------------------ reading

    def exists(self) -> bool:
        with self.store.connection() as connection:
            for name in (SHARED_TABLE, *KIND_TABLES):
                found = connection.execute(
                    f"SELECT 1 FROM {name} WHERE scope = %s LIMIT 1",
                    (self.scope,),
                ).fetchone()
                if found:
                    return True
        return False

    def check(self) -> None:
        """A database has no damaged file to report: reaching it is the check."""
        with self.store.connection() as connection:
            connection.execute("SELECT 1")

    def get(self, model: type[RecordT], record_id: str) -> RecordT | None:
        with self.store.connection() as connection:
            row = _select_one(connection, self.scope, model.table, record_id)
        return self._validated(model, row) if row is not None else None

    def all(self, model: type[RecordT]) -> list[RecordT]:
        return [self._validated(model, row) for row in self.rows(model.table)]

    def rows(self, table: str) -> list[dict[str, Any]]:
        return self.tables(table)[table]

    def tables(self, *names: str) -> dict[str, list[dict[str, Any]]]:
        with self.store.connection() as connection:
            return {name: _select_all(connection, self.scope, name) for name in names}

    # ------------------------------------------------------------ writing

    def insert(self, record: Record) -> None:
        with self.store.connection() as connection, connection.transaction():
            _insert(connection, self.scope, record.table, record.id, self._writable(record))

    def put(self, record: Record) -> None:
        with self.store.connection() as connection, connection.transaction():
            _upsert(connection, self.scope, record.table, record.id, self._writable(record))

    def update(
        self, model: type[RecordT], record_id: str, change: Callable[[RecordT], RecordT]
    ) -> RecordT | None:
        """Read, change and write one record with its row locked; None when it does not exist."""
        with self.store.connection() as connection, connection.transaction():
            row = _select_one(connection, self.scope, model.table, record_id, lock=True)
            if row is None:
                return None
            changed = change(self._validated(model, row))
            _upsert(connection, self.scope, model.table, record_id, self._writable(changed))
            return changed

    def delete(self, model: type[Record], record_id: str) -> bool:
        name, _ = _table_of(model.table)
        with self.store.connection() as connection, connection.transaction():
            deleted = connection.execute(
                f"DELETE FROM {name} WHERE scope = %s AND kind = %s AND id = %s",
                (self.scope, model.table, record_id),
            )
            return deleted.rowcount > 0

    @contextmanager
    def batch(self) -> Iterator[PostgresBatch]:
        """One transaction holding the scope's lock: what the block checked still holds when
        its writes commit, and an exception in the block commits nothing."""
        with self.store.connection() as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (_scope_key(self.scope),))
            yield PostgresBatch(self, connection)


class PostgresBatch:
    """The `Batch` of a scope inside its transaction: reads see the transaction's own writes."""

    def __init__(self, records: PostgresRecords, connection: Connection[Any]) -> None:
        self._records = records
        self._connection = connection

    def rows(self, table: str) -> list[dict[str, Any]]:
        return _select_all(self._connection, self._records.scope, table)

    def contains(self, table: str, record_id: str) -> bool:
        return _select_one(self._connection, self._records.scope, table, record_id) is not None

    def get(self, model: type[RecordT], record_id: str) -> RecordT | None:
        row = _select_one(self._connection, self._records.scope, model.table, record_id)
        return self._records._validated(model, row) if row is not None else None

    def insert(self, record: Record) -> None:
        row = self._records._writable(record)
        _insert(self._connection, self._records.scope, record.table, record.id, row)

    def put(self, record: Record) -> None:
        row = self._records._writable(record)
        _upsert(self._connection, self._records.scope, record.table, record.id, row)

    def remove(self, table: str, record_id: str) -> dict[str, Any] | None:
        name, _ = _table_of(table)
        found = self._connection.execute(
            f"DELETE FROM {name} WHERE scope = %s AND kind = %s AND id = %s RETURNING data",
            (self._records.scope, table, record_id),
        ).fetchone()
        return dict(found[0]) if found else None


# ---------------------------------------------------------------- SQL


def _select_one(
    connection: Connection[Any], scope: str, kind: str, record_id: str, lock: bool = False
) -> dict[str, Any] | None:
    name, _ = _table_of(kind)
    found = connection.execute(
        f"SELECT data FROM {name} WHERE scope = %s AND kind = %s AND id = %s"
        + (" FOR UPDATE" if lock else ""),
        (scope, kind, record_id),
    ).fetchone()
    return dict(found[0]) if found else None


def _select_all(connection: Connection[Any], scope: str, kind: str) -> list[dict[str, Any]]:
    name, _ = _table_of(kind)
    cursor = connection.execute(
        f"SELECT data FROM {name} WHERE scope = %s AND kind = %s ORDER BY seq",
        (scope, kind),
    )
    return [dict(row[0]) for row in cursor.fetchall()]


def _columns(kind: str, row: dict[str, Any]) -> tuple[str, list[str], list[Any]]:
    from psycopg.types.json import Jsonb

    name, table = _table_of(kind)
    columns = ["data"]
    values: list[Any] = [Jsonb(row)]
    if table is not None:
        for column, (_, source) in table.columns.items():
            columns.append(column)
            values.append(row.get(source))
    return name, columns, values


def _insert(
    connection: Connection[Any], scope: str, kind: str, record_id: str, row: dict[str, Any]
) -> None:
    from psycopg.errors import UniqueViolation

    name, columns, values = _columns(kind, row)
    placeholders = ", ".join(["%s"] * (3 + len(columns)))
    try:
        # a savepoint, so a duplicate leaves the caller's transaction usable
        with connection.transaction():
            connection.execute(
                f"INSERT INTO {name} (scope, kind, id, {', '.join(columns)}) "
                f"VALUES ({placeholders})",
                (scope, kind, record_id, *values),
            )
    except UniqueViolation:
        raise DuplicateRecordError(kind, record_id) from None


def _upsert(
    connection: Connection[Any], scope: str, kind: str, record_id: str, row: dict[str, Any]
) -> None:
    name, columns, values = _columns(kind, row)
    placeholders = ", ".join(["%s"] * (3 + len(columns)))
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns)
    connection.execute(
        f"INSERT INTO {name} (scope, kind, id, {', '.join(columns)}) "
        f"VALUES ({placeholders}) ON CONFLICT (scope, kind, id) DO UPDATE SET {updates}",
        (scope, kind, record_id, *values),
    )


# ---------------------------------------------------------------- the store


class PostgresStore:
    """An organisation in a PostgreSQL database. `root` is still a local folder: it holds
    what is not records (certificate PDFs as issued, the organisation's own content)."""

    def __init__(self, url: str, root: Path) -> None:
        """`url` may choose a schema with libpq's options (`?options=-csearch_path%3Dname`):
        the tests give each test a schema of its own that way."""
        self.url = url
        self.root = root
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError("unwritable", root, detail=error.strerror or str(error)) from None
        _keep_private(root)
        self.people_dir = root / "people"  # no files here; kept for the interface's sake
        self.removed_temporaries: list[Path] = []
        self._check_schema()
        self._pool = self._open_pool()
        self.roster = PostgresRecords(self, ROSTER_SCOPE)

    def _open_pool(self) -> ConnectionPool:
        from psycopg_pool import ConnectionPool

        pool = ConnectionPool(
            self.url, min_size=1, max_size=8, kwargs={"autocommit": True}, open=False
        )
        pool.open(wait=False)
        # closed when the store is dropped or the program ends, so a command that never
        # says goodbye still ends its connections and the pool's threads cleanly
        weakref.finalize(self, pool.close)
        return pool

    def _check_schema(self) -> None:
        """Reach the server once directly, so a wrong address or password is one sentence
        with the server's own reason (the pool would retry quietly for its whole timeout)."""
        import psycopg

        try:
            with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as connection:
                version = schema_version(connection)
                if version is None:
                    upgrade(connection)  # a new database: set it up
        except psycopg.OperationalError as error:
            raise DatabaseError("database_unreachable", self.url, detail=reason(error)) from None
        if version is not None and version > SCHEMA_VERSION:
            raise DatabaseError("database_too_new", self.url, found=version, known=SCHEMA_VERSION)
        if version is not None and version < SCHEMA_VERSION:
            raise DatabaseError(
                "database_needs_upgrade", self.url, found=version, known=SCHEMA_VERSION
            )

    @contextmanager
    def connection(self) -> Iterator[Connection[Any]]:
        with self._pool.connection() as connection:
            yield connection

    def close(self) -> None:
        self._pool.close()

    def person_file(self, person_id: str) -> PostgresRecords:
        if not PERSON_ID.match(person_id):
            raise ValueError(f"not a person id: {person_id!r}")
        return PostgresRecords(self, person_id)

    def records_of(
        self, person_ids: list[str], *models: type[Record]
    ) -> dict[str, dict[str, list[Any]]]:
        """Several people's records of `models`: one query a table for all of them (a
        gradebook of 10,000 learners is a few queries, not 50,000)."""
        found: dict[str, dict[str, list[Any]]] = {
            person_id: {model.table: [] for model in models} for person_id in person_ids
        }
        readers = {person_id: PostgresRecords(self, person_id) for person_id in person_ids}
        with self.connection() as connection:
            for model in models:
                name, _ = _table_of(model.table)
                cursor = connection.execute(
                    f"SELECT scope, data FROM {name} WHERE scope = ANY(%s) AND kind = %s "
                    "ORDER BY seq",
                    (person_ids, model.table),
                )
                for scope, data in cursor.fetchall():
                    found[scope][model.table].append(readers[scope]._validated(model, data))
        return found

    def person_ids_with_records(self) -> set[str]:
        """Every scope holding a person's records (ids that must never be handed out again)."""
        with self.connection() as connection:
            found: set[str] = set()
            for name in (SHARED_TABLE, *KIND_TABLES):
                cursor = connection.execute(
                    f"SELECT DISTINCT scope FROM {name} WHERE scope <> %s",
                    (ROSTER_SCOPE,),
                )
                found.update(row[0] for row in cursor.fetchall())
        return found

    def organisation(self) -> Organisation | None:
        from trainer.storage.records import Organisation

        return self.roster.get(Organisation, "organisation")

    def people(self) -> list[Person]:
        from trainer.storage.records import Person

        return self.roster.all(Person)

    def person(self, person_id: str) -> Person | None:
        from trainer.storage.records import Person

        return self.roster.get(Person, person_id)
