"""Benchmark: saving one exam answer on both stores, as history and the organisation grow.

For each store (the data folder, and PostgreSQL when TRAINER_BENCH_DATABASE_URL or
TRAINER_TEST_DATABASE_URL names a database this may make schemas in), four organisations:
10 or 10,000 learners, the measured learner with 10 or 1,000 earlier exam attempts. The
operation is `Exams.answer` through the services, as the exam screen calls it. Each figure is
a ratio to a baseline measured in the same run:

- PostgreSQL: one answer / a bare single-row INSERT and COMMIT on the same server
  (goal: at most 2, and flat in history and organisation size);
- the data folder: one answer / a bare `json.dumps` of the person's file plus an atomic,
  fsynced write of it (what serialising and storing the file costs; goal: at most 2) —
  the folder store rewrites the person's file, so it grows with history by design, but not
  with the organisation.

And the gradebook of 10,000 learners on PostgreSQL (`Gradebook.rows`: every learner's final
assessment on their current track), each learner holding the demo's certified learner's
records (goal: at most 1 s), against a bare `SELECT` of those records' JSON: what reading
every record would cost before anything is computed, and what the summary queries
(`PostgresStore.summaries_of`) avoid.

Run: python bench/database.py [--repeat N] [--gradebook N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from trainer.content.loader import load_library
from trainer.locations import bundled_content_root
from trainer.services.accounts import hash_password
from trainer.services.exams import Exams
from trainer.settings import Settings
from trainer.storage.files import atomic_write_json
from trainer.storage.postgres import KIND_TABLES
from trainer.storage.records import ExamAttempt, Organisation, Person

TRACK = "frontline"
LEARNER = "p0"


def _people(count: int) -> list[dict[str, Any]]:
    password = hash_password("benchmark")
    return [
        Person(
            id=f"p{n}", name=f"学员{n}", roles=["learner"], tracks=[TRACK], password_hash=password
        ).to_json()
        for n in range(count)
    ]


def _history(count: int, question_ids: list[str]) -> list[dict[str, Any]]:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return [
        ExamAttempt(
            id=f"old-{n}",
            track=TRACK,
            seed=n,
            question_ids=question_ids,
            answers=dict.fromkeys(question_ids, 1),
            marks=dict.fromkeys(question_ids, 1.0),
            started_at=start,
            submitted_at=start,
            score=75.0,
            practice=True,  # practice sets: history without using up the attempt limit
        ).to_json()
        for n in range(count)
    ]


def build_folder(root: Path, people: list[dict[str, Any]], history: list[dict[str, Any]]) -> None:
    organisation = Organisation(name="基准").to_json()
    atomic_write_json(
        root / "roster.json",
        {
            "organisation": {"1": organisation},
            "people": {str(n + 1): row for n, row in enumerate(people)},
        },
    )
    (root / "people").mkdir(exist_ok=True)
    attempts = {str(n + 1): row for n, row in enumerate(history)}
    atomic_write_json(root / "people" / f"{LEARNER}.json", {"exam_attempts": attempts})


def build_database(url: str, people: list[dict[str, Any]], history: list[dict[str, Any]]) -> str:
    """A fresh schema holding the organisation; returns the URL that opens it."""
    import psycopg
    from psycopg.types.json import Jsonb

    from trainer.storage.postgres import upgrade

    schema = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    scoped = f"{url}{separator}options=-csearch_path%3D{schema}"
    with psycopg.connect(scoped, autocommit=True) as connection:
        upgrade(connection)
        with connection.transaction(), connection.cursor() as cursor:
            organisation = Organisation(name="基准").to_json()
            cursor.execute(
                "INSERT INTO records (scope, kind, id, data) VALUES ('roster', 'organisation', "
                "'organisation', %s)",
                (Jsonb(organisation),),
            )
            with cursor.copy("COPY people (scope, kind, id, data, name) FROM STDIN") as copy:
                for row in people:
                    copy.write_row(("roster", "people", row["id"], json.dumps(row), row["name"]))
            with cursor.copy(
                "COPY exam_attempts (scope, kind, id, data, track) FROM STDIN"
            ) as copy:
                for row in history:
                    copy.write_row((LEARNER, "exam_attempts", row["id"], json.dumps(row), TRACK))
    return scoped


def drop_schema(url: str, scoped: str) -> None:
    import psycopg

    schema = scoped.rsplit("%3D", 1)[1]
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA {schema} CASCADE")


def time_interleaved(exams: Exams, learner: Person, repeat: int, bare: Any) -> tuple[float, float]:
    """Median seconds to save one answer in an open sitting, and of `bare()`, the two taken
    in turn so that a busy moment of the machine weighs on both alike."""
    attempt = exams.start(learner, TRACK)
    keys = attempt.question_ids
    answers, bares = [], []
    for n in range(repeat):
        start = time.perf_counter()
        exams.answer(learner, attempt.id, keys[n % len(keys)], 1, position=n % len(keys))
        answers.append(time.perf_counter() - start)
        bares.append(bare(n))
    exams.submit(learner, attempt.id)
    return statistics.median(answers), statistics.median(bares)


class BareInsert:
    """A single-row INSERT and COMMIT into a logged table of the same server (a TEMP table's
    COMMIT writes no WAL, so it would not wait for the disk as the store does)."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.connection = psycopg.connect(url, autocommit=True)
        self.connection.execute("CREATE TABLE bare (id text PRIMARY KEY, data jsonb)")

    def __call__(self, n: int) -> float:
        start = time.perf_counter()
        with self.connection.transaction():
            self.connection.execute("INSERT INTO bare VALUES (%s, %s)", (f"r{n}", '{"a": 1}'))
        return time.perf_counter() - start

    def close(self) -> None:
        self.connection.close()


class BareFileWrite:
    """`json.dumps` of the person's file and an fsynced write of it: what storing it costs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.target = path.with_name("bare.json")

    def __call__(self, n: int) -> float:
        start = time.perf_counter()
        text = json.dumps(self._data(), ensure_ascii=False)
        with open(self.target, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        return time.perf_counter() - start

    def _data(self) -> Any:
        if not hasattr(self, "_cached"):
            self._cached = json.loads(self.path.read_text(encoding="utf-8"))
        return self._cached


def gradebook_on_postgres(url: str, learners: int, repeat: int) -> None:
    """The gradebook over `learners` learners each holding the demo's certified learner's
    records (role-play runs without their scenario snapshots), on a fresh schema."""
    import psycopg

    from trainer.services.certificates import operator
    from trainer.services.context import open_context
    from trainer.services.demo import build_demo

    with tempfile.TemporaryDirectory() as folder:
        demo = open_context(Settings(data_dir=Path(folder), language="en"))
        build_demo(demo.store, demo.library)
        template = json.loads(demo.store.person_file("zhao-lei").path.read_text())
        boss = demo.store.person("chen-jing")
        assert boss is not None
    scoped = build_database(url, [], [])
    try:
        with (
            psycopg.connect(scoped, autocommit=True) as connection,
            connection.transaction(),
            connection.cursor() as cursor,
        ):
            with cursor.copy("COPY people (scope, kind, id, data, name) FROM STDIN") as copy:
                for n in range(learners):
                    person = boss.model_copy(
                        update={
                            "id": f"p{n}",
                            "name": f"学员{n:05d}",
                            "roles": ["learner"],
                            "tracks": ["frontline"],
                        }
                    ).to_json()
                    copy.write_row(("roster", "people", person["id"], json.dumps(person), ""))
            for table in ("lessons_done", "exam_attempts", "roleplay_runs"):
                with cursor.copy(f"COPY {table} (scope, kind, id, data) FROM STDIN") as copy:
                    for n in range(learners):
                        for row in template.get(table, {}).values():
                            row = (
                                {**row, "scenario_snapshot": None}
                                if table == "roleplay_runs"
                                else row
                            )
                            copy.write_row((f"p{n}", table, row["id"], json.dumps(row)))
            for kind in KIND_TABLES.values():  # COPY wrote the JSON; the columns come from it
                filled = ", ".join(f"{n} = {c.sql_from_data()}" for n, c in kind.columns.items())
                cursor.execute(f"UPDATE {kind.name} SET {filled}")
            cursor.execute("ANALYZE")
        with tempfile.TemporaryDirectory() as folder:
            context = open_context(
                Settings(data_dir=Path(folder), language="en", database_url=scoped)
            )
            context.library  # noqa: B018 - loaded before timing, as at sign-in
            trainer = operator()
            assert len(context.gradebook.rows(trainer)) == learners
            times, bares = [], []
            with psycopg.connect(scoped, autocommit=True) as bare:
                for _ in range(repeat):
                    start = time.perf_counter()
                    context.gradebook.rows(trainer)
                    times.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    for name in ("people", "lessons_done", "exam_attempts", "roleplay_runs"):
                        bare.execute(f"SELECT data FROM {name}").fetchall()
                    bares.append(time.perf_counter() - start)
            context.store.close()  # type: ignore[attr-defined]
        ours, baseline = statistics.median(times), statistics.median(bares)
        print(
            f"  gradebook of {learners} learners on PostgreSQL: {ours * 1000:.0f} ms = "
            f"{ours / baseline:.2f} x a bare SELECT of their records ({baseline * 1000:.0f} ms; "
            "goal <= 1 s)"
        )
    finally:
        drop_schema(url, scoped)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--learners", type=int, nargs=2, default=[10, 10_000])
    parser.add_argument("--history", type=int, nargs=2, default=[10, 1_000])
    parser.add_argument("--gradebook", type=int, default=10_000, help="learners (0: skip)")
    arguments = parser.parse_args()
    url = os.environ.get("TRAINER_BENCH_DATABASE_URL") or os.environ.get(
        "TRAINER_TEST_DATABASE_URL", ""
    )
    library = load_library([bundled_content_root()])
    track = library.track(TRACK)
    assert track is not None and track.exam is not None
    question_ids = [f"frontline_core:q{n}" for n in range(50)]
    everyone = _people(max(arguments.learners))

    print(f"saving one exam answer, median of {arguments.repeat}")
    for learners in arguments.learners:
        for earlier in arguments.history:
            people, history = everyone[:learners], _history(earlier, question_ids)
            with tempfile.TemporaryDirectory() as folder:
                root = Path(folder)
                build_folder(root, people, history)
                settings = Settings(data_dir=root)
                from trainer.services.context import open_store

                store = open_store(settings)
                learner = store.person(LEARNER)
                assert learner is not None
                bare_write = BareFileWrite(root / "people" / f"{LEARNER}.json")
                bare_write._data()
                answer, bare = time_interleaved(
                    Exams(store, library), learner, arguments.repeat, bare_write
                )
                print(
                    f"  folder     {learners:>6} learners {earlier:>5} earlier attempts: "
                    f"{answer * 1000:7.2f} ms = {answer / bare:5.2f} x writing the file "
                    f"({bare * 1000:.2f} ms)"
                )
            if not url:
                continue
            scoped = build_database(url, people, history)
            try:
                from trainer.storage.postgres import PostgresStore

                with tempfile.TemporaryDirectory() as folder:
                    store = PostgresStore(scoped, Path(folder))
                    learner = store.person(LEARNER)
                    assert learner is not None
                    bare_insert = BareInsert(scoped)
                    answer, bare = time_interleaved(
                        Exams(store, library), learner, arguments.repeat, bare_insert
                    )
                    bare_insert.close()
                    store.close()
                print(
                    f"  postgresql {learners:>6} learners {earlier:>5} earlier attempts: "
                    f"{answer * 1000:7.2f} ms = {answer / bare:5.2f} x INSERT+COMMIT "
                    f"({bare * 1000:.2f} ms; goal <= 2)"
                )
            finally:
                drop_schema(url, scoped)
    if not url:
        print("  (PostgreSQL skipped: set TRAINER_BENCH_DATABASE_URL)")
    elif arguments.gradebook:
        gradebook_on_postgres(url, arguments.gradebook, max(1, arguments.repeat // 10))


if __name__ == "__main__":
    main()
