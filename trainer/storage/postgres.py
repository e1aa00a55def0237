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
store); `update` writes only over the row as it was read, else reads and changes it again.
The schema is versioned: `trainer db upgrade` applies what is missing, and a database newer
than the program is refused with a sentence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import weakref
from collections import OrderedDict
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
    from trainer.storage.summary import PersonSummary

RecordT = TypeVar("RecordT", bound="Record")

ROSTER_SCOPE = "roster"


@dataclass(frozen=True)
class Column:
    """A real column beside a record's JSON, so the database can filter, join and sum on it
    without opening the JSON: the record field it copies (or `value`, computed from the
    stored record), and the schema version that added it (`from_data` fills it then)."""

    sql_type: str
    field: str
    since: int = 1
    value: Callable[[dict[str, Any]], Any] | None = None
    from_data: str | None = None
    """The column's value in SQL, from `data`; by default the field cast to the type."""

    def of(self, row: dict[str, Any]) -> Any:
        return self.value(row) if self.value is not None else row.get(self.field)

    def sql_from_data(self) -> str:
        return self.from_data or f"(data->>'{self.field}')::{self.sql_type}"


@dataclass(frozen=True)
class KindTable:
    """A record kind with a table of its own and real columns beside the JSON."""

    name: str
    columns: dict[str, Column]
    indexes: tuple[str, ...] = ()
    since: int = 1
    """The schema version that gave the kind its table (before, its records were in `records`)."""

    def columns_since(self, version: int) -> dict[str, Column]:
        """The columns schema version `version` added to the table (all, if it made it)."""
        return {
            name: column
            for name, column in self.columns.items()
            if column.since == version or (self.since == version and column.since < version)
        }


KIND_TABLES: dict[str, KindTable] = {
    table.name: table
    for table in (
        KindTable(
            "people",
            {
                "name": Column("text", "name"),
                "team": Column("text", "team"),
                "cohort": Column("text", "cohort"),
                "deactivated_at": Column("timestamptz", "deactivated_at"),
            },
            ("team", "cohort"),
        ),
        KindTable(
            "exam_attempts",
            {
                "track": Column("text", "track"),
                "started_at": Column("timestamptz", "started_at"),
                "submitted_at": Column("timestamptz", "submitted_at"),
                "practice": Column("boolean", "practice", since=2),
                "score": Column("double precision", "score", since=2),
            },
            ("track",),
        ),
        KindTable(
            "roleplay_runs",
            {
                "scenario": Column("text", "scenario"),
                "mode": Column("text", "mode"),
                "started_at": Column("timestamptz", "started_at"),
                "total": Column("double precision", "total", since=2),
                "passed": Column("boolean", "passed", since=2),
                "last_turn_at": Column(
                    "timestamptz",
                    "turns",
                    since=2,
                    value=lambda row: row["turns"][-1]["at"] if row.get("turns") else None,
                    from_data="(data->'turns'->-1->>'at')::timestamptz",
                ),
            },
            ("scenario",),
        ),
        KindTable(
            "lessons_done",
            {
                "track": Column("text", "track", since=2),
                "lesson": Column("text", "lesson", since=2),
                "done_at": Column("timestamptz", "done_at", since=2),
            },
            since=2,
        ),
        KindTable(
            "calibration_reviews",
            {
                "call": Column("text", "call", since=2),
                "agreement": Column("double precision", "agreement", since=2),
                "at": Column("timestamptz", "at", since=2),
            },
            since=2,
        ),
        KindTable(
            "quality_reviews",
            {
                "review_case": Column("text", "case", since=2),  # `case` is SQL's own word
                "total": Column("double precision", "total", since=2),
            },
            since=2,
        ),
        KindTable(
            "certificates",
            {
                "person": Column("text", "person"),
                "track": Column("text", "track"),
                "issued_at": Column("timestamptz", "issued_at"),
                "revoked_at": Column("timestamptz", "revoked_at"),
            },
            ("person",),
        ),
        KindTable(
            "mentorships",
            {"mentor": Column("text", "mentor"), "mentee": Column("text", "mentee")},
            ("mentor", "mentee"),
        ),
        KindTable(
            "mentor_notes",
            {"mentor": Column("text", "mentor"), "mentee": Column("text", "mentee")},
            ("mentee",),
        ),
        KindTable(
            "audit",
            {
                "at": Column("timestamptz", "at"),
                "actor": Column("text", "actor"),
                "action": Column("text", "action"),
                "subject": Column("text", "subject"),
            },
            ("subject",),
        ),
    )
}
SHARED_TABLE = "records"


def _table_sql(name: str, columns: dict[str, Column], indexes: tuple[str, ...]) -> str:
    extra = "".join(f", {column_name} {c.sql_type}" for column_name, c in columns.items())
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
        _table_sql(table.name, table.columns_since(1), table.indexes)
        for table in KIND_TABLES.values()
        if table.since == 1
    ]
    return ";\n".join(
        [
            "CREATE SEQUENCE record_order",
            *tables,
        ]
    )


def _summary_columns() -> str:
    """Version 2: the columns the gradebook sums over (a sitting's score, a run's total; the
    lessons, calibration and quality reviews move to tables of their own), so its queries
    never open the records' JSON, filled from the records already stored."""
    statements = []
    for table in KIND_TABLES.values():
        added = table.columns_since(2)
        if table.since == 2:
            columns = ", ".join(added)
            values = ", ".join(column.sql_from_data() for column in added.values())
            statements.append(_table_sql(table.name, added, table.indexes))
            statements.append(
                f"INSERT INTO {table.name} (scope, kind, id, seq, data, {columns}) "
                f"SELECT scope, kind, id, seq, data, {values} FROM {SHARED_TABLE} "
                f"WHERE kind = '{table.name}'"
            )
            statements.append(f"DELETE FROM {SHARED_TABLE} WHERE kind = '{table.name}'")
        elif added:
            columns = ", ".join(f"ADD COLUMN {name} {c.sql_type}" for name, c in added.items())
            filled = ", ".join(f"{name} = {c.sql_from_data()}" for name, c in added.items())
            statements.append(f"ALTER TABLE {table.name} {columns}")
            statements.append(f"UPDATE {table.name} SET {filled}")
    return ";\n".join(statements)


MIGRATIONS: tuple[Callable[[], str], ...] = (_first_schema, _summary_columns)
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
        return list(self.all_of(model)[model.table])

    def all_of(self, *models: type[Record]) -> dict[str, list[Any]]:
        with self.store.connection() as connection:
            return {
                model.table: [
                    self.validated_text(model, text)
                    for (text,) in connection.execute(
                        f"SELECT data::text FROM {_table_of(model.table)[0]} "
                        "WHERE scope = %s AND kind = %s ORDER BY seq",
                        (self.scope, model.table),
                    ).fetchall()
                ]
                for model in models
            }

    def validated_text(self, model: type[RecordT], text: str) -> RecordT:
        """A record from its JSON text, parsed and validated in one pass (a roster of 10,000
        people in half the time of parsing, then validating); anything wrong is named the
        careful way (`_validated`)."""
        from pydantic import ValidationError

        try:
            return model.model_validate_json(text)
        except ValidationError:
            return self._validated(model, json.loads(text))

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
        """Read, change and write one record as its one writer; None when it does not exist.

        The write applies only if the row is still as it was read (its `xmin`: the transaction
        that wrote it last); if another session wrote it meanwhile, it is read and changed
        again, so `change` must decide from the record it is given. A row this process wrote
        last is remembered (`PostgresStore.written`) and changed without reading it first:
        saving an exam answer is then one statement and its commit. (A row lock needs BEGIN,
        SELECT, write and COMMIT, four round trips: 2.3-2.6 times a bare INSERT and COMMIT.)"""
        name, _ = _table_of(model.table)
        key = (self.scope, model.table, record_id)
        remembered = self.store.written.get(key)
        with self.store.connection() as connection:
            while True:
                if remembered is not None:
                    version, row = remembered
                else:
                    found = connection.execute(
                        f"SELECT data, xmin::text FROM {name} WHERE scope = %s AND kind = %s "
                        "AND id = %s",
                        key,
                    ).fetchone()
                    if found is None:
                        self.store.written.forget(key)
                        return None
                    row, version = dict(found[0]), found[1]
                try:
                    changed = change(self._validated(model, row))
                except Exception:
                    if remembered is None:
                        raise
                    remembered = None  # decided on what this process last wrote: read it
                    continue
                stored = self._writable(changed)
                _, columns, values = _columns(model.table, stored)
                written = connection.execute(
                    f"UPDATE {name} SET {', '.join(f'{c} = %s' for c in columns)} "
                    "WHERE scope = %s AND kind = %s AND id = %s AND xmin = %s::xid "
                    "RETURNING xmin::text",
                    (*values, *key, version),
                ).fetchone()
                if written is not None:
                    self.store.written.keep(key, written[0], stored)
                    return changed
                remembered = None  # written by another session meanwhile: read it again

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
    connection: Connection[Any], scope: str, kind: str, record_id: str
) -> dict[str, Any] | None:
    name, _ = _table_of(kind)
    found = connection.execute(
        f"SELECT data FROM {name} WHERE scope = %s AND kind = %s AND id = %s",
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
        for column_name, column in table.columns.items():
            columns.append(column_name)
            values.append(column.of(row))
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


# What `PostgresStore.summaries_of` asks: `storage.summary.summarize` in SQL. Equal times keep
# the write order (`seq`), as the embedded store keeps the file's order.

_LESSONS_SUMMARY = """
SELECT scope, track, array_agg(lesson), max(done_at)
FROM lessons_done WHERE scope = ANY(%b)
GROUP BY 1, 2"""

_SITTINGS_SUMMARY = """
SELECT scope, track,
    max(score) FILTER (WHERE NOT practice AND score IS NOT NULL),
    (array_agg(score ORDER BY started_at DESC, seq DESC)
        FILTER (WHERE NOT practice AND score IS NOT NULL))[1],
    count(*)::int,
    max(submitted_at)
FROM exam_attempts WHERE scope = ANY(%b)
GROUP BY 1, 2"""

_RUNS_SUMMARY = """
SELECT scope, scenario,
    max(total) FILTER (WHERE mode = 'exam' AND total IS NOT NULL),
    coalesce(bool_or(passed), false),
    count(*)::int,
    max(last_turn_at)
FROM roleplay_runs WHERE scope = ANY(%b)
GROUP BY 1, 2"""

_CALIBRATION_SUMMARY = """
SELECT scope, call, (array_agg(agreement ORDER BY at, seq))[1]
FROM calibration_reviews WHERE scope = ANY(%b)
GROUP BY 1, 2"""

_QUALITY_SUMMARY = """
SELECT scope, review_case, max(total)
FROM quality_reviews WHERE scope = ANY(%b)
GROUP BY 1, 2"""


PARALLEL_SUMMARIES_FROM = 200
"""From this many people on, the summary queries run side by side (below, starting the
threads costs more than it saves)."""


class WrittenRows:
    """The rows this process wrote last with `update`, each with its `xmin`, so the next
    change of the same row can skip reading it: the write still checks the `xmin`, so a row
    written by anyone else since is read again, never overwritten. Bounded by the rows
    being worked on at once (a sitting or a run a learner is in), the oldest let go: a
    role-play run with its scenario snapshot is tens of kilobytes."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._rows: OrderedDict[tuple[str, str, str], tuple[str, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> tuple[str, dict[str, Any]] | None:
        with self._lock:
            return self._rows.get(key)

    def keep(self, key: tuple[str, str, str], version: str, row: dict[str, Any]) -> None:
        with self._lock:
            self._rows[key] = (version, row)
            self._rows.move_to_end(key)
            while len(self._rows) > self._size:
                self._rows.popitem(last=False)

    def forget(self, key: tuple[str, str, str]) -> None:
        with self._lock:
            self._rows.pop(key, None)


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
        self.written = WrittenRows()
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
                    f"SELECT scope, data::text FROM {name} WHERE scope = ANY(%s) AND kind = %s "
                    "ORDER BY seq",
                    (person_ids, model.table),
                )
                for scope, text in cursor.fetchall():
                    found[scope][model.table].append(readers[scope].validated_text(model, text))
        return found

    def summaries_of(self, person_ids: list[str]) -> dict[str, PersonSummary]:
        """Several people's summaries (`storage.summary`), summed up by the server: one query
        a kind of record, grouped by person and by track, scenario, call or case, over the
        real columns (a learner's role-play transcripts are never sent, nor opened)."""
        from trainer.storage.summary import ExamFigures, PersonSummary, ScenarioFigures

        lessons: dict[str, dict[str, frozenset[str]]] = {pid: {} for pid in person_ids}
        exams: dict[str, dict[str, ExamFigures]] = {pid: {} for pid in person_ids}
        scenarios: dict[str, dict[str, ScenarioFigures]] = {pid: {} for pid in person_ids}
        calibrations: dict[str, dict[str, float]] = {pid: {} for pid in person_ids}
        reviews: dict[str, dict[str, float]] = {pid: {} for pid in person_ids}
        latest: dict[str, list[dt.datetime]] = {pid: [] for pid in person_ids}
        lesson_rows, sitting_rows, run_rows, calibration_rows, review_rows = self._summary_rows(
            person_ids
        )
        for scope, track, done, last in lesson_rows:
            lessons[scope][track] = frozenset(done)
            latest[scope].append(last)
        for scope, track, best, last_score, sittings, last in sitting_rows:
            exams[scope][track] = ExamFigures(best, last_score, sittings)
            if last is not None:
                latest[scope].append(last)
        for scope, scenario, best, drilled, runs, last in run_rows:
            scenarios[scope][scenario] = ScenarioFigures(best, drilled, runs)
            if last is not None:
                latest[scope].append(last)
        for scope, call, agreement in calibration_rows:
            calibrations[scope][call] = agreement
        for scope, case, best in review_rows:
            reviews[scope][case] = best
        return {
            pid: PersonSummary(
                pid,
                lessons[pid],
                exams[pid],
                scenarios[pid],
                calibrations[pid],
                reviews[pid],
                max(latest[pid], default=None),
            )
            for pid in person_ids
        }

    def _summary_rows(self, person_ids: list[str]) -> list[list[Any]]:
        """The rows of each summary query. For many people each query has a connection of its
        own and they run at once: the server sums the kinds side by side (10,000 learners'
        in about half the time of one after the other)."""
        queries = (
            _LESSONS_SUMMARY,
            _SITTINGS_SUMMARY,
            _RUNS_SUMMARY,
            _CALIBRATION_SUMMARY,
            _QUALITY_SUMMARY,
        )

        def rows_of(query: str) -> list[Any]:
            with self.connection() as connection:
                return connection.execute(query, (person_ids,)).fetchall()

        if len(person_ids) < PARALLEL_SUMMARIES_FROM:
            with self.connection() as connection:
                return [connection.execute(q, (person_ids,)).fetchall() for q in queries]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(len(queries), thread_name_prefix="summary") as workers:
            return list(workers.map(rows_of, queries))

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
